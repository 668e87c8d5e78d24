/* procfs internals: the generated files and the pseudo-filesystem glue. */
#ifndef GLASS_PROC_INTERNAL_H
#define GLASS_PROC_INTERNAL_H

#include <glass/fs.h>
#include <glass/proc_fs.h>
#include <glass/sched.h>

/* Writes a file's text for task t (NULL for global files) into buf and
 * returns its length, at most size - 1. */
typedef int (*proc_show_t)(struct task_struct *t, char *buf, size_t size);

/* Small growable text buffer the show functions append to. */
struct pbuf {
	char *buf;
	size_t size, len;
};
__printf(2, 3) void pb_printf(struct pbuf *pb, const char *fmt, ...);

int proc_meminfo_show(struct task_struct *t, char *buf, size_t size);
int proc_uptime_show(struct task_struct *t, char *buf, size_t size);
int proc_version_show(struct task_struct *t, char *buf, size_t size);
int proc_cmdline_show(struct task_struct *t, char *buf, size_t size);
int proc_stat_show(struct task_struct *t, char *buf, size_t size);
int proc_loadavg_show(struct task_struct *t, char *buf, size_t size);
int proc_glass_stats_show(struct task_struct *t, char *buf, size_t size);
int proc_pid_statm_show(struct task_struct *t, char *buf, size_t size);
int proc_pid_cmdline_show(struct task_struct *t, char *buf, size_t size);
int proc_pid_environ_show(struct task_struct *t, char *buf, size_t size);

/* An entry of a directory of static entries. */
struct proc_entry {
	const char *name;
	umode_t mode;
	proc_show_t show;                       /* regular files */
	const struct proc_entry *children;      /* directories */
	int nchildren;
	int (*link)(struct task_struct *t, struct path *out);   /* magic links */
	int (*store)(const char *buf);          /* writable files (sysctls) */
	const struct file_operations *fops;     /* files with their own (mem) */
};

/* root.c: the core. */
struct inode *proc_make_inode(struct super_block *sb, const struct proc_entry *e, ino_t ino);
bool proc_parse_uint(const char *s, unsigned long *v);

/* root.c: is name one of /proc's static entries? */
bool proc_static_name(const char *name);

/* generic.c: entries made at run time (glass/proc_fs.h), in slots listed
 * after the static entries, with inode numbers PROC_PDE_INO + slot. */
#define PROC_PDE_SLOTS 64
#define PROC_PDE_INO 192
/* The inode of the entry called name (a new one, holding the entry). */
struct inode *proc_pde_lookup(struct super_block *sb, const char *name);
/* List the entries at positions first..first + PROC_PDE_SLOTS - 1;
 * false when the caller's buffer is full. */
bool proc_pde_readdir(struct dir_context *ctx, int first);
/* An inode goes: drop what it held of its entry. */
void proc_pde_evict(struct inode *inode);

/* base.c: the pid directories. */
extern const struct proc_entry pid_dir_entry;
extern const struct inode_operations proc_fd_iops;
extern const struct file_operations proc_fd_fops;
/* The inode of /proc/<name> if name is a live process's pid, else NULL. */
struct inode *proc_pid_lookup(struct inode *dir, const char *name);
/* List the processes after root's nents static entries. */
int proc_pid_readdir(struct dir_context *ctx, int nents);

/* Read len bytes at addr of t's address space (the task's own pages). */
int access_process_vm(struct task_struct *t, unsigned long addr, void *buf, int len);

#endif

/*
 * procfs entries made at run time, as Linux's <linux/proc_fs.h>: a driver
 * or module adds /proc/NAME with its own operations (proc_create) or with
 * one show function (proc_create_single, glass/seq_file.h), and removes
 * it with proc_remove. Only entries directly in /proc: parent must be
 * NULL (there is no proc_mkdir yet).
 *
 * Removal is safe against open files, as Linux's: proc_remove waits for
 * calls into the entry's operations that are asleep, runs proc_release
 * for each file still open, and later calls on those files fail with
 * EIO, so a module may be unloaded while a reader holds its file open.
 * CPU thread, task context.
 */
#ifndef GLASS_PROC_FS_H
#define GLASS_PROC_FS_H

#include <glass/fs.h>

struct seq_file;

struct proc_ops {
	int (*proc_open)(struct inode *, struct file *);
	ssize_t (*proc_read)(struct file *, char __user *, size_t, loff_t *);
	ssize_t (*proc_write)(struct file *, const char __user *, size_t, loff_t *);
	loff_t (*proc_lseek)(struct file *, loff_t, int);
	int (*proc_release)(struct inode *, struct file *);
	unsigned int (*proc_poll)(struct file *, struct poll_table_struct *);
	long (*proc_ioctl)(struct file *, unsigned int, unsigned long);
};

struct proc_dir_entry;

/* The new entry, or NULL: the name is taken, too long, no slot is left,
 * parent is not NULL, or no memory. data is what pde_data() returns. */
struct proc_dir_entry *proc_create_data(const char *name, umode_t mode,
					struct proc_dir_entry *parent,
					const struct proc_ops *ops, void *data);
struct proc_dir_entry *proc_create(const char *name, umode_t mode,
				   struct proc_dir_entry *parent,
				   const struct proc_ops *ops);
struct proc_dir_entry *proc_create_single_data(const char *name, umode_t mode,
					       struct proc_dir_entry *parent,
					       int (*show)(struct seq_file *, void *),
					       void *data);
#define proc_create_single(name, mode, parent, show) \
	proc_create_single_data(name, mode, parent, show, NULL)
/* The data given at creation, from the entry's inode. */
void *pde_data(const struct inode *inode);
void proc_remove(struct proc_dir_entry *pde);
void remove_proc_entry(const char *name, struct proc_dir_entry *parent);

/* The text of task t's /proc/PID/{stat,status,comm,maps} into buf, at
 * most size - 1 bytes: its length (procfs, and ptproxy's answers to a
 * host tool, kernel/proc/ptproxy.c). */
struct task_struct;
int proc_pid_stat_show(struct task_struct *t, char *buf, size_t size);
int proc_pid_status_show(struct task_struct *t, char *buf, size_t size);
int proc_pid_comm_show(struct task_struct *t, char *buf, size_t size);
int proc_pid_maps_show(struct task_struct *t, char *buf, size_t size);

#endif

/* procfs internals: the generated files and the pseudo-filesystem glue. */
#ifndef GLASS_PROC_INTERNAL_H
#define GLASS_PROC_INTERNAL_H

#include <glass/fs.h>
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
int proc_pid_stat_show(struct task_struct *t, char *buf, size_t size);
int proc_pid_statm_show(struct task_struct *t, char *buf, size_t size);
int proc_pid_status_show(struct task_struct *t, char *buf, size_t size);
int proc_pid_cmdline_show(struct task_struct *t, char *buf, size_t size);
int proc_pid_environ_show(struct task_struct *t, char *buf, size_t size);
int proc_pid_comm_show(struct task_struct *t, char *buf, size_t size);
int proc_pid_maps_show(struct task_struct *t, char *buf, size_t size);

/* Read len bytes at addr of t's address space (the task's own pages). */
int access_process_vm(struct task_struct *t, unsigned long addr, void *buf, int len);


#endif

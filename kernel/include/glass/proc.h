/* Guest processes: exec, fork, exit, and the trap path (kernel/proc). */
#ifndef GLASS_PROC_H
#define GLASS_PROC_H

#include <glass/sched.h>

struct mm_struct;

/* entry.c */
extern unsigned long syscall_count, fault_count, tick_count;
void save_fpstate(struct mm_struct *mm);

/* exit.c */
void release_task(struct task_struct *t);
/* Reparent t's children to init (pid 1). */
void forget_original_parent(struct task_struct *t);
/* Wake a parent blocked in vfork() on its child. */
void mm_release_vfork(struct task_struct *t);

/* signal.c */
void signals_init_task(struct task_struct *t);
/*
 * A process (group leader t, whole group dead) tells its parent it
 * exited: sig (t->exit_signal) with CLD_EXITED/KILLED/DUMPED from
 * t->exit_code, and a wake-up of the parent's wait_chldexit. Returns true
 * when the parent ignores SIGCHLD or set SA_NOCLDWAIT: nobody will wait
 * for t, and the caller must release_task(t) itself (autoreap).
 */
bool do_notify_parent(struct task_struct *t, int sig);
void flush_signal_handlers(struct task_struct *t);  /* exec */
int copy_sighand_signal(unsigned long clone_flags, struct task_struct *p);
void exit_signals(struct task_struct *t);

/* sys.c: the uname fields (sysname, nodename, release, version, machine),
 * plain reads for the monitor; the node name; Glass's version line. */
void uts_fields(const char *f[5]);
const char *uts_nodename(void);
const char *glass_version_string(void);

/* wait4 for a kernel thread under set_fs(KERNEL_DS) (the ptproxy
 * tracer); options as <uapi/wait.h>. */
long kernel_wait4(pid_t upid, int *status, int options);

#endif

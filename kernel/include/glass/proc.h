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
/* Child exit/stop/continue notification: SIGCHLD and the wait queue. */
void do_notify_parent(struct task_struct *t, int sig);
void flush_signal_handlers(struct task_struct *t);  /* exec */
int copy_sighand_signal(unsigned long clone_flags, struct task_struct *p);
void exit_signals(struct task_struct *t);

/* console (drivers) */
void console_init(void);
void console_open_init_fds(void);

#endif

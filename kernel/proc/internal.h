/* Shared between the files of kernel/proc, not beyond. */
#ifndef GLASS_KERNEL_PROC_INTERNAL_H
#define GLASS_KERNEL_PROC_INTERNAL_H

#include <glass/proc.h>

/* signal.c, for the signal syscalls in signal_sys.c. */
int send_signal(int sig, kernel_siginfo_t *info, struct task_struct *t,
		bool group, bool force);
void flush_group_mask(struct task_struct *p, unsigned long mask);
bool sigkill_pending(struct task_struct *t);

#endif

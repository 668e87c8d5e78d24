/* The tracer's hooks for unit tests of code that calls them (the
 * scheduler, signals): tracing stays off, trace_mask 0, so no hook's body
 * is ever reached. */
#include <stdlib.h>

#define sigset_t kernel_sigset_t        /* the kernel's, beside libc's */
#include <glass/trace.h>
#undef sigset_t

unsigned int trace_mask;

void __trace_sched_switch(struct task_struct *prev, struct task_struct *next, bool preempted)
{
	abort();
}

void __trace_sched_wakeup(struct task_struct *t)
{
	abort();
}

void __trace_signal_generate(int sig, const kernel_siginfo_t *info, struct task_struct *t,
			     enum trace_sig_result result)
{
	abort();
}

void __trace_signal_deliver(int sig, const kernel_siginfo_t *info, enum trace_sig_action action)
{
	abort();
}

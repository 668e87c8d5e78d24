/*
 * The tracer's hooks (kernel/trace/README.md): syscall entry and exit,
 * page faults, and with `trace sched` context switches, wakeups, signals,
 * fork, exec and exit. Each hook is an inline test of one bit of
 * trace_mask, so with tracing off a hot path pays one predictable branch;
 * the out-of-line __trace_* functions apply the selection (pid, comm,
 * syscall filter) and write a record (trace/trace.h) into the ring
 * buffer. CPU thread.
 */
#ifndef GLASS_TRACE_H
#define GLASS_TRACE_H

#include <glass/signal.h>
#include <trace/trace.h>

struct pt_regs;
struct task_struct;

/* The event sources, trace_mask's bits. */
#define TRACE_SYSCALLS 0x1
#define TRACE_FAULTS 0x2
#define TRACE_SCHED 0x4

extern unsigned int trace_mask;

void __trace_syscall_enter(struct pt_regs *regs);
void __trace_syscall_exit(struct pt_regs *regs);
void __trace_page_fault(unsigned long addr, unsigned long ip, int fault_flags,
			int result, int si_code, unsigned long round_trips);
void __trace_sched_switch(struct task_struct *prev, struct task_struct *next,
			  bool preempted);
void __trace_sched_wakeup(struct task_struct *t);
void __trace_signal_generate(int sig, const kernel_siginfo_t *info,
			     struct task_struct *t, enum trace_sig_result result);
void __trace_signal_deliver(int sig, const kernel_siginfo_t *info,
			    enum trace_sig_action action);
void __trace_task_fork(struct task_struct *child, unsigned long clone_flags);
void __trace_task_exec(const char *filename);
void __trace_task_exit(int status);

static inline void trace_syscall_enter(struct pt_regs *regs)
{
	if (unlikely(trace_mask & TRACE_SYSCALLS))
		__trace_syscall_enter(regs);
}

/* After the result is in regs->ax (or the registers were replaced). */
static inline void trace_syscall_exit(struct pt_regs *regs)
{
	if (unlikely(trace_mask & TRACE_SYSCALLS))
		__trace_syscall_exit(regs);
}

/* result: handle_mm_fault's (an enum fault_outcome, or -errno);
 * round_trips: the host hand-offs the fault cost. */
static inline void trace_page_fault(unsigned long addr, unsigned long ip, int fault_flags,
				    int result, int si_code, unsigned long round_trips)
{
	if (unlikely(trace_mask & TRACE_FAULTS))
		__trace_page_fault(addr, ip, fault_flags, result, si_code, round_trips);
}

/* preempted: prev is still runnable and was asked to give way
 * (need_resched: the tick or a wakeup); runnable and not asked is a yield. */
static inline void trace_sched_switch(struct task_struct *prev, struct task_struct *next,
				      bool preempted)
{
	if (unlikely(trace_mask & TRACE_SCHED))
		__trace_sched_switch(prev, next, preempted);
}

/* Called while t still sleeps, so the event can name its wait channel. */
static inline void trace_sched_wakeup(struct task_struct *t)
{
	if (unlikely(trace_mask & TRACE_SCHED))
		__trace_sched_wakeup(t);
}

/* sig was sent to t, and queued, merged or ignored (result). */
static inline void trace_signal_generate(int sig, const kernel_siginfo_t *info,
					 struct task_struct *t,
					 enum trace_sig_result result)
{
	if (unlikely(trace_mask & TRACE_SCHED))
		__trace_signal_generate(sig, info, t, result);
}

/* current acts on sig: runs its handler, stops, or dies. */
static inline void trace_signal_deliver(int sig, const kernel_siginfo_t *info,
					enum trace_sig_action action)
{
	if (unlikely(trace_mask & TRACE_SCHED))
		__trace_signal_deliver(sig, info, action);
}

/* With any source on: `follow` marks the children of selected tasks. */
static inline void trace_task_fork(struct task_struct *child, unsigned long clone_flags)
{
	if (unlikely(trace_mask))
		__trace_task_fork(child, clone_flags);
}

/* With any source on: the task's new name reaches the timeline. */
static inline void trace_task_exec(const char *filename)
{
	if (unlikely(trace_mask))
		__trace_task_exec(filename);
}

/* status: the wait status do_exit got. With sched, or syscalls: strace
 * ends a task's syscalls with "+++ exited with N +++". */
static inline void trace_task_exit(int status)
{
	if (unlikely(trace_mask & (TRACE_SCHED | TRACE_SYSCALLS)))
		__trace_task_exit(status);
}

/* ---- control (kernel/trace/control.c) ---- */
/* The command line's trace= and trace_file= (setup_early, once the umid
 * directory exists and before start_kernel: from the first event on).
 * 0, or -errno with a one-line message in err. */
int trace_boot(const char *spec, const char *file, char *err, size_t errlen);
/* trace_monitor_tick and trace_exit_flush, called by kernel/os, are in
 * glass/os_upcalls.h. */

#endif

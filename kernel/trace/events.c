/*
 * The event sources behind glass/trace.h's hooks: each checks the
 * selection, builds one record (trace/trace.h) and writes it into the
 * ring. CPU thread, the ring's only writer; nothing here sleeps or
 * allocates, and a guest pointer that does not copy is recorded as such.
 */
#include <glass/mm.h>
#include <glass/sched.h>
#include <glass/timer.h>
#include <glass/uaccess.h>
#include <uapi/sched.h>
#include "internal.h"

unsigned int trace_mask;
struct trace_spec trace_active[2];
unsigned int trace_gen;
struct trace_ring trace_ring;

/* The record being built: one at a time on the one CPU thread. */
static u64 rec_buf[TRACE_REC_MAX / sizeof(u64)];

void trace_emit(const void *rec)
{
	trace_ring_write(&trace_ring, rec);
}

static void fill_hdr(struct trace_hdr *h, u8 type, u16 len, u32 pid)
{
	h->type = type;
	h->flags = 0;
	h->len = len;
	h->pid = pid;
	h->ts = ktime_get_ns();
}

/* Is t selected by spec (pid=, comm=, or a child under follow)? */
static bool selected(const struct task_struct *t, const struct trace_spec *spec)
{
	if (spec->follow && t->trace_follow == trace_gen)
		return true;
	if (spec->pid)
		return t->pid == spec->pid || t->tgid == spec->pid;
	if (spec->comm[0])
		return !strncmp(t->comm, spec->comm, TASK_COMM_LEN);
	return true;
}

static int ua_copy(void *ctx, void *dst, u64 uaddr, u32 len)
{
	return copy_from_user(dst, (const void __user *)uaddr, len) ? -EFAULT : 0;
}

static long ua_copy_str(void *ctx, char *dst, u64 uaddr, u32 len)
{
	return strncpy_from_user(dst, (const char __user *)uaddr, len);
}

static const struct trace_uaccess uaccess = { ua_copy, ua_copy_str, NULL };

void __trace_syscall_enter(struct pt_regs *regs)
{
	struct task_struct *t = current;
	unsigned long nr = regs->orig_ax;
	u64 *a = t->trace_sys_args;

	t->trace_sys_ns = 0;
	if (!selected(t, &trace_active[0]) || !trace_spec_wants(&trace_active[0], nr))
		return;
	a[0] = regs->di;
	a[1] = regs->si;
	a[2] = regs->dx;
	a[3] = regs->r10;
	a[4] = regs->r8;
	a[5] = regs->r9;
	t->trace_sys_nr = nr;
	t->trace_sys_ns = ktime_get_ns();
	if (trace_build_sys_enter(rec_buf, sizeof(rec_buf), t->pid, t->trace_sys_ns, nr, a,
				  &uaccess))
		trace_emit(rec_buf);
}

/* The exit of the syscall whose entry was traced; execve and
 * rt_sigreturn replaced the registers, so the arguments are the entry's. */
void __trace_syscall_exit(struct pt_regs *regs)
{
	struct task_struct *t = current;
	u64 now, start = t->trace_sys_ns;

	if (!start)
		return;
	t->trace_sys_ns = 0;
	now = ktime_get_ns();
	if (trace_build_sys_exit(rec_buf, sizeof(rec_buf), t->pid, now, t->trace_sys_nr,
				 t->trace_sys_args, (s64)regs->ax, now - start, &uaccess))
		trace_emit(rec_buf);
}

/* handle_mm_fault's result as the record's outcome. */
static u8 fault_outcome(int result)
{
	static const u8 outcome[] = {
		[FAULT_REMAP] = TRACE_FAULT_SPURIOUS,
		[FAULT_ZERO] = TRACE_FAULT_ZERO,
		[FAULT_ANON] = TRACE_FAULT_ANON,
		[FAULT_COW] = TRACE_FAULT_COW,
		[FAULT_REUSE] = TRACE_FAULT_REUSE,
		[FAULT_FILE_CACHED] = TRACE_FAULT_FILE_CACHED,
		[FAULT_FILE_READ] = TRACE_FAULT_FILE_READ,
	};

	if (result == -ENOMEM)
		return TRACE_FAULT_OOM;
	if (result == -EIO || result == -ENXIO)
		return TRACE_FAULT_SIGBUS;
	if (result < 0)
		return TRACE_FAULT_SIGSEGV;
	if (result & FAULT_STACK_GROWN)
		return TRACE_FAULT_STACK;
	return outcome[result & FAULT_OUTCOME_MASK];
}

void __trace_page_fault(unsigned long addr, unsigned long ip, int fault_flags,
			int result, int si_code, unsigned long round_trips)
{
	struct trace_fault *f = (struct trace_fault *)rec_buf;

	if (!selected(current, &trace_active[1]))
		return;
	fill_hdr(&f->h, TRACE_FAULT, sizeof(*f), current->pid);
	f->h.flags = (fault_flags & FAULT_FLAG_WRITE ? TRACE_ACC_WRITE :
		      fault_flags & FAULT_FLAG_EXEC ? TRACE_ACC_EXEC : TRACE_ACC_READ) |
		     (fault_flags & FAULT_FLAG_USER ? TRACE_ACC_USER : 0);
	f->addr = addr;
	f->ip = ip;
	f->outcome = fault_outcome(result);
	f->si_code = result < 0 ? si_code : 0;
	f->round_trips = min(round_trips, 0xffffUL);
	f->pad = 0;
	trace_emit(f);
}

void __trace_sched_switch(struct task_struct *prev, struct task_struct *next,
			  bool preempted)
{
	struct trace_switch *s = (struct trace_switch *)rec_buf;

	memset(s, 0, sizeof(*s));
	fill_hdr(&s->h, TRACE_SWITCH, sizeof(*s), prev->pid);
	if (prev->state == TASK_DEAD || (prev->flags & PF_EXITING))
		s->h.flags = TRACE_SW_EXIT;
	else if (prev->state == TASK_STOPPED)
		s->h.flags = TRACE_SW_STOP;
	else if (prev->state != TASK_RUNNING)
		s->h.flags = TRACE_SW_BLOCK;
	else
		s->h.flags = preempted ? TRACE_SW_PREEMPT : TRACE_SW_YIELD;
	s->next_pid = next->pid;
	strscpy(s->prev_comm, prev->comm, sizeof(s->prev_comm));
	strscpy(s->next_comm, next->comm, sizeof(s->next_comm));
	if (s->h.flags == TRACE_SW_BLOCK && prev->wchan)
		strscpy(s->wchan, prev->wchan, sizeof(s->wchan));
	trace_emit(s);
}

void __trace_sched_wakeup(struct task_struct *t)
{
	struct trace_wakeup *w = (struct trace_wakeup *)rec_buf;

	fill_hdr(&w->h, TRACE_WAKEUP, sizeof(*w), in_interrupt() ? 0 : current->pid);
	w->target = t->pid;
	w->pad = 0;
	trace_emit(w);
}

static void fill_signal(struct trace_signal *s, u8 type, u8 flags, int sig,
			const kernel_siginfo_t *info, struct task_struct *t)
{
	memset(s, 0, sizeof(*s));
	fill_hdr(&s->h, type, sizeof(*s), in_interrupt() ? 0 : current->pid);
	s->h.flags = flags;
	s->target = t->pid;
	s->sig = sig;
	s->code = info->si_code;
	switch (sig) {
	case SIGSEGV:
	case SIGBUS:
	case SIGILL:
	case SIGFPE:
		s->si_addr = (unsigned long)info->fault.addr;
		break;
	case SIGCHLD:
		s->si_status = info->chld.status;
		/* fall through */
	default:
		s->si_pid = info->kill.pid;
		s->si_uid = info->kill.uid;
	}
	trace_emit(s);
}

void __trace_signal_generate(int sig, const kernel_siginfo_t *info,
			     struct task_struct *t, enum trace_sig_result result)
{
	fill_signal((struct trace_signal *)rec_buf, TRACE_SIGNAL_GEN, result, sig, info, t);
}

void __trace_signal_deliver(int sig, const kernel_siginfo_t *info,
			    enum trace_sig_action action)
{
	fill_signal((struct trace_signal *)rec_buf, TRACE_SIGNAL_DELIVER, action, sig, info,
		    current);
}

/* Name t for the timeline (TRACE_TASK), when no fork or exec record does. */
static void emit_task(const struct task_struct *t)
{
	struct trace_task *k = (struct trace_task *)rec_buf;

	memset(k, 0, sizeof(*k));
	fill_hdr(&k->h, TRACE_TASK, sizeof(*k), t->pid);
	k->tgid = t->tgid;
	strscpy(k->comm, t->comm, sizeof(k->comm));
	trace_emit(k);
}

void trace_emit_tasks(void)
{
	struct task_struct *t;

	list_for_each_entry(t, &task_list, tasks)
		emit_task(t);
}

/* Is t traced by the syscall or the fault source? */
static bool traced(const struct task_struct *t)
{
	return ((trace_mask & TRACE_SYSCALLS) && selected(t, &trace_active[0])) ||
	       ((trace_mask & TRACE_FAULTS) && selected(t, &trace_active[1]));
}

void __trace_task_fork(struct task_struct *child, unsigned long clone_flags)
{
	struct trace_fork *f = (struct trace_fork *)rec_buf;

	for (int i = 0; i < 2; i++)
		if (trace_active[i].follow && selected(current, &trace_active[i]))
			child->trace_follow = trace_gen;
	if (!(trace_mask & TRACE_SCHED)) {
		if (traced(child))
			emit_task(child);
		return;
	}
	memset(f, 0, sizeof(*f));
	fill_hdr(&f->h, TRACE_FORK, sizeof(*f), current->pid);
	f->h.flags = !!(clone_flags & CLONE_THREAD);
	f->child = child->pid;
	f->clone_flags = clone_flags;
	strscpy(f->comm, child->comm, sizeof(f->comm));
	trace_emit(f);
}

void __trace_task_exec(const char *filename)
{
	if (!(trace_mask & TRACE_SCHED)) {
		if (traced(current))
			emit_task(current);
		return;
	}
	if (trace_build_exec(rec_buf, sizeof(rec_buf), current->pid, ktime_get_ns(),
			     current->comm, filename))
		trace_emit(rec_buf);
}

void __trace_task_exit(int status)
{
	struct trace_exit *e = (struct trace_exit *)rec_buf;

	/* strace's "+++ exited with N +++" ends a syscall trace too. */
	if (!(trace_mask & TRACE_SCHED) &&
	    !((trace_mask & TRACE_SYSCALLS) && selected(current, &trace_active[0])))
		return;
	fill_hdr(&e->h, TRACE_EXIT, sizeof(*e), current->pid);
	e->h.flags = current->signal && (current->signal->flags & SIGNAL_GROUP_EXIT);
	e->status = status;
	e->pad = 0;
	trace_emit(e);
}

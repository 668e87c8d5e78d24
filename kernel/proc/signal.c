/*
 * Signals: queues, sending, the default actions, group stop and continue,
 * and delivery on the way back to user mode (do_signal). The signal
 * syscalls are in signal_sys.c; the frame a handler runs on is built in
 * signal_frame.c; process groups and sessions live in jobctl.c; alarm and
 * itimers in itimer.c.
 *
 * Everything runs on the CPU thread. Sending may happen in interrupt
 * context (the console's ^C, a timer): it only queues and wakes, never
 * sleeps. Semantics are Linux's (kernel/signal.c), including the corners
 * guests rely on: standard signals coalesce, real-time ones queue;
 * ignored signals are discarded when sent unless blocked; SIGKILL and
 * SIGSTOP cannot be caught, blocked or ignored; init only gets signals it
 * has handlers for; a synchronous fault that is blocked or ignored kills.
 */
#include <glass/export.h>
#include <glass/mm.h>
#include <glass/proc.h>
#include <glass/sched.h>
#include <glass/syscalls.h>
#include <glass/trace.h>
#include <glass/tty.h>
#include <uapi/param.h>
#include <uapi/sched.h>
#include "internal.h"

static struct sighand_struct *alloc_sighand(void)
{
	struct sighand_struct *sh = kzalloc(sizeof(*sh), GFP_KERNEL);

	if (sh)
		sh->count = 1;
	return sh;
}

static struct signal_struct *alloc_signal_struct(void)
{
	struct signal_struct *sig = kzalloc(sizeof(*sig), GFP_KERNEL);

	if (!sig)
		return NULL;
	sig->count = 1;
	sig->live = 1;
	INIT_LIST_HEAD(&sig->shared_pending.list);
	init_waitqueue_head(&sig->wait_chldexit);
	memcpy(sig->rlim, init_rlimits, sizeof(sig->rlim));
	return sig;
}

static void flush_sigqueue(struct sigpending *p)
{
	struct sigqueue *q, *n;

	list_for_each_entry_safe(q, n, &p->list, list) {
		list_del(&q->list);
		kfree(q);
	}
	sigemptyset(&p->signal);
}

/* Drop every queued instance of the signals in mask from p. */
static void flush_sigqueue_mask(unsigned long mask, struct sigpending *p)
{
	struct sigqueue *q, *n;

	if (!(p->signal.sig & mask))
		return;
	p->signal.sig &= ~mask;
	list_for_each_entry_safe(q, n, &p->list, list) {
		if (sigmask(q->info.si_signo) & mask) {
			list_del(&q->list);
			kfree(q);
		}
	}
}

/* Iterate over the threads of t's group, t first. */
#define for_each_thread(leader, t)                                             \
	for (t = (leader); t; t = list_next_entry(t, thread_group) == (leader)   \
				   ? NULL : list_next_entry(t, thread_group))

void flush_group_mask(struct task_struct *p, unsigned long mask)
{
	struct task_struct *t;

	flush_sigqueue_mask(mask, &p->signal->shared_pending);
	for_each_thread(p, t)
		flush_sigqueue_mask(mask, &t->pending);
}

/* Fresh handlers and signal state for t (the idle task at boot, then
 * pid 1 before it execs init). */
void signals_init_task(struct task_struct *t)
{
	t->sighand = alloc_sighand();
	t->signal = alloc_signal_struct();
	if (!t->sighand || !t->signal)
		panic("signals_init_task: out of memory");
	INIT_LIST_HEAD(&t->pending.list);
	sigemptyset(&t->pending.signal);
	sigemptyset(&t->blocked);
}

/*
 * fork/clone: CLONE_SIGHAND shares the handlers, else copies them;
 * CLONE_THREAD shares the signal_struct (pending, pgrp, session, tty,
 * itimers), else the child gets its own with pgrp/session/tty inherited.
 * The child starts with nothing pending and the parent's blocked mask.
 */
int copy_sighand_signal(unsigned long clone_flags, struct task_struct *p)
{
	struct signal_struct *sig;

	if (clone_flags & CLONE_SIGHAND) {
		p->sighand = current->sighand;
		p->sighand->count++;
	} else {
		p->sighand = kmemdup(current->sighand, sizeof(*p->sighand), GFP_KERNEL);
		if (!p->sighand)
			return -ENOMEM;
		p->sighand->count = 1;
	}
	if (clone_flags & CLONE_THREAD) {
		p->signal = current->signal;
		p->signal->count++;
		p->signal->live++;
	} else {
		sig = alloc_signal_struct();
		if (!sig) {
			if (--p->sighand->count == 0)
				kfree(p->sighand);
			p->sighand = NULL;
			return -ENOMEM;
		}
		sig->pgrp = current->signal->pgrp;
		sig->session = current->signal->session;
		sig->tty = current->signal->tty;
		memcpy(sig->rlim, current->signal->rlim, sizeof(sig->rlim));
		p->signal = sig;
	}
	INIT_LIST_HEAD(&p->pending.list);
	sigemptyset(&p->pending.signal);
	p->blocked = current->blocked;
	sigemptyset(&p->real_blocked);
	p->restore_sigmask = false;
	p->jobctl = 0;
	/* Threads (CLONE_VM without CLONE_VFORK) start without an altstack. */
	if ((clone_flags & (CLONE_VM | CLONE_VFORK)) != CLONE_VM) {
		p->sas_ss_sp = current->sas_ss_sp;
		p->sas_ss_size = current->sas_ss_size;
		p->sas_ss_flags = current->sas_ss_flags;
	}
	return 0;
}

/*
 * exec: caught signals go back to SIG_DFL, ignored ones stay ignored;
 * the altstack is dropped; handlers shared with another process
 * (CLONE_SIGHAND without CLONE_THREAD) are unshared first.
 */
void flush_signal_handlers(struct task_struct *t)
{
	struct sighand_struct *sh = t->sighand;

	if (sh && sh->count > 1) {
		struct sighand_struct *n = kmemdup(sh, sizeof(*sh), GFP_KERNEL);
		if (n) {
			n->count = 1;
			sh->count--;
			t->sighand = sh = n;
		}
	}
	for (int i = 0; sh && i < _NSIG; i++) {
		struct k_sigaction *ka = &sh->action[i];
		if (ka->handler != SIG_IGN)
			ka->handler = SIG_DFL;
		ka->flags = 0;
		ka->restorer = NULL;
		sigemptyset(&ka->mask);
	}
	t->sas_ss_sp = 0;
	t->sas_ss_size = 0;
	t->sas_ss_flags = 0;
}

static void do_notify_parent_cldstop(struct task_struct *t, int why);

/* t counts itself as stopped for the group stop; the last one to do so
 * reports the stop to the parent. */
static void participate_group_stop(struct task_struct *t)
{
	struct signal_struct *sig = t->signal;

	if (!(t->jobctl & JOBCTL_STOP_PENDING))
		return;
	t->jobctl &= ~JOBCTL_STOP_PENDING;
	if (sig->group_stop_count > 0 && --sig->group_stop_count == 0) {
		sig->flags = (sig->flags & ~SIGNAL_CLD_CONTINUED) |
			     SIGNAL_STOPPED | SIGNAL_CLD_STOPPED;
		do_notify_parent_cldstop(t, CLD_STOPPED);
	}
}

/*
 * Release t's signal state: called by release_task() (and a failed
 * fork), when t will never run again. Drops t's private queue and its
 * references on sighand and signal; the last reference frees the
 * signal_struct (shared queue, itimer). When the released task is a
 * session leader, the session loses its controlling tty (SIGHUP to the
 * tty's foreground group, as Linux's disassociate_ctty on exit).
 */
void exit_signals(struct task_struct *t)
{
	struct signal_struct *sig = t->signal;
	struct sighand_struct *sh = t->sighand;

	flush_sigqueue(&t->pending);
	if (sig) {
		participate_group_stop(t);
		if (t == t->group_leader && sig->session == t->tgid && sig->tty)
			tty_session_leader_exit(sig->tty, sig->session);
		if (sig->group_exec_task == t)
			sig->group_exec_task = NULL;
		if (--sig->count == 0) {
			flush_sigqueue(&sig->shared_pending);
			if (sig->real_timer) {
				del_timer(sig->real_timer);
				kfree(sig->real_timer);
			}
			kfree(sig);
		}
	}
	if (sh && --sh->count == 0)
		kfree(sh);
	t->signal = NULL;
	t->sighand = NULL;
}

static bool has_pending_signals(const sigset_t *signal, const sigset_t *blocked)
{
	return signal->sig & ~blocked->sig;
}

/* Would t act on something now: an unblocked signal or a group stop? */
bool task_sigpending(struct task_struct *t)
{
	if (!t->signal)
		return false;
	return has_pending_signals(&t->pending.signal, &t->blocked) ||
	       has_pending_signals(&t->signal->shared_pending.signal, &t->blocked) ||
	       (t->jobctl & JOBCTL_STOP_PENDING) || (t->pt.flags & PT_TRAP_STOP);
}

bool signal_pending_current(void)
{
	return task_sigpending(current);
}
EXPORT_SYMBOL(signal_pending_current);

bool sigkill_pending(struct task_struct *t)
{
	return sigismember(&t->pending.signal, SIGKILL) ||
	       sigismember(&t->signal->shared_pending.signal, SIGKILL);
}

/* Is sig discarded on arrival at t? Blocked signals never are: the
 * handler may change before they are unblocked. */
static bool sig_ignored(struct task_struct *t, int sig, bool force)
{
	void __user *handler;

	if (sigismember(&t->blocked, sig) || sigismember(&t->real_blocked, sig))
		return false;
	/* A tracer sees even ignored signals (but SIGKILL), as Linux. */
	if (t->pt.tracer && sig != SIGKILL)
		return false;
	handler = t->sighand->action[sig - 1].handler;
	/* init: only signals it handles (SIGKILL/SIGSTOP from the kernel too). */
	if ((t->signal->flags & SIGNAL_UNKILLABLE) && handler == SIG_DFL &&
	    !(force && sig_kernel_only(sig)))
		return true;
	return handler == SIG_IGN || (handler == SIG_DFL && sig_kernel_ignore(sig));
}

/* Side effects of sending sig that happen at once, whatever is pending or
 * blocked: stop signals cancel a pending SIGCONT and SIGCONT cancels
 * pending stops and resumes a stopped group. false: do not queue. */
static bool prepare_signal(int sig, struct task_struct *p, bool force)
{
	struct signal_struct *signal = p->signal;
	struct task_struct *t;

	if (signal->flags & SIGNAL_GROUP_EXIT)
		return sig == SIGKILL;
	if (sig_kernel_stop(sig)) {
		flush_group_mask(p, sigmask(SIGCONT));
	} else if (sig == SIGCONT) {
		int why = 0;

		flush_group_mask(p, SIG_KERNEL_STOP_MASK);
		for_each_thread(p, t) {
			t->jobctl &= ~JOBCTL_STOP_PENDING;
			wake_up_state(t, TASK_STOPPED);
		}
		/* A stop that completed is reported as continued; one still
		 * under way as stopped, as Linux does. */
		if (signal->flags & SIGNAL_STOPPED)
			why = CLD_CONTINUED;
		else if (signal->group_stop_count)
			why = CLD_STOPPED;
		signal->group_stop_count = 0;
		signal->flags &= ~(SIGNAL_STOPPED | SIGNAL_CLD_STOPPED | SIGNAL_CLD_CONTINUED);
		if (why) {
			/* wait4(WCONTINUED) reports it either way. */
			signal->flags |= SIGNAL_CLD_CONTINUED;
			do_notify_parent_cldstop(p, why);
		}
		signal->group_exit_code = 0;
	}
	return !sig_ignored(p, sig, force);
}

static bool wants_signal(int sig, struct task_struct *t)
{
	if (sigismember(&t->blocked, sig))
		return false;
	if ((t->flags & PF_EXITING) || t->exit_state)
		return false;
	return sig == SIGKILL || t->state != TASK_STOPPED;
}

/* Wake a thread that will act on the new signal. */
static void complete_signal(int sig, struct task_struct *p, bool group)
{
	struct task_struct *t;

	if (sig == SIGKILL) {
		for_each_thread(p, t) {
			if (t->exit_state)
				continue;
			t->jobctl &= ~JOBCTL_STOP_PENDING;
			wake_up_state(t, TASK_INTERRUPTIBLE | TASK_STOPPED | TASK_TRACED);
		}
		return;
	}
	if (unlikely(p->pt.flags & PT_LISTENING))
		ptrace_trap_notify(p);
	if (wants_signal(sig, p)) {
		wake_up_state(p, TASK_INTERRUPTIBLE);
		return;
	}
	if (!group)
		return;
	for_each_thread(p, t) {
		if (wants_signal(sig, t)) {
			wake_up_state(t, TASK_INTERRUPTIBLE);
			return;
		}
	}
}

/* Queue sig for t: on its own queue, or on its process's shared one. */
int send_signal(int sig, kernel_siginfo_t *info, struct task_struct *t,
		bool group, bool force)
{
	struct sigpending *pending;
	struct sigqueue *q;

	if (!valid_signal(sig) || sig < 1)
		return -EINVAL;
	/* Kernel threads and reaped or dead tasks take no signals. */
	if (!t->signal || !t->sighand || is_kthread(t) || t->exit_state)
		return 0;
	if (!prepare_signal(sig, t, force)) {
		trace_signal_generate(sig, info, t, TRACE_SIG_IGNORED);
		return 0;
	}
	pending = group ? &t->signal->shared_pending : &t->pending;
	/* Standard signals do not queue twice. */
	if (sig < SIGRTMIN && sigismember(&pending->signal, sig)) {
		trace_signal_generate(sig, info, t, TRACE_SIG_ALREADY);
		return 0;
	}
	q = kmalloc(sizeof(*q), GFP_KERNEL);
	if (q) {
		q->info = *info;
		q->info.si_signo = sig;
		list_add_tail(&q->list, &pending->list);
	} else if (sig >= SIGRTMIN && info->si_code != SI_KERNEL) {
		return -EAGAIN;
	}
	sigaddset(&pending->signal, sig);
	trace_signal_generate(sig, info, t, TRACE_SIG_QUEUED);
	complete_signal(sig, t, group);
	return 0;
}

/* Info for a signal without one: from the kernel (priv) or the caller. */
static void fill_special_info(kernel_siginfo_t *info, int sig, bool priv)
{
	memset(info, 0, sizeof(*info));
	info->si_signo = sig;
	if (priv) {
		info->si_code = SI_KERNEL;
	} else {
		info->si_code = SI_USER;
		info->kill.pid = current->tgid;
	}
}

int send_sig_info(int sig, kernel_siginfo_t *info, struct task_struct *t)
{
	kernel_siginfo_t k;

	if (!info) {
		fill_special_info(&k, sig, true);
		info = &k;
	}
	return send_signal(sig, info, t, false, info->si_code == SI_KERNEL);
}

int send_sig(int sig, struct task_struct *t, int priv)
{
	kernel_siginfo_t info;

	fill_special_info(&info, sig, priv);
	return send_signal(sig, &info, t, false, priv);
}

int group_send_sig_info(int sig, kernel_siginfo_t *info, struct task_struct *t)
{
	return send_signal(sig, info, t, true, info->si_code == SI_KERNEL);
}

/* The leader of each process in pgrp gets sig on its shared queue. */
int kill_pgrp(pid_t pgrp, int sig, int priv)
{
	struct task_struct *t;
	kernel_siginfo_t info;
	int ret = -ESRCH, err;

	if (pgrp <= 0)
		return -ESRCH;
	fill_special_info(&info, sig, priv);
	list_for_each_entry(t, &task_list, tasks) {
		if (t != t->group_leader || is_kthread(t) || !t->signal ||
		    t->signal->pgrp != pgrp || t->exit_state == EXIT_DEAD)
			continue;
		err = sig ? send_signal(sig, &info, t, true, priv) : 0;
		if (ret)
			ret = err;
	}
	return ret;
}

/*
 * A synchronous signal for current that must not be lost: if blocked or
 * ignored it is unblocked and its handler reset to SIG_DFL, so the
 * process dies instead of looping on the faulting instruction. This also
 * kills init, as on Linux.
 */
void force_sig_info(kernel_siginfo_t *info)
{
	struct task_struct *t = current;
	int sig = info->si_signo;
	struct k_sigaction *ka = &t->sighand->action[sig - 1];
	bool blocked = sigismember(&t->blocked, sig);

	if (blocked || ka->handler == SIG_IGN) {
		ka->handler = SIG_DFL;
		if (blocked)
			sigdelset(&t->blocked, sig);
	}
	if (ka->handler == SIG_DFL)
		t->signal->flags &= ~SIGNAL_UNKILLABLE;
	send_signal(sig, info, t, false, true);
}

void force_sig_fault(int sig, int code, unsigned long addr)
{
	kernel_siginfo_t info;

	memset(&info, 0, sizeof(info));
	info.si_signo = sig;
	info.si_code = code;
	info.fault.addr = (void __user *)addr;
	force_sig_info(&info);
}

void force_sig(int sig)
{
	kernel_siginfo_t info;

	fill_special_info(&info, sig, true);
	force_sig_info(&info);
}

/* ---- dequeueing ---- */

static int next_signal(struct sigpending *pending, const sigset_t *mask)
{
	unsigned long x = pending->signal.sig & ~mask->sig;

	if (!x)
		return 0;
	/* Faults first, as Linux: the handler must see the fault's context. */
	if (x & SIG_SYNCHRONOUS_MASK)
		x &= SIG_SYNCHRONOUS_MASK;
	return __builtin_ctzl(x) + 1;
}

static void collect_signal(int sig, struct sigpending *list, kernel_siginfo_t *info)
{
	struct sigqueue *q, *first = NULL;
	bool more = false;

	list_for_each_entry(q, &list->list, list) {
		if (q->info.si_signo != sig)
			continue;
		if (first) {
			more = true;
			break;
		}
		first = q;
	}
	if (!more)
		sigdelset(&list->signal, sig);
	if (first) {
		list_del(&first->list);
		*info = first->info;
		kfree(first);
	} else {
		/* Queued without memory: the bit alone. */
		memset(info, 0, sizeof(*info));
		info->si_signo = sig;
		info->si_code = SI_USER;
	}
}

int dequeue_signal(struct task_struct *t, const sigset_t *mask, kernel_siginfo_t *info)
{
	int sig = next_signal(&t->pending, mask);

	if (sig) {
		collect_signal(sig, &t->pending, info);
		return sig;
	}
	sig = next_signal(&t->signal->shared_pending, mask);
	if (sig)
		collect_signal(sig, &t->signal->shared_pending, info);
	return sig;
}

/* ---- notifying the parent ---- */

static long ns_to_clock_t(u64 ns)
{
	return ns / (NSEC_PER_SEC / USER_HZ);
}

/*
 * Exit notification; the contract is in proc.h. t is the leader of a
 * dead group; t->exit_code is its wait status: (code << 8) for exit(),
 * the signal number for a kill (never with the core-dump bit).
 */
bool do_notify_parent(struct task_struct *t, int sig)
{
	struct task_struct *parent = t->real_parent;
	struct k_sigaction *ka;
	kernel_siginfo_t info;
	bool autoreap = false;
	int status = t->exit_code;

	if (unlikely(t->pt.tracer) && ptrace_notify_tracer_exit(t))
		return false;
	if (!parent || !parent->signal || !parent->sighand)
		return false;
	memset(&info, 0, sizeof(info));
	info.si_signo = sig;
	info.chld.pid = t->tgid;
	info.chld.uid = 0;
	info.chld.utime = ns_to_clock_t(t->utime_ns + (t->signal ? t->signal->utime_ns : 0));
	info.chld.stime = ns_to_clock_t(t->stime_ns + (t->signal ? t->signal->stime_ns : 0));
	if (status & 0x7f) {
		info.si_code = CLD_KILLED;
		info.chld.status = status & 0x7f;
	} else {
		info.si_code = CLD_EXITED;
		info.chld.status = (status >> 8) & 0xff;
	}
	ka = &parent->sighand->action[SIGCHLD - 1];
	if (sig == SIGCHLD && (ka->handler == SIG_IGN || (ka->flags & SA_NOCLDWAIT))) {
		/* POSIX: nobody waits for it; no signal if SIGCHLD is ignored. */
		autoreap = true;
		if (ka->handler == SIG_IGN)
			sig = 0;
	}
	if (sig > 0 && valid_signal(sig))
		send_signal(sig, &info, parent, true, true);
	wake_up(&parent->signal->wait_chldexit);
	return autoreap;
}

/* A group stopped or continued: SIGCHLD unless the parent asked for
 * SA_NOCLDSTOP; waiters in wait4(WUNTRACED/WCONTINUED) are woken. */
static void do_notify_parent_cldstop(struct task_struct *t, int why)
{
	struct task_struct *leader = t->group_leader;
	struct task_struct *parent = leader->real_parent;
	kernel_siginfo_t info;

	if (!parent || !parent->signal || !parent->sighand || is_kthread(parent))
		return;
	memset(&info, 0, sizeof(info));
	info.si_signo = SIGCHLD;
	info.si_code = why;
	info.chld.pid = leader->tgid;
	info.chld.status = why == CLD_CONTINUED ? SIGCONT
						: t->signal->group_exit_code & 0x7f;
	info.chld.utime = ns_to_clock_t(leader->utime_ns);
	info.chld.stime = ns_to_clock_t(leader->stime_ns);
	if (!(parent->sighand->action[SIGCHLD - 1].flags & SA_NOCLDSTOP))
		send_signal(SIGCHLD, &info, parent, true, true);
	wake_up(&parent->signal->wait_chldexit);
}

/* ---- group stop ---- */

/*
 * Stop current for a group stop: the first thread to take a stop signal
 * (signr) marks every thread JOBCTL_STOP_PENDING and wakes them; each
 * stops itself here; the last one sets SIGNAL_STOPPED|SIGNAL_CLD_STOPPED
 * and tells the parent. Returns when SIGCONT or SIGKILL wakes it.
 */
static void do_signal_stop(int signr)
{
	struct signal_struct *sig = current->signal;
	struct task_struct *t;

	if (!(current->jobctl & JOBCTL_STOP_PENDING)) {
		if (!signr)
			return;
		sig->group_exit_code = signr;
		sig->group_stop_count = 0;
		for_each_thread(current, t) {
			if (t->exit_state || (t->flags & PF_EXITING))
				continue;
			t->jobctl |= JOBCTL_STOP_PENDING;
			sig->group_stop_count++;
			if (t != current)
				wake_up_state(t, TASK_INTERRUPTIBLE);
		}
	}
	participate_group_stop(current);
	if (sigkill_pending(current))
		return;
	if (unlikely(current->pt.tracer) && ptrace_group_stop(sig->group_exit_code))
		return;
	current->wchan = "do_signal_stop";
	set_current_state(TASK_STOPPED);
	schedule();
}

/* ---- delivery ---- */

/*
 * Find the next signal current must act on, carrying out default actions
 * (ignore, stop, terminate) on the way. Returns a signal with a handler
 * and its action in *ka, or 0.
 */
static int get_signal(struct k_sigaction *ka, kernel_siginfo_t *info)
{
	struct signal_struct *signal = current->signal;
	struct sighand_struct *sighand = current->sighand;

	for (;;) {
		struct k_sigaction *act;
		int sig;

		if ((current->jobctl & JOBCTL_STOP_PENDING) && !sigkill_pending(current)) {
			do_signal_stop(0);
			continue;
		}
		if (unlikely(current->pt.flags & PT_TRAP_STOP) && ptrace_trap_pending())
			continue;
		sig = dequeue_signal(current, &current->blocked, info);
		if (!sig)
			return 0;
		if (unlikely(current->pt.tracer) && sig != SIGKILL) {
			sig = ptrace_signal(sig, info);
			if (!sig)
				continue;
		}
		act = &sighand->action[sig - 1];
		if (act->handler == SIG_IGN && sig != SIGKILL)
			continue;
		if (act->handler != SIG_DFL && sig != SIGKILL) {
			trace_signal_deliver(sig, info, TRACE_SIG_HANDLER);
			*ka = *act;
			if (act->flags & SA_RESETHAND)
				act->handler = SIG_DFL;
			return sig;
		}
		/* The default action. */
		if (sig_kernel_ignore(sig))
			continue;
		if ((signal->flags & SIGNAL_UNKILLABLE) && !sig_kernel_only(sig))
			continue;
		if (sig_kernel_stop(sig)) {
			/* Job control stops of an orphaned group are dropped:
			 * nobody is left to continue it. */
			if (sig != SIGSTOP && is_current_pgrp_orphaned())
				continue;
			trace_signal_deliver(sig, info, TRACE_SIG_STOPPED);
			do_signal_stop(sig);
			continue;
		}
		trace_signal_deliver(sig, info, TRACE_SIG_KILL);
		/* Terminate. exec is killing this thread: it goes alone. */
		if (signal->group_exec_task && signal->group_exec_task != current)
			do_exit(SIGKILL);
		/* Glass writes no guest core, so never the core-dump bit
		 * (0x80): WCOREDUMP is false, as on Linux without a core. */
		do_group_exit(sig);
	}
}

/* The mask to put in the frame: rt_sigsuspend's saved one if any. */
static sigset_t *sigmask_to_save(void)
{
	if (current->restore_sigmask)
		return &current->saved_sigmask;
	return &current->blocked;
}

void restore_saved_sigmask(void)
{
	if (current->restore_sigmask) {
		current->restore_sigmask = false;
		set_current_blocked(&current->saved_sigmask);
	}
}

/* Build the handler's frame: 0, or -EFAULT with a SIGSEGV forced. */
static int handle_signal(int sig, kernel_siginfo_t *info, struct k_sigaction *ka)
{
	struct pt_regs *regs = &current->regs;
	sigset_t blocked;

	if ((long)regs->orig_ax >= 0)
		syscall_restart(regs, true, ka->flags);
	regs->orig_ax = -1;
	if (setup_rt_frame(sig, info, ka, sigmask_to_save(), regs)) {
		/* No room or a bad stack: as Linux's force_sigsegv. */
		current->restore_sigmask = false;
		if (sig == SIGSEGV)
			current->sighand->action[SIGSEGV - 1].handler = SIG_DFL;
		force_sig(SIGSEGV);
		return -EFAULT;
	}
	/* The frame holds the mask to return to; the handler runs with
	 * its sa_mask and (unless SA_NODEFER) sig itself blocked. */
	current->restore_sigmask = false;
	sigorsets(&blocked, &current->blocked, &ka->mask);
	if (!(ka->flags & SA_NODEFER))
		sigaddset(&blocked, sig);
	set_current_blocked(&blocked);
	if (unlikely(current->pt.flags & PT_SINGLESTEP))
		ptrace_step_into_handler();
	return 0;
}

/*
 * Called by ret_to_user before every guest run: deliver one signal with a
 * handler (or act on default actions), and settle an interrupted
 * syscall's restart. Task context; may stop (sleep) or exit.
 */
void do_signal(void)
{
	struct pt_regs *regs = &current->regs;
	struct k_sigaction ka;
	kernel_siginfo_t info;
	int sig;

	if (!current->signal)
		return;
	/* A frame that cannot be built forces a SIGSEGV, acted on here
	 * before the guest runs one more instruction (Linux loops the same
	 * way while a signal is pending). */
	while (task_sigpending(current)) {
		sig = get_signal(&ka, &info);
		if (!sig)
			break;
		if (!handle_signal(sig, &info, &ka))
			return;
	}
	/* No handler ran: restart what asked for it. */
	if ((long)regs->orig_ax >= 0) {
		syscall_restart(regs, false, 0);
		regs->orig_ax = -1;
	}
	restore_saved_sigmask();
}

/* ---- masks ---- */

/* Change current's blocked mask; signals it newly blocks that sit on the
 * shared queue go to a thread that can take them. */
void set_current_blocked(const sigset_t *set)
{
	struct task_struct *t;
	unsigned long newly;

	current->blocked.sig = set->sig & ~(sigmask(SIGKILL) | sigmask(SIGSTOP));
	newly = current->signal->shared_pending.signal.sig & current->blocked.sig;
	if (!newly || list_empty(&current->thread_group))
		return;
	for_each_thread(current, t)
		if (t != current && (newly & ~t->blocked.sig))
			wake_up_state(t, TASK_INTERRUPTIBLE);
}

bool sig_ignored_or_blocked(int sig)
{
	return sigismember(&current->blocked, sig) ||
	       current->sighand->action[sig - 1].handler == SIG_IGN;
}

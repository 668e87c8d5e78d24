/*
 * The signal syscalls: sigaction, the masks, waiting for a signal
 * (rt_sigsuspend, pause, rt_sigtimedwait), sending one (kill, tkill,
 * tgkill, rt_sigqueueinfo, rt_tgsigqueueinfo) and restart_syscall.
 * Queueing and delivery are in signal.c. Task context on the CPU thread.
 */
#include <glass/proc.h>
#include <glass/sched.h>
#include <glass/syscalls.h>
#include "internal.h"

SYSCALL_DEFINE4(rt_sigaction, int, sig, const struct k_sigaction __user *, act,
		struct k_sigaction __user *, oact, size_t, sigsetsize)
{
	struct k_sigaction *k, new, old;

	if (sigsetsize != sizeof(sigset_t))
		return -EINVAL;
	if (sig < 1 || sig > _NSIG || (act && sig_kernel_only(sig)))
		return -EINVAL;
	if (act && copy_from_user(&new, act, sizeof(new)))
		return -EFAULT;
	k = &current->sighand->action[sig - 1];
	old = *k;
	if (act) {
		sigdelsetmask(&new.mask, sigmask(SIGKILL) | sigmask(SIGSTOP));
		new.flags &= UAPI_SA_FLAGS;
		*k = new;
		/* POSIX 3.3.1.3: setting SIG_IGN (or SIG_DFL for a signal
		 * ignored by default) discards the pending ones. */
		if (new.handler == SIG_IGN ||
		    (new.handler == SIG_DFL && sig_kernel_ignore(sig)))
			flush_group_mask(current->group_leader, sigmask(sig));
	}
	if (oact && copy_to_user(oact, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE4(rt_sigprocmask, int, how, const sigset_t __user *, nset,
		sigset_t __user *, oset, size_t, sigsetsize)
{
	sigset_t old = current->blocked, new;

	if (sigsetsize != sizeof(sigset_t))
		return -EINVAL;
	if (nset) {
		if (copy_from_user(&new, nset, sizeof(new)))
			return -EFAULT;
		switch (how) {
		case SIG_BLOCK:
			sigorsets(&new, &old, &new);
			break;
		case SIG_UNBLOCK:
			sigandnsets(&new, &old, &new);
			break;
		case SIG_SETMASK:
			break;
		default:
			return -EINVAL;
		}
		set_current_blocked(&new);
	}
	if (oset && copy_to_user(oset, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE2(rt_sigpending, sigset_t __user *, uset, size_t, sigsetsize)
{
	sigset_t set;

	if (sigsetsize > sizeof(sigset_t))
		return -EINVAL;
	sigorsets(&set, &current->pending.signal, &current->signal->shared_pending.signal);
	sigandsets(&set, &set, &current->blocked);
	return copy_to_user(uset, &set, sigsetsize) ? -EFAULT : 0;
}

/* Sleep until a signal is pending; the caller returns -ERESTARTNOHAND. */
static void sleep_for_signal(const char *wchan)
{
	while (!signal_pending_current()) {
		current->wchan = wchan;
		set_current_state(TASK_INTERRUPTIBLE);
		schedule();
	}
	set_current_state(TASK_RUNNING);
}

/* The mask is current's until a handler has run; do_signal puts the old
 * one in the handler's frame (or back, if no handler runs). */
SYSCALL_DEFINE2(rt_sigsuspend, const sigset_t __user *, unewset, size_t, sigsetsize)
{
	sigset_t newset;

	if (sigsetsize != sizeof(sigset_t))
		return -EINVAL;
	if (copy_from_user(&newset, unewset, sizeof(newset)))
		return -EFAULT;
	current->saved_sigmask = current->blocked;
	set_current_blocked(&newset);
	sleep_for_signal("sigsuspend");
	current->restore_sigmask = true;
	return -ERESTARTNOHAND;
}

SYSCALL_DEFINE0(pause)
{
	sleep_for_signal("pause");
	return -ERESTARTNOHAND;
}

struct kernel_timespec_sig {
	s64 tv_sec;
	long tv_nsec;
};

/*
 * Wait for one of the signals in uthese (normally blocked by the
 * caller). A zero timeout only polls; NULL waits forever. The waited-for
 * signals are unblocked while sleeping, so sending one wakes us, and
 * real_blocked keeps them from being discarded as ignored meanwhile.
 */
SYSCALL_DEFINE4(rt_sigtimedwait, const sigset_t __user *, uthese,
		kernel_siginfo_t __user *, uinfo,
		const struct kernel_timespec_sig __user *, uts, size_t, sigsetsize)
{
	struct kernel_timespec_sig ts;
	kernel_siginfo_t info;
	sigset_t these, mask;
	u64 timeout = 0;
	int sig;

	if (sigsetsize != sizeof(sigset_t))
		return -EINVAL;
	if (copy_from_user(&these, uthese, sizeof(these)))
		return -EFAULT;
	if (uts) {
		if (copy_from_user(&ts, uts, sizeof(ts)))
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (long)NSEC_PER_SEC)
			return -EINVAL;
		timeout = (u64)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
	}
	sigdelsetmask(&these, sigmask(SIGKILL) | sigmask(SIGSTOP));
	mask.sig = ~these.sig;
	sig = dequeue_signal(current, &mask, &info);
	if (!sig && (!uts || timeout)) {
		int err = 0;

		current->real_blocked = current->blocked;
		sigandnsets(&current->blocked, &current->blocked, &these);
		current->wchan = "sigtimedwait";
		if (uts) {
			err = schedule_timeout_ns(timeout, true, NULL);
		} else {
			set_current_state(TASK_INTERRUPTIBLE);
			if (!signal_pending_current())
				schedule();
			set_current_state(TASK_RUNNING);
		}
		(void)err;
		current->blocked = current->real_blocked;
		sigemptyset(&current->real_blocked);
		sig = dequeue_signal(current, &mask, &info);
		if (!sig)
			return signal_pending_current() ? -EINTR : -EAGAIN;
	} else if (!sig) {
		return -EAGAIN;
	}
	if (uinfo && copy_to_user(uinfo, &info, sizeof(info)))
		return -EFAULT;
	return sig;
}

/* A process by any of its thread ids; zombies count (they exist). */
static struct task_struct *find_process(pid_t pid)
{
	struct task_struct *t;

	list_for_each_entry(t, &task_list, tasks)
		if (t->pid == pid && !is_kthread(t) && t->exit_state != EXIT_DEAD)
			return t->group_leader;
	return NULL;
}

static struct task_struct *find_thread(pid_t tid)
{
	struct task_struct *t;

	list_for_each_entry(t, &task_list, tasks)
		if (t->pid == tid && !is_kthread(t) && t->exit_state != EXIT_DEAD)
			return t;
	return NULL;
}

static int kill_proc_info(int sig, kernel_siginfo_t *info, pid_t pid)
{
	struct task_struct *p = find_process(pid);

	if (!p)
		return -ESRCH;
	if (!sig || p->exit_state)
		return 0;
	return send_signal(sig, info, p, true, false);
}

static int kill_pgrp_info(int sig, kernel_siginfo_t *info, pid_t pgrp)
{
	struct task_struct *t;
	int ret = -ESRCH, err;

	list_for_each_entry(t, &task_list, tasks) {
		if (t != t->group_leader || is_kthread(t) || !t->signal ||
		    t->signal->pgrp != pgrp || t->exit_state == EXIT_DEAD)
			continue;
		err = sig && !t->exit_state ? send_signal(sig, info, t, true, false) : 0;
		if (ret)
			ret = err;
	}
	return ret;
}

/* kill(2)'s targets: pid > 0 one process; 0 the caller's group; -1 every
 * process but init and the caller; < -1 the group -pid. */
static int kill_something_info(int sig, kernel_siginfo_t *info, pid_t pid)
{
	struct task_struct *t;
	int ret = -ESRCH, err;

	if (pid > 0)
		return kill_proc_info(sig, info, pid);
	if (pid == INT_MIN)
		return -ESRCH;
	if (pid != -1)
		return kill_pgrp_info(sig, info, pid ? -pid : current->signal->pgrp);
	list_for_each_entry(t, &task_list, tasks) {
		if (t != t->group_leader || is_kthread(t) || t->tgid <= 1 ||
		    t->tgid == current->tgid || t->exit_state)
			continue;
		err = sig ? send_signal(sig, info, t, true, false) : 0;
		if (ret)
			ret = err;
	}
	return ret;
}

static void prepare_kill_siginfo(int sig, kernel_siginfo_t *info, int code)
{
	memset(info, 0, sizeof(*info));
	info->si_signo = sig;
	info->si_code = code;
	info->kill.pid = current->tgid;
	info->kill.uid = 0;
}

SYSCALL_DEFINE2(kill, pid_t, pid, int, sig)
{
	kernel_siginfo_t info;

	if (sig < 0 || sig > _NSIG)
		return -EINVAL;
	prepare_kill_siginfo(sig, &info, SI_USER);
	return kill_something_info(sig, &info, pid);
}

static int do_send_specific(pid_t tgid, pid_t tid, int sig, kernel_siginfo_t *info)
{
	struct task_struct *t = find_thread(tid);

	if (!t || (tgid > 0 && t->tgid != tgid))
		return -ESRCH;
	if (!sig || t->exit_state)
		return 0;
	return send_signal(sig, info, t, false, false);
}

SYSCALL_DEFINE2(tkill, pid_t, tid, int, sig)
{
	kernel_siginfo_t info;

	if (tid <= 0 || sig < 0 || sig > _NSIG)
		return -EINVAL;
	prepare_kill_siginfo(sig, &info, SI_TKILL);
	return do_send_specific(0, tid, sig, &info);
}

SYSCALL_DEFINE3(tgkill, pid_t, tgid, pid_t, tid, int, sig)
{
	kernel_siginfo_t info;

	if (tgid <= 0 || tid <= 0 || sig < 0 || sig > _NSIG)
		return -EINVAL;
	prepare_kill_siginfo(sig, &info, SI_TKILL);
	return do_send_specific(tgid, tid, sig, &info);
}

/* kill (tid 0) or tgkill (tgid 0: tkill) for a kernel thread acting for
 * a host tool (kernel/proc/ptproxy.c): the checks of the syscalls. */
long kernel_kill(pid_t tgid, pid_t tid, int sig)
{
	kernel_siginfo_t info;

	if (sig < 0 || sig > _NSIG || tid < 0)
		return -EINVAL;
	prepare_kill_siginfo(sig, &info, tid ? SI_TKILL : SI_USER);
	return tid ? do_send_specific(tgid, tid, sig, &info) : kill_something_info(sig, &info, tgid);
}

/* Only the kernel may claim si_code >= 0 (or SI_TKILL) for others. */
static int copy_user_siginfo(kernel_siginfo_t *info, const kernel_siginfo_t __user *u,
			     int sig, pid_t target)
{
	if (copy_from_user(info, u, sizeof(*info)))
		return -EFAULT;
	if ((info->si_code >= 0 || info->si_code == SI_TKILL) && target != current->tgid)
		return -EPERM;
	info->si_signo = sig;
	return 0;
}

SYSCALL_DEFINE3(rt_sigqueueinfo, pid_t, pid, int, sig, kernel_siginfo_t __user *, uinfo)
{
	kernel_siginfo_t info;
	int err;

	if (sig < 0 || sig > _NSIG)
		return -EINVAL;
	err = copy_user_siginfo(&info, uinfo, sig, pid);
	return err ? err : kill_proc_info(sig, &info, pid);
}

SYSCALL_DEFINE4(rt_tgsigqueueinfo, pid_t, tgid, pid_t, tid, int, sig,
		kernel_siginfo_t __user *, uinfo)
{
	kernel_siginfo_t info;
	int err;

	if (tgid <= 0 || tid <= 0 || sig < 0 || sig > _NSIG)
		return -EINVAL;
	err = copy_user_siginfo(&info, uinfo, sig, tgid);
	return err ? err : do_send_specific(tgid, tid, sig, &info);
}

long do_no_restart_syscall(struct restart_block *rb)
{
	return -EINTR;
}

/* Continue a syscall interrupted with -ERESTART_RESTARTBLOCK (sleeps):
 * the state to resume from is in current->restart_block. */
SYSCALL_DEFINE0(restart_syscall)
{
	struct restart_block *rb = &current->restart_block;

	return rb->fn ? rb->fn(rb) : -EINTR;
}

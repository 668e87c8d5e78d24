/*
 * alarm, setitimer, getitimer. ITIMER_REAL is a kernel timer (glass/timer.h)
 * on the process's signal_struct that sends SIGALRM to the process and
 * re-arms itself with the interval. It runs on CLOCK_MONOTONIC minus the
 * time Glass spent stopped, so a debugging stop fires no alarm.
 *
 * ITIMER_VIRTUAL and ITIMER_PROF (CPU-time timers) are not implemented:
 * arming one fails with EINVAL; reading or disarming one succeeds with
 * zeros. Task context; the timer callback runs on the CPU thread from
 * run_timers() (interrupt context: it only sends a signal).
 */
#include <glass/mm.h>
#include <glass/proc.h>
#include <glass/sched.h>
#include <glass/syscalls.h>

#define ITIMER_REAL 0
#define ITIMER_VIRTUAL 1
#define ITIMER_PROF 2

struct kernel_itimerval {
	struct { long tv_sec, tv_usec; } it_interval, it_value;
};

/* signal->real_timer is the timer inside one of these. */
struct real_itimer {
	struct timer_list timer;
	pid_t tgid;     /* the process SIGALRM goes to (exec may change its leader) */
};

static void it_real_fn(struct timer_list *t)
{
	struct real_itimer *it = container_of(t, struct real_itimer, timer);
	struct task_struct *p = find_task_by_pid(it->tgid);
	kernel_siginfo_t info;

	if (!p || p->exit_state || !p->signal)
		return;
	memset(&info, 0, sizeof(info));
	info.si_signo = SIGALRM;
	info.si_code = SI_KERNEL;
	group_send_sig_info(SIGALRM, &info, p);
	if (p->signal->itimer_real_interval_ns)
		mod_timer_ns(t, t->expires_ns + p->signal->itimer_real_interval_ns);
}

static u64 real_remaining_ns(struct signal_struct *sig)
{
	u64 now = ktime_get_ns();
	struct timer_list *t = sig->real_timer;

	if (!t || !t->pending)
		return 0;
	/* Due but not yet run: report a tick, as Linux reports 1 usec. */
	return t->expires_ns > now ? t->expires_ns - now : 1000;
}

static u64 tv_to_ns(long sec, long usec)
{
	return (u64)sec * NSEC_PER_SEC + (u64)usec * NSEC_PER_USEC;
}

static void ns_to_tv(u64 ns, long *sec, long *usec)
{
	*sec = ns / NSEC_PER_SEC;
	*usec = ns % NSEC_PER_SEC / NSEC_PER_USEC;
}

static void get_real_itimer(struct kernel_itimerval *v)
{
	struct signal_struct *sig = current->signal;

	ns_to_tv(real_remaining_ns(sig), &v->it_value.tv_sec, &v->it_value.tv_usec);
	ns_to_tv(real_remaining_ns(sig) ? sig->itimer_real_interval_ns : 0,
		 &v->it_interval.tv_sec, &v->it_interval.tv_usec);
}

/* Arm (value_ns != 0) or disarm the process's ITIMER_REAL. */
static int set_real_itimer(u64 value_ns, u64 interval_ns)
{
	struct signal_struct *sig = current->signal;
	struct real_itimer *it;

	if (!sig->real_timer) {
		if (!value_ns)
			return 0;
		it = kzalloc(sizeof(*it), GFP_KERNEL);
		if (!it)
			return -ENOMEM;
		timer_setup(&it->timer, it_real_fn, 0);
		sig->real_timer = &it->timer;
	}
	it = container_of(sig->real_timer, struct real_itimer, timer);
	it->tgid = current->tgid;
	del_timer(&it->timer);
	sig->itimer_real_interval_ns = value_ns ? interval_ns : 0;
	if (value_ns)
		mod_timer_ns(&it->timer, ktime_get_ns() + value_ns);
	return 0;
}

SYSCALL_DEFINE2(getitimer, int, which, struct kernel_itimerval __user *, uval)
{
	struct kernel_itimerval v = { 0 };

	if (which == ITIMER_REAL)
		get_real_itimer(&v);
	else if (which != ITIMER_VIRTUAL && which != ITIMER_PROF)
		return -EINVAL;
	return copy_to_user(uval, &v, sizeof(v)) ? -EFAULT : 0;
}

SYSCALL_DEFINE3(setitimer, int, which, const struct kernel_itimerval __user *, uval,
		struct kernel_itimerval __user *, uoval)
{
	struct kernel_itimerval v = { 0 }, old = { 0 };
	int err;

	if (uval && copy_from_user(&v, uval, sizeof(v)))
		return -EFAULT;
	if (v.it_value.tv_sec < 0 || v.it_value.tv_usec < 0 ||
	    v.it_value.tv_usec >= 1000000 || v.it_interval.tv_sec < 0 ||
	    v.it_interval.tv_usec < 0 || v.it_interval.tv_usec >= 1000000)
		return -EINVAL;
	switch (which) {
	case ITIMER_REAL:
		get_real_itimer(&old);
		err = set_real_itimer(tv_to_ns(v.it_value.tv_sec, v.it_value.tv_usec),
				      tv_to_ns(v.it_interval.tv_sec, v.it_interval.tv_usec));
		if (err)
			return err;
		break;
	case ITIMER_VIRTUAL:
	case ITIMER_PROF:
		if (v.it_value.tv_sec || v.it_value.tv_usec)
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	if (uoval && copy_to_user(uoval, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

/* Seconds left on the previous alarm, rounded to nearest (at least 1). */
SYSCALL_DEFINE1(alarm, unsigned int, seconds)
{
	u64 left = real_remaining_ns(current->signal);
	long secs = left / NSEC_PER_SEC, usecs = left % NSEC_PER_SEC / NSEC_PER_USEC;

	if ((!secs && usecs) || usecs >= 500000)
		secs++;
	set_real_itimer((u64)seconds * NSEC_PER_SEC, 0);
	return secs;
}

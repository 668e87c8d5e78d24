/*
 * alarm, setitimer, getitimer. ITIMER_REAL is a kernel timer (glass/timer.h)
 * on the process's signal_struct that sends SIGALRM to the process and
 * re-arms itself with the interval. It runs on CLOCK_MONOTONIC minus the
 * time Glass spent stopped, so a debugging stop fires no alarm.
 *
 * ITIMER_VIRTUAL and ITIMER_PROF run on the process's CPU time: its user
 * time, and its user and system time, as the scheduler charges them to
 * its threads (account_task_time, at every return from the guest and
 * every switch). They are checked after each run of the guest, so they
 * fire within a round trip of expiring, and at least every 10 ms of a
 * computing guest (its stub's tick): SIGVTALRM or SIGPROF to the
 * process, re-armed with the interval, as Linux's do. fork clears all three timers in the child;
 * exec keeps them. Task context; the ITIMER_REAL callback runs on the
 * CPU thread from run_timers() (interrupt context: it only sends a
 * signal).
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

/* Send the process signo for an expired CPU-time timer; re-arm it. */
static void it_cpu_fire(struct task_struct *t, int signo, u64 now, u64 *expires, u64 incr)
{
	kernel_siginfo_t info;

	memset(&info, 0, sizeof(info));
	info.si_signo = signo;
	info.si_code = SI_KERNEL;
	group_send_sig_info(signo, &info, t);
	/* The next expiry after now: a guest that ran for several intervals
	 * between two charges gets one signal, as a late Linux tick does. */
	if (!incr)
		*expires = 0;
	else
		*expires += (now - *expires) / incr * incr + incr;
}

void itimer_cpu_fire(struct task_struct *t, struct signal_struct *sig)
{
	if (sig->it_virt_expires && sig->cpu_user_ns >= sig->it_virt_expires)
		it_cpu_fire(t, SIGVTALRM, sig->cpu_user_ns, &sig->it_virt_expires,
			    sig->it_virt_incr);
	if (sig->it_prof_expires && sig->cpu_prof_ns >= sig->it_prof_expires)
		it_cpu_fire(t, SIGPROF, sig->cpu_prof_ns, &sig->it_prof_expires,
			    sig->it_prof_incr);
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

/* The CPU-time timer which (ITIMER_VIRTUAL or ITIMER_PROF) of current's
 * process: its expiry, its interval, and the clock it runs on. */
static void cpu_itimer(int which, u64 **expires, u64 **incr, u64 *clock)
{
	struct signal_struct *sig = current->signal;
	bool virt = which == ITIMER_VIRTUAL;

	*expires = virt ? &sig->it_virt_expires : &sig->it_prof_expires;
	*incr = virt ? &sig->it_virt_incr : &sig->it_prof_incr;
	*clock = virt ? sig->cpu_user_ns : sig->cpu_prof_ns;
}

static void get_cpu_itimer(int which, struct kernel_itimerval *v)
{
	u64 *expires, *incr, clock;

	cpu_itimer(which, &expires, &incr, &clock);
	if (!*expires)
		return;
	/* Due but not yet charged: a tick left, as Linux reports. */
	ns_to_tv(*expires > clock ? *expires - clock : 1000, &v->it_value.tv_sec,
		 &v->it_value.tv_usec);
	ns_to_tv(*incr, &v->it_interval.tv_sec, &v->it_interval.tv_usec);
}

static void set_cpu_itimer(int which, u64 value_ns, u64 interval_ns)
{
	u64 *expires, *incr, clock;

	cpu_itimer(which, &expires, &incr, &clock);
	*expires = value_ns ? clock + value_ns : 0;
	*incr = value_ns ? interval_ns : 0;
}

SYSCALL_DEFINE2(getitimer, int, which, struct kernel_itimerval __user *, uval)
{
	struct kernel_itimerval v = { 0 };

	if (which == ITIMER_REAL)
		get_real_itimer(&v);
	else if (which == ITIMER_VIRTUAL || which == ITIMER_PROF)
		get_cpu_itimer(which, &v);
	else
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
		get_cpu_itimer(which, &old);
		set_cpu_itimer(which, tv_to_ns(v.it_value.tv_sec, v.it_value.tv_usec),
			       tv_to_ns(v.it_interval.tv_sec, v.it_interval.tv_usec));
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

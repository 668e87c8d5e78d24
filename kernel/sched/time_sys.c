/* Time syscalls: clocks, sleeping. No vDSO: guests make real calls. */
#include <glass/sched.h>
#include <glass/syscalls.h>
#include <uapi/param.h>

#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID 3
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME 7
#define TIMER_ABSTIME 1

struct kernel_timespec {
	s64 tv_sec;
	long tv_nsec;
};

struct kernel_timeval {
	s64 tv_sec;
	long tv_usec;
};

static u64 process_cputime(struct task_struct *t)
{
	struct task_struct *p;
	u64 sum = t->signal ? t->signal->utime_ns + t->signal->stime_ns : 0;

	list_for_each_entry(p, &task_list, tasks)
		if (p->tgid == t->tgid && !p->exit_state)
			sum += p->utime_ns + p->stime_ns;
	return sum;
}

static int clock_now(int clk, u64 *ns)
{
	switch (clk) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
		*ns = ktime_get_real_ns();
		return 0;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
		*ns = ktime_get_ns();
		return 0;
	case CLOCK_BOOTTIME:
		*ns = ktime_get_boot_ns();
		return 0;
	case CLOCK_PROCESS_CPUTIME_ID:
		*ns = process_cputime(current);
		return 0;
	case CLOCK_THREAD_CPUTIME_ID:
		*ns = current->utime_ns + current->stime_ns;
		return 0;
	}
	return -EINVAL;
}

static int put_timespec(u64 ns, struct kernel_timespec __user *u)
{
	struct kernel_timespec ts = { ns / NSEC_PER_SEC, ns % NSEC_PER_SEC };

	return copy_to_user(u, &ts, sizeof(ts)) ? -EFAULT : 0;
}

static int get_timespec(const struct kernel_timespec __user *u, u64 *ns)
{
	struct kernel_timespec ts;

	if (copy_from_user(&ts, u, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (long)NSEC_PER_SEC)
		return -EINVAL;
	*ns = (u64)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
	return 0;
}

SYSCALL_DEFINE2(clock_gettime, int, clk, struct kernel_timespec __user *, tp)
{
	u64 ns;
	int err = clock_now(clk, &ns);

	return err ? err : put_timespec(ns, tp);
}

SYSCALL_DEFINE2(clock_getres, int, clk, struct kernel_timespec __user *, tp)
{
	u64 ns;
	int err = clock_now(clk, &ns);

	if (err)
		return err;
	return tp ? put_timespec(clk == CLOCK_REALTIME_COARSE || clk == CLOCK_MONOTONIC_COARSE
					 ? TICK_NSEC : 1, tp)
		  : 0;
}

SYSCALL_DEFINE2(gettimeofday, struct kernel_timeval __user *, tv, void __user *, tz)
{
	u64 ns = ktime_get_real_ns();
	struct kernel_timeval v = { ns / NSEC_PER_SEC, ns % NSEC_PER_SEC / 1000 };

	if (tv && copy_to_user(tv, &v, sizeof(v)))
		return -EFAULT;
	if (tz && clear_user(tz, 8))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE1(time, s64 __user *, tloc)
{
	s64 t = ktime_get_real_ns() / NSEC_PER_SEC;

	if (tloc && put_user(t, tloc))
		return -EFAULT;
	return t;
}

SYSCALL_DEFINE2(settimeofday, void __user *, tv, void __user *, tz) { return -EPERM; }

/* Sleep on clk until the absolute time `until`; -ERESTARTSYS on a signal. */
static long sleep_until(int clk, u64 until)
{
	for (;;) {
		u64 now;
		int err = clock_now(clk, &now);

		if (err)
			return err;
		if (now >= until)
			return 0;
		current->wchan = "hrtimer_nanosleep";
		if (schedule_timeout_ns(until - now, true, NULL))
			return -ERESTARTSYS;
	}
}

static long nanosleep_restart(struct restart_block *rb)
{
	long r = sleep_until(rb->clockid, rb->expires_ns);
	u64 now;

	if (r != -ERESTARTSYS)
		return r;
	if (rb->rmtp) {
		clock_now(rb->clockid, &now);
		if (put_timespec(rb->expires_ns > now ? rb->expires_ns - now : 0,
				 (struct kernel_timespec __user *)rb->rmtp))
			return -EFAULT;
	}
	return -ERESTART_RESTARTBLOCK;
}

static long do_nanosleep(int clk, int flags, const struct kernel_timespec __user *rqtp,
			 struct kernel_timespec __user *rmtp)
{
	struct restart_block *rb = &current->restart_block;
	u64 ns, now;
	int err = get_timespec(rqtp, &ns);

	if (err)
		return err;
	if (clk == CLOCK_THREAD_CPUTIME_ID)
		return -EINVAL;
	err = clock_now(clk, &now);
	if (err)
		return err;
	rb->fn = nanosleep_restart;
	rb->clockid = clk;
	rb->expires_ns = flags & TIMER_ABSTIME ? ns : now + ns;
	/* An absolute sleep restarts as is; a relative one reports the rest. */
	rb->rmtp = flags & TIMER_ABSTIME ? 0 : (unsigned long)rmtp;
	return nanosleep_restart(rb);
}

SYSCALL_DEFINE2(nanosleep, const struct kernel_timespec __user *, rqtp,
		struct kernel_timespec __user *, rmtp)
{
	return do_nanosleep(CLOCK_MONOTONIC, 0, rqtp, rmtp);
}

SYSCALL_DEFINE4(clock_nanosleep, int, clk, int, flags,
		const struct kernel_timespec __user *, rqtp,
		struct kernel_timespec __user *, rmtp)
{
	return do_nanosleep(clk, flags, rqtp, rmtp);
}

struct tms {
	long utime, stime, cutime, cstime;
};

SYSCALL_DEFINE1(times, struct tms __user *, buf)
{
	struct tms t = {
		.utime = current->utime_ns / (NSEC_PER_SEC / USER_HZ),
		.stime = current->stime_ns / (NSEC_PER_SEC / USER_HZ),
		.cutime = current->signal->cutime_ns / (NSEC_PER_SEC / USER_HZ),
		.cstime = current->signal->cstime_ns / (NSEC_PER_SEC / USER_HZ),
	};

	if (buf && copy_to_user(buf, &t, sizeof(t)))
		return -EFAULT;
	return ktime_get_boot_ns() / (NSEC_PER_SEC / USER_HZ);
}

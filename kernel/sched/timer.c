/*
 * Time and kernel timers. Monotonic time excludes the time the kernel
 * spent stopped (gdb, mconsole stop), so nothing times out on resume.
 */
#include <glass/export.h>
#include <glass/monitor.h>
#include <glass/sched.h>
#include <glass/os.h>
#include <glass/os_upcalls.h>

volatile unsigned long jiffies;
EXPORT_SYMBOL(jiffies);
static u64 boot_mono_ns;
static u64 stopped_ns;          /* total time spent stopped */
static u64 last_ns;             /* the latest ktime_get_ns() returned */
static LIST_HEAD(timers);       /* pending, by expiry */

void time_init(void)
{
	boot_mono_ns = os_monotonic_ns();
}

/* Called when a stop ends: the stop's length is hidden from the kernel.
 * Only the CPU thread writes it, from the debug trap, which may have
 * interrupted ktime_get_ns itself. */
void time_account_stop(u64 ns)
{
	__atomic_store_n(&stopped_ns, stopped_ns + ns, __ATOMIC_RELEASE);
}

/*
 * The host clock first, then the stops: a stop that ends between the two
 * reads makes this one short by at most its length, never long, and
 * returning at least the last value keeps time monotonic. (A retry loop
 * would never end under a debugger: every step is a stop.) Any thread,
 * the monitor too (mconsole uptime).
 */
u64 __monitor_text ktime_get_ns(void)
{
	s64 ns = os_monotonic_ns() - boot_mono_ns;
	u64 last = __atomic_load_n(&last_ns, __ATOMIC_RELAXED);

	ns -= __atomic_load_n(&stopped_ns, __ATOMIC_ACQUIRE);
	while (ns > (s64)last &&
	       !__atomic_compare_exchange_n(&last_ns, &last, ns, false, __ATOMIC_RELAXED,
					    __ATOMIC_RELAXED))
		;
	return ns > (s64)last ? (u64)ns : last;
}
EXPORT_SYMBOL(ktime_get_ns);

u64 __monitor_text ktime_get_boot_ns(void)
{
	return os_monotonic_ns() - boot_mono_ns;
}

u64 ktime_get_real_ns(void)
{
	return os_realtime_ns();
}

void timer_setup(struct timer_list *t, void (*fn)(struct timer_list *),
		 unsigned int flags)
{
	INIT_LIST_HEAD(&t->entry);
	t->function = fn;
	t->pending = false;
}
EXPORT_SYMBOL(timer_setup);

int del_timer(struct timer_list *t)
{
	if (!t->pending)
		return 0;
	list_del(&t->entry);
	t->pending = false;
	return 1;
}
EXPORT_SYMBOL(del_timer);

int del_timer_sync(struct timer_list *t)
{
	return del_timer(t);
}
EXPORT_SYMBOL(del_timer_sync);

void mod_timer_ns(struct timer_list *t, u64 expires_ns)
{
	struct timer_list *pos;

	del_timer(t);
	t->expires_ns = expires_ns;
	list_for_each_entry(pos, &timers, entry)
		if (pos->expires_ns > expires_ns)
			break;
	list_add_tail(&t->entry, &pos->entry);
	t->pending = true;
}
EXPORT_SYMBOL(mod_timer_ns);

int mod_timer(struct timer_list *t, unsigned long expires)
{
	int was_pending = t->pending;

	mod_timer_ns(t, (u64)expires * TICK_NSEC);
	return was_pending;
}
EXPORT_SYMBOL(mod_timer);

s64 run_timers(void)
{
	u64 now = ktime_get_ns();

	jiffies = now / TICK_NSEC;
	while (!list_empty(&timers)) {
		struct timer_list *t = list_first_entry(&timers, struct timer_list, entry);
		if (t->expires_ns > now)
			return (s64)(t->expires_ns - now);
		del_timer(t);
		irq_enter();
		t->function(t);
		irq_exit();
	}
	return -1;
}

struct sleeper {
	struct timer_list timer;
	struct task_struct *task;
	bool fired;
};

static void sleeper_fire(struct timer_list *t)
{
	struct sleeper *s = container_of(t, struct sleeper, timer);

	s->fired = true;
	wake_up_process(s->task);
}

/*
 * Sleep until woken, until ns pass, or (interruptible) until a signal
 * arrives, like Linux's schedule_timeout(). Returns -ERESTARTSYS for a
 * signal, else 0; *left gets the time remaining. Callers loop on their
 * own condition. Task context.
 */
int schedule_timeout_ns(u64 ns, bool interruptible, u64 *left)
{
	struct sleeper s = { .task = current };
	u64 end = ktime_get_ns() + ns, now;
	int ret = 0;

	timer_setup(&s.timer, sleeper_fire, 0);
	mod_timer_ns(&s.timer, end);
	set_current_state(interruptible ? TASK_INTERRUPTIBLE : TASK_UNINTERRUPTIBLE);
	if (!(interruptible && signal_pending_current()))
		schedule();
	set_current_state(TASK_RUNNING);
	del_timer(&s.timer);
	if (interruptible && signal_pending_current())
		ret = -ERESTARTSYS;
	if (left) {
		now = ktime_get_ns();
		*left = end > now ? end - now : 0;
	}
	return ret;
}
EXPORT_SYMBOL(schedule_timeout_ns);

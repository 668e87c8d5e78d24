/*
 * Time and kernel timers. Monotonic time excludes the time the kernel
 * spent stopped (gdb, mconsole stop), so nothing times out on resume.
 */
#include <glass/sched.h>
#include <glass/os.h>

volatile unsigned long jiffies;
static u64 boot_mono_ns;
static u64 stopped_ns;          /* total time spent stopped */
/* Odd while a stop is being added: a stop ends in the debug trap, which
 * may interrupt ktime_get_ns itself, so readers retry. */
static volatile unsigned int stop_seq;
static LIST_HEAD(timers);       /* pending, by expiry */

void time_init(void)
{
	boot_mono_ns = os_monotonic_ns();
}

/* Called when a stop ends: the stop's length is hidden from the kernel. */
void time_account_stop(u64 ns)
{
	stop_seq++;
	barrier();
	stopped_ns += ns;
	barrier();
	stop_seq++;
}

u64 ktime_get_ns(void)
{
	unsigned int seq;
	u64 ns;

	do {
		seq = stop_seq;
		barrier();
		ns = os_monotonic_ns() - boot_mono_ns - stopped_ns;
		barrier();
	} while ((seq & 1) || seq != stop_seq);
	return ns;
}

u64 ktime_get_boot_ns(void)
{
	return os_monotonic_ns() - boot_mono_ns;
}

u64 ktime_get_real_ns(void)
{
	return os_realtime_ns();
}

void timer_setup(struct timer_list *t, void (*fn)(struct timer_list *))
{
	INIT_LIST_HEAD(&t->entry);
	t->function = fn;
	t->pending = false;
}

void del_timer(struct timer_list *t)
{
	if (t->pending) {
		list_del(&t->entry);
		t->pending = false;
	}
}

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

	timer_setup(&s.timer, sleeper_fire);
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

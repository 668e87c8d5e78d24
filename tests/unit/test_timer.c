/* Kernel timers (kernel/sched/timer.c) through Linux's interface, as
 * modules use it: timer_setup, mod_timer in jiffies, del_timer(_sync)
 * telling whether the timer was pending, a callback that re-arms itself,
 * msecs_to_jiffies rounding up, time_after across the wrap. The host
 * clock is a variable the tests move. */
#include <check.h>
#include <stdlib.h>

#include "kernel_in_host.h"
#include <glass/os.h>
#include <glass/os_upcalls.h>
#include <glass/timer.h>

#include "check_run.h"

/* ---- fakes of what timer.c calls ---- */
static u64 host_ns = 1000 * NSEC_PER_SEC;
struct task_struct *current;
u64 os_monotonic_ns(void) { return host_ns; }
u64 os_realtime_ns(void) { return host_ns; }
void irq_enter(void) { }
void irq_exit(void) { }
void wake_up_process(struct task_struct *t) { abort(); }
void set_current_state(long state) { abort(); }
void schedule(void) { abort(); }
bool signal_pending_current(void) { abort(); }

struct counter {
	struct timer_list timer;
	int fired;
	unsigned long period;   /* re-arm this many jiffies later, if not 0 */
	char name;
};

static char fired_order[8];
static int nr_fired;

static void count_fire(struct timer_list *t)
{
	struct counter *c = from_timer(c, t, timer);

	c->fired++;
	if (nr_fired < (int)sizeof(fired_order))
		fired_order[nr_fired++] = c->name;
	if (c->period)
		mod_timer(t, jiffies + c->period);
}

/* Move the clock by ns and run what expired. */
static void advance(u64 ns)
{
	host_ns += ns;
	run_timers();
}

static void setup(void)
{
	nr_fired = 0;
	time_init();
	run_timers();
}

START_TEST(msecs_round_up)
{
	ck_assert_uint_eq(HZ, 100);
	ck_assert_uint_eq(msecs_to_jiffies(0), 0);
	ck_assert_uint_eq(msecs_to_jiffies(1), 1);
	ck_assert_uint_eq(msecs_to_jiffies(10), 1);
	ck_assert_uint_eq(msecs_to_jiffies(11), 2);
	ck_assert_uint_eq(msecs_to_jiffies(1000), HZ);
	ck_assert_uint_eq(jiffies_to_msecs(3), 30);
}
END_TEST

START_TEST(time_after_wraps)
{
	unsigned long near_end = (unsigned long)-5;

	ck_assert(time_after(near_end + 10, near_end));
	ck_assert(time_before(near_end, near_end + 10));
	ck_assert(!time_after(near_end, near_end + 10));
	ck_assert(time_after_eq(near_end, near_end));
}
END_TEST

/* mod_timer takes jiffies: it fires once jiffies reach expires, not
 * before; run_timers keeps jiffies current. */
START_TEST(mod_timer_in_jiffies)
{
	struct counter c = { 0 };
	unsigned long start = jiffies;

	timer_setup(&c.timer, count_fire, 0);
	ck_assert(!timer_pending(&c.timer));
	ck_assert_int_eq(mod_timer(&c.timer, start + msecs_to_jiffies(50)), 0);
	ck_assert(timer_pending(&c.timer));
	advance(49 * NSEC_PER_MSEC);
	ck_assert_int_eq(c.fired, 0);
	ck_assert_uint_eq(jiffies, start + 4);
	advance(1 * NSEC_PER_MSEC);
	ck_assert_int_eq(c.fired, 1);
	ck_assert_uint_eq(jiffies, start + 5);
	ck_assert(!timer_pending(&c.timer));
}
END_TEST

/* The return values say whether the timer was pending. */
START_TEST(pending_results)
{
	struct counter c = { 0 };

	timer_setup(&c.timer, count_fire, 0);
	ck_assert_int_eq(del_timer(&c.timer), 0);
	ck_assert_int_eq(mod_timer(&c.timer, jiffies + 10), 0);
	ck_assert_int_eq(mod_timer(&c.timer, jiffies + 20), 1);
	ck_assert_int_eq(del_timer_sync(&c.timer), 1);
	ck_assert_int_eq(del_timer_sync(&c.timer), 0);
	advance(NSEC_PER_SEC);
	ck_assert_int_eq(c.fired, 0);
}
END_TEST

/* A callback re-arming itself ticks once a period until deleted, as
 * examples/modules/ticker's does. */
START_TEST(periodic_until_deleted)
{
	struct counter c = { .period = 2 };

	timer_setup(&c.timer, count_fire, 0);
	mod_timer(&c.timer, jiffies + 2);
	for (int i = 0; i < 20; i++)
		advance(TICK_NSEC);
	ck_assert_int_eq(c.fired, 10);
	ck_assert_int_eq(del_timer_sync(&c.timer), 1);
	for (int i = 0; i < 20; i++)
		advance(TICK_NSEC);
	ck_assert_int_eq(c.fired, 10);
}
END_TEST

/* Timers armed in any order fire in expiry order, the ns and jiffies
 * forms alike. */
START_TEST(expiry_order)
{
	struct counter a = { .name = 'a' }, b = { .name = 'b' }, c = { .name = 'c' };

	timer_setup(&a.timer, count_fire, 0);
	timer_setup(&b.timer, count_fire, 0);
	timer_setup(&c.timer, count_fire, 0);
	mod_timer(&a.timer, jiffies + 3);
	mod_timer_ns(&b.timer, ktime_get_ns() + 5 * NSEC_PER_MSEC);
	mod_timer(&c.timer, jiffies + 2);
	advance(40 * NSEC_PER_MSEC);
	ck_assert_int_eq(nr_fired, 3);
	ck_assert_mem_eq(fired_order, "bca", 3);
}
END_TEST

static Suite *timer_suite(void)
{
	Suite *s = suite_create("timer");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, msecs_round_up);
	tcase_add_test(tc, time_after_wraps);
	tcase_add_test(tc, mod_timer_in_jiffies);
	tcase_add_test(tc, pending_results);
	tcase_add_test(tc, periodic_until_deleted);
	tcase_add_test(tc, expiry_order);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(timer_suite(), CK_FORK_GETENV);
}

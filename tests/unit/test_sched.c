/* The scheduler's run queue (kernel/sched/core.c): the task with the least
 * vruntime runs next, FIFO among equals; a woken sleeper is placed at most
 * half the latency behind min_vruntime, which never goes back; a running
 * task is charged and told to yield when its slice is spent; schedule()
 * refuses the states xv6's sched() refuses. __switch_to only records:
 * after schedule() the test "is" whatever task became current. */
#include <check.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel_in_host.h"
#include <glass/debug.h>
#include <glass/os.h>
#include <glass/os_upcalls.h>
#include <glass/timer.h>

#include "check_run.h"
#include "fakes.h"

#define MS (1000ULL * 1000)

/* ---- fakes of what core.c calls ---- */
static u64 now_ns;
static int switches;
unsigned long cpu_progress;
struct page *mem_map;

u64 ktime_get_ns(void) { return now_ns; }
void __switch_to(unsigned long *prev_sp, unsigned long next_sp) { switches++; }
void __free_pages(struct page *p, unsigned int order) { abort(); }
void free_pages(void *p, unsigned int order) { abort(); }
void *get_free_pages(gfp_t gfp, unsigned int order) { return NULL; }
int os_physmem_map(unsigned long addr, unsigned long off, unsigned long len) { return -ENOMEM; }
int os_unmap(unsigned long addr, unsigned long len) { abort(); }
void os_idle_wait(s64 timeout_ns) { abort(); }
void os_symbolize_start(void) { abort(); }
s64 run_timers(void) { return -1; }
/* The profiler is off: its hook in schedule() never calls in. */
volatile int os_profile_pending;
void profile_collect(void) { abort(); }
void itimer_cpu_fire(struct task_struct *t, struct signal_struct *sig) { abort(); }

/* ---- tasks ---- */
static struct task_struct tasks[4];
#define A (&tasks[0])
#define B (&tasks[1])
#define C (&tasks[2])
#define D (&tasks[3])
static jmp_buf panicked;

static void setup(void)
{
	sched_init();
	for (int i = 0; i < 4; i++) {
		struct task_struct *t = &tasks[i];

		memset(t, 0, sizeof(*t));
		t->pid = 10 + i;
		t->state = TASK_INTERRUPTIBLE;
		INIT_LIST_HEAD(&t->run_list);
	}
	fake_panic_return = &panicked;
}

/* Wake t with vruntime v (before any credit). */
static void wake(struct task_struct *t, u64 v)
{
	t->vruntime = v;
	ck_assert(wake_up_state(t, TASK_INTERRUPTIBLE));
}

/* current goes to sleep; returns who runs now. */
static struct task_struct *sleep_current(void)
{
	set_current_state(TASK_INTERRUPTIBLE);
	schedule();
	return current;
}

/* Least vruntime first; among equals, the first woken. */
START_TEST(least_vruntime_runs_first)
{
	wake(A, 30 * MS);
	wake(B, 10 * MS);
	wake(C, 20 * MS);
	wake(D, 20 * MS);
	schedule();
	ck_assert_ptr_eq(current, B);
	ck_assert_ptr_eq(sleep_current(), C);
	ck_assert_ptr_eq(sleep_current(), D);
	ck_assert_ptr_eq(sleep_current(), A);
	ck_assert_ptr_eq(sleep_current(), &init_task);
	ck_assert_int_eq(switches, 5);
	ck_assert_uint_eq(B->nvcsw, 1);
}
END_TEST

/* A sleeper is owed half the latency (3 ms) behind min_vruntime, no more:
 * sleeping banks no CPU time. One that slept briefly keeps its own. */
START_TEST(sleeper_credit_is_bounded)
{
	wake(A, 100 * MS);
	schedule();                     /* min_vruntime = 100 ms */
	ck_assert_ptr_eq(current, A);
	wake(B, 1 * MS);
	ck_assert_uint_eq(B->vruntime, 97 * MS);
	wake(C, 99 * MS);
	ck_assert_uint_eq(C->vruntime, 99 * MS);
	/* Both go ahead of A, which has had its share. */
	schedule();
	ck_assert_ptr_eq(current, B);
	ck_assert_ptr_eq(sleep_current(), C);
	ck_assert_ptr_eq(sleep_current(), A);
}
END_TEST

START_TEST(min_vruntime_never_goes_back)
{
	wake(A, 100 * MS);
	schedule();                     /* min_vruntime = 100 ms */
	wake(B, 50 * MS);               /* credited: 97 ms */
	ck_assert_ptr_eq(sleep_current(), B);
	/* Running B (97 ms) did not pull min_vruntime back to 97. */
	wake(C, 0);
	ck_assert_uint_eq(C->vruntime, 97 * MS);
}
END_TEST

/* Charged time is vruntime; the slice (4 ms) ends with need_resched, and
 * a task that yields goes behind one that has had less. */
START_TEST(slice_and_requeue)
{
	now_ns = 1000 * MS;
	wake(A, 10 * MS);
	wake(B, 12 * MS);
	schedule();
	ck_assert_ptr_eq(current, A);
	account_task_time(now_ns + 3 * MS, true);
	ck_assert(!A->need_resched);
	ck_assert_uint_eq(A->utime_ns, 3 * MS);
	account_task_time(now_ns + 4 * MS, false);
	ck_assert(A->need_resched);
	ck_assert_uint_eq(A->stime_ns, 1 * MS);
	ck_assert_uint_eq(A->vruntime, 14 * MS);
	now_ns += 4 * MS;
	cond_resched();                 /* A stays runnable, B runs */
	ck_assert_ptr_eq(current, B);
	ck_assert(A->on_rq);
	ck_assert_uint_eq(A->nivcsw, 1);
	ck_assert_ptr_eq(sleep_current(), A);
}
END_TEST

/* The sched() invariants: each broken one panics with its name. */
static void expect_bug(const char *cond)
{
	char want[128];

	snprintf(want, sizeof(want), "BUG: %s at ", cond);
	ck_assert_msg(!strncmp(fake_panic_msg, want, strlen(want)),
		      "panic \"%s\", want \"%s...\"", fake_panic_msg, want);
}

START_TEST(schedule_in_interrupt_panics)
{
	wake(A, 10 * MS);
	irq_enter();
	if (!setjmp(panicked)) {
		schedule();
		ck_abort_msg("schedule() in irq context returned");
	}
	expect_bug("in_interrupt()");
	ck_assert_ptr_eq(current, &init_task);
}
END_TEST

START_TEST(idle_never_sleeps)
{
	if (!setjmp(panicked)) {
		sleep_current();
		ck_abort_msg("the idle task slept");
	}
	expect_bug("prev == &init_task && prev->state != TASK_RUNNING");
}
END_TEST

START_TEST(runnable_task_off_the_queue_panics)
{
	wake(A, 10 * MS);
	schedule();
	ck_assert_ptr_eq(current, A);
	/* Made runnable behind the run queue's back: lost once switched out. */
	A->state = TASK_INTERRUPTIBLE;
	schedule();
	ck_assert_ptr_eq(current, &init_task);
	current = A;
	A->state = TASK_RUNNING;
	if (!setjmp(panicked)) {
		schedule();
		ck_abort_msg("a runnable task off the run queue was switched out");
	}
	expect_bug("prev != &init_task && prev->state == TASK_RUNNING && !prev->on_rq");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sched");
	TCase *tc = tcase_create("runqueue");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, least_vruntime_runs_first);
	tcase_add_test(tc, sleeper_credit_is_bounded);
	tcase_add_test(tc, min_vruntime_never_goes_back);
	tcase_add_test(tc, slice_and_requeue);
	tcase_add_test(tc, schedule_in_interrupt_panics);
	tcase_add_test(tc, idle_never_sleeps);
	tcase_add_test(tc, runnable_task_off_the_queue_panics);
	suite_add_tcase(s, tc);
	return check_run(s, CK_FORK_GETENV);
}

/*
 * Test hooks (DESIGN.md, Limits and test hooks): with inject=1, mconsole's
 * `inject KIND` makes the kernel misbehave on purpose, so the tests of the
 * stub, mconsole and the detectors have something real to find:
 *   spin        a kernel thread that never leaves its loop (the CPU wedges)
 *   deadlock    two kernel threads taking two locks in opposite orders
 *   oops-task   a NULL dereference in a kernel thread (task context)
 *   oops-irq    a NULL dereference in a timer callback (interrupt context)
 *   hang-host   a host call that never returns, on the CPU thread
 */
#include <glass/command.h>
#include <glass/debug.h>
#include <glass/init.h>
#include <glass/mutex.h>
#include <glass/os.h>
#include <glass/sched.h>
#include <glass/timer.h>

static DEFINE_MUTEX(inject_lock_a);
static DEFINE_MUTEX(inject_lock_b);

static __attribute__((noinline)) int inject_spin_fn(void *unused)
{
	for (;;)
		barrier();
	return 0;
}

static int deadlock_fn(struct mutex *first, struct mutex *second)
{
	mutex_lock(first);
	/* Let the other thread take its first lock. */
	schedule_timeout_ns(20 * NSEC_PER_MSEC, false, NULL);
	mutex_lock(second);
	mutex_unlock(second);
	mutex_unlock(first);
	return 0;
}

static int deadlock_ab(void *unused)
{
	return deadlock_fn(&inject_lock_a, &inject_lock_b);
}

static int deadlock_ba(void *unused)
{
	return deadlock_fn(&inject_lock_b, &inject_lock_a);
}

/* NULL, read at run time: gcc deletes a store through a literal NULL as
 * undefined behaviour, and the fault with it. */
static int *volatile null_pointer;

void __attribute__((noinline)) inject_null_deref(void)
{
	*null_pointer = 1;
}

static int oops_task_fn(void *unused)
{
	inject_null_deref();
	return 0;
}

static struct timer_list oops_timer;

static void oops_timer_fn(struct timer_list *t)
{
	inject_null_deref();
}

static int hang_host_fn(void *unused)
{
	os_hang();
	return 0;
}

void cmd_inject(struct cmd_out *out, const char *args)
{
	static const struct {
		const char *name;
		int (*fn)(void *);
		const char *comm;
	} kinds[] = {
		{ "spin", inject_spin_fn, "inject_spin" },
		{ "deadlock", deadlock_ab, "inject_lock_ab" },
		{ "oops-task", oops_task_fn, "inject_oops" },
		{ "oops-irq", NULL, NULL },
		{ "hang-host", hang_host_fn, "inject_hang" },
	};

	if (!boot.inject) {
		cmd_error(out, "inject is off: boot glass with inject=1");
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
		if (strcmp(args, kinds[i].name))
			continue;
		if (!kinds[i].fn) {
			timer_setup(&oops_timer, oops_timer_fn);
			mod_timer_ns(&oops_timer, ktime_get_ns());
		} else if (!kthread_run(kinds[i].fn, NULL, kinds[i].comm) ||
			   (kinds[i].fn == deadlock_ab &&
			    !kthread_run(deadlock_ba, NULL, "inject_lock_ba"))) {
			cmd_error(out, "inject: cannot start a kernel thread");
			return;
		}
		cmd_printf(out, "injected %s", kinds[i].name);
		return;
	}
	cmd_error(out, "usage: inject spin|deadlock|oops-task|oops-irq|hang-host");
}

/*
 * Test hooks (docs/DESIGN.md, Limits and test hooks): with inject=1, mconsole's
 * `inject KIND` makes the kernel misbehave on purpose, so the tests of the
 * stub, mconsole and the detectors have something real to find:
 *   spin        a kernel thread that never leaves its loop (the CPU wedges)
 *   deadlock    two kernel threads taking two locks in opposite orders
 *   oops-task   a NULL dereference in a kernel thread (task context)
 *   oops-irq    a NULL dereference in a timer callback (interrupt context)
 *   hang-host   a host call that never returns, on the CPU thread
 *   bad-pointer a load through a wild pointer in a kernel thread
 *   ud2         an illegal instruction in a kernel thread
 *   int3        a compiled-in int3 in a kernel thread (no debugger: an oops)
 *   libc-fault  strlen on a bad pointer inside libc (host code: a panic)
 *   overflow    a kernel thread recursing into its stack's guard gap
 *   bug         BUG_ON in a kernel thread (a panic with a backtrace)
 *   oops-syscall PID   a NULL dereference in PID's next syscall (a guest
 *               task in kernel code: an oops that kills it, SIGSEGV)
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

void __attribute__((noinline)) inject_null_deref(void)
{
	/* In assembly: gcc drops a plain C store through NULL. */
	asm volatile("movl $1, (%0)" : : "r"(0UL) : "memory");
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

static int bad_pointer_fn(void *unused)
{
	return *(volatile int *)0xdead0000UL;
}

static int ud2_fn(void *unused)
{
	__builtin_trap();
}

static int int3_fn(void *unused)
{
	asm volatile("int3");
	return 0;
}

static int libc_fault_fn(void *unused)
{
	return (int)os_inject_strlen((const char *)0xdead0000UL);
}

static volatile int overflow_stop;

static __attribute__((noinline)) int overflow_recurse(int depth)
{
	volatile char frame[512];

	frame[0] = (char)depth;
	if (overflow_stop)
		return 0;
	return overflow_recurse(depth + 1) + frame[0];
}

static int overflow_fn(void *unused)
{
	return overflow_recurse(0);
}

static int bug_fn(void *unused)
{
	BUG_ON(!overflow_stop);
	return 0;
}

int inject_syscall_pid;

/* From do_syscall, in the task inject_syscall_pid names. */
void inject_syscall_fault(void)
{
	inject_syscall_pid = 0;
	inject_null_deref();
}

static int hang_host_fn(void *unused)
{
	os_inject_hang();
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
		{ "bad-pointer", bad_pointer_fn, "inject_badptr" },
		{ "ud2", ud2_fn, "inject_ud2" },
		{ "int3", int3_fn, "inject_int3" },
		{ "libc-fault", libc_fault_fn, "inject_libc" },
		{ "overflow", overflow_fn, "inject_overflow" },
		{ "bug", bug_fn, "inject_bug" },
	};

	if (!boot.inject) {
		cmd_error(out, "inject is off: boot glass with inject=1");
		return;
	}
	if (!strncmp(args, "oops-syscall ", 13)) {
		int pid;

		if (kstrtoint(args + 13, 10, &pid) || pid <= 1 || !find_task_by_pid(pid)) {
			cmd_error(out, "inject oops-syscall PID: a task other than init");
			return;
		}
		inject_syscall_pid = pid;
		cmd_printf(out, "injected oops-syscall %d", pid);
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
		if (strcmp(args, kinds[i].name))
			continue;
		if (!kinds[i].fn) {
			timer_setup(&oops_timer, oops_timer_fn, 0);
			mod_timer_ns(&oops_timer, ktime_get_ns());
		} else if (IS_ERR(kthread_run(kinds[i].fn, NULL, "%s", kinds[i].comm)) ||
			   (kinds[i].fn == deadlock_ab &&
			    IS_ERR(kthread_run(deadlock_ba, NULL, "inject_lock_ba")))) {
			cmd_error(out, "inject: cannot start a kernel thread");
			return;
		}
		cmd_printf(out, "injected %s", kinds[i].name);
		return;
	}
	cmd_error(out, "usage: inject spin|deadlock|oops-task|oops-irq|hang-host|bad-pointer|"
		  "ud2|int3|libc-fault|overflow|bug|oops-syscall PID");
}

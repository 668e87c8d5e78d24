/* Signal delivery (kernel/proc/signal.c) for one task: what a send leaves
 * pending (standard signals coalesce, real-time ones queue, ignored ones
 * are dropped unless blocked, stop and continue cancel each other), the
 * order dequeue_signal() takes them in (the task's own queue before the
 * process's, synchronous faults first, then by number), masks, and what
 * do_signal() does by default (ignore, stop, exit) or with a
 * handler. The task's exit, stop and frame are recorded by fakes. */
#include <check.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include "kernel_in_host.h"
#include <glass/signal.h>
#include <glass/proc.h>
#include <glass/resource.h>
#include <glass/tty.h>

#include "check_run.h"

/* ---- fakes of what signal.c calls ---- */
struct task_struct *current;
LIST_HEAD(task_list);
const struct rlimit64 init_rlimits[RLIM_NLIMITS];
static jmp_buf exited;
static int exit_code, stops, frame_sig, woken;
static bool orphaned;

__noreturn void do_group_exit(int code)
{
	exit_code = code;
	longjmp(exited, 1);
}

__noreturn void do_exit(int code)
{
	do_group_exit(code);
}

void set_current_state(long state) { current->state = state; }

/* A stopped task "sleeps" here until a test sends SIGCONT. */
void schedule(void)
{
	if (current->state == TASK_STOPPED)
		stops++;
	current->state = TASK_RUNNING;
}

bool wake_up_state(struct task_struct *t, long state)
{
	if (!(t->state & state))
		return false;
	t->state = TASK_RUNNING;
	woken++;
	return true;
}

int setup_rt_frame(int sig, kernel_siginfo_t *info, struct k_sigaction *ka,
		   const kernel_sigset_t *set, struct pt_regs *regs)
{
	frame_sig = sig;
	return 0;
}

bool is_current_pgrp_orphaned(void) { return orphaned; }
void syscall_restart(struct pt_regs *regs, bool handler, unsigned long sa_flags) { }
void tty_session_leader_exit(struct tty_struct *tty, pid_t session) { }
void wake_up(wait_queue_head_t *wq) { }
int del_timer(struct timer_list *t) { return 0; }
int schedule_timeout_ns(u64 ns, bool interruptible, u64 *left) { abort(); }
void *kmemdup(const void *p, size_t n, gfp_t gfp) { abort(); }
unsigned long copy_from_user(void *to, const void __user *from, unsigned long n) { abort(); }
unsigned long copy_to_user(void __user *to, const void *from, unsigned long n) { abort(); }
/* No task here is traced: ptrace's hooks are never reached. */
int ptrace_signal(int sig, kernel_siginfo_t *info) { abort(); }
bool ptrace_group_stop(int signr) { abort(); }
bool ptrace_trap_pending(void) { abort(); }
void ptrace_trap_notify(struct task_struct *t) { abort(); }
bool ptrace_notify_tracer_exit(struct task_struct *t) { abort(); }
void ptrace_step_into_handler(void) { abort(); }

/* ---- one task, its own process ---- */
static struct task_struct task;

static void setup(void)
{
	memset(&task, 0, sizeof(task));
	task.pid = task.tgid = 42;
	task.state = TASK_RUNNING;
	task.group_leader = &task;
	INIT_LIST_HEAD(&task.thread_group);
	INIT_LIST_HEAD(&task.tasks);
	list_add_tail(&task.tasks, &task_list);
	current = &task;
	signals_init_task(&task);
	task.regs.orig_ax = -1;         /* not in a syscall */
}

static void handle(int sig, void *handler)
{
	task.sighand->action[sig - 1].handler = handler;
}

static int dequeue(kernel_siginfo_t *info)
{
	return dequeue_signal(&task, &task.blocked, info);
}

static int group_kill(int sig)
{
	kernel_siginfo_t info = { .si_signo = sig, .si_code = SI_USER };

	return group_send_sig_info(sig, &info, &task);
}

/* do_signal(); the exit code if the task exited, else 0. */
static int deliver(void)
{
	exit_code = 0;
	if (!setjmp(exited))
		do_signal();
	return exit_code;
}

START_TEST(standard_signals_coalesce_rt_signals_queue)
{
	kernel_siginfo_t info = { .si_code = SI_QUEUE };

	ck_assert_int_eq(send_sig(SIGUSR1, &task, 0), 0);
	ck_assert_int_eq(send_sig(SIGUSR1, &task, 0), 0);
	for (int i = 0; i < 3; i++) {
		info.timer.value = 100 + i;
		ck_assert_int_eq(send_sig_info(SIGRTMIN + 1, &info, &task), 0);
	}
	ck_assert(task_sigpending(&task));
	ck_assert_int_eq(dequeue(&info), SIGUSR1);
	ck_assert_int_eq(info.si_code, SI_USER);
	ck_assert_int_eq(info.kill.pid, 42);
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(dequeue(&info), SIGRTMIN + 1);
		ck_assert_int_eq(info.timer.value, 100 + i);
	}
	ck_assert_int_eq(dequeue(&info), 0);
	ck_assert(!task_sigpending(&task));
}
END_TEST

START_TEST(dequeue_order)
{
	kernel_siginfo_t info;

	group_kill(SIGHUP);             /* the process's queue */
	send_sig(SIGTERM, &task, 0);    /* the thread's own */
	send_sig(SIGINT, &task, 0);
	send_sig(SIGSEGV, &task, 1);
	send_sig(SIGRTMIN, &task, 0);
	/* The thread's queue first, a fault before all, then by number;
	 * the process's queue after. */
	ck_assert_int_eq(dequeue(&info), SIGSEGV);
	ck_assert_int_eq(info.si_code, SI_KERNEL);
	ck_assert_int_eq(dequeue(&info), SIGINT);
	ck_assert_int_eq(dequeue(&info), SIGTERM);
	ck_assert_int_eq(dequeue(&info), SIGRTMIN);
	ck_assert_int_eq(dequeue(&info), SIGHUP);
	ck_assert_int_eq(dequeue(&info), 0);
}
END_TEST

START_TEST(blocked_signals_wait)
{
	kernel_siginfo_t info;
	kernel_sigset_t set = { sigmask(SIGUSR2) | sigmask(SIGKILL) | sigmask(SIGSTOP) };

	set_current_blocked(&set);
	ck_assert_uint_eq(task.blocked.sig, sigmask(SIGUSR2));  /* never KILL, STOP */
	send_sig(SIGUSR2, &task, 0);
	ck_assert(sigismember(&task.pending.signal, SIGUSR2));
	ck_assert(!task_sigpending(&task));
	ck_assert_int_eq(dequeue(&info), 0);
	ck_assert_int_eq(deliver(), 0);
	sigemptyset(&set);
	set_current_blocked(&set);
	ck_assert(task_sigpending(&task));
	ck_assert_int_eq(dequeue(&info), SIGUSR2);
}
END_TEST

/* Ignored on arrival: dropped, unless blocked (the handler may change). */
START_TEST(ignored_signals_are_dropped_unless_blocked)
{
	kernel_sigset_t set = { sigmask(SIGWINCH) };

	send_sig(SIGCHLD, &task, 0);            /* default: ignore */
	handle(SIGUSR1, SIG_IGN);
	send_sig(SIGUSR1, &task, 0);
	ck_assert_uint_eq(task.pending.signal.sig, 0);
	set_current_blocked(&set);
	send_sig(SIGWINCH, &task, 0);
	ck_assert(sigismember(&task.pending.signal, SIGWINCH));
}
END_TEST

START_TEST(stop_and_continue_cancel_each_other)
{
	kernel_sigset_t set = { sigmask(SIGCONT) | sigmask(SIGTSTP) };

	/* SIGCONT's default is ignore: only a blocked one stays. */
	send_sig(SIGCONT, &task, 0);
	ck_assert(!sigismember(&task.pending.signal, SIGCONT));
	set_current_blocked(&set);
	send_sig(SIGCONT, &task, 0);
	ck_assert(sigismember(&task.pending.signal, SIGCONT));
	send_sig(SIGTSTP, &task, 0);
	ck_assert(!sigismember(&task.pending.signal, SIGCONT));
	ck_assert(sigismember(&task.pending.signal, SIGTSTP));
	send_sig(SIGCONT, &task, 0);
	ck_assert(!sigismember(&task.pending.signal, SIGTSTP));
}
END_TEST

START_TEST(default_actions)
{
	send_sig(SIGCHLD, &task, 0);
	ck_assert_int_eq(deliver(), 0);         /* ignore */
	send_sig(SIGTERM, &task, 0);
	ck_assert_int_eq(deliver(), SIGTERM);   /* terminate */
	/* A core-dump signal terminates without the core bit: Glass writes
	 * no guest core. */
	send_sig(SIGQUIT, &task, 0);
	ck_assert_int_eq(deliver(), SIGQUIT);
	send_sig(SIGTSTP, &task, 0);
	ck_assert_int_eq(deliver(), 0);         /* stop, until "continued" */
	ck_assert_int_eq(stops, 1);
	ck_assert_int_eq(task.signal->group_exit_code, SIGTSTP);
	/* A job-control stop of an orphaned process group is dropped;
	 * SIGSTOP is not. */
	orphaned = true;
	send_sig(SIGTSTP, &task, 0);
	ck_assert_int_eq(deliver(), 0);
	ck_assert_int_eq(stops, 1);
	send_sig(SIGSTOP, &task, 0);
	ck_assert_int_eq(deliver(), 0);
	ck_assert_int_eq(stops, 2);
}
END_TEST

/* init (SIGNAL_UNKILLABLE) only gets the signals it handles. */
START_TEST(init_ignores_default_actions)
{
	task.signal->flags |= SIGNAL_UNKILLABLE;
	send_sig(SIGTERM, &task, 0);
	ck_assert(!sigismember(&task.pending.signal, SIGTERM));
	handle(SIGTERM, (void *)0x401000);
	send_sig(SIGTERM, &task, 0);
	ck_assert_int_eq(deliver(), 0);
	ck_assert_int_eq(frame_sig, SIGTERM);
}
END_TEST

/* A handler runs with its signal blocked (no SA_NODEFER) and its
 * sa_mask; SA_RESETHAND makes the next one take the default again. */
START_TEST(handler_masks_and_resethand)
{
	struct k_sigaction *ka = &task.sighand->action[SIGUSR1 - 1];

	ka->handler = (void *)0x401000;
	ka->mask.sig = sigmask(SIGUSR2);
	ka->flags = SA_RESETHAND;
	send_sig(SIGUSR1, &task, 0);
	ck_assert_int_eq(deliver(), 0);
	ck_assert_int_eq(frame_sig, SIGUSR1);
	ck_assert_uint_eq(task.blocked.sig, sigmask(SIGUSR1) | sigmask(SIGUSR2));
	ck_assert_ptr_eq(ka->handler, SIG_DFL);
}
END_TEST

/* A fault that is blocked or ignored must not be lost: it kills. */
START_TEST(forced_fault_unblocks_and_kills)
{
	kernel_sigset_t set = { sigmask(SIGSEGV) };

	set_current_blocked(&set);
	handle(SIGSEGV, SIG_IGN);
	force_sig_fault(SIGSEGV, 1, 0x8);
	ck_assert(!sigismember(&task.blocked, SIGSEGV));
	ck_assert_int_eq(deliver(), SIGSEGV);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("signal");
	TCase *tc = tcase_create("delivery");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, standard_signals_coalesce_rt_signals_queue);
	tcase_add_test(tc, dequeue_order);
	tcase_add_test(tc, blocked_signals_wait);
	tcase_add_test(tc, ignored_signals_are_dropped_unless_blocked);
	tcase_add_test(tc, stop_and_continue_cancel_each_other);
	tcase_add_test(tc, default_actions);
	tcase_add_test(tc, init_ignores_default_actions);
	tcase_add_test(tc, handler_masks_and_resethand);
	tcase_add_test(tc, forced_fault_unblocks_and_kills);
	suite_add_tcase(s, tc);
	return check_run(s, CK_FORK_GETENV);
}

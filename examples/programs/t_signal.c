/*
 * Signals: SA_SIGINFO handlers, SA_RESTART, masks and pending delivery,
 * kill to self, SIGCHLD, default actions seen by the parent, stop/continue.
 */
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static volatile sig_atomic_t hits, last_signo, last_code;
static volatile pid_t last_pid;

static void on_info(int sig, siginfo_t *si, void *uc)
{
	hits++;
	last_signo = si->si_signo;
	last_code = si->si_code;
	last_pid = si->si_pid;
}

static void set_handler(int sig, int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_info;
	sa.sa_flags = SA_SIGINFO | flags;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static void t_siginfo(void)
{
	hits = 0;
	set_handler(SIGUSR1, 0);
	kill(getpid(), SIGUSR1);
	CHECK("siginfo_kill_self", hits == 1 && last_signo == SIGUSR1 && last_code == SI_USER &&
				   last_pid == getpid(),
	      "hits %d signo %d code %d pid %d", hits, last_signo, last_code, last_pid);
	hits = 0;
	raise(SIGUSR1); /* tgkill */
	CHECK("siginfo_raise", hits == 1 && last_code == SI_TKILL, "hits %d code %d", hits, last_code);
	signal(SIGUSR1, SIG_DFL);
}

/* A read interrupted by a handler: restarted with SA_RESTART, EINTR without. */
static void t_restart(int flags, const char *name)
{
	int p[2], st;
	char c = 0;

	if (pipe(p))
		return;
	hits = 0;
	set_handler(SIGUSR2, flags);
	pid_t parent = getpid(), pid = fork();
	if (pid == 0) {
		sleep_ms(100);
		kill(parent, SIGUSR2);
		sleep_ms(100);
		(void)!write(p[1], "x", 1);
		_exit(0);
	}
	ssize_t r = read(p[0], &c, 1);
	int e = errno;
	waitpid(pid, &st, 0);
	if (flags & SA_RESTART)
		CHECK(name, r == 1 && c == 'x' && hits == 1, "read %zd errno %d hits %d", r, e, hits);
	else
		CHECK(name, r == -1 && e == EINTR && hits == 1, "read %zd errno %d hits %d", r, e, hits);
	close(p[0]);
	close(p[1]);
	signal(SIGUSR2, SIG_DFL);
}

static void t_mask(void)
{
	sigset_t set, old, pend;

	hits = 0;
	set_handler(SIGUSR1, 0);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, &old);
	kill(getpid(), SIGUSR1);
	kill(getpid(), SIGUSR1); /* standard signals do not queue */
	sigpending(&pend);
	int blocked_hits = hits, is_pending = sigismember(&pend, SIGUSR1);
	sigprocmask(SIG_SETMASK, &old, NULL);
	CHECK("sigprocmask_blocks", blocked_hits == 0 && is_pending == 1,
	      "hits while blocked %d, pending %d", blocked_hits, is_pending);
	CHECK("pending_delivered_on_unblock", hits == 1, "hits after unblock %d", hits);
	signal(SIGUSR1, SIG_DFL);

	/* Real-time signals queue, and come in order with their values. */
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN);
	sigprocmask(SIG_BLOCK, &set, &old);
	union sigval v;
	for (int i = 0; i < 3; i++) {
		v.sival_int = 10 + i;
		sigqueue(getpid(), SIGRTMIN, v);
	}
	int ok = 1;
	for (int i = 0; i < 3; i++) {
		siginfo_t si;
		struct timespec ts = { 1, 0 };
		if (sigtimedwait(&set, &si, &ts) != SIGRTMIN || si.si_value.sival_int != 10 + i ||
		    si.si_code != SI_QUEUE)
			ok = 0;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	CHECK("rt_signals_queue", ok, "sigqueue/sigtimedwait mismatch");
}

static void t_ignore(void)
{
	signal(SIGUSR1, SIG_IGN);
	kill(getpid(), SIGUSR1);
	signal(SIGUSR1, SIG_DFL);
	PASS("sig_ign_survives");
}

static void t_sigchld(void)
{
	sigset_t set, old;
	int st;

	hits = 0;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, &old);
	set_handler(SIGCHLD, 0);
	pid_t pid = fork();
	if (pid == 0)
		_exit(3);
	sigset_t wait_mask = old;
	sigdelset(&wait_mask, SIGCHLD);
	alarm(5);
	while (!hits)
		sigsuspend(&wait_mask);
	alarm(0);
	sigprocmask(SIG_SETMASK, &old, NULL);
	waitpid(pid, &st, 0);
	CHECK("sigchld", hits == 1 && last_signo == SIGCHLD && last_pid == pid &&
			 last_code == CLD_EXITED,
	      "hits %d signo %d pid %d (child %d) code %d", hits, last_signo, last_pid, pid,
	      last_code);
	signal(SIGCHLD, SIG_DFL);
}

static void t_default_actions(void)
{
	int st = 0;
	pid_t pid = fork();

	if (pid == 0) {
		raise(SIGTERM);
		_exit(0);
	}
	waitpid(pid, &st, 0);
	CHECK("default_terminate", WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "status %#x", st);

	pid = fork();
	if (pid == 0) {
		kill(getpid(), SIGKILL);
		for (;;)
			pause();
	}
	waitpid(pid, &st, 0);
	CHECK("sigkill", WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "status %#x", st);

	/* SIGCHLD and SIGURG default to ignore. */
	pid = fork();
	if (pid == 0) {
		raise(SIGURG);
		raise(SIGCHLD);
		_exit(4);
	}
	waitpid(pid, &st, 0);
	CHECK("default_ignore", WIFEXITED(st) && WEXITSTATUS(st) == 4, "status %#x", st);

	/* Stop, seen with WUNTRACED; continue, seen with WCONTINUED. */
	pid = fork();
	if (pid == 0) {
		raise(SIGSTOP);
		_exit(6);
	}
	pid_t w = waitpid(pid, &st, WUNTRACED);
	int stopped = w == pid && WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP;
	kill(pid, SIGCONT);
	w = waitpid(pid, &st, WCONTINUED);
	int continued = w == pid && WIFCONTINUED(st);
	if (!continued && WIFEXITED(st)) /* the exit may be reported instead */
		continued = 1;
	else
		waitpid(pid, &st, 0);
	CHECK("stop_continue", stopped && continued && WIFEXITED(st) && WEXITSTATUS(st) == 6,
	      "stopped %d continued %d status %#x", stopped, continued, st);
}

int main(void)
{
	t_siginfo();
	t_restart(SA_RESTART, "sa_restart_read_restarted");
	t_restart(0, "no_sa_restart_read_eintr");
	t_mask();
	t_ignore();
	t_sigchld();
	t_default_actions();
	return check_done();
}

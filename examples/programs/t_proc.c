/* Processes: fork/wait status, vfork, exec of itself, pipes, reparenting. */
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

static const char *self;

static void t_fork_wait(void)
{
	pid_t parent = getpid(), pid = fork();
	int st = 0;

	if (pid == 0)
		_exit(getppid() == parent ? 42 : 1);
	pid_t w = waitpid(pid, &st, 0);
	CHECK("fork_wait", pid > 0 && w == pid && WIFEXITED(st) && WEXITSTATUS(st) == 42,
	      "pid %d waited %d status %#x", pid, w, st);
	CHECK("wait_no_child", waitpid(-1, &st, WNOHANG) == -1 && errno == ECHILD,
	      "errno %d", errno);
}

static void t_many_children(void)
{
	int n = 0, sum = 0, st;

	for (int i = 0; i < 8; i++) {
		pid_t pid = fork();
		if (pid == 0)
			_exit(i);
		n += pid > 0;
	}
	while (wait(&st) > 0)
		sum += WEXITSTATUS(st);
	CHECK("fork_many", n == 8 && sum == 28, "forked %d, status sum %d", n, sum);
}

static void t_vfork(void)
{
	volatile int shared = 0;
	int st = 0;
	pid_t pid = vfork();

	if (pid == 0) {
		shared = 5;
		_exit(5);
	}
	waitpid(pid, &st, 0);
	CHECK("vfork", WIFEXITED(st) && WEXITSTATUS(st) == 5 && shared == 5,
	      "status %#x shared %d", st, shared);
}

static void t_exec(void)
{
	int st = 0;
	pid_t pid = fork();

	if (pid == 0) {
		char *argv[] = { (char *)self, "--exec-child", "arg two", NULL };
		char *envp[] = { "GLASS_EXEC=yes", NULL };
		execve(self, argv, envp);
		_exit(99);
	}
	waitpid(pid, &st, 0);
	CHECK("exec_self", WIFEXITED(st) && WEXITSTATUS(st) == 33, "status %#x", st);

	pid = fork();
	if (pid == 0) {
		char *argv[] = { "nope", NULL };
		execve("/nonexistent/program", argv, argv + 1);
		_exit(errno == ENOENT ? 0 : 1);
	}
	waitpid(pid, &st, 0);
	CHECK("exec_enoent", WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
}

static int exec_child(int argc, char **argv)
{
	const char *e = getenv("GLASS_EXEC");
	return argc == 3 && !strcmp(argv[2], "arg two") && e && !strcmp(e, "yes") ? 33 : 1;
}

static void t_pipe(void)
{
	enum { N = 200000 };
	int p[2], st;
	unsigned long sum = 0, want = 0, got = 0;
	unsigned char buf[4096];

	if (pipe(p)) {
		FAIL("pipe", "pipe: %s", strerror(errno));
		return;
	}
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		for (int i = 0; i < N;) {
			int n = 0;
			for (; n < (int)sizeof(buf) && i < N; n++, i++)
				buf[n] = (unsigned char)(i * 7);
			if (write(p[1], buf, n) != n)
				_exit(1);
		}
		_exit(0);
	}
	close(p[1]);
	for (;;) {
		ssize_t n = read(p[0], buf, sizeof(buf));
		if (n <= 0)
			break;
		for (ssize_t i = 0; i < n; i++)
			sum += buf[i];
		got += n;
	}
	for (int i = 0; i < N; i++)
		want += (unsigned char)(i * 7);
	close(p[0]);
	waitpid(pid, &st, 0);
	CHECK("pipe_bulk", got == N && sum == want && WIFEXITED(st) && !WEXITSTATUS(st),
	      "got %lu bytes sum %lu want %lu", got, sum, want);

	/* Writing to a pipe with no reader: EPIPE (SIGPIPE ignored). */
	signal(SIGPIPE, SIG_IGN);
	if (pipe(p) == 0) {
		close(p[0]);
		ssize_t r = write(p[1], "x", 1);
		CHECK("pipe_epipe", r == -1 && errno == EPIPE, "write returned %zd errno %d", r, errno);
		close(p[1]);
	}
	signal(SIGPIPE, SIG_DFL);
}

/* A child whose parent exits is reparented (to init or a subreaper). */
static void t_reparent(void)
{
	int p[2], ready[2], st;
	pid_t mid, before = 0, after = 0;

	if (pipe(p) || pipe(ready))
		return;
	mid = fork();
	if (mid == 0) {
		char c;
		if (fork() == 0) {
			pid_t pp = getppid();
			(void)!write(ready[1], "r", 1);
			while (getppid() == pp)
				usleep(1000);
			pid_t r[2] = { pp, getppid() };
			if (write(p[1], r, sizeof(r)) != sizeof(r))
				_exit(1);
			_exit(0);
		}
		(void)!read(ready[0], &c, 1); /* exit only once the grandchild saw us */
		_exit(0);
	}
	close(p[1]);
	close(ready[1]);
	waitpid(mid, &st, 0);
	pid_t r[2];
	if (read(p[0], r, sizeof(r)) == sizeof(r)) {
		before = r[0];
		after = r[1];
	}
	close(p[0]);
	close(ready[0]);
	CHECK("reparent", before == mid && after != mid && after > 0,
	      "parent %d then %d (middle %d)", before, after, mid);
}

/*
 * A subreaper takes its orphaned grandchild, and an orphan that a clone
 * gave another exit signal is reparented with SIGCHLD, as Linux does, so
 * a plain waitpid reaps it (init waits that way for every orphan).
 */
static void t_subreaper(void)
{
	int ready[2], st = 0, flag = 0;
	pid_t mid, gc = 0, r = 0;

	CHECK("subreaper_set", !prctl(PR_SET_CHILD_SUBREAPER, 1) &&
	      !prctl(PR_GET_CHILD_SUBREAPER, &flag) && flag == 1, "flag %d errno %d", flag, errno);
	if (pipe(ready))
		return;
	mid = fork();
	if (mid == 0) {
		/* A fork whose exit signal is SIGUSR1, not SIGCHLD. */
		pid_t pp = getpid(), c = syscall(SYS_clone, SIGUSR1, 0, 0, 0, 0);

		if (c == 0) {
			while (getppid() == pp)
				usleep(1000);
			_exit(getppid() == getpid() ? 1 : 7);
		}
		(void)!write(ready[1], &c, sizeof(c));
		_exit(0);
	}
	close(ready[1]);
	(void)!read(ready[0], &gc, sizeof(gc));
	close(ready[0]);
	waitpid(mid, &st, 0);
	for (int i = 0; i < 5000 && r != gc; i++) {
		r = waitpid(gc, &st, WNOHANG);
		if (r != gc)
			usleep(1000);
	}
	CHECK("subreaper_reaps", gc > 0 && r == gc && WIFEXITED(st) && WEXITSTATUS(st) == 7,
	      "grandchild %d, waitpid gave %d, status %#x", gc, r, st);
	prctl(PR_SET_CHILD_SUBREAPER, 0);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--exec-child"))
		return exec_child(argc, argv);
	self = argv[0];
	if (!strchr(self, '/'))
		self = "/proc/self/exe";
	t_fork_wait();
	t_many_children();
	t_vfork();
	t_exec();
	t_pipe();
	t_reparent();
	t_subreaper();
	return check_done();
}

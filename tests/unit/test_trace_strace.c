/*
 * The formatter against the host's strace, line for line: this program
 * re-runs itself as a child that makes a fixed series of syscalls, once
 * under `strace -s 32` and once under a small ptrace loop that builds
 * trace records with trace/'s builders (guest memory through
 * process_vm_readv) and formats them. Between the two marker writes the
 * texts must be the same. Address randomization is off in both runs, so
 * pointers agree too.
 */
/* first: <signal.h> makes macros of names like si_pid */
#include <trace/trace.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check_run.h"

static void h(int sig)
{
}

/* The traced series, between two writes to fd -1 that mark it. */
static int child(void)
{
	char buf[64], *m;
	int fd, p[2];
	struct stat st;
	struct pollfd pf[2];
	struct iovec iov[2] = { { "hello", 5 }, { "\n", 1 } };
	struct iovec riov[2] = { { buf, 3 }, { buf + 8, 10 } };
	struct sigaction sa = { .sa_handler = h, .sa_flags = SA_RESTART }, old;
	struct timespec ts = { 0, 1000 };
	struct rlimit rl;
	struct utsname u;
	sigset_t all, prev;
	stack_t ss;

	if (write(-1, "BEGIN", 5) != -1)
		return 1;
	fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC);
	read(fd, buf, 40);
	fstat(fd, &st);
	lseek(fd, 0, SEEK_SET);
	close(fd);
	open("/nonexistent/file", O_RDONLY);
	open("/tmp", O_RDONLY | O_DIRECTORY | O_NONBLOCK | O_CLOEXEC);
	pipe2(p, O_CLOEXEC);
	fcntl(p[0], F_GETFD);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	fcntl(p[0], F_GETFL);
	write(p[1], "hi\n\t\"\\\001\0012\0", 10);
	pf[0] = (struct pollfd){ .fd = p[0], .events = POLLIN };
	pf[1] = (struct pollfd){ .fd = p[1], .events = POLLIN | POLLOUT };
	poll(pf, 2, 0);
	read(p[0], buf, 64);
	read(p[0], buf, 64);
	writev(p[1], iov, 2);
	readv(p[0], riov, 2);
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGTERM);
	sigaction(SIGUSR1, &sa, &old);
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &prev);
	sigprocmask(SIG_SETMASK, &prev, NULL);
	nanosleep(&ts, NULL);
	umask(022);
	access("/etc/passwd", R_OK);
	access("/nonexistent", F_OK);
	getrlimit(RLIMIT_NOFILE, &rl);
	uname(&u);
	getcwd(buf, sizeof(buf));
	m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	mprotect(m, 4096, PROT_READ);
	munmap(m, 8192);
	dup3(p[0], 20, O_CLOEXEC);
	fcntl(p[0], F_DUPFD_CLOEXEC, 30);
	stat("/etc/passwd", &st);
	readlink("/proc/self/exe", buf, sizeof(buf));
	kill(0, 0);
	madvise(m, 4096, MADV_DONTNEED);
	sigaltstack(NULL, &ss);
	lseek(p[0], 0, SEEK_END);
	prctl(PR_SET_NAME, "tracee");
	prctl(PR_GET_NAME, buf);
	chdir((char *)16);
	write(-1, "END", 3);
	return 0;
}

/* ---- the host's strace ---- */
static char self[4096];
static char tmpdir[] = "/tmp/test_trace_strace.XXXXXX";

static void run_child_exec(void)
{
	char *argv[] = { self, "child", NULL };

	personality(ADDR_NO_RANDOMIZE);
	execv(self, argv);
	_exit(127);
}

static int strace_run(const char *out)
{
	pid_t pid = fork();
	int st;

	if (!pid) {
		char *argv[] = { "strace", "-s", "32", "-o", (char *)out, self,
				 "child", NULL };

		personality(ADDR_NO_RANDOMIZE);
		execvp("strace", argv);
		_exit(127);
	}
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* ---- ours: ptrace, trace/'s builders, trace/'s formatter ---- */
static pid_t tracee;

static int ua_copy(void *ctx, void *dst, u64 a, u32 len)
{
	struct iovec l = { dst, len }, r = { (void *)a, len };

	return process_vm_readv(tracee, &l, 1, &r, 1, 0) == (ssize_t)len ? 0 : -EFAULT;
}

static long ua_copy_str(void *ctx, char *dst, u64 a, u32 len)
{
	for (u32 i = 0; i < len; i++) {
		if (ua_copy(ctx, dst + i, a + i, 1))
			return -EFAULT;
		if (!dst[i])
			return i;
	}
	return len;
}

static const struct trace_uaccess ua = { ua_copy, ua_copy_str, NULL };

static void ours(FILE *out)
{
	static u64 rec[TRACE_REC_MAX / 8];
	static char line[TRACE_LINE_MAX];
	struct trace_fmt f;
	struct user_regs_struct r;
	u64 args[6] = { 0 };
	u32 nr = 0;
	bool in = false;
	int st;

	trace_fmt_init(&f, TRACE_FMT_ALIGN);
	tracee = fork();
	if (!tracee) {
		ptrace(PTRACE_TRACEME, 0, NULL, NULL);
		raise(SIGSTOP);
		run_child_exec();
	}
	waitpid(tracee, &st, 0);
	ptrace(PTRACE_SETOPTIONS, tracee, NULL, (void *)(PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL));
	ptrace(PTRACE_SYSCALL, tracee, NULL, NULL);
	while (waitpid(tracee, &st, 0) == tracee) {
		int sig = 0;

		if (WIFEXITED(st) || WIFSIGNALED(st))
			break;
		if (WSTOPSIG(st) == (SIGTRAP | 0x80)) {
			u32 len;

			ptrace(PTRACE_GETREGS, tracee, NULL, &r);
			if (!in) {
				nr = r.orig_rax;
				args[0] = r.rdi;
				args[1] = r.rsi;
				args[2] = r.rdx;
				args[3] = r.r10;
				args[4] = r.r8;
				args[5] = r.r9;
				len = trace_build_sys_enter(rec, sizeof(rec), tracee, 0, nr, args, &ua);
			} else {
				len = trace_build_sys_exit(rec, sizeof(rec), tracee, 0, nr, args,
							   (s64)r.rax, 0, &ua);
			}
			in = !in;
			ck_assert_uint_gt(len, 0);
			trace_fmt_record(&f, rec, len, line, sizeof(line));
			fputs(line, out);
		} else if (WSTOPSIG(st) != SIGTRAP) {
			sig = WSTOPSIG(st);	/* the exec's SIGTRAP is ours */
		}
		ptrace(PTRACE_SYSCALL, tracee, NULL, (void *)(long)sig);
	}
}

/* The lines from the BEGIN marker to the END marker. */
static char *between_markers(const char *path)
{
	static char text[2][64 * 1024];
	static int which;
	char *t = text[which++ % 2], l[8192];
	FILE *f = fopen(path, "r");
	bool on = false;

	ck_assert_ptr_nonnull(f);
	t[0] = 0;
	while (fgets(l, sizeof(l), f)) {
		if (strstr(l, "write(-1, \"BEGIN\", 5)"))
			on = true;
		if (on)
			strncat(t, l, 64 * 1024 - strlen(t) - 1);
		if (strstr(l, "write(-1, \"END\", 3)"))
			break;
	}
	fclose(f);
	return t;
}

START_TEST(same_text_as_strace)
{
	char a[256], b[256];
	FILE *out;

	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(a, sizeof(a), "%s/strace", tmpdir);
	snprintf(b, sizeof(b), "%s/ours", tmpdir);
	ck_assert_msg(strace_run(a) != 127, "no strace (scripts/deps.sh installs it)");
	out = fopen(b, "we");	/* not inherited: the fds must match */
	ck_assert_ptr_nonnull(out);
	ours(out);
	fclose(out);
	char *want = between_markers(a), *got = between_markers(b);

	ck_assert_msg(strstr(want, "END"), "strace output has no END marker");
	/* line by line, so a failure names the first line that differs */
	for (int line = 1; *want || *got; line++) {
		size_t nw = strcspn(want, "\n"), ng = strcspn(got, "\n");

		ck_assert_msg(nw == ng && !strncmp(want, got, nw),
			      "line %d:\nstrace: %.*s\nours:   %.*s", line,
			      (int)(nw > 300 ? 300 : nw), want,
			      (int)(ng > 300 ? 300 : ng), got);
		want += nw + !!want[nw];
		got += ng + !!got[ng];
	}
	if (!getenv("KEEP"))
		unlink(a), unlink(b), rmdir(tmpdir);
}
END_TEST

int main(int argc, char **argv)
{
	Suite *s;
	TCase *tc;
	ssize_t n;

	/* _exit: no exit-time checks (LeakSanitizer refuses to run traced) */
	if (argc > 1 && !strcmp(argv[1], "child"))
		_exit(child());
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0)
		return 1;
	self[n] = 0;
	s = suite_create("trace_strace");
	tc = tcase_create("strace");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, same_text_as_strace);
	suite_add_tcase(s, tc);
	return check_run(s, CK_FORK_GETENV);
}

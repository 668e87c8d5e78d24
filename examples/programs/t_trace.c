/*
 * A tracer's workload: a fixed sequence of syscalls whose names and
 * results strace -f natively and Glass's `trace syscalls` must agree on
 * (tests/integration/trace_strace.sh), checking its own results, as
 * every guest test program does, so that tracing is seen to change
 * nothing.
 *   t_trace           the sequence: an ENOENT, a pipe round trip, stat,
 *                     mmap/munmap, a fork whose child exits 7
 *   t_trace loop N    N rounds of getppid and a pipe round trip, 2 ms
 *                     apart, each result checked (trace_live.sh)
 *   t_trace faults    one page fault of each kind the tracer names
 *                     (trace_faults.sh)
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdbool.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

#define PAGE 4096

static void workload(void)
{
	char buf[8] = "";
	struct stat st;
	int p[2], status = 0;
	pid_t child;
	void *m;

	CHECK("open-enoent", open("/nonexistent/t_trace", O_RDONLY) < 0 && errno == ENOENT,
	      "errno %d", errno);
	CHECK("pipe", pipe(p) == 0, "errno %d", errno);
	CHECK("pipe-write", write(p[1], "hello", 5) == 5, "errno %d", errno);
	CHECK("pipe-read", read(p[0], buf, 5) == 5 && !memcmp(buf, "hello", 5), "got %s", buf);
	close(p[0]);
	close(p[1]);
	CHECK("stat-root", stat("/", &st) == 0 && S_ISDIR(st.st_mode), "errno %d", errno);
	m = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK("mmap", m != MAP_FAILED, "errno %d", errno);
	CHECK("munmap", munmap(m, 2 * PAGE) == 0, "errno %d", errno);
	child = fork();
	if (child == 0)
		_exit(7);
	CHECK("fork-wait", child > 0 && waitpid(child, &status, 0) == child &&
	      WIFEXITED(status) && WEXITSTATUS(status) == 7, "status %#x", status);
}

/* While the test turns tracing on and off: results must not change. */
static void loop(int rounds)
{
	struct timespec ts = { 0, 2000000 };
	pid_t parent = getppid();
	int p[2], bad = 0;

	if (pipe(p)) {
		FAIL("loop-pipe", "errno %d", errno);
		return;
	}
	for (int i = 0; i < rounds; i++) {
		int v = -1;

		if (getppid() != parent)
			bad++;
		if (write(p[1], &i, sizeof(i)) != sizeof(i) ||
		    read(p[0], &v, sizeof(v)) != sizeof(v) || v != i)
			bad++;
		nanosleep(&ts, NULL);
	}
	CHECK("loop", !bad, "%d rounds went wrong", bad);
}

static sigjmp_buf jump;
static volatile int caught_code;

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	caught_code = si->si_code;
	siglongjmp(jump, 1);
}

/* Touch *p (write or read) expecting signal sig; its si_code, or -1. */
static int fault_code(volatile char *p, bool write, int sig)
{
	struct sigaction sa = { .sa_sigaction = on_fault, .sa_flags = SA_SIGINFO };

	sigaction(sig, &sa, NULL);
	caught_code = -1;
	if (!sigsetjmp(jump, 1)) {
		if (write)
			*p = 1;
		else
			(void)*p;
	}
	signal(sig, SIG_DFL);
	return caught_code;
}

/* Grow the stack well below where it started (the stack VMA grows down). */
static __attribute__((noinline)) int deep_stack(void)
{
	volatile char big[512 * 1024];

	for (long i = sizeof(big) - 1; i >= 0; i -= PAGE)
		big[i] = 1;
	big[0] = 1;
	return big[0];
}

static void faults(void)
{
	const char *dir = check_tmpdir();
	char path[256];
	volatile char *a, *z, *f, *ro;
	int fd, status = 0;
	pid_t child;

	/* zero-page: a read of untouched anonymous memory; anon: a write. */
	z = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK("fault-zero", z != MAP_FAILED && z[0] == 0, "read of fresh memory");
	a = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	a[0] = 'a';
	CHECK("fault-anon", a[0] == 'a', "write of fresh memory");
	/* cow: the child writes a page it shares with us; cow-reuse: we
	 * write it after, the last holder. */
	child = fork();
	if (child == 0) {
		a[0] = 'c';
		_exit(a[0] == 'c' ? 0 : 1);
	}
	waitpid(child, &status, 0);
	CHECK("fault-cow", WIFEXITED(status) && !WEXITSTATUS(status) && a[0] == 'a',
	      "status %#x, parent sees %c", status, a[0]);
	a[0] = 'p';
	CHECK("fault-cow-reuse", a[0] == 'p', "parent's write");
	/* file-read: a page of a file that is not in the cache yet (a hole);
	 * file-cached: the same page through a second mapping. */
	snprintf(path, sizeof(path), "%s/t_trace.%d", dir, (int)getpid());
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	unlink(path);
	CHECK("fault-file-setup", fd >= 0 && ftruncate(fd, PAGE) == 0, "errno %d", errno);
	f = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);
	CHECK("fault-file-read", f != MAP_FAILED && f[0] == 0, "hole reads as zero");
	f = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);
	CHECK("fault-file-cached", f != MAP_FAILED && f[0] == 0, "second mapping");
	/* SIGBUS: a page of the mapping wholly beyond the end of the file. */
	f = mmap(NULL, 2 * PAGE, PROT_READ, MAP_SHARED, fd, 0);
	CHECK("fault-sigbus", fault_code(f + PAGE, false, SIGBUS) == BUS_ADRERR,
	      "si_code %d", caught_code);
	close(fd);
	CHECK("fault-stack", deep_stack() == 1, "stack growth");
	/* SIGSEGV: no mapping, then a write to a read-only one. */
	CHECK("fault-segv-maperr", fault_code((volatile char *)16, true, SIGSEGV) == SEGV_MAPERR,
	      "si_code %d", caught_code);
	ro = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK("fault-segv-accerr", fault_code(ro, true, SIGSEGV) == SEGV_ACCERR,
	      "si_code %d", caught_code);
}

int main(int argc, char **argv)
{
	if (argc > 2 && !strcmp(argv[1], "loop"))
		loop(atoi(argv[2]));
	else if (argc > 1 && !strcmp(argv[1], "faults"))
		faults();
	else
		workload();
	return check_done();
}

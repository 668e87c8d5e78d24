/*
 * Guest microbenchmarks for `make bench` (scripts/bench.sh): run natively,
 * inside Glass and inside user-mode-linux. Prints one line per figure:
 *   BENCH <name> <microseconds per op> <ops>
 * (the BENCH marker lets bench.sh find them among kernel messages).
 * bench [SCALE]: SCALE (default 1.0) multiplies the iteration counts.
 * bench forkmem MIB [N]: fork+exit+wait N times (default 50) from a parent
 * holding MIB MiB of touched anonymous memory: "BENCH fork_<MIB>m ..."
 * (scripts/bench-fork.sh: how fork's cost grows with resident size).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void report(const char *name, double us, long ops)
{
	printf("BENCH %s %.3f %ld\n", name, us / ops, ops);
	fflush(stdout);
}

/* fork+exit+wait n times; the child exits at once. */
static void fork_loop(const char *name, long n)
{
	double t = now();

	for (long i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid == 0)
			_exit(0);
		waitpid(pid, NULL, 0);
	}
	report(name, now() - t, n);
}

static int forkmem(long mib, long n)
{
	char name[32], *p = mib ? malloc(mib << 20) : NULL;

	if (mib && !p) {
		perror("malloc");
		return 1;
	}
	/* Through a volatile pointer: a memset of memory only freed later
	 * is a dead store the compiler may drop. */
	for (long i = 0; i < mib << 20; i += 4096)
		((volatile char *)p)[i] = 1;
	snprintf(name, sizeof(name), "fork_%ldm", mib);
	fork_loop(name, n);
	free(p);
	return 0;
}

int main(int argc, char **argv)
{
	double scale = argc > 1 ? atof(argv[1]) : 1.0;
	long n;
	double t;

	if (argc > 2 && !strcmp(argv[1], "forkmem"))
		return forkmem(atol(argv[2]), argc > 3 ? atol(argv[3]) : 50);
	if (scale <= 0)
		scale = 1.0;

	/* getppid: one guest syscall, no work. Through libc's wrapper, a
	 * `mov $nr,%eax; syscall` site Glass patches, and through syscall(3),
	 * whose site it cannot (the number comes from a register): every
	 * call traps. */
	n = (long)(20000 * scale) + 1;
	t = now();
	for (long i = 0; i < n; i++)
		getppid();
	report("getppid", now() - t, n);
	t = now();
	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
	report("getppid_trap", now() - t, n);

	/* First touch of 4096 anonymous pages (one write each). */
	n = 4096;
	char *p = mmap(NULL, n * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	t = now();
	for (long i = 0; i < n; i++)
		p[i * 4096] = 1;
	report("page_fault", now() - t, n);
	munmap(p, n * 4096);

	/* fork + exit + wait. */
	fork_loop("fork_exit_wait", (long)(200 * scale) + 1);

	/* One-byte pipe write + read in one process. */
	int a[2], b[2];
	char c = 'x';
	if (pipe(a) || pipe(b))
		return 1;
	n = (long)(10000 * scale) + 1;
	t = now();
	for (long i = 0; i < n; i++) {
		if (write(a[1], &c, 1) != 1 || read(a[0], &c, 1) != 1)
			return 1;
	}
	report("pipe_write_read", now() - t, n);

	/* One-byte ping-pong between two processes (a round trip per op). */
	n = (long)(2000 * scale) + 1;
	pid_t pid = fork();
	if (pid == 0) {
		for (long i = 0; i < n; i++) {
			if (read(a[0], &c, 1) != 1 || write(b[1], &c, 1) != 1)
				_exit(1);
		}
		_exit(0);
	}
	t = now();
	for (long i = 0; i < n; i++) {
		if (write(a[1], &c, 1) != 1 || read(b[0], &c, 1) != 1)
			return 1;
	}
	report("pipe_pingpong", now() - t, n);
	waitpid(pid, NULL, 0);
	printf("BENCH done\n");
	return 0;
}

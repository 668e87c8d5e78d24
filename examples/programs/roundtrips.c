/*
 * Host round trips (stub hand-offs) per guest operation, read from Glass's
 * exact counters in /proc/glass/stats: one per getppid, one per page fault
 * (the stub applies the fault's mapping batch in the hand-off that resumes
 * the guest) and one fault per 64 KiB of first touches (fault-around),
 * and per fork one per syscall and fault, plus the child's stub's ready
 * stop if it is a new one, and two if it is parked at the child's exit,
 * with at most one fault per fork. Prints "roundtrips OP N" lines and exits
 * non-zero when a bound is broken. Natively (no /proc/glass) it says so
 * and exits 77 (skipped).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

/* kpolls, gpolls: the kernel's and the guest thread's polls of the
 * hand-off word (spin_kernel_*, spin_guest_*: hits and misses added),
 * from the same read as the rest, so that their window is the same.
 * parked, reused: stubs parked at an mm's end, and taken for a new one. */
struct stats {
	long round_trips, syscalls, faults, ticks, flushes, kpolls, gpolls;
	long parked, reused;
	int spin_keys;
};

static int read_stats(struct stats *s)
{
	char line[128], key[64];
	long v;
	FILE *f = fopen("/proc/glass/stats", "r");

	if (!f)
		return -1;
	memset(s, 0, sizeof(*s));
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %ld", key, &v) != 2)
			continue;
		if (!strcmp(key, "round_trips"))
			s->round_trips = v;
		else if (!strcmp(key, "syscalls"))
			s->syscalls = v;
		else if (!strcmp(key, "faults"))
			s->faults = v;
		else if (!strcmp(key, "ticks"))
			s->ticks = v;
		else if (!strcmp(key, "flushes"))
			s->flushes = v;
		else if (!strcmp(key, "stubs_parked"))
			s->parked = v;
		else if (!strcmp(key, "stubs_reused"))
			s->reused = v;
		else if (!strncmp(key, "spin_kernel_", 12))
			s->kpolls += v, s->spin_keys++;
		else if (!strncmp(key, "spin_guest_", 11))
			s->gpolls += v, s->spin_keys++;
	}
	fclose(f);
	return 0;
}

static struct stats diff(struct stats x, struct stats y)
{
	return (struct stats){ y.round_trips - x.round_trips, y.syscalls - x.syscalls,
			       y.faults - x.faults, y.ticks - x.ticks,
			       y.flushes - x.flushes, y.kpolls - x.kpolls,
			       y.gpolls - x.gpolls, y.parked - x.parked,
			       y.reused - x.reused, y.spin_keys };
}

/*
 * Run op(n) between two reads of the counters. *win gets the window's
 * counts; the result is the window's round trips minus those of a window
 * holding only a read of the counters, and minus ticks (which are time,
 * not work).
 */
static long measure(void (*op)(int), int n, struct stats *win)
{
	struct stats a, b, c, base;

	read_stats(&a);
	read_stats(&b);
	op(n);
	read_stats(&c);
	base = diff(a, b);
	*win = diff(b, c);
	return (win->round_trips - base.round_trips) - win->ticks + base.ticks;
}

static void do_getppid(int n)
{
	for (int i = 0; i < n; i++)
		getppid();
}

static char *area;
static void do_touch(int n)
{
	for (int i = 0; i < n; i++)
		area[i * 4096] = 1;
}

static void do_fork(int n)
{
	for (int i = 0; i < n; i++) {
		pid_t p = fork();
		if (p == 0)
			_exit(0);
		waitpid(p, NULL, 0);
	}
}

static int pipe_fds[2];
static void do_pipe(int n)
{
	char c = 'x';

	for (int i = 0; i < n; i++)
		if (write(pipe_fds[1], &c, 1) != 1 || read(pipe_fds[0], &c, 1) != 1)
			return;
}

int main(void)
{
	struct stats s;
	int bad = 0;
	long r;

	if (read_stats(&s)) {
		printf("roundtrips: no /proc/glass/stats (not in Glass): skipped\n");
		return 77;
	}
	struct stats w;

	/* Warm up: the code and the stats path have their pages. */
	measure(do_getppid, 1, &w);

	/* Every round trip in the window is a syscall, a fault or a tick:
	 * nothing else stops a guest, and batches (flushes) ride on the
	 * hand-off that resumes it. getppid's share is one each. */
	r = measure(do_getppid, 1000, &w);
	printf("roundtrips getppid %ld per 1000 (window: %ld round trips, %ld syscalls, "
	       "%ld faults, %ld flushes, %ld ticks)\n", r, w.round_trips, w.syscalls,
	       w.faults, w.flushes, w.ticks);
	/* Exactly one round trip per syscall: what the window's round trips
	 * leave after its faults and ticks are its syscalls. */
	bad |= w.round_trips - w.faults - w.ticks != w.syscalls;
	bad |= w.syscalls < 1000;

	area = mmap(NULL, 256 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	r = measure(do_touch, 256, &w);
	/* Fault-around: one fault maps the aligned 64 KiB around it, so
	 * the faults are exactly the 64 KiB windows the area spans. */
	long windows = (((unsigned long)area + 255 * 4096) >> 16) -
		       ((unsigned long)area >> 16) + 1;
	printf("roundtrips first-touch %ld per 256 pages (faults %ld for %ld 64 KiB windows, "
	       "syscalls %ld)\n", r, w.faults, windows, w.syscalls);
	/* Exactly one per fault. */
	bad |= w.round_trips - w.ticks != w.faults + w.syscalls || w.faults != windows;

	r = measure(do_fork, 10, &w);
	printf("roundtrips fork+exit+wait %ld per 10 (syscalls %ld, faults %ld, "
	       "stubs parked %ld, reused %ld)\n", r, w.syscalls, w.faults, w.parked, w.reused);
	/* One per syscall (clone, wait4; the child's set_robust_list and
	 * exit_group) and per fault; per fork, one for a new stub's ready
	 * stop and two for parking the child's at its exit, exactly.
	 * Faults: the child's first write to libc's data, shared since fork;
	 * the stack pages at the parent's sp are copied at fork, so neither
	 * side faults there; the parent's first fork leaves its libc data
	 * page shared once. */
	bad |= w.round_trips - w.ticks !=
	       w.syscalls + w.faults + (10 - w.reused) + 2 * w.parked;
	bad |= w.reused > 10 || w.parked > 10;
	bad |= w.faults > 10 + 1;

	/* One-byte pipe write+read in one process: two syscalls, and the
	 * reader never sleeps, so exactly two hand-offs. */
	if (pipe(pipe_fds))
		return 1;
	measure(do_pipe, 1, &w);
	r = measure(do_pipe, 1000, &w);
	printf("roundtrips pipe write+read %ld per 1000 (syscalls %ld, faults %ld; "
	       "polls: kernel %ld, guest thread %ld)\n", r, w.syscalls, w.faults,
	       w.kpolls, w.gpolls);
	bad |= w.round_trips - w.faults - w.ticks != w.syscalls || r != 2000;
	/* Polling adds no hand-off: each side polls at most once per one,
	 * both counted over the same window (but for the reading's own
	 * hand-off, whose poll may be counted after the reading). */
	bad |= w.spin_keys != 4 || w.kpolls > w.round_trips + 1 ||
	       w.gpolls > w.round_trips + 1;

	printf("%s roundtrips\n", bad ? "FAIL" : "PASS");
	return bad;
}

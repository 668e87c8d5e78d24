/*
 * Host round trips per guest operation, read from Glass's exact counters in
 * /proc/glass/stats: one per getppid, at most two per first touch of a
 * page, a fixed bound per fork. Prints "roundtrips OP N" lines and exits
 * non-zero when a bound is broken. Natively (no /proc/glass) it says so
 * and exits 77 (skipped).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

struct stats {
	long round_trips, syscalls, faults, ticks, flushes;
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
	}
	fclose(f);
	return 0;
}

/* Round trips of `op` beyond those of reading the stats, ticks excluded. */
static long measure(void (*op)(int), int n)
{
	struct stats a, b, c, d;

	read_stats(&a);
	read_stats(&b);                 /* the cost of reading: b - a */
	op(n);
	read_stats(&c);
	(void)d;
	return (c.round_trips - b.round_trips) - (b.round_trips - a.round_trips) -
	       (c.ticks - b.ticks);
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

int main(void)
{
	struct stats s;
	int bad = 0;
	long r;

	if (read_stats(&s)) {
		printf("roundtrips: no /proc/glass/stats (not in Glass): skipped\n");
		return 77;
	}
	/* Warm up the stats path so its pages are present. */
	measure(do_getppid, 0);

	r = measure(do_getppid, 1000);
	printf("roundtrips getppid %ld per 1000\n", r);
	bad |= r != 1000;

	area = mmap(NULL, 256 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	r = measure(do_touch, 256);
	printf("roundtrips first-touch %ld per 256 pages\n", r);
	/* + 1 for the mmap's own syscall is not in the window: measured inside. */
	bad |= r > 2 * 256;

	r = measure(do_fork, 10);
	printf("roundtrips fork+exit+wait %ld per 10\n", r);
	bad |= r > 10 * 40;

	printf("%s roundtrips\n", bad ? "FAIL" : "PASS");
	return bad;
}

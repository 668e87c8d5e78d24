/*
 * profload MODE SECONDS: a guest workload with known functions for the
 * profiler's tests (tests/integration/profile.sh) and its README:
 *   spin     computes in spin_here() only;
 *   read     reads 256 KiB of /dev/zero at a time in read_here(), so the
 *            time goes to sys_read and the kernel below it;
 *   getppid  calls getppid in getppid_here() (no libc wrapper: the
 *            syscall instruction is in that function).
 * Built with frame pointers (Makefile), so the profiler sees main above
 * them (read's libc wrapper keeps none: read_here is not seen). Prints
 * "profload ready" first and "profload done N" at the end.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

#define KEEP __attribute__((noinline))

static char buf[256 << 10];

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* gcc gives a leaf function no frame even with -mno-omit-leaf-frame-pointer
 * when it needs no stack: the functions below call this, so they keep one
 * and main shows above them. */
KEEP static unsigned long keep(unsigned long x)
{
	__asm__ volatile("" : "+r"(x));
	return x;
}

KEEP static unsigned long spin_here(unsigned long n)
{
	unsigned long x = n;

	for (unsigned long i = 0; i < 1000000; i++)
		x = x * 6364136223846793005UL + 1442695040888963407UL;
	return keep(x);
}

KEEP static long read_here(int fd)
{
	return read(fd, buf, sizeof(buf));
}

KEEP static long getppid_here(void)
{
	long r;

	__asm__ volatile("syscall" : "=a"(r) : "a"(SYS_getppid) : "rcx", "r11", "memory");
	return keep(r);
}

KEEP int main(int argc, char **argv)
{
	double end;
	unsigned long n = 0, x = 0;
	int fd = argc == 3 && !strcmp(argv[1], "read") ? open("/dev/zero", O_RDONLY) : 0;

	if (argc != 3 || fd < 0) {
		fprintf(stderr, "usage: profload spin|read|getppid SECONDS|-COUNT\n");
		return 2;
	}
	printf("profload ready\n");
	fflush(stdout);
	end = now() + atof(argv[2]);
	/* A negative SECONDS is a count of iterations instead. */
	for (;;) {
		if (atof(argv[2]) < 0 ? n >= (unsigned long)-atof(argv[2]) : now() >= end)
			break;
		if (!strcmp(argv[1], "spin"))
			x += spin_here(n);
		else if (!strcmp(argv[1], "read"))
			x += read_here(fd);
		else
			x += getppid_here();
		n++;
	}
	printf("profload done %lu (%lu)\n", n, x & 1);
	return 0;
}

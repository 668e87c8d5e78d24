/*
 * kcov [getppid|read]: Linux's Documentation/dev-tools/kcov.rst example on
 * Glass. Traces one system call of its own with kcov and prints the
 * kernel program counters it ran, one "0x..." a line, for
 * `addr2line -e glass`. Opens /sys/kernel/debug/kcov as on Linux, else
 * Glass's device node /dev/kcov. Needs a KCOV=1 build.
 * kcov bench N: microseconds per getppid, N calls traced and N not
 * ("BENCH kcov_getppid US PCS" and "BENCH getppid US"), for the figures.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define KCOV_INIT_TRACE _IOR('c', 1, unsigned long)
#define KCOV_ENABLE _IO('c', 100)
#define KCOV_DISABLE _IO('c', 101)
#define COVER_SIZE (64 << 10)

#define KCOV_TRACE_PC 0
#define KCOV_TRACE_CMP 1

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* n getppid calls, the buffer emptied before each; returns us per call
 * and the PCs of the last one in *pcs. */
static double time_getppid(unsigned long *cover, long n, unsigned long *pcs)
{
	double t0 = now_us();

	for (long i = 0; i < n; i++) {
		if (cover)
			__atomic_store_n(&cover[0], 0, __ATOMIC_RELAXED);
		syscall(SYS_getppid);
	}
	if (cover)
		*pcs = __atomic_load_n(&cover[0], __ATOMIC_RELAXED);
	return (now_us() - t0) / n;
}

int main(int argc, char **argv)
{
	const char *call = argc > 1 ? argv[1] : "read";
	unsigned long *cover, n = 0, i;
	int fd;

	fd = open("/sys/kernel/debug/kcov", O_RDWR);
	if (fd == -1)
		fd = open("/dev/kcov", O_RDWR);
	if (fd == -1)
		perror("open"), exit(1);
	/* Setup trace mode and trace size. */
	if (ioctl(fd, KCOV_INIT_TRACE, COVER_SIZE))
		perror("ioctl"), exit(1);
	/* Mmap buffer shared between kernel- and user-space. */
	cover = (unsigned long *)mmap(NULL, COVER_SIZE * sizeof(unsigned long),
				      PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if ((void *)cover == MAP_FAILED)
		perror("mmap"), exit(1);
	/* Enable coverage collection on the current thread. */
	if (ioctl(fd, KCOV_ENABLE, KCOV_TRACE_PC))
		perror("ioctl"), exit(1);
	if (!strcmp(call, "bench")) {
		long iters = argc > 2 ? atol(argv[2]) : 10000;
		double on = time_getppid(cover, iters, &n);

		ioctl(fd, KCOV_DISABLE, 0);
		printf("BENCH kcov_getppid %.3f %lu\n", on, n);
		printf("BENCH getppid %.3f\n", time_getppid(NULL, iters, NULL));
		return 0;
	}
	/* Reset coverage from the tail of the ioctl() call. */
	__atomic_store_n(&cover[0], 0, __ATOMIC_RELAXED);
	/* That's the target syscall call. */
	if (!strcmp(call, "getppid"))
		syscall(SYS_getppid);
	else
		read(-1, NULL, 0);
	/* Read number of PCs collected. */
	n = __atomic_load_n(&cover[0], __ATOMIC_RELAXED);
	for (i = 0; i < n; i++)
		printf("0x%lx\n", cover[i + 1]);
	/* Disable coverage collection for the current thread. After this call
	 * coverage can be enabled for a different thread. */
	if (ioctl(fd, KCOV_DISABLE, 0))
		perror("ioctl"), exit(1);
	/* Free resources. */
	if (munmap(cover, COVER_SIZE * sizeof(unsigned long)))
		perror("munmap"), exit(1);
	if (close(fd))
		perror("close"), exit(1);
	return 0;
}

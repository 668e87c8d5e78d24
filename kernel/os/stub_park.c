/*
 * Where the host shows a stub's guest thread asleep: the check behind
 * os_stub_park (guest.c). A thread that sleeps in the park's futex call
 * runs only the stub's own code once woken, whatever a guest left in its
 * registers or memory; the host's /proc/PID/task/TID/syscall is the one
 * account of that a guest cannot write.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <linux/futex.h>
#include <sys/syscall.h>

#undef PAGE_SIZE
#undef PAGE_MASK
#include <glass/layout.h>
#include <glass/os.h>
#include "os_internal.h"

/*
 * A syscall file's line, "NR ARG0 ... ARG5 SP PC" for a thread blocked in
 * a syscall ("running" or "-1 SP PC" otherwise): is it the park's
 * futex(state, FUTEX_WAIT_BITSET, ...) with the host's return address at
 * STUB_PARK_PC? Pure: the unit tests feed it lines.
 */
bool stub_parked_line(const char *line)
{
	unsigned long a[6], sp, pc;
	long nr;
	int end = 0;

	if (sscanf(line, "%ld %lx %lx %lx %lx %lx %lx %lx %lx%n", &nr, &a[0], &a[1], &a[2],
		   &a[3], &a[4], &a[5], &sp, &pc, &end) != 9 || (line[end] && line[end] != '\n'))
		return false;
	return nr == SYS_futex && a[0] == STUB_DATA + STUB_HANDOFF_OFF &&
	       a[1] == FUTEX_WAIT_BITSET && pc == STUB_PARK_PC;
}

/* 1: the thread tid of process pid sleeps in the park, 0: not (yet),
 * -errno: the host will not say (then it never will). */
int stub_parked(int pid, int tid)
{
	char path[64], line[256];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/syscall", pid, tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, line, sizeof(line) - 1);
	if (n < 0)
		n = -errno;
	close(fd);
	if (n < 0)
		return (int)n;
	line[n] = 0;
	return stub_parked_line(line);
}

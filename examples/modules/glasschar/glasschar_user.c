/*
 * A guest program that exercises /dev/glasschar (load glasschar.ko
 * first): a reader sleeping in read(2) until a writer writes, a reader
 * woken by a signal, the ioctls, O_NONBLOCK and a full buffer. Prints a
 * PASS or FAIL line per check and exits 0 when all pass.
 *
 * Build it as a static guest program:
 *   gcc -static -O2 -o glasschar_user glasschar_user.c
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "glasschar.h"

#define DEV "/dev/glasschar"

static int failures;

static void check(int ok, const char *what)
{
	printf("%s %s\n", ok ? "PASS" : "FAIL", what);
	if (!ok)
		failures++;
}

static void nap_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* The state letter of pid in /proc/PID/stat ('S': asleep, interruptible). */
static char proc_state(pid_t pid)
{
	char path[64], buf[256], *p;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return '?';
	p = fgets(buf, sizeof(buf), f);
	fclose(f);
	p = p ? strrchr(buf, ')') : NULL;
	return p && p[1] == ' ' ? p[2] : '?';
}

static int buffered(int fd)
{
	int len = -1;

	return ioctl(fd, GLASSCHAR_IOC_GETLEN, &len) ? -1 : len;
}

/* A child blocks in read until the parent writes; it checks what it got. */
static void blocking_read(int fd)
{
	int status = -1;
	pid_t pid = fork();

	if (pid == 0) {
		char buf[64] = "";
		ssize_t n = read(fd, buf, sizeof(buf) - 1);

		_exit(n == 5 && !memcmp(buf, "hello", 5) ? 0 : 1);
	}
	nap_ms(200);
	check(proc_state(pid) == 'S', "reader sleeps in read on an empty buffer");
	check(write(fd, "hello", 5) == 5, "write wakes it");
	check(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && !WEXITSTATUS(status),
	      "the reader got what was written");
	check(buffered(fd) == 0, "the read took it all");
}

static void on_signal(int sig)
{
}

/* A signal ends a blocked read with EINTR (handler without SA_RESTART). */
static void interrupted_read(int fd)
{
	int status = -1;
	pid_t pid = fork();

	if (pid == 0) {
		struct sigaction sa = { .sa_handler = on_signal };
		char c;

		sigaction(SIGUSR1, &sa, NULL);
		_exit(read(fd, &c, 1) < 0 && errno == EINTR ? 0 : 1);
	}
	nap_ms(200);
	kill(pid, SIGUSR1);
	check(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && !WEXITSTATUS(status),
	      "a signal interrupts a sleeping reader (EINTR)");
}

static void ioctls(int fd)
{
	char buf[16] = "";
	int n = 3;

	check(write(fd, "abcdef", 6) == 6 && buffered(fd) == 6, "GETLEN tells the length");
	check(ioctl(fd, GLASSCHAR_IOC_TRUNCATE, &n) == 0 && buffered(fd) == 3,
	      "TRUNCATE keeps the first bytes");
	check(read(fd, buf, sizeof(buf)) == 3 && !memcmp(buf, "abc", 3), "read returns them");
	check(write(fd, "xyz", 3) == 3 && ioctl(fd, GLASSCHAR_IOC_CLEAR) == 0 && buffered(fd) == 0,
	      "CLEAR empties the buffer");
	check(ioctl(fd, _IO('x', 1)) < 0 && errno == ENOTTY, "an unknown command is ENOTTY");
	check(ioctl(fd, GLASSCHAR_IOC_GETLEN, (int *)8) < 0 && errno == EFAULT,
	      "a bad argument pointer is EFAULT");
}

static void nonblocking_and_full(int fd)
{
	static char big[GLASSCHAR_SIZE];
	int nb = open(DEV, O_RDONLY | O_NONBLOCK);
	char c;

	check(nb >= 0 && read(nb, &c, 1) < 0 && errno == EAGAIN, "O_NONBLOCK read of empty is EAGAIN");
	close(nb);
	memset(big, 'z', sizeof(big));
	check(write(fd, big, sizeof(big)) == (ssize_t)sizeof(big), "the buffer fills");
	check(write(fd, "!", 1) < 0 && errno == ENOSPC, "a write to a full buffer is ENOSPC");
	check(ioctl(fd, GLASSCHAR_IOC_CLEAR) == 0, "cleared again");
}

int main(void)
{
	int fd = open(DEV, O_RDWR);

	setvbuf(stdout, NULL, _IONBF, 0);
	if (fd < 0) {
		printf("FAIL open %s: %s\n", DEV, strerror(errno));
		return 1;
	}
	check(ioctl(fd, GLASSCHAR_IOC_CLEAR) == 0 && buffered(fd) == 0, "starts empty");
	blocking_read(fd);
	interrupted_read(fd);
	ioctls(fd);
	nonblocking_and_full(fd);
	close(fd);
	return failures ? 1 : 0;
}

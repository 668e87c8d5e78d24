/*
 * Host side of console and serial-line channels (kernel/drivers/line.c):
 * host ptys, TCP listeners on 127.0.0.1, xterm helpers, and writes that
 * wait a bounded time for a slow peer. CPU thread.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <glass/os.h>
#include "os_internal.h"

/*
 * A new host pty: returns the master (non-blocking, close-on-exec) and
 * writes the slave's path to name. Its termios is raw: the guest's line
 * discipline does the editing and echo, the host side passes bytes.
 */
int os_pty_open(char *name, unsigned long len)
{
	struct termios t;
	int fd = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
	int err;

	if (fd < 0)
		return -errno;
	if (grantpt(fd) || unlockpt(fd) || ptsname_r(fd, name, len))
		goto fail;
	if (tcgetattr(fd, &t) == 0) {
		cfmakeraw(&t);
		tcsetattr(fd, TCSANOW, &t);
	}
	return fd;
fail:
	err = -errno;
	close(fd);
	return err;
}

/* Is the other end of fd gone (a pty master with no slave open, a
 * socket closed by its peer)? 1 yes, 0 no. */
int os_fd_hung_up(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (poll(&p, 1, 0) < 0)
		return 0;
	return (p.revents & (POLLHUP | POLLERR | POLLNVAL)) != 0;
}

/* Listen on 127.0.0.1:port only (never on other interfaces). */
int os_tcp_listen(int port)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	int one = 1, err;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) || listen(fd, 8))
		goto fail;
	return fd;
fail:
	err = -errno;
	close(fd);
	return err;
}

/* One waiting connection (non-blocking, close-on-exec), or -EAGAIN. */
int os_accept(int fd)
{
	int c;

	do
		c = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	while (c < 0 && errno == EINTR);
	return c < 0 ? -errno : c;
}

/*
 * Write all of buf to a non-blocking fd, waiting for room at most
 * timeout_ms in all (a peer that stops reading must not stall the
 * kernel). Returns the bytes written or -errno if none were.
 */
long os_write_wait(int fd, const void *buf, unsigned long n, int timeout_ms)
{
	const char *p = buf;
	unsigned long done = 0;
	struct timespec start, now;

	clock_gettime(CLOCK_MONOTONIC, &start);
	while (done < n) {
		long r = write(fd, p + done, n - done);
		struct pollfd pf = { .fd = fd, .events = POLLOUT };
		long left;

		if (r > 0) {
			done += r;
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno != EAGAIN)
			return done ? (long)done : -errno;
		clock_gettime(CLOCK_MONOTONIC, &now);
		left = timeout_ms - ((now.tv_sec - start.tv_sec) * 1000 +
				     (now.tv_nsec - start.tv_nsec) / 1000000);
		if (left <= 0 || poll(&pf, 1, left) <= 0)
			return done ? (long)done : -EAGAIN;
	}
	return done;
}

/*
 * Start `xterm -T title -e sh -c HELPER glass-xterm SLAVE`, where the
 * helper, running on xterm's own terminal, relays bytes between it and
 * the pty slave. Double fork: xterm is not our child, so glass's
 * waitpid calls (which wait for stubs by pid) never see it, and it
 * leads its own session (its pid is its process group, for os_kill_group).
 * Returns xterm's pid or -errno.
 */
int os_xterm_start(const char *title, const char *slave)
{
	static const char helper[] =
		"stty raw -echo 2>/dev/null; cat <\"$1\" & exec cat >\"$1\"";
	int pfd[2], pid, status, xpid = -1;

	if (pipe2(pfd, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return -errno;
	}
	if (pid == 0) {
		int gpid = fork();

		if (gpid == 0) {
			sigset_t none;
			int null = open("/dev/null", O_RDWR);

			sigemptyset(&none);
			sigprocmask(SIG_SETMASK, &none, NULL);
			signal(SIGPIPE, SIG_DFL);
			setsid();
			if (null >= 0) {
				dup2(null, 0);
				dup2(null, 1);
			}
			execlp("xterm", "xterm", "-T", title, "-e", "/bin/sh", "-c", helper,
			       "glass-xterm", slave, (char *)NULL);
			_exit(127);
		}
		if (write(pfd[1], &gpid, sizeof(gpid)) != sizeof(gpid))
			_exit(1);
		_exit(gpid < 0);
	}
	close(pfd[1]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (read(pfd[0], &xpid, sizeof(xpid)) != sizeof(xpid))
		xpid = -1;
	close(pfd[0]);
	return xpid > 0 ? xpid : -ECHILD;
}

void os_kill_group(int pgid, int sig)
{
	if (pgid > 0)
		kill(-pgid, sig);
}

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
#include <spawn.h>
#include <stdio.h>
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
 * Start `xterm -T title -e /bin/sh -c HELPER glass-xterm SLAVE`, where the
 * helper, running on xterm's own terminal, relays bytes between it and
 * the pty slave. Not with fork(): the CPU thread runs on a kernel stack
 * in physmem, which is MAP_SHARED, so a forked child would write the very
 * stack its parent returns on. posix_spawn runs the child on its own
 * stack (CLONE_VM|CLONE_VFORK). The spawned sh starts xterm in the
 * background and exits at once, so xterm is never glass's child (glass
 * waits for stubs by pid) and it stays in the new session and process
 * group the sh led (for os_kill_group). Returns that group's id, or
 * -ENOENT when there is no xterm on PATH, or -errno.
 */
int os_xterm_start(const char *title, const char *slave)
{
	static const char helper[] =
		"stty raw -echo 2>/dev/null; cat <\"$1\" & exec cat >\"$1\"";
	static const char script[] =
		"command -v xterm >/dev/null || exit 127\n"
		"xterm -T \"$1\" -e /bin/sh -c \"$2\" glass-xterm \"$3\" &\n";
	char *argv[] = { "sh", "-c", (char *)script, "glass-xterm-start", (char *)title,
			 (char *)helper, (char *)slave, NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, dfl;
	int pid, status, err;

	sigemptyset(&none);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGPIPE);       /* glass ignores it; xterm must not */
	posix_spawnattr_init(&attr);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK |
				 POSIX_SPAWN_SETSIGDEF);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &dfl);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	os_cpu_home_release();  /* xterm is not pinned with the CPU thread */
	err = posix_spawn(&pid, "/bin/sh", &fa, &attr, argv, environ);
	os_cpu_home_return();
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	if (err)
		return -err;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return -ENOENT;
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return -ECHILD;
	return pid;
}

/* config gdb=xterm: a debugger in a window of its own, as UML's HOWTO. */
int os_spawn_gdb_xterm(const char *endpoint)
{
	char exe[4096], target[512];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *argv[] = { "xterm", "-T", "glass gdb", "-e", "gdb", exe, "-ex", target, NULL };
	pid_t pid;

	if (n < 0)
		return -errno;
	exe[n] = '\0';
	snprintf(target, sizeof(target), "target remote %s", endpoint);
	return -posix_spawnp(&pid, "xterm", NULL, NULL, argv, environ);
}

void os_kill_group(int pgid, int sig)
{
	if (pgid > 0)
		kill(-pgid, sig);
}

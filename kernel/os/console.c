/*
 * Host terminal handling for console channels: raw mode while Glass runs
 * (so ^C and ^Z reach the guest's line discipline), restored on every exit
 * path the process can catch.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <glass/os.h>
#include "os_internal.h"

static struct termios saved_termios;
static int raw_fd = -1;

int os_fd_is_tty(int fd)
{
	return isatty(fd);
}

int os_tty_set_raw(int fd)
{
	struct termios t;

	if (tcgetattr(fd, &t))
		return -errno;
	saved_termios = t;
	cfmakeraw(&t);
	/* Keep output post-processing: the guest's tty does ONLCR itself,
	 * but a raw host tty must not add a second CR. */
	t.c_oflag &= ~OPOST;
	if (tcsetattr(fd, TCSANOW, &t))
		return -errno;
	raw_fd = fd;
	return 0;
}

void os_tty_restore(void)
{
	if (raw_fd >= 0) {
		tcsetattr(raw_fd, TCSANOW, &saved_termios);
		raw_fd = -1;
	}
}

int os_tty_winsize(int fd, u16 *rows, u16 *cols)
{
	struct winsize ws;

	if (ioctl(fd, TIOCGWINSZ, &ws))
		return -errno;
	*rows = ws.ws_row;
	*cols = ws.ws_col;
	return 0;
}

/* Whether epoll can watch fd (pipes, ttys, sockets) or it must be read
 * directly (regular files, /dev/null). A closed fd is -EBADF. */
int os_fd_pollable(int fd)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int ep, r;

	if (fcntl(fd, F_GETFD) < 0)
		return -EBADF;
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0)
		return -errno;
	r = epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
	close(ep);
	return r == 0;
}

void os_flush_console(void)
{
	/* Console output is written synchronously: nothing is buffered. */
}

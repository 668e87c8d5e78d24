/*
 * The monitor thread (DESIGN.md rule 4) and its socket: the unix datagram
 * socket <umid dir>/mconsole, mode 0600 in the 0700 umid directory. The
 * thread receives every request and hands it to the kernel side
 * (mconsole_monitor_request), which answers it or queues it for the CPU
 * thread and kicks an eventfd the CPU thread's event loop watches. In
 * between it answers queued requests whose time-out passed.
 *
 * The thread blocks every asynchronous signal (they belong to the CPU
 * thread), allocates nothing and calls only poll, recvfrom, sendto,
 * clock_gettime, nanosleep and eventfd writes once started.
 *
 * Also here: the mconsole=notify: socket, which any thread may send to.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <glass/mconsole.h>
#include <glass/os.h>
#include "os_internal.h"

BUILD_ASSERT(sizeof(((struct mc_client *)0)->addr) >= sizeof(struct sockaddr_un));

#define SEND_TIMEOUT_MS 1000

static int sock_fd = -1;
static int kick_fd = -1;
static pthread_t monitor_thread;
/* mconsole=notify: an unbound socket and the listener's address, fixed at
 * boot; notify_fd is published last, so a reader that sees it sees both. */
static int notify_fd = -1;
static struct sockaddr_un notify_addr;

static __monitor_text u64 mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Milliseconds until deadline (0: none), for poll: -1 waits forever. */
static __monitor_text int poll_timeout(u64 deadline)
{
	u64 now = mono_ns();

	if (!deadline)
		return -1;
	if (deadline <= now)
		return 0;
	return (int)((deadline - now + 999999) / 1000000);
}

static __monitor_text void *monitor_main(void *unused)
{
	static u8 buf[sizeof(struct mconsole_request)];
	static struct mc_client from;
	struct pollfd pfd = { .fd = sock_fd, .events = POLLIN };

	for (;;) {
		u64 next = mconsole_monitor_expire(mono_ns());
		socklen_t alen = sizeof(from.addr);
		ssize_t n;

		if (poll(&pfd, 1, poll_timeout(next)) <= 0)
			continue;
		n = recvfrom(sock_fd, buf, sizeof(buf), MSG_DONTWAIT,
			     (struct sockaddr *)from.addr, &alen);
		if (n < 0)
			continue;
		/* An unbound client's address is the family alone. */
		from.len = alen > sizeof(sa_family_t) ? alen : 0;
		mconsole_monitor_request(buf, n, &from, mono_ns());
	}
	return NULL;
}

/*
 * A client that does not read its replies must not stall the kernel. A
 * full queue at the client is waited for at most a second on the monitor
 * thread (it holds up only other clients), and at most CPU_WAIT_MS on the
 * CPU thread (which runs everything else). A client whose queue stayed
 * full for a whole wait is remembered as deaf: its packets are dropped at
 * once, without waiting again, until one gets through. One such memory
 * per thread, so the threads share nothing.
 */
#define CPU_WAIT_MS 100
static __thread struct mc_client deaf;

static __monitor_text bool same_client(const struct mc_client *a, const struct mc_client *b)
{
	if (a->len != b->len)
		return false;
	for (u32 i = 0; i < a->len; i++)
		if (a->addr[i] != b->addr[i])
			return false;
	return true;
}

static __monitor_text void sleep_ms(long ms)
{
	struct timespec ts = { 0, ms * 1000000L };

	nanosleep(&ts, NULL);
}

int __monitor_text os_mconsole_send(const struct mc_client *to, const void *buf,
				    unsigned long len)
{
	u64 wait_ns = (pthread_equal(pthread_self(), monitor_thread) ? SEND_TIMEOUT_MS
								       : CPU_WAIT_MS) * 1000000ULL;
	u64 start = 0;

	for (;;) {
		ssize_t n = sendto(sock_fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT,
				   (const struct sockaddr *)to->addr, to->len);
		u64 now;

		if (n >= 0) {
			if (same_client(&deaf, to))
				deaf.len = 0;
			return 0;
		}
		if (errno != EAGAIN)
			return -errno;
		if (same_client(&deaf, to))
			return -EAGAIN;
		now = mono_ns();
		if (!start)
			start = now;
		if (now - start >= wait_ns) {
			deaf = *to;
			return -EAGAIN;
		}
		sleep_ms(1);
	}
}

int os_mconsole_notify_open(const char *path)
{
	struct timeval tv = { SEND_TIMEOUT_MS / 1000, SEND_TIMEOUT_MS % 1000 * 1000 };
	int fd;

	if (strlen(path) >= sizeof(notify_addr.sun_path))
		return -ENAMETOOLONG;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* A listener that stops reading delays a panic or the monitor by
	 * at most this long. */
	if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv))) {
		int err = -errno;

		close(fd);
		return err;
	}
	notify_addr.sun_family = AF_UNIX;
	strcpy(notify_addr.sun_path, path);
	__atomic_store_n(&notify_fd, fd, __ATOMIC_RELEASE);
	return 0;
}

int __monitor_text os_mconsole_notify(const void *buf, unsigned long len)
{
	int fd = __atomic_load_n(&notify_fd, __ATOMIC_ACQUIRE);
	ssize_t n;

	if (fd < 0)
		return -ENOTCONN;
	n = sendto(fd, buf, len, MSG_NOSIGNAL, (const struct sockaddr *)&notify_addr,
		   sizeof(notify_addr));
	return n < 0 ? -errno : 0;
}

void __monitor_text os_monitor_kick(void)
{
	u64 one = 1;

	if (write(kick_fd, &one, sizeof(one)) < 0) {
		/* EAGAIN: the counter is full, so a wake-up is pending anyway. */
	}
}

void os_monitor_ack(int fd)
{
	u64 v;

	if (read(fd, &v, sizeof(v)) < 0) {
		/* EAGAIN: another handler already took the count. */
	}
}

static int bind_socket(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) || chmod(path, 0600)) {
		int err = -errno;

		close(fd);
		unlink(path);
		return err;
	}
	return fd;
}

int os_monitor_start(char *path, unsigned long len)
{
	sigset_t all, old;
	int r;

	if (!os_umid_dir()[0])
		return -ENOENT;
	if ((size_t)snprintf(path, len, "%s/mconsole", os_umid_dir()) >= len)
		return -ENAMETOOLONG;
	sock_fd = bind_socket(path);
	if (sock_fd < 0)
		return sock_fd;
	kick_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (kick_fd < 0) {
		r = -errno;
		goto fail;
	}
	/* Asynchronous signals stay the CPU thread's; faults still arrive. */
	sigfillset(&all);
	sigdelset(&all, SIGSEGV);
	sigdelset(&all, SIGBUS);
	sigdelset(&all, SIGILL);
	sigdelset(&all, SIGFPE);
	sigdelset(&all, SIGTRAP);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	r = -pthread_create(&monitor_thread, NULL, monitor_main, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r)
		goto fail;
	pthread_setname_np(monitor_thread, "glass-monitor");
	return kick_fd;
fail:
	if (kick_fd >= 0)
		close(kick_fd);
	close(sock_fd);
	unlink(path);
	kick_fd = sock_fd = -1;
	return r;
}

/*
 * The monitor thread (rule monitor-never-blocks) and its sockets. It starts before
 * start_kernel, so that `debug` can stop there, and serves:
 *  - mconsole: the unix datagram socket <umid dir>/mconsole, mode 0600 in
 *    the 0700 umid directory. Each request goes to the kernel side
 *    (mconsole_monitor_request), which answers it or queues it for the
 *    CPU thread and kicks an eventfd the CPU thread's event loop watches;
 *    in between, queued requests whose time-out passed are answered;
 *  - gdb: a listening socket (unix <umid dir>/gdb, or TCP on 127.0.0.1)
 *    and one connection at a time, fed to the stub (kernel/debug/gdb.c);
 *    a second debugger meanwhile is answered with a refusal and closed
 *    (kernel/debug/attach.c);
 *  - its wake-up eventfd: the CPU parked or left a park.
 *
 * The thread blocks every asynchronous signal (they belong to the CPU
 * thread), allocates nothing and calls only poll, accept, read, write,
 * recvfrom, send, sendto, socket (a reply socket), ioctl(SIOCOUTQ, SIOCINQ),
 * clock_gettime, nanosleep, pread/pwrite of /proc/self/mem,
 * perf_event_open, close and eventfd writes once started.
 *
 * Also here: the mconsole=notify: socket, which any thread may send to.
 */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <linux/sockios.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <glass/mconsole.h>
#include <glass/os.h>
#include <glass/os_upcalls.h>
#include "os_internal.h"

BUILD_ASSERT(sizeof(((struct mc_client *)0)->addr) >= sizeof(struct sockaddr_un));

#define SEND_TIMEOUT_MS 1000

static int sock_fd = -1;                /* mconsole */
static int kick_fd = -1;                /* monitor to CPU: mconsole queue */
static int wake_fd = -1;                /* CPU to monitor: park changes */
static int gdb_listen_fd = -1;
static int gdb_fd = -1;                 /* the connection: input */
static int gdb_out_fd = -1;             /* and output (stdio: fd 1) */
static int gdb_refused_fd = -1;         /* a second debugger, being turned away */
static int gdb_stdio_pending;           /* debug=stdio: connect to 0 and 1 */
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

bool __monitor_text os_on_monitor_thread(void)
{
	return pthread_equal(pthread_self(), monitor_thread);
}

/* Milliseconds until deadline (0: none), for poll; at most a second, the
 * watchdog's beat. */
static __monitor_text int poll_timeout(u64 deadline)
{
	u64 now = mono_ns();

	if (!deadline || deadline > now + 1000000000ULL)
		return 1000;
	if (deadline <= now)
		return 0;
	return (int)((deadline - now + 999999) / 1000000);
}

static __monitor_text void gdb_accept(void)
{
	int fd = accept4(gdb_listen_fd, NULL, NULL, SOCK_CLOEXEC);

	if (fd < 0)
		return;
	if (gdb_fd < 0) {
		gdb_fd = gdb_out_fd = fd;
		gdb_monitor_connected();
		return;
	}
	/* One debugger at a time: the newcomer hears why. One is turned
	 * away at a time; a third meanwhile is closed at once. */
	if (gdb_refused_fd >= 0) {
		close(fd);
		return;
	}
	gdb_refused_fd = fd;
	gdb_monitor_refuse_start();
}

static __monitor_text void gdb_refused_readable(void)
{
	static u8 in[512], out[160];
	ssize_t n = read(gdb_refused_fd, in, sizeof(in));
	long r;

	if (n < 0 && errno == EINTR)
		return;
	r = n > 0 ? gdb_monitor_refuse_input(in, n, out, sizeof(out)) : -EPIPE;
	if (r > 0 && send(gdb_refused_fd, out, r, MSG_NOSIGNAL | MSG_DONTWAIT) != r)
		r = -EPIPE;
	if (r < 0) {
		close(gdb_refused_fd);
		gdb_refused_fd = -1;
	}
}

static __monitor_text void gdb_hangup(void)
{
	/* stdio: gdb is gone for good; its fds stay (nothing reuses them). */
	if (gdb_fd != 0)
		close(gdb_fd);
	gdb_fd = gdb_out_fd = -1;
	gdb_monitor_disconnected();
}

static __monitor_text void gdb_readable(void)
{
	static u8 buf[4096];
	ssize_t n = read(gdb_fd, buf, sizeof(buf));

	if (n < 0 && errno == EINTR)
		return;
	if (n <= 0)
		gdb_hangup();
	else
		gdb_monitor_input(buf, n);
}

static __monitor_text void mconsole_readable(void)
{
	static u8 buf[sizeof(struct mconsole_request)];
	static struct mc_client from;
	socklen_t alen = sizeof(from.addr);
	ssize_t n;

	n = recvfrom(sock_fd, buf, sizeof(buf), MSG_DONTWAIT,
		     (struct sockaddr *)from.addr, &alen);
	if (n < 0)
		return;
	/* An unbound client's address is the family alone. */
	from.len = alen > sizeof(sa_family_t) ? alen : 0;
	mconsole_monitor_request(buf, n, &from, mono_ns());
}

static __monitor_text void *monitor_main(void *unused)
{
	for (;;) {
		u64 next = sock_fd >= 0 ? mconsole_monitor_expire(mono_ns()) : 0;
		u64 trace_next = trace_monitor_tick(mono_ns());

		if (__atomic_exchange_n(&gdb_stdio_pending, 0, __ATOMIC_ACQ_REL)) {
			gdb_fd = 0;
			gdb_out_fd = 1;
			gdb_monitor_connected();
		}
		struct pollfd p[5] = { { .fd = wake_fd, .events = POLLIN } };
		int n = 1, ig = -1, im = -1, il = -1, ir = -1;
		u64 v;

		if (sock_fd >= 0) {
			im = n;
			p[n++] = (struct pollfd){ .fd = sock_fd, .events = POLLIN };
		}
		/* A connection's input waits while the CPU has not parked
		 * for it yet; its hang-up is noticed at any time. */
		if (gdb_fd >= 0) {
			ig = n;
			p[n++] = (struct pollfd){ .fd = gdb_fd, .events = gdb_monitor_wants_input()
							? POLLIN : POLLRDHUP };
		}
		if (gdb_listen_fd >= 0) {
			il = n;
			p[n++] = (struct pollfd){ .fd = gdb_listen_fd, .events = POLLIN };
		}
		if (gdb_refused_fd >= 0) {
			ir = n;
			p[n++] = (struct pollfd){ .fd = gdb_refused_fd, .events = POLLIN };
		}
		if (trace_next && (!next || trace_next < next))
			next = trace_next;
		n = poll(p, n, poll_timeout(next));
		watchdog_monitor_tick(mono_ns());
		if (n <= 0)
			continue;
		if (p[0].revents && read(wake_fd, &v, sizeof(v)) > 0)
			gdb_monitor_wake();
		if (im >= 0 && p[im].revents)
			mconsole_readable();
		if (ig >= 0 && p[ig].revents) {
			if (p[ig].events == POLLIN)
				gdb_readable();
			else
				gdb_hangup();
		}
		if (ir >= 0 && p[ir].revents)
			gdb_refused_readable();
		if (il >= 0 && p[il].revents)
			gdb_accept();
	}
	return NULL;
}

void __monitor_text os_monitor_wake(void)
{
	u64 one = 1;

	if (write(wake_fd, &one, sizeof(one)) < 0) {
		/* the counter is full: a wake-up is pending anyway */
	}
}

void __monitor_text os_monitor_log(const char *s, unsigned long len)
{
	while (len) {
		ssize_t n = write(2, s, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		s += n;
		len -= n;
	}
}

void __monitor_text os_monitor_nap(void)
{
	struct timespec ts = { 0, 1000000 };

	nanosleep(&ts, NULL);
}

/*
 * A client that does not read its replies must not stall the kernel or
 * anyone else. Replies go out from a socket of the sending thread's own
 * for that client (a new one when the client changes), not from the
 * mconsole socket: the unread datagrams a client sits on are charged to
 * the sender's send buffer, so a thousand clients that never read would
 * otherwise fill the mconsole socket's and silence it for everyone.
 * A full queue at the client (a long reply outrunning its reader) is
 * waited for only while the client reads (the socket's unread bytes,
 * SIOCOUTQ, go down): STALL_MS without progress drops the packet, and
 * for the next second after such a stall already BUSY_STALL_MS does
 * while others wait for the thread, so clients that never read cost a
 * thread BUSY_STALL_MS each while they come in a flood. With nobody
 * waiting the patient STALL_MS holds: a client blocked in recv reads
 * within a millisecond on a quiet host, but a busy one may not run it
 * for longer than BUSY_STALL_MS, and it must still get its whole reply.
 * A wait is also capped at a second on the monitor thread and
 * CPU_WAIT_MS on the CPU thread (which runs everything else). Each
 * thread keeps its own state, so the threads share nothing.
 */
#define STALL_MS 50
#define BUSY_STALL_MS 2
#define CPU_WAIT_MS 100
struct reply_sock {
	struct mc_client to;
	int fd;
};
static __thread struct reply_sock reply_sock = { .fd = -1 };
static __thread u64 impatient_until;

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

void __monitor_text os_gdb_send(const void *buf, unsigned long len)
{
	const u8 *p = buf;

	while (len && gdb_out_fd >= 0) {
		ssize_t n = write(gdb_out_fd, p, len);  /* SIGPIPE is ignored */

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;         /* gone: the read side notices */
		p += n;
		len -= n;
	}
}

/* This thread's socket for replies to `to`; the mconsole socket if no
 * other can be had. */
static __monitor_text int reply_fd(const struct mc_client *to)
{
	struct reply_sock *rs = &reply_sock;

	if (rs->fd >= 0 && same_client(&rs->to, to))
		return rs->fd;
	if (rs->fd >= 0)
		close(rs->fd);
	rs->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	rs->to = *to;
	return rs->fd >= 0 ? rs->fd : sock_fd;
}

/* Someone waits for this thread: for the monitor, another request on
 * the mconsole socket (SIOCINQ: the size of the next datagram); the CPU
 * thread keeps the whole kernel waiting. */
static __monitor_text bool others_wait(void)
{
	int n;

	if (!pthread_equal(pthread_self(), monitor_thread))
		return true;
	return !ioctl(sock_fd, SIOCINQ, &n) && n > 0;
}

/* Bytes sent on fd that their receivers have not read yet. */
static __monitor_text long unread_bytes(int fd)
{
	int n;

	return ioctl(fd, SIOCOUTQ, &n) ? -1 : n;
}

int __monitor_text os_mconsole_send(const struct mc_client *to, const void *buf,
				    unsigned long len)
{
	u64 wait_ns = (pthread_equal(pthread_self(), monitor_thread) ? SEND_TIMEOUT_MS
								       : CPU_WAIT_MS) * 1000000ULL;
	int fd = reply_fd(to);
	u64 start = 0, progress = 0;
	long unread = -1;

	for (;;) {
		ssize_t n = sendto(fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT,
				   (const struct sockaddr *)to->addr, to->len);
		u64 now, stall_ms;
		long u;

		if (n >= 0)
			return 0;
		if (errno != EAGAIN)
			return -errno;
		now = mono_ns();
		u = unread_bytes(fd);
		if (!start)
			start = progress = now;
		else if (u >= 0 && u < unread)
			progress = now;         /* the client read something */
		unread = u;
		stall_ms = now < impatient_until && others_wait() ? BUSY_STALL_MS : STALL_MS;
		if (now - progress >= stall_ms * 1000000ULL) {
			impatient_until = now + 1000000000ULL;
			return -EAGAIN;
		}
		if (now - start >= wait_ns)
			return -EAGAIN;
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
	/* A CPU parked at a safe point serves the queue from its park. */
	os_park_poke();
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

/* Before start_kernel: the thread, with no socket yet. */
int os_monitor_init(void)
{
	sigset_t all, old;
	int r;

	kick_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (kick_fd < 0 || wake_fd < 0)
		return -errno;
	/* Asynchronous signals stay the CPU thread's; faults still arrive,
	 * and SIGTRAP is never blocked (docs/reference/gdb-rsp.md). */
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
		return r;
	pthread_setname_np(monitor_thread, "glass-monitor");
	return 0;
}

int os_monitor_start(char *path, unsigned long len)
{
	int fd;

	if (!os_umid_dir()[0] || kick_fd < 0)
		return -ENOENT;
	if ((size_t)snprintf(path, len, "%s/mconsole", os_umid_dir()) >= len)
		return -ENAMETOOLONG;
	fd = bind_socket(path);
	if (fd < 0)
		return fd;
	__atomic_store_n(&sock_fd, fd, __ATOMIC_RELEASE);
	os_monitor_wake();
	return kick_fd;
}

/* gdb's endpoint: "unix" (<umid dir>/gdb) or "tcp:PORT" (127.0.0.1 only).
 * where gets what gdb's `target remote` takes. */
int os_gdb_listen(const char *transport, char *where, unsigned long len)
{
	int fd, one = 1;

	if (!strcmp(transport, "unix")) {
		fd = os_umid_socket("gdb", 0, where, len);
		if (fd < 0)
			return fd;
	} else if (!strcmp(transport, "stdio")) {
		/* `target remote | ./glass debug=stdio`: gdb is our stdin and
		 * stdout, connected from the start. */
		snprintf(where, len, "stdio");
		__atomic_store_n(&gdb_stdio_pending, 1, __ATOMIC_RELEASE);
		os_monitor_wake();
		return 0;
	} else if (!strncmp(transport, "tcp:", 4)) {
		struct sockaddr_in sin = { .sin_family = AF_INET,
					   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
		char *end;
		long port = strtol(transport + 4, &end, 10);

		if (*end || port < 1 || port > 65535)
			return -EINVAL;
		sin.sin_port = htons(port);
		snprintf(where, len, "127.0.0.1:%ld", port);
		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return -errno;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)))
			goto fail;
	} else {
		return -EINVAL;
	}
	if (listen(fd, 1))
		goto fail;
	__atomic_store_n(&gdb_listen_fd, fd, __ATOMIC_RELEASE);
	os_monitor_wake();
	return 0;
fail:
	{
		int err = -errno;

		close(fd);
		return err;
	}
}

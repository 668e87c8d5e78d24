/*
 * The event loop: the one place the kernel blocks on the host (rule one-cpu-thread).
 * Each watched fd has a handler that runs on the CPU thread. epoll refuses
 * regular files and /dev/null (-EPERM): callers read those directly, as
 * they never block.
 */
#include <errno.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <glass/monitor.h>
#include <glass/os.h>
#include <glass/os_upcalls.h>
#include "os_internal.h"

#define MAX_IRQS 64

struct irq {
	int fd;
	irq_handler_t handler;
	void *arg;
};

static int epfd = -1;
volatile int os_in_event_wait;
static struct irq irqs[MAX_IRQS];

void os_events_init(void)
{
	epfd = epoll_create1(EPOLL_CLOEXEC);
}

static struct irq *irq_find(int fd)
{
	for (int i = 0; i < MAX_IRQS; i++)
		if (irqs[i].handler && irqs[i].fd == fd)
			return &irqs[i];
	return NULL;
}

int os_irq_add(int fd, irq_handler_t handler, void *arg)
{
	struct epoll_event ev = { .events = EPOLLIN };
	struct irq *q = NULL;

	for (int i = 0; i < MAX_IRQS && !q; i++)
		if (!irqs[i].handler)
			q = &irqs[i];
	if (!q)
		return -ENOSPC;
	ev.data.ptr = q;
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
		return -errno;
	q->fd = fd;
	q->handler = handler;
	q->arg = arg;
	return 0;
}

void os_irq_del(int fd)
{
	struct irq *q = irq_find(fd);

	if (!q)
		return;
	epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL);
	q->handler = NULL;
	q->fd = -1;
}

static void wait_and_run(int timeout_ms)
{
	struct epoll_event evs[16];
	int n;

	os_in_event_wait = 1;
	n = epoll_wait(epfd, evs, 16, timeout_ms);
	os_in_event_wait = 0;

	for (int i = 0; i < n; i++) {
		struct irq *q = evs[i].data.ptr;
		if (!q->handler)
			continue;
		irq_enter();
		q->handler(q->fd, q->arg);
		irq_exit();
	}
}

void os_idle_wait(s64 timeout_ns)
{
	os_stub_idle();
	wait_and_run(timeout_ns < 0 ? -1 : (int)((timeout_ns + 999999) / 1000000));
}

void os_poll_irqs(void)
{
	os_cpu_home_check(os_monotonic_ns());
	wait_and_run(0);
}

/* Monitor thread: the CPU thread waits in the event loop, so it is idle or
 * waiting for a guest, not stuck (the soft-lockup detector's question). */
bool __monitor_text os_cpu_waiting(void)
{
	return os_in_event_wait;
}

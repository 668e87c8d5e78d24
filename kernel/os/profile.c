/*
 * Host side of the sampling profiler (profiling/profile.c): a POSIX timer
 * on CLOCK_MONOTONIC whose signal goes to the CPU thread. Its handler
 * takes no kernel code (rule one-cpu-thread) and only looks:
 *   - stopped (parked in the debug trap): no sample;
 *   - waiting for a running guest in the hand-off: the guest is what runs,
 *     so its stub gets SIGVTALRM, the signal of its own 10 ms tick, and
 *     stops at once (unless it is stopping anyway); the kernel samples the
 *     guest's registers then (os_profile_guest_due);
 *   - waiting in the event loop: idle, counted;
 *   - otherwise kernel code: the pc and the return addresses the frame
 *     pointers lead to (every build has them), read only inside the stack
 *     the interrupted rsp is on, into a ring the kernel drains.
 * One producer (the handler) and one consumer (the kernel), both on the
 * CPU thread: the consumer only ever sees whole samples.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>
#include <sys/syscall.h>

#include <glass/layout.h>
#include <glass/monitor.h>
#include <glass/os.h>
#include "os_internal.h"

#define RING 1024               /* a power of two */

volatile int os_profile_pending;
static struct os_sample ring[RING];
static volatile unsigned int ring_head, ring_tail;
static volatile int guest_due;
static u64 kick_ns;             /* when the guest sample was asked for */
static bool sample_kernel, sample_guest;
static timer_t timer;
static bool timer_armed;
static struct os_profile_stats stats;
static unsigned long host_stack_lo, host_stack_hi;

/* The stack sp is on, as [sp, top): a kernel stack in the stack area, or
 * the host's main stack (the idle task's). Anything else (the signal
 * stack) is not walked. */
static notrace bool stack_of(unsigned long sp, unsigned long *top)
{
	if (sp >= STACK_AREA && sp < STACK_AREA + STACK_SLOTS * STACK_SLOT) {
		unsigned long slot = sp - (sp - STACK_AREA) % STACK_SLOT;

		if (sp - slot < THREAD_SIZE)
			return false;   /* the guard gap: an overflow */
		*top = slot + STACK_SLOT;
		return true;
	}
	if (sp >= host_stack_lo && sp < host_stack_hi) {
		*top = host_stack_hi;
		return true;
	}
	return false;
}

static notrace void sample_kernel_code(const greg_t *g)
{
	unsigned int head = ring_head;
	unsigned long sp = g[REG_RSP], fp = g[REG_RBP], top;
	struct os_sample *s;
	u32 n = 1;

	if (head - ring_tail >= RING) {
		stats.dropped++;
		return;
	}
	s = &ring[head % RING];
	s->pc[0] = g[REG_RIP];
	if (stack_of(sp, &top)) {
		/* Each frame: the caller's rbp, then the return address. */
		while (n < OS_SAMPLE_DEPTH && fp >= sp && fp <= top - 16 && !(fp & 7)) {
			const unsigned long *f = (const unsigned long *)fp;

			s->pc[n++] = f[1];
			if (f[0] <= fp)
				break;
			fp = f[0];
		}
	}
	s->depth = n;
	__atomic_store_n(&ring_head, head + 1, __ATOMIC_RELEASE);
	os_profile_pending = 1;
}

static notrace u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000 + (u64)ts.tv_nsec;
}

static notrace void sample_handler(int sig, siginfo_t *si, void *arg)
{
	const greg_t *g = ((ucontext_t *)arg)->uc_mcontext.gregs;
	int saved_errno = errno, pid = os_guest_running;
	u64 t0 = now_ns();

	if (os_cpu_parked)
		goto out;
	if (pid > 0) {
		if (!sample_guest)
			goto out;
		if (guest_due) {
			stats.dropped++;        /* the last one is not in yet */
			goto out;
		}
		guest_due = 1;
		os_profile_pending = 1;
		kick_ns = t0;
		/* Stopped in its stub's handler (a syscall on its way in or
		 * out), the guest needs no kick: its next stop is the sample.
		 * A kick there would wait, blocked, and stop it once more. */
		if (os_guest_in_user())
			syscall(SYS_tgkill, pid, pid, SIGVTALRM);
	} else if (os_in_event_wait) {
		stats.idle++;
	} else if (sample_kernel) {
		sample_kernel_code(g);
	}
out:
	stats.handler_ns += now_ns() - t0;
	errno = saved_errno;
}

/* The host's main stack, where the idle task runs. */
static void host_stack_init(void)
{
	pthread_attr_t a;
	void *lo;
	size_t size;

	if (host_stack_hi || pthread_getattr_np(pthread_self(), &a))
		return;
	if (!pthread_attr_getstack(&a, &lo, &size)) {
		host_stack_lo = (unsigned long)lo;
		host_stack_hi = (unsigned long)lo + size;
	}
	pthread_attr_destroy(&a);
}

int os_profile_start(unsigned int hz, bool kernel, bool guest)
{
	struct sigaction sa = { .sa_sigaction = sample_handler,
				.sa_flags = SA_SIGINFO | SA_RESTART };
	struct sigevent ev = { .sigev_notify = SIGEV_THREAD_ID,
			       .sigev_signo = SIGRTMIN };
	struct itimerspec its = { .it_interval.tv_nsec = 1000000000 / hz };

	if (!hz || hz > 1000000000)
		return -EINVAL;
	its.it_value = its.it_interval;
	os_profile_stop();
	host_stack_init();
	ring_head = ring_tail = 0;
	guest_due = 0;
	os_profile_pending = 0;
	memset(&stats, 0, sizeof(stats));
	sample_kernel = kernel;
	sample_guest = guest;
	/* The handler runs with the asynchronous signals blocked; a stop
	 * (SIGTRAP) must still reach a CPU that is sampling, and a fault in
	 * the handler must reach the oops, not kill glass. */
	sigfillset(&sa.sa_mask);
	sigdelset(&sa.sa_mask, SIGTRAP);
	sigdelset(&sa.sa_mask, SIGSEGV);
	sigdelset(&sa.sa_mask, SIGBUS);
	sigdelset(&sa.sa_mask, SIGILL);
	sigdelset(&sa.sa_mask, SIGFPE);
	if (sigaction(SIGRTMIN, &sa, NULL))
		return -errno;
	ev._sigev_un._tid = os_cpu_tid;
	if (timer_create(CLOCK_MONOTONIC, &ev, &timer))
		return -errno;
	timer_armed = true;
	if (timer_settime(timer, 0, &its, NULL)) {
		int err = -errno;

		os_profile_stop();
		return err;
	}
	return 0;
}

void os_profile_stop(void)
{
	if (timer_armed)
		timer_delete(timer);
	timer_armed = false;
}

bool os_profile_next(struct os_sample *s)
{
	unsigned int tail = ring_tail;

	if (tail == __atomic_load_n(&ring_head, __ATOMIC_ACQUIRE)) {
		os_profile_pending = guest_due;
		/* A sample that came after that look sets it again. */
		if (tail != __atomic_load_n(&ring_head, __ATOMIC_ACQUIRE))
			os_profile_pending = 1;
		return false;
	}
	*s = ring[tail % RING];
	ring_tail = tail + 1;
	return true;
}

bool os_profile_guest_due(void)
{
	if (!guest_due)
		return false;
	stats.guest_stop_ns += now_ns() - kick_ns;
	guest_due = 0;
	return true;
}

void os_profile_stats(struct os_profile_stats *st)
{
	*st = stats;
}

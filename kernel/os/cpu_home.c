/*
 * The CPU thread's home: one host CPU it is pinned to. Every guest round
 * trip wakes the CPU thread from a stub's thread and back; guest.c's
 * place() keeps the stubs' mappers and resting guest threads on the CPU
 * thread's CPU, so that a wake-up is local, not an IPI. Left to itself the
 * host scheduler defeats that: a stub wakes the CPU thread while still
 * running on their shared CPU, the scheduler moves the CPU thread to the
 * idle one, and place() then moves every stub after it, a migration per
 * few round trips (37 per fork of a busybox shell, measured with perf's
 * sched_migrate_task; a fork+exec loop ran in 4.1 ms per round against
 * 2.6 ms with the CPU thread pinned).
 *
 * A pin must not trap the kernel on a CPU something else keeps busy, so
 * every HOME_PERIOD_NS (while guests run; the check rides on
 * os_poll_irqs) the CPU thread reads how long it waited on its run queue
 * (/proc/thread-self/schedstat). Its own stubs' turns cost it 1-25% of
 * the time, a spinning process pinned to the same CPU 20-60% (medians 8%
 * and 28%, measured here). Above a third, the home is given up: the CPU
 * thread is unpinned until the next check, a millisecond on, by when it
 * has woken up a few times where the scheduler put it, and that CPU is
 * the new home. A false alarm costs a few migrations. A movable hog is no
 * trouble: the host's load balancer moves it off a pinned task's CPU.
 *
 * Threads and processes the CPU thread starts inherit its pin, so they
 * are given back all of glass's CPUs (os_cpu_home_release); exec of
 * glass itself (reboot) leaves from all of them too.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <unistd.h>

#include <glass/os.h>
#include "os_internal.h"

#define HOME_PERIOD_NS 50000000ull      /* 50 ms */
#define HOME_SHARE_DIV 3

struct os_cpu_home_stats os_cpu_home_stats = { .cpu = -1 };
static cpu_set_t allowed;       /* glass's own CPUs, read at start */
static bool pinning;            /* cpu_home=1 and two CPUs or more */
static int stat_fd = -1;        /* /proc/thread-self/schedstat */
static u64 last_check_ns, last_delay_ns;

/* The second field of a schedstat line ("on-CPU-ns waiting-ns slices"):
 * time spent runnable but waiting for a CPU. Pure: the unit tests feed it
 * lines. */
int schedstat_run_delay(const char *line, u64 *delay_ns)
{
	unsigned long long run, wait, slices;
	int end = 0;

	if (sscanf(line, "%llu %llu %llu%n", &run, &wait, &slices, &end) != 3 ||
	    (line[end] && line[end] != '\n'))
		return -EINVAL;
	*delay_ns = wait;
	return 0;
}

static int run_delay(u64 *delay_ns)
{
	char line[96];
	ssize_t n = pread(stat_fd, line, sizeof(line) - 1, 0);

	if (n <= 0)
		return n < 0 ? -errno : -EIO;
	line[n] = 0;
	return schedstat_run_delay(line, delay_ns);
}

static int pin(const cpu_set_t *set)
{
	return sched_setaffinity(0, sizeof(*set), set) ? -errno : 0;
}

static void go_home(int cpu)
{
	cpu_set_t one;

	CPU_ZERO(&one);
	if (cpu < 0 || !CPU_ISSET(cpu, &allowed))
		return;
	CPU_SET(cpu, &one);
	if (!pin(&one))
		os_cpu_home_stats.cpu = cpu;
}

/* Glass's own CPUs, as it was started with them: read before any pin. */
const cpu_set_t *os_host_cpus(void)
{
	if (!CPU_COUNT(&allowed) && sched_getaffinity(0, sizeof(allowed), &allowed))
		CPU_ZERO(&allowed);
	return &allowed;
}

/* At boot, on the CPU thread, before any stub or helper thread starts.
 * Without the schedstat file nothing would notice a busy home: then the
 * CPU thread is not pinned. */
void os_cpu_home_init(bool enable)
{
	u64 delay;

	if (!enable || CPU_COUNT(os_host_cpus()) < 2)
		return;
	stat_fd = open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);
	if (stat_fd < 0 || run_delay(&delay)) {
		if (stat_fd >= 0)
			close(stat_fd);
		stat_fd = -1;
		return;
	}
	last_delay_ns = delay;
	last_check_ns = os_monotonic_ns();
	pinning = true;
	go_home(sched_getcpu());
}

/* From os_poll_irqs, at most once a millisecond. Every HOME_PERIOD_NS:
 * a home that kept the CPU thread waiting for more than its share of the
 * time since the last look is given up, and at the next call, when the
 * CPU thread has woken up a few times where the scheduler chose, the CPU
 * it is on becomes the new home (cpu_home -1 meanwhile: unpinned). */
void os_cpu_home_check(u64 now_ns)
{
	u64 delay;

	if (!pinning)
		return;
	if (os_cpu_home_stats.cpu < 0) {
		go_home(sched_getcpu());
		return;
	}
	if (now_ns - last_check_ns < HOME_PERIOD_NS || run_delay(&delay))
		return;
	if ((delay - last_delay_ns) * HOME_SHARE_DIV > now_ns - last_check_ns &&
	    !pin(&allowed)) {
		os_cpu_home_stats.cpu = -1;
		os_cpu_home_stats.moves++;
	}
	last_delay_ns = delay;
	last_check_ns = now_ns;
}

/* A thread the CPU thread starts, or the CPU thread about to start a
 * process (then os_cpu_home_return after): all of glass's CPUs. */
void os_cpu_home_release(void)
{
	if (pinning)
		pin(&allowed);
}

void os_cpu_home_return(void)
{
	if (pinning && os_cpu_home_stats.cpu >= 0)
		go_home(os_cpu_home_stats.cpu);
}

/* Host clocks. */
#include <time.h>

#include <glass/monitor.h>
#include <glass/os.h>

/* The monitor reads the clock too (mconsole uptime): monitor text. */
static u64 __monitor_text clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

u64 __monitor_text os_monotonic_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

u64 os_realtime_ns(void)
{
	return clock_ns(CLOCK_REALTIME);
}

u64 os_thread_cputime_ns(void)
{
	return clock_ns(CLOCK_THREAD_CPUTIME_ID);
}

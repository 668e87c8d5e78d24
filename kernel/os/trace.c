/*
 * The host side of the tracer's file (kernel/trace/sink.c): its writes,
 * from the monitor thread, so a slow disk never holds up the CPU thread.
 * write(2) only: no lock, no allocation (rule monitor-never-blocks).
 */
#include <errno.h>
#include <unistd.h>

#include <glass/monitor.h>
#include <glass/os.h>

long __monitor_text os_trace_write(int fd, const void *buf, unsigned long n)
{
	const char *p = buf;
	unsigned long done = 0;

	while (done < n) {
		long r = write(fd, p + done, n - done);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return done ? (long)done : -errno;
		done += r;
	}
	return done;
}

/*
 * Host features Glass can do without. Machines of this kind differ: on
 * some, perf_event_open accepts a hardware breakpoint that then never
 * fires (the virtual CPU raises no debug traps), so "it opened" is not "it
 * works" — the breakpoint probe writes its own watched word and reads the
 * count of hits. That probe costs 3-7 ms on such hosts (more under load),
 * so it runs the first time something needs debug registers (an hbreak, a
 * watchpoint, a step over a syscall: os_hw_break_set, monitor thread),
 * not at every start; seccomp user notification is probed once at
 * start-up on the CPU thread. Nothing uses an optional feature without its
 * probe, and nothing is probed that nothing uses: software perf events
 * were, at 0.2-0.8 ms of every boot (perf_event_open waits for an
 * expedited RCU grace period), for a log line.
 */
#include <errno.h>
#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <glass/monitor.h>
#include <glass/os.h>
#include "os_internal.h"

struct os_features os_features;

static volatile long probe_word;

static int __monitor_text perf_open(struct perf_event_attr *pe)
{
	int fd = syscall(SYS_perf_event_open, pe, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

/* A write breakpoint on probe_word for this thread, then a write: did it
 * count a hit? With sigtrap, as os_hw_break_set's, so the host is asked
 * for what Glass uses; trap.c's handler ignores a trap off the CPU thread. */
static int __monitor_text probe_hw_breakpoint(void)
{
	struct perf_event_attr pe = {
		.type = PERF_TYPE_BREAKPOINT, .size = sizeof(pe),
		.bp_addr = (unsigned long)&probe_word, .bp_type = HW_BREAKPOINT_W,
		.bp_len = HW_BREAKPOINT_LEN_8, .sample_period = 1,
		.exclude_kernel = 1, .exclude_hv = 1,
		.sigtrap = 1, .remove_on_exec = 1,
	};
	u64 hits = 0;
	int fd = perf_open(&pe);

	if (fd < 0)
		return fd;
	probe_word++;
	if (read(fd, &hits, sizeof(hits)) != sizeof(hits))
		hits = 0;
	close(fd);
	return hits ? 0 : -ENODEV;
}

/* os_features.hw_breakpoints, probed at the first call: a thread that
 * comes while another probes waits for its result. Any thread. */
int __monitor_text os_hw_breakpoints(void)
{
	int v = OS_UNPROBED, busy = OS_PROBING;
	struct timespec pause = { 0, 100000 };

	if (__atomic_compare_exchange_n(&os_features.hw_breakpoints, &v, busy, false,
					__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		v = probe_hw_breakpoint();
		__atomic_store_n(&os_features.hw_breakpoints, v, __ATOMIC_RELEASE);
		return v;
	}
	while (v == OS_PROBING) {
		nanosleep(&pause, NULL);
		v = __atomic_load_n(&os_features.hw_breakpoints, __ATOMIC_ACQUIRE);
	}
	return v;
}

static int probe_seccomp_notify(void)
{
	struct seccomp_notif_sizes sizes;

	return syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) ? -errno : 0;
}

void os_probe_host(void)
{
	os_features.hw_breakpoints = OS_UNPROBED;
	os_features.seccomp_notify = probe_seccomp_notify();
}

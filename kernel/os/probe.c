/*
 * Host features Glass can do without, probed once at start-up on the CPU
 * thread, before any handler of ours is installed. Machines of this kind
 * differ: on some, perf_event_open accepts a hardware breakpoint that then
 * never fires (the virtual CPU raises no debug traps), so "it opened" is
 * not "it works" — the breakpoint probe writes its own watched word and
 * counts the traps. Nothing uses an optional feature without its probe.
 */
#include <errno.h>
#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <glass/os.h>
#include "os_internal.h"

struct os_features os_features;

static volatile sig_atomic_t probe_traps;
static volatile long probe_word;

static void probe_trap(int sig)
{
	probe_traps++;
}

static int perf_open(struct perf_event_attr *pe)
{
	int fd = syscall(SYS_perf_event_open, pe, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

/* A write breakpoint on probe_word, then a write: did SIGTRAP come? */
static int probe_hw_breakpoint(void)
{
	struct sigaction sa = { .sa_handler = probe_trap }, old;
	struct perf_event_attr pe = {
		.type = PERF_TYPE_BREAKPOINT, .size = sizeof(pe),
		.bp_addr = (unsigned long)&probe_word, .bp_type = HW_BREAKPOINT_W,
		.bp_len = HW_BREAKPOINT_LEN_8, .sample_period = 1,
		.exclude_kernel = 1, .exclude_hv = 1,
		.sigtrap = 1, .remove_on_exec = 1,
	};
	int fd;

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTRAP, &sa, &old))
		return -errno;
	fd = perf_open(&pe);
	if (fd >= 0) {
		probe_word++;
		close(fd);
	}
	sigaction(SIGTRAP, &old, NULL);
	if (fd < 0)
		return fd;
	return probe_traps ? 0 : -ENODEV;
}

static int probe_perf_clock(void)
{
	struct perf_event_attr pe = {
		.type = PERF_TYPE_SOFTWARE, .size = sizeof(pe),
		.config = PERF_COUNT_SW_TASK_CLOCK, .disabled = 1, .exclude_kernel = 1,
	};
	int fd = perf_open(&pe);

	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

static int probe_seccomp_notify(void)
{
	struct seccomp_notif_sizes sizes;

	return syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) ? -errno : 0;
}

void os_probe_host(void)
{
	os_features.hw_breakpoints = probe_hw_breakpoint();
	os_features.perf_events = probe_perf_clock();
	os_features.seccomp_notify = probe_seccomp_notify();
}

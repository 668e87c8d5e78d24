/*
 * Hardware breakpoints and watchpoints on the CPU thread: perf events of
 * type PERF_TYPE_BREAKPOINT with sigtrap, so a hit is a SIGTRAP (TRAP_PERF,
 * the slot in si_perf_data) that trap.c hands to debug_trap(). Where the
 * host's debug registers never fire (probe.c, asked at the first set), a
 * watchpoint is the watched page's protection instead (watch.c). The monitor thread sets and clears
 * them while the CPU thread is parked.
 */
#include <errno.h>
#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <glass/monitor.h>
#include <glass/os.h>
#include "os_internal.h"

static int hw_fd[OS_HW_SLOTS] = { -1, -1, -1, -1 };

int __monitor_text os_hw_break_set(int slot, int type, unsigned long addr, int len)
{
	struct perf_event_attr pe;
	int fd;

	if (slot < 0 || slot >= OS_HW_SLOTS)
		return -EINVAL;
	if (os_hw_breakpoints())
		return os_watch_set(slot, type, addr, len);
	memset(&pe, 0, sizeof(pe));
	pe.type = PERF_TYPE_BREAKPOINT;
	pe.size = sizeof(pe);
	pe.bp_addr = addr;
	pe.bp_type = type == 0 ? HW_BREAKPOINT_X : type == 1 ? HW_BREAKPOINT_W : HW_BREAKPOINT_RW;
	pe.bp_len = type == 0 ? sizeof(long) : (u64)len;
	pe.sample_period = 1;
	pe.exclude_kernel = 1;
	pe.exclude_hv = 1;
	pe.sigtrap = 1;
	pe.remove_on_exec = 1;  /* sigtrap requires it; reboot re-execs */
	pe.sig_data = slot;
	fd = syscall(SYS_perf_event_open, &pe, os_cpu_tid, -1, -1, PERF_FLAG_FD_CLOEXEC);
	if (fd < 0)
		return -errno;
	os_hw_break_clear(slot);
	hw_fd[slot] = fd;
	return 0;
}

void __monitor_text os_hw_break_clear(int slot)
{
	os_watch_clear(slot);
	if (hw_fd[slot] >= 0)
		close(hw_fd[slot]);
	hw_fd[slot] = -1;
}

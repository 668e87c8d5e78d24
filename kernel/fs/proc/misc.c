/* Global /proc files: meminfo, uptime, version, cmdline, stat, loadavg. */
#include <glass/init.h>
#include <glass/mm.h>
#include <glass/os.h>
#include <glass/proc.h>
#include <glass/syscall_patch.h>
#include <uapi/param.h>
#include "internal.h"

extern unsigned long fork_count, host_flushes, nr_context_switches;

int proc_meminfo_show(struct task_struct *t, char *buf, size_t size)
{
	struct pbuf pb = { buf, size, 0 };
	unsigned long total = totalram_pages * 4, free = nr_free_pages() * 4;
	unsigned long slab = slab_objects_in_use();

	pb_printf(&pb, "MemTotal:       %8lu kB\nMemFree:        %8lu kB\n"
		  "MemAvailable:   %8lu kB\nBuffers:        %8d kB\nCached:         %8d kB\n"
		  "SwapCached:     %8d kB\nShmem:          %8d kB\nSlab:           %8lu kB\n"
		  "SReclaimable:   %8d kB\nSUnreclaim:     %8lu kB\nSwapTotal:      %8d kB\n"
		  "SwapFree:       %8d kB\n",
		  total, free, free, 0, 0, 0, 0, slab / 64, 0, slab / 64, 0, 0);
	return pb.len;
}

static void pr_secs(struct pbuf *pb, u64 ns)
{
	pb_printf(pb, "%llu.%02llu", (unsigned long long)(ns / NSEC_PER_SEC),
		  (unsigned long long)(ns % NSEC_PER_SEC / (NSEC_PER_SEC / 100)));
}

static u64 idle_ns(void)
{
	u64 busy = 0;
	struct task_struct *p;

	list_for_each_entry(p, &task_list, tasks)
		busy += p->utime_ns + p->stime_ns;
	u64 up = ktime_get_ns();
	return up > busy ? up - busy : 0;
}

int proc_uptime_show(struct task_struct *t, char *buf, size_t size)
{
	struct pbuf pb = { buf, size, 0 };

	pr_secs(&pb, ktime_get_boot_ns());
	pb_printf(&pb, " ");
	pr_secs(&pb, idle_ns());
	pb_printf(&pb, "\n");
	return pb.len;
}

int proc_version_show(struct task_struct *t, char *buf, size_t size)
{
	return scnprintf(buf, size, "%s\n", glass_version_string());
}

int proc_cmdline_show(struct task_struct *t, char *buf, size_t size)
{
	return scnprintf(buf, size, "%s\n", boot.cmdline ? boot.cmdline : "");
}

int proc_stat_show(struct task_struct *t, char *buf, size_t size)
{
	struct pbuf pb = { buf, size, 0 };
	struct task_struct *p;
	unsigned long long user = 0, sys = 0, idle = idle_ns() / (NSEC_PER_SEC / USER_HZ);
	unsigned long running = 0, blocked = 0;

	list_for_each_entry(p, &task_list, tasks) {
		user += p->utime_ns / (NSEC_PER_SEC / USER_HZ);
		sys += p->stime_ns / (NSEC_PER_SEC / USER_HZ);
		running += p->state == TASK_RUNNING && !p->exit_state;
		blocked += p->state == TASK_UNINTERRUPTIBLE;
	}
	for (int i = 0; i < 2; i++)
		pb_printf(&pb, "%s %llu 0 %llu %llu 0 0 0 0 0 0\n", i ? "cpu0" : "cpu ",
			  user, sys, idle);
	pb_printf(&pb, "intr 0\nctxt %lu\nbtime %llu\nprocesses %lu\nprocs_running %lu\n"
		  "procs_blocked %lu\nsoftirq 0\n",
		  nr_context_switches, (unsigned long long)((ktime_get_real_ns() - ktime_get_boot_ns()) / NSEC_PER_SEC),
		  fork_count, running, blocked);
	return pb.len;
}

int proc_loadavg_show(struct task_struct *t, char *buf, size_t size)
{
	struct task_struct *p;
	int running = 0;
	pid_t last = 0;

	list_for_each_entry(p, &task_list, tasks) {
		running += p->state == TASK_RUNNING && !p->exit_state;
		if (p->pid > last)
			last = p->pid;
	}
	return scnprintf(buf, size, "0.00 0.00 0.00 %d/%d %d\n", running, nr_tasks, last);
}

/* Counters the tests and `make bench` read: exact, not timings. */
int proc_glass_stats_show(struct task_struct *t, char *buf, size_t size)
{
	return scnprintf(buf, size,
			 "round_trips %lu\nsyscalls %lu\nfaults %lu\nticks %lu\nforks %lu\n"
			 "flushes %lu\nfree_pages %lu\nslab_objects %lu\ntasks %d\n"
			 "spin_kernel_hit %lu\nspin_kernel_miss %lu\n"
			 "spin_guest_hit %lu\nspin_guest_miss %lu\nspin_withdrawn %lu\nspin_tries %lu\n"
			 "syscall_patched %lu\nsyscall_entry %lu\nsyscall_fixups %lu\n"
			 "stubs_parked %lu\nstubs_reused %lu\nstubs_park_failed %lu\n"
			 "parked_pages %lu\ncpu_home %d\ncpu_home_moves %lu\n",
			 os_round_trips, syscall_count, fault_count, tick_count, fork_count,
			 host_flushes,
			 nr_free_pages(), slab_objects_in_use(), nr_tasks,
			 os_spin_stats.kernel_hit, os_spin_stats.kernel_miss,
			 os_spin_stats.guest_hit, os_spin_stats.guest_miss,
			 os_spin_stats.withdrawn, os_spin_stats.tries,
			 syscall_patched, syscall_entries, syscall_fixups,
			 stubs_parked, stubs_reused, stubs_park_failed, host_parked_pages(),
			 os_cpu_home_stats.cpu, os_cpu_home_stats.moves);
}

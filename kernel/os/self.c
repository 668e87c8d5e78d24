/*
 * Glass's own process as a debugger sees it: its memory through
 * /proc/self/mem, and the host libraries loaded into it. The monitor
 * thread reads and writes kernel memory here (gdb, the int3 table,
 * backtraces of other tasks) and gdb and the oops report name host
 * library frames from the list; both are set up once at start and then
 * used by any thread without a lock or an allocation.
 */
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <string.h>
#include <unistd.h>

#include <glass/monitor.h>
#include <glass/os.h>
#include "os_internal.h"

static int mem_fd = -1;

#define MAX_LIBS 16
static struct {
	char path[256];
	unsigned long addr;
} libs[MAX_LIBS];
static unsigned nr_libs;

static int snapshot_library(struct dl_phdr_info *info, size_t size, void *unused)
{
	if (!info->dlpi_name[0] || nr_libs == MAX_LIBS ||
	    strlen(info->dlpi_name) >= sizeof(libs[0].path) ||
	    info->dlpi_name[0] != '/')
		return 0;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		if (info->dlpi_phdr[i].p_type != PT_LOAD)
			continue;
		strcpy(libs[nr_libs].path, info->dlpi_name);
		libs[nr_libs].addr = info->dlpi_addr + info->dlpi_phdr[i].p_vaddr;
		nr_libs++;
		break;
	}
	return 0;
}

int os_self_init(void)
{
	mem_fd = open("/proc/self/mem", O_RDWR | O_CLOEXEC);
	if (mem_fd < 0)
		return -errno;
	/* Now, while nothing else runs: dl_iterate_phdr takes a lock. */
	dl_iterate_phdr(snapshot_library, NULL);
	return 0;
}

long __monitor_text os_mem_read(unsigned long addr, void *buf, unsigned long len)
{
	ssize_t n = pread(mem_fd, buf, len, (off_t)addr);

	return n > 0 ? n : -EFAULT;
}

long __monitor_text os_mem_write(unsigned long addr, const void *buf, unsigned long len)
{
	ssize_t n = pwrite(mem_fd, buf, len, (off_t)addr);

	return n > 0 ? n : -EFAULT;
}

int __monitor_text os_host_library(unsigned idx, const char **path, unsigned long *addr)
{
	if (idx >= nr_libs)
		return -ENOENT;
	*path = libs[idx].path;
	*addr = libs[idx].addr;
	return 0;
}

/*
 * Module memory (kernel/module/memory.c): anonymous host mappings inside
 * MODULE_AREA, writable while the loader copies and relocates, then
 * protected part by part (text RX, rodata RO, data RW: W^X). CPU thread.
 */
#include <errno.h>
#include <sys/mman.h>

#include <glass/layout.h>
#include <glass/os.h>

int os_module_map(unsigned long addr, unsigned long len)
{
	void *p;

	if (addr < MODULE_AREA || len > MODULE_AREA + MODULE_AREA_SIZE - addr)
		return -EINVAL;
	p = mmap((void *)addr, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	if (p != (void *)addr) {        /* a kernel without MAP_FIXED_NOREPLACE */
		munmap(p, len);
		return -EEXIST;
	}
	return 0;
}

int os_module_protect(unsigned long addr, unsigned long len, int prot)
{
	int p = (prot & OS_PROT_READ ? PROT_READ : 0) | (prot & OS_PROT_WRITE ? PROT_WRITE : 0) |
		(prot & OS_PROT_EXEC ? PROT_EXEC : 0);

	return mprotect((void *)addr, len, p) ? -errno : 0;
}

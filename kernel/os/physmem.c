/* physmem: one memfd of mem= bytes, mapped once at PHYSMEM_BASE. */
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <glass/layout.h>
#include <glass/os.h>
#include "os_internal.h"

int os_physmem_fd = -1;
unsigned long os_physmem_size;  /* mapped at PHYSMEM_BASE */

int os_physmem_init(unsigned long size)
{
	int fd = memfd_create("glass-physmem", MFD_CLOEXEC);
	void *p;

	if (fd < 0)
		return -errno;
	if (ftruncate(fd, size) < 0)
		goto fail;
	/* Above 3, so a stub's dup2(fd, 3) always makes a fresh descriptor. */
	os_physmem_fd = fcntl(fd, F_DUPFD_CLOEXEC, 10);
	close(fd);
	if (os_physmem_fd < 0)
		return -errno;
	p = mmap((void *)PHYSMEM_BASE, size, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_FIXED_NOREPLACE, os_physmem_fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	os_physmem_size = size;
	return 0;
fail:
	close(fd);
	return -errno;
}

int os_physmem_map(unsigned long addr, unsigned long off, unsigned long len)
{
	void *p = mmap((void *)addr, len, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_FIXED, os_physmem_fd, off);

	return p == MAP_FAILED ? -errno : 0;
}

void os_physmem_populate(unsigned long off, unsigned long len)
{
	/* Older hosts lack it (EINVAL): the pages fault in as they are used. */
	madvise((void *)(PHYSMEM_BASE + off), len, MADV_POPULATE_WRITE);
}

int os_unmap(unsigned long addr, unsigned long len)
{
	return munmap((void *)addr, len) ? -errno : 0;
}

/* physmem: one memfd of mem= bytes, mapped once at PHYSMEM_BASE. */
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
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

void os_populate(void *addr, unsigned long len)
{
	unsigned long start = (unsigned long)addr & PAGE_MASK;

	madvise((void *)start, PAGE_ALIGN((unsigned long)addr + len) - start,
		MADV_POPULATE_WRITE);
}

/*
 * Where src lies in Glass's executable file, if [src, src+len) is in a
 * read-only loaded segment's file contents (never written since the
 * load): its file offset, else -1.
 */
static off_t image_file_offset(const void *src, unsigned long len)
{
	const ElfW(Phdr) *ph = (const ElfW(Phdr) *)getauxval(AT_PHDR);
	unsigned long n = getauxval(AT_PHNUM), bias = 0, a = (unsigned long)src;

	/* Glass is -no-pie (docs/DESIGN.md, Boot), so the bias is 0; PT_PHDR
	 * says so rather than assuming it. */
	for (unsigned long i = 0; ph && i < n; i++)
		if (ph[i].p_type == PT_PHDR)
			bias = (unsigned long)ph - ph[i].p_vaddr;
	for (unsigned long i = 0; ph && i < n; i++) {
		unsigned long start = bias + ph[i].p_vaddr;

		if (ph[i].p_type != PT_LOAD || (ph[i].p_flags & PF_W))
			continue;
		if (a >= start && a + len <= start + ph[i].p_filesz)
			return ph[i].p_offset + (a - start);
	}
	return -1;
}

/*
 * On a VM the first touch of a page by Glass's process costs several µs
 * (the hypervisor's shadow page tables): copying the built-in initramfs's
 * 2 MB with memcpy touched 1000 pages, source and copy, 6-9 ms of every
 * boot, where sendfile from the executable file into the memfd takes 1 ms.
 * Other kernel memory goes through pwrite (only its source is touched).
 * CPU thread: physmem's file position is used by nothing else.
 */
int os_physmem_write(unsigned long off, const void *src, unsigned long len)
{
	static int exe_fd = -1;
	off_t from = image_file_offset(src, len);
	ssize_t n;

	if (off + len > os_physmem_size)
		return -EINVAL;
	if (from >= 0 && exe_fd < 0)
		exe_fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (from < 0 || exe_fd < 0 || lseek(os_physmem_fd, off, SEEK_SET) < 0) {
		n = pwrite(os_physmem_fd, src, len, off);
		return n == (ssize_t)len ? 0 : n < 0 ? -errno : -EIO;
	}
	while (len) {
		n = sendfile(os_physmem_fd, exe_fd, &from, len);
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		len -= n;
	}
	return 0;
}

int os_unmap(unsigned long addr, unsigned long len)
{
	return munmap((void *)addr, len) ? -errno : 0;
}

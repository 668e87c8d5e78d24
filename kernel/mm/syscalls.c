/*
 * The memory syscalls: thin wrappers over mmap.c, mprotect.c and
 * mremap.c on current->mm, with Linux's argument checks. CPU thread,
 * task context.
 */
#include <glass/fs.h>
#include <glass/sched.h>
#include <glass/syscalls.h>
#include <glass/uaccess.h>
#include "internal.h"

/* brk(2): the new break, or the old one when it cannot move. */
SYSCALL_DEFINE1(brk, unsigned long, brk)
{
	return do_brk(current->mm, brk);
}

/* mmap(2): off must be page aligned; a file mapping needs an open fd. */
SYSCALL_DEFINE6(mmap, unsigned long, addr, unsigned long, len,
		unsigned long, prot, unsigned long, flags, unsigned long, fd,
		unsigned long, off)
{
	struct file *file = NULL;
	long r;

	if (off & ~PAGE_MASK)
		return -EINVAL;
	if (!(flags & MAP_ANONYMOUS)) {
		file = fget((unsigned int)fd);
		if (!file)
			return -EBADF;
	}
	r = do_mmap(file, addr, len, prot, flags, off >> PAGE_SHIFT);
	if (file)
		fput(file);
	return r;
}

/* munmap(2) */
SYSCALL_DEFINE2(munmap, unsigned long, addr, unsigned long, len)
{
	return do_munmap(current->mm, addr, len);
}

/* mprotect(2) */
SYSCALL_DEFINE3(mprotect, unsigned long, addr, unsigned long, len,
		unsigned long, prot)
{
	return do_mprotect(current->mm, addr, len, prot);
}

/* mremap(2) */
SYSCALL_DEFINE5(mremap, unsigned long, addr, unsigned long, old_len,
		unsigned long, new_len, unsigned long, flags,
		unsigned long, new_addr)
{
	return do_mremap(current->mm, addr, old_len, new_len, flags, new_addr);
}

/* madvise(2): MADV_DONTNEED/MADV_FREE drop pages; the rest is advice. */
SYSCALL_DEFINE3(madvise, unsigned long, addr, unsigned long, len, int, advice)
{
	return do_madvise(current->mm, addr, len, advice);
}

/* Checks of msync and mlock: an aligned address, a range inside mappings. */
static long check_range(unsigned long addr, unsigned long len)
{
	unsigned long end;

	if (addr & ~PAGE_MASK)
		return -EINVAL;
	if (len > TASK_SIZE)
		return -ENOMEM;
	end = addr + PAGE_ALIGN(len);
	if (end > TASK_SIZE || end < addr)
		return -ENOMEM;
	return range_mapped(current->mm, addr, end) ? 0 : -ENOMEM;
}

/*
 * msync(2): the pages that shared file mappings of the range dirtied go
 * back to their files now, MS_ASYNC too (writing is synchronous here);
 * MS_SYNC also fsyncs the file, as Linux does.
 */
SYSCALL_DEFINE3(msync, unsigned long, addr, unsigned long, len, int, flags)
{
	struct vm_area_struct *v;
	unsigned long end;
	long err;

	if (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC))
		return -EINVAL;
	if ((flags & MS_ASYNC) && (flags & MS_SYNC))
		return -EINVAL;
	err = check_range(addr, len);
	if (err || !len)
		return err;
	end = addr + PAGE_ALIGN(len);
	for (v = find_vma(current->mm, addr); v && v->vm_start < end; v = vma_next(current->mm, v)) {
		unsigned long s = max(v->vm_start, addr), e = min(v->vm_end, end);

		if (!(v->vm_flags & VM_SHARED) || !v->vm_file)
			continue;
		err = filemap_write_range(v->vm_file->f_inode,
					  v->vm_pgoff + ((s - v->vm_start) >> PAGE_SHIFT),
					  v->vm_pgoff + ((e - v->vm_start) >> PAGE_SHIFT) - 1);
		if (!err && (flags & MS_SYNC))
			err = vfs_fsync(v->vm_file);
		if (err)
			return err;
	}
	return 0;
}

/* Nothing is ever paged out, so memory is always locked. */
SYSCALL_DEFINE2(mlock, unsigned long, addr, unsigned long, len)
{
	return check_range(addr & PAGE_MASK, len + (addr & ~PAGE_MASK));
}

/* munlock(2): checked like mlock, otherwise nothing to do. */
SYSCALL_DEFINE2(munlock, unsigned long, addr, unsigned long, len)
{
	return check_range(addr & PAGE_MASK, len + (addr & ~PAGE_MASK));
}

/* mlockall(2) and munlockall(2): always locked, never paged. */
SYSCALL_DEFINE1(mlockall, int, flags)
{
	return 0;
}

SYSCALL_DEFINE0(munlockall)
{
	return 0;
}

/* One byte per page of [addr, addr+len): 1 if it is mapped now. */
SYSCALL_DEFINE3(mincore, unsigned long, addr, unsigned long, len,
		unsigned char __user *, vec)
{
	unsigned long pages, end;
	unsigned char buf[64];
	long err;

	err = check_range(addr, len);
	if (err)
		return err;
	pages = PAGE_ALIGN(len) >> PAGE_SHIFT;
	end = addr + (pages << PAGE_SHIFT);
	for (unsigned long a = addr, i = 0; a < end; i += sizeof(buf)) {
		unsigned long n = 0;

		for (; n < sizeof(buf) && a < end; n++, a += PAGE_SIZE) {
			u64 *pte = pte_lookup(current->mm, a);

			buf[n] = pte && (*pte & _PAGE_PRESENT);
		}
		if (copy_to_user(vec + i, buf, n))
			return -EFAULT;
	}
	return 0;
}

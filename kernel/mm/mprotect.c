/*
 * mprotect and madvise: change the protection or drop the pages of a
 * range of VMAs, splitting them at the edges. CPU thread; the caller
 * owns the mm.
 */
#include <glass/mm.h>
#include <glass/syscall_patch.h>
#include "internal.h"

/* walk_ptes callback: re-derive a PTE's bits from its (new) VMA. A private
 * page keeps write access only if it already had it: gaining VM_WRITE
 * leaves it read-only, and the first write goes through do_wp_page. */
static int change_pte(struct mm_struct *mm, unsigned long addr, u64 *pte,
		      void *arg)
{
	struct vm_area_struct *vma = arg;
	u64 old = *pte, new;

	new = (old & ~(_PAGE_READ | _PAGE_RW | _PAGE_EXEC)) | vma_pte_bits(vma);
	if (vma->vm_flags & VM_WRITE) {
		if ((vma->vm_flags & VM_SHARED) ? shared_page_writable(pte_page(old))
						: (old & _PAGE_RW))
			new |= _PAGE_RW;
	}
	if (new != old) {
		*pte = new;
		host_queue_protect(mm, addr, PAGE_SIZE, pte_prot(new));
	}
	return 0;
}

/* Check every VMA of [start, end) may take prot. */
static int check_prot(struct mm_struct *mm, unsigned long start,
		      unsigned long end, unsigned long prot)
{
	struct vm_area_struct *v;

	if (!range_mapped(mm, start, end))
		return -ENOMEM;
	for (v = find_vma(mm, start); v && v->vm_start < end; v = vma_next(mm, v))
		if ((prot & PROT_WRITE) && !(v->vm_flags & VM_MAYWRITE))
			return -EACCES;
	return 0;
}

/*
 * mprotect(2) on mm: -EINVAL for a misaligned address or unknown bits,
 * -ENOMEM if part of the range is unmapped, -EACCES for write access to
 * a shared mapping of a file not open for writing.
 */
int do_mprotect(struct mm_struct *mm, unsigned long addr, unsigned long len,
		unsigned long prot)
{
	unsigned long end, vm_prot;
	struct vm_area_struct *v;
	int err;

	syscall_patch_region_change(mm, addr, len);
	if ((addr & ~PAGE_MASK) ||
	    (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_GROWSDOWN | PROT_GROWSUP)))
		return -EINVAL;
	if (!len)
		return 0;
	if (len > TASK_SIZE)
		return -ENOMEM;
	end = addr + PAGE_ALIGN(len);
	if (addr >= TASK_SIZE || end > TASK_SIZE)
		return -ENOMEM;
	err = check_prot(mm, addr, end, prot);
	if (err)
		return err;
	vm_prot = ((prot & PROT_READ) ? VM_READ : 0) |
		  ((prot & PROT_WRITE) ? VM_WRITE : 0) |
		  ((prot & PROT_EXEC) ? VM_EXEC : 0);
	v = find_vma(mm, addr);
	while (v && v->vm_start < end) {
		if (v->vm_start < addr) {
			err = split_vma(mm, v, addr);
			if (err)
				return err;
			v = vma_next(mm, v);
			continue;
		}
		if (v->vm_end > end) {
			err = split_vma(mm, v, end);
			if (err)
				return err;
		}
		v->vm_flags = (v->vm_flags & ~(VM_READ | VM_WRITE | VM_EXEC)) | vm_prot;
		walk_ptes(mm, v->vm_start, v->vm_end, change_pte, v);
		v = vma_merge(mm, v);
		v = vma_next(mm, v);
	}
	return 0;
}

/*
 * madvise(2) on mm. MADV_DONTNEED and MADV_FREE drop the pages of the
 * range, so private memory reads back as zero (anonymous) or as the
 * file (file-backed); shared anonymous memory is kept. Other advice is
 * accepted and ignored. -ENOMEM when part of the range is unmapped.
 */
int do_madvise(struct mm_struct *mm, unsigned long addr, unsigned long len,
	       int advice)
{
	struct vm_area_struct *v;
	unsigned long end;

	syscall_patch_region_change(mm, addr, len);
	if (addr & ~PAGE_MASK)
		return -EINVAL;
	if (!len)
		return 0;
	if (len > TASK_SIZE)
		return -EINVAL;
	end = addr + PAGE_ALIGN(len);
	if (end > TASK_SIZE || end < addr)
		return -EINVAL;
	if (advice != MADV_DONTNEED && advice != MADV_FREE)
		return range_mapped(mm, addr, end) ? 0 : -ENOMEM;
	for (v = find_vma(mm, addr); v && v->vm_start < end; v = vma_next(mm, v)) {
		if ((v->vm_flags & VM_SHARED) && !v->vm_file)
			continue;
		zap_range(mm, max(v->vm_start, addr), min(v->vm_end, end), true);
	}
	return range_mapped(mm, addr, end) ? 0 : -ENOMEM;
}

/*
 * Reverse mapping for file pages: which guest PTEs map the pages of an
 * inode. There is no per-inode list of VMAs; the mms are found through
 * the task list, which writeback and truncate walk rarely enough. CPU
 * thread, task or timer context (no guest runs then); queued host ops
 * reach each host process in its next flush, before its guest runs.
 */
#include <glass/fs.h>
#include <glass/sched.h>
#include "internal.h"

/* Call fn on every VMA of every mm that maps some of the inode's pages
 * [first, last], with the address range [start, end) of those in it. */
static void for_each_file_vma(struct inode *inode, unsigned long first, unsigned long last,
			      void (*fn)(struct vm_area_struct *vma, unsigned long start,
					 unsigned long end))
{
	struct task_struct *t;
	struct vm_area_struct *v;

	list_for_each_entry(t, &task_list, tasks) {
		if (!t->mm)
			continue;
		list_for_each_entry(v, &t->mm->mmap, vm_list) {
			unsigned long npages = (v->vm_end - v->vm_start) >> PAGE_SHIFT;
			unsigned long lo, hi;

			if (!v->vm_file || v->vm_file->f_inode != inode ||
			    v->vm_pgoff > last || v->vm_pgoff + npages <= first)
				continue;
			lo = max(first, v->vm_pgoff) - v->vm_pgoff;
			hi = last - v->vm_pgoff >= npages ? npages : last - v->vm_pgoff + 1;
			fn(v, v->vm_start + (lo << PAGE_SHIFT), v->vm_start + (hi << PAGE_SHIFT));
		}
	}
}

static void unmap_vma_range(struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	zap_range(vma->vm_mm, start, end, true);
}

void unmap_mapping_range(struct inode *inode, unsigned long first)
{
	for_each_file_vma(inode, first, ULONG_MAX, unmap_vma_range);
}

/* walk_ptes callback: a writable PTE becomes read-only. */
static int wrprotect_pte(struct mm_struct *mm, unsigned long addr, u64 *pte, void *arg)
{
	if (*pte & _PAGE_RW) {
		*pte &= ~(_PAGE_RW | _PAGE_DIRTY);
		host_queue_protect(mm, addr, PAGE_SIZE, pte_prot(*pte));
	}
	return 0;
}

static void wrprotect_vma_range(struct vm_area_struct *vma, unsigned long start,
				unsigned long end)
{
	if (vma->vm_flags & VM_SHARED)
		walk_ptes(vma->vm_mm, start, end, wrprotect_pte, NULL);
}

void mapping_wrprotect(struct inode *inode, unsigned long first, unsigned long last)
{
	for_each_file_vma(inode, first, last, wrprotect_vma_range);
}

/*
 * Page faults, from the guest (entry.c) and from copy_*_user. Not present
 * -> a zeroed frame (anonymous) or the page-cache page (file); present but
 * read-only under a write in a writable VMA -> copy-on-write. Every PTE
 * set here is followed by its queued host op. CPU thread; never sleeps
 * (the page cache may read a file in, synchronously).
 */
#include <glass/fs.h>
#include <glass/sched.h>
#include "internal.h"

/* Grow a VM_GROWSDOWN vma down to cover addr. 0 or -ENOMEM. */
static int expand_stack(struct mm_struct *mm, struct vm_area_struct *vma,
			unsigned long addr)
{
	unsigned long start = addr & PAGE_MASK, grow;
	struct vm_area_struct *prev = vma_prev(mm, vma);

	if (start < MMAP_MIN_ADDR || vma->vm_end - start > STACK_LIMIT)
		return -ENOMEM;
	if (prev && prev->vm_end > start)
		return -ENOMEM;
	grow = (vma->vm_start - start) >> PAGE_SHIFT;
	if (vma->vm_file) {
		if (vma->vm_pgoff < grow)
			return -ENOMEM;
		vma->vm_pgoff -= grow;
	}
	vma->vm_start = start;
	mm->total_vm += grow;
	return 0;
}

/* Does vma allow this access? (x86: a writable or executable page is
 * readable too.) */
static bool access_permitted(struct vm_area_struct *vma, int flags)
{
	if (flags & FAULT_FLAG_WRITE)
		return vma->vm_flags & VM_WRITE;
	if (flags & FAULT_FLAG_EXEC)
		return vma->vm_flags & VM_EXEC;
	return vma->vm_flags & (VM_READ | VM_WRITE | VM_EXEC);
}

/* Map a fresh zeroed frame at addr. */
static int do_anonymous_page(struct mm_struct *mm, struct vm_area_struct *vma,
			     unsigned long addr, u64 *pte, int flags)
{
	struct page *page = alloc_page(__GFP_ZERO | GFP_NOWARN);
	u64 bits = vma_pte_bits(vma);

	if (!page)
		return -ENOMEM;
	if (vma->vm_flags & VM_WRITE)
		bits |= _PAGE_RW;
	if (flags & FAULT_FLAG_WRITE)
		bits |= _PAGE_DIRTY;
	page->mapcount = 1;
	mm->rss++;
	set_pte_map(mm, addr, pte, page, bits);
	return 0;
}

/*
 * Map the file page of addr. Shared: the page-cache page itself. Private:
 * the page-cache page read-only, or for a write a private copy. The
 * filemap reference becomes the PTE's.
 */
static int do_file_page(struct mm_struct *mm, struct vm_area_struct *vma,
			unsigned long addr, u64 *pte, int flags, int *si_code)
{
	struct inode *inode = vma->vm_file->f_inode;
	unsigned long pgoff = vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT);
	u64 bits = vma_pte_bits(vma);
	struct page *page, *copy;

	*si_code = BUS_ADRERR;
	if (!inode)
		return -EIO;
	if (S_ISREG(inode->i_mode) &&
	    pgoff >= DIV_ROUND_UP((unsigned long)inode->i_size, PAGE_SIZE))
		return -EIO;
	page = filemap_get_page(inode, pgoff);
	if (IS_ERR_OR_NULL(page))
		return PTR_ERR(page) == -ENOMEM ? -ENOMEM : -EIO;

	if (vma->vm_flags & VM_SHARED) {
		if (vma->vm_flags & VM_WRITE) {
			bits |= _PAGE_RW | _PAGE_DIRTY;
			page->flags |= PG_dirty;
		}
	} else if (flags & FAULT_FLAG_WRITE) {
		copy = alloc_page(GFP_NOWARN);
		if (!copy) {
			put_page(page);
			return -ENOMEM;
		}
		memcpy(page_address(copy), page_address(page), PAGE_SIZE);
		put_page(page);
		page = copy;
		bits |= _PAGE_RW | _PAGE_DIRTY;
	}
	page->mapcount++;
	mm->rss++;
	set_pte_map(mm, addr, pte, page, bits);
	return 0;
}

/*
 * A write to a present read-only PTE in a writable VMA. Shared mapping,
 * or a private frame nobody else holds: make it writable. Otherwise copy
 * the frame and point the PTE at the copy.
 */
static int do_wp_page(struct mm_struct *mm, struct vm_area_struct *vma,
		      unsigned long addr, u64 *pte)
{
	struct page *old = pte_page(*pte), *new;

	if ((vma->vm_flags & VM_SHARED) ||
	    (!old->mapping && old->refcount == 1 && old->mapcount == 1)) {
		*pte |= _PAGE_RW | _PAGE_DIRTY;
		if (old->mapping)
			old->flags |= PG_dirty;
		host_queue_protect(mm, addr, PAGE_SIZE, pte_prot(*pte));
		return 0;
	}
	new = alloc_page(GFP_NOWARN);
	if (!new)
		return -ENOMEM;
	memcpy(page_address(new), page_address(old), PAGE_SIZE);
	new->mapcount = 1;
	set_pte_map(mm, addr, pte, new,
		    (*pte & ~PTE_PFN_MASK) | _PAGE_RW | _PAGE_DIRTY);
	old->mapcount--;
	put_page(old);
	return 0;
}

/*
 * Resolve a fault at addr in mm. flags: FAULT_FLAG_WRITE for a write,
 * FAULT_FLAG_USER when the guest itself faulted. Returns 0, -EFAULT with
 * *si_code SEGV_MAPERR (no mapping) or SEGV_ACCERR (access not allowed),
 * -EIO with BUS_ADRERR (file page beyond EOF), or -ENOMEM.
 */
int handle_mm_fault(struct mm_struct *mm, unsigned long addr, int flags,
		    int *si_code)
{
	struct vm_area_struct *vma;
	int dummy;
	u64 *pte;

	if (!si_code)
		si_code = &dummy;
	*si_code = SEGV_MAPERR;
	if (!mm || addr >= TASK_SIZE)
		return -EFAULT;
	vma = find_vma(mm, addr);
	if (!vma)
		return -EFAULT;
	if (addr < vma->vm_start &&
	    (!(vma->vm_flags & VM_GROWSDOWN) || expand_stack(mm, vma, addr)))
		return -EFAULT;
	*si_code = SEGV_ACCERR;
	if (!access_permitted(vma, flags))
		return -EFAULT;
	addr &= PAGE_MASK;
	pte = pte_alloc(mm, addr);
	if (!pte)
		return -ENOMEM;
	if (!(*pte & _PAGE_PRESENT)) {
		if (vma->vm_file)
			return do_file_page(mm, vma, addr, pte, flags, si_code);
		return do_anonymous_page(mm, vma, addr, pte, flags);
	}
	if ((flags & FAULT_FLAG_WRITE) && !(*pte & _PAGE_RW))
		return do_wp_page(mm, vma, addr, pte);
	/* Present and allowed: the host lacks the mapping. Send it again. */
	host_queue_map(mm, addr, *pte & PTE_PFN_MASK, PAGE_SIZE, pte_prot(*pte));
	return 0;
}

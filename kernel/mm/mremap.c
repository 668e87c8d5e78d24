/*
 * mremap: shrink a mapping, grow it in place, or move it (with its pages,
 * which keep their frames, references and mapcounts). CPU thread; the
 * caller owns the mm.
 */
#include <glass/fs.h>
#include <glass/syscall_patch.h>
#include "internal.h"

#define PMD_SIZE (1UL << 21)

/* walk_ptes callback: move one PTE by *(long *)arg bytes. */
static int move_pte(struct mm_struct *mm, unsigned long addr, u64 *pte, void *arg)
{
	unsigned long to = addr + *(unsigned long *)arg;
	u64 *dst = pte_lookup(mm, to);

	BUG_ON(!dst || *dst);   /* tables were allocated, range was free */
	*dst = *pte;
	*pte = 0;
	host_queue_unmap(mm, addr, PAGE_SIZE);
	host_queue_map(mm, to, *dst & PTE_PFN_MASK, PAGE_SIZE, pte_prot(*dst));
	return 0;
}

/* Move [addr, addr+len) of vma to the free range at to, len bytes of it
 * (new_len in all). Returns to or -ENOMEM, having changed nothing then. */
static long move_vma(struct mm_struct *mm, struct vm_area_struct *vma,
		     unsigned long addr, unsigned long len, unsigned long new_len,
		     unsigned long to)
{
	unsigned long delta = to - addr;
	struct vm_area_struct *n;

	for (unsigned long a = to; a < to + len; a = ALIGN(a + 1, PMD_SIZE))
		if (!pte_alloc(mm, a))
			return -ENOMEM;
	n = vma_alloc();
	if (!n)
		return -ENOMEM;
	/* Cut the old range out first, so the unmap below cannot fail. */
	if (vma->vm_start < addr && split_vma(mm, vma, addr))
		goto nomem;
	vma = find_vma(mm, addr);
	if (vma->vm_end > addr + len && split_vma(mm, vma, addr + len))
		goto nomem;
	*n = *vma;
	INIT_LIST_HEAD(&n->vm_list);
	n->vm_start = to;
	n->vm_end = to + new_len;
	if (n->vm_file)
		get_file(n->vm_file);
	walk_ptes(mm, addr, addr + len, move_pte, &delta);
	do_munmap(mm, addr, len);
	insert_vma(mm, n);
	mm->total_vm += new_len >> PAGE_SHIFT;
	vma_merge(mm, n);
	return to;
nomem:
	kfree(n);
	return -ENOMEM;
}

/* The one VMA holding all of [addr, addr+len), or NULL. */
static struct vm_area_struct *vma_of_range(struct mm_struct *mm,
					   unsigned long addr, unsigned long len)
{
	struct vm_area_struct *vma = find_vma(mm, addr);

	if (!vma || vma->vm_start > addr || len > vma->vm_end - addr)
		return NULL;
	return vma;
}

/*
 * mremap(2) on mm: resize [addr, addr+old_len) to new_len, in place or,
 * with MREMAP_MAYMOVE, elsewhere (MREMAP_FIXED: at new_addr, replacing
 * what is there). Returns the address or -errno: -EFAULT when the old
 * range is not one mapping, -ENOMEM when it cannot grow.
 */
long do_mremap(struct mm_struct *mm, unsigned long addr, unsigned long old_len,
	       unsigned long new_len, unsigned long flags, unsigned long new_addr)
{
	struct vm_area_struct *vma;
	long r;

	syscall_patch_region_change(mm, addr, old_len);
	if ((addr & ~PAGE_MASK) || (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED)) ||
	    ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE)))
		return -EINVAL;
	/* old_len 0 (a second view of a shared mapping) is not supported. */
	if (!old_len || !new_len)
		return -EINVAL;
	if (old_len > TASK_SIZE || new_len > TASK_SIZE)
		return -ENOMEM;
	old_len = PAGE_ALIGN(old_len);
	new_len = PAGE_ALIGN(new_len);
	if (flags & MREMAP_FIXED) {
		if ((new_addr & ~PAGE_MASK) || new_addr < MMAP_MIN_ADDR ||
		    new_addr > TASK_SIZE - new_len)
			return -EINVAL;
		if (new_addr < addr + old_len && addr < new_addr + new_len)
			return -EINVAL;
	}
	vma = vma_of_range(mm, addr, old_len);
	if (!vma)
		return -EFAULT;

	if (flags & MREMAP_FIXED) {
		r = do_munmap(mm, new_addr, new_len);
		if (!r && old_len > new_len) {
			r = do_munmap(mm, addr + new_len, old_len - new_len);
			old_len = new_len;
		}
		if (r)
			return r;
		if (new_len > old_len && !may_expand_vm(mm, (new_len - old_len) >> PAGE_SHIFT))
			return -ENOMEM;
		return move_vma(mm, find_vma(mm, addr), addr, old_len, new_len,
				new_addr);
	}
	if (new_len <= old_len) {
		if (new_len < old_len) {
			r = do_munmap(mm, addr + new_len, old_len - new_len);
			if (r)
				return r;
		}
		return addr;
	}
	if (!may_expand_vm(mm, (new_len - old_len) >> PAGE_SHIFT))
		return -ENOMEM;
	/* Grow in place when the range ends the VMA and room follows. */
	if (addr + old_len == vma->vm_end &&
	    vma->vm_end <= TASK_SIZE - (new_len - old_len) &&
	    range_free(mm, vma->vm_end, addr + new_len)) {
		mm->total_vm += (new_len - old_len) >> PAGE_SHIFT;
		vma->vm_end = addr + new_len;
		vma_merge(mm, vma);
		return addr;
	}
	if (!(flags & MREMAP_MAYMOVE))
		return -ENOMEM;
	r = get_unmapped_area(mm, new_len, 0);
	if (r < 0)
		return r;
	return move_vma(mm, vma, addr, old_len, new_len, r);
}

/* Shared between the files of kernel/mm only. CPU thread throughout. */
#ifndef GLASS_MM_INTERNAL_H
#define GLASS_MM_INTERNAL_H

#include <glass/fs.h>
#include <glass/mm.h>

#define MAX_ORDER 10

/* slab.c: set up the boot caches; called by mem_init. */
void kmem_cache_init(void);

/* pgtable.c */
u64 *pgd_alloc(void);
/* Free every table below the pgd; the pgd stays, emptied. */
void clear_pgtables(struct mm_struct *mm);
typedef int (*pte_fn_t)(struct mm_struct *mm, unsigned long addr, u64 *pte,
			void *arg);
/* Call fn on each non-empty PTE in [start, end), in address order,
 * skipping absent tables. Stops at and returns fn's first non-zero. */
int walk_ptes(struct mm_struct *mm, unsigned long start, unsigned long end,
	      pte_fn_t fn, void *arg);

static inline struct page *pte_page(u64 pte)
{
	return pfn_to_page((pte & PTE_PFN_MASK) >> PAGE_SHIFT);
}

/* Host PROT_* bits of a PTE. */
static inline int pte_prot(u64 pte)
{
	return ((pte & _PAGE_READ) ? PROT_READ : 0) |
	       ((pte & _PAGE_RW) ? PROT_WRITE : 0) |
	       ((pte & _PAGE_EXEC) ? PROT_EXEC : 0);
}

/* Permission bits of a new PTE in vma (the caller adds _PAGE_RW). */
static inline u64 vma_pte_bits(const struct vm_area_struct *vma)
{
	u64 b = _PAGE_PRESENT | _PAGE_ACCESSED;

	if (vma->vm_flags & (VM_READ | VM_WRITE | VM_EXEC))
		b |= _PAGE_READ;
	if (vma->vm_flags & VM_EXEC)
		b |= _PAGE_EXEC;
	return b;
}

/*
 * May a shared mapping's PTE of page be writable now? A page-cache page
 * with a backing store only while dirty: a clean one is mapped read-only
 * so the guest's first write faults and marks it dirty (Linux's
 * page_mkwrite), which is how writeback knows what to write.
 */
static inline bool shared_page_writable(const struct page *page)
{
	return !mapping_cap_writeback(page->mapping) || (page->flags & PG_dirty);
}

/* Point the PTE at page and queue the host mapping, populated: the
 * page is about to be used (a fault's, or the stack's at fork). */
static inline void set_pte_map(struct mm_struct *mm, unsigned long addr,
			       u64 *pte, struct page *page, u64 bits)
{
	*pte = (page_to_phys(page) & PTE_PFN_MASK) | bits;
	host_queue_map_populate(mm, addr, page_to_phys(page), PAGE_SIZE,
				pte_prot(*pte));
}

/* mmap.c */
struct vm_area_struct *vma_alloc(void);
void vma_free(struct vm_area_struct *vma);
/* The VMA after v in mm, or NULL. */
static inline struct vm_area_struct *vma_next(struct mm_struct *mm,
					      struct vm_area_struct *v)
{
	return v->vm_list.next == &mm->mmap ? NULL : list_next_entry(v, vm_list);
}
/* The VMA before v in mm, or NULL. */
static inline struct vm_area_struct *vma_prev(struct mm_struct *mm,
					      struct vm_area_struct *v)
{
	return v->vm_list.prev == &mm->mmap ? NULL : list_prev_entry(v, vm_list);
}
/* True when no VMA overlaps [start, end). */
bool range_free(struct mm_struct *mm, unsigned long start, unsigned long end);
/* True when VMAs cover all of [start, end) without holes. */
bool range_mapped(struct mm_struct *mm, unsigned long start, unsigned long end);
/* RLIMIT_AS: may mm (current's) grow by npages? */
bool may_expand_vm(struct mm_struct *mm, unsigned long npages);
/* Split v at addr: v keeps the low part. 0 or -ENOMEM. */
int split_vma(struct mm_struct *mm, struct vm_area_struct *v, unsigned long addr);
/* Merge vma with compatible anonymous neighbours; returns the survivor. */
struct vm_area_struct *vma_merge(struct mm_struct *mm, struct vm_area_struct *vma);
/* Link a new VMA into mm at its address. */
void insert_vma(struct mm_struct *mm, struct vm_area_struct *vma);
/* A free range of len bytes near hint; address or -ENOMEM. */
long get_unmapped_area(struct mm_struct *mm, unsigned long len, unsigned long hint);
/* Unmap and free the pages of [start, end); host ops are queued when
 * queue_host (the host process outlives the change). */
void zap_range(struct mm_struct *mm, unsigned long start, unsigned long end,
	       bool queue_host);
/* Drop every VMA and page of mm (exit and exec). */
void exit_mmap(struct mm_struct *mm, bool queue_host);
/* Fault in every page of [start, end) of one VMA. */
int populate_range(struct mm_struct *mm, struct vm_area_struct *vma,
		   unsigned long start, unsigned long end);

#endif

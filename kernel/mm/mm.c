/*
 * Address spaces: creation (with the host process that mirrors it),
 * references, fork's copy and exec's clearing. CPU thread only.
 */
#include <glass/usersyms.h>
#include <glass/fs.h>
#include <glass/resource.h>
#include <glass/syscall_patch.h>
#include "internal.h"

/* Where mmap looks for room first: 1 GiB below the room the stack may
 * grow into, its RLIMIT_STACK at exec (at least the 8 MiB default, at
 * most 5/6 of the address space: Linux's mmap_base gap). */
unsigned long mmap_base(unsigned long stack_limit)
{
	return STACK_TOP - clamp(stack_limit, _STK_LIM, TASK_SIZE / 6 * 5) - (1UL << 30);
}

/* An empty mm with its own host process; NULL on failure. */
struct mm_struct *mm_alloc(void)
{
	struct mm_struct *mm = kzalloc(sizeof(*mm), GFP_KERNEL);

	if (!mm)
		return NULL;
	INIT_LIST_HEAD(&mm->mmap);
	mm->mm_users = 1;
	mm->mmap_base = mmap_base(_STK_LIM);
	mm->pgd = pgd_alloc();
	if (!mm->pgd)
		goto free_mm;
	if (host_mm_init(mm))
		goto free_pgd;
	return mm;

free_pgd:
	free_pgtables(mm);
free_mm:
	kfree(mm);
	return NULL;
}

/* One more task uses mm. */
void mmget(struct mm_struct *mm)
{
	BUG_ON(mm->mm_users <= 0);
	mm->mm_users++;
}

/* A task lets go of mm; the last one ends the host process (and waits
 * for it: the guest may not be as stopped as it claims), then frees every
 * page, table and VMA. */
void mmput(struct mm_struct *mm)
{
	if (!mm)
		return;
	BUG_ON(mm->mm_users <= 0);
	if (--mm->mm_users)
		return;
	host_mm_destroy(mm);
	exit_mmap(mm, false);
	free_pgtables(mm);
	if (mm->exe_file)
		fput(mm->exe_file);
	user_syms_free(mm);
	syscall_patch_free(mm);
	if (mm->oom_victim)
		exit_oom_victim();
	kfree(mm);
}

struct copy_ctx {
	struct mm_struct *child;
	struct vm_area_struct *vma;
	unsigned long sp;               /* the forking task's, 0: none */
	u64 *ptes;                      /* the child's PTE table last used */
	unsigned long ptes_base;        /* the address its first entry maps */
};

/* A PTE table's span: 512 PTEs, 2 MiB. */
#define PTES_SPAN (PAGE_SIZE / sizeof(u64) * PAGE_SIZE)

/* The child's PTE slot for addr. fork goes through the parent's PTEs in
 * address order, so the child's tables are walked once per table (a
 * page, page-aligned) instead of once per PTE: the walk was the largest
 * part of a fork's cost per resident page. */
static u64 *child_pte(struct copy_ctx *c, unsigned long addr)
{
	if (!c->ptes || (addr & ~(PTES_SPAN - 1)) != c->ptes_base) {
		u64 *pte = pte_alloc(c->child, addr);

		if (!pte)
			return NULL;
		c->ptes = (u64 *)((unsigned long)pte & PAGE_MASK);
		c->ptes_base = addr & ~(PTES_SPAN - 1);
	}
	return &c->ptes[(addr & (PTES_SPAN - 1)) >> PAGE_SHIFT];
}

/*
 * Both sides of a fork write the forking task's stack at once (the
 * parent returning from fork, the child on its way to exit or exec), and
 * each such copy-on-write fault costs a host round trip: the stack pages
 * at and just below sp are copied for the child now, and the parent's
 * stay writable. False (share them) when memory is short.
 */
static bool copy_stack_page(struct copy_ctx *c, unsigned long addr, u64 *pte,
			    u64 *dst)
{
	struct page *page = pte_page(*pte), *copy;
	unsigned long sp_page = c->sp & PAGE_MASK;

	if (!c->sp || (addr != sp_page && addr != sp_page - PAGE_SIZE) ||
	    (c->vma->vm_flags & VM_SHARED) || !(*pte & _PAGE_RW) || page->mapping)
		return false;
	copy = alloc_page(GFP_NOWARN);
	if (!copy)
		return false;
	memcpy(page_address(copy), page_address(page), PAGE_SIZE);
	copy->mapcount = 1;
	c->child->rss++;
	set_pte_map(c->child, addr, dst, copy, *pte & ~PTE_PFN_MASK);
	return true;
}

/* walk_ptes callback for fork: share one page with the child, both
 * read-only if it is private and was writable. */
static int copy_pte(struct mm_struct *mm, unsigned long addr, u64 *pte, void *arg)
{
	struct copy_ctx *c = arg;
	u64 *dst = child_pte(c, addr);
	struct page *page = pte_page(*pte);

	if (!dst)
		return -ENOMEM;
	if (copy_stack_page(c, addr, pte, dst))
		return 0;
	if (!(c->vma->vm_flags & VM_SHARED) && (*pte & _PAGE_RW)) {
		*pte &= ~_PAGE_RW;
		host_queue_protect(mm, addr, PAGE_SIZE, pte_prot(*pte));
	}
	get_page(page);
	page->mapcount++;
	c->child->rss++;
	*dst = *pte;
	host_queue_map(c->child, addr, page_to_phys(page), PAGE_SIZE, pte_prot(*dst));
	return 0;
}

/* Copy one VMA and its PTEs into child. */
static int dup_vma(struct mm_struct *old, struct mm_struct *child,
		   struct vm_area_struct *v, unsigned long sp)
{
	struct copy_ctx c = { .child = child, .sp = sp };
	struct vm_area_struct *n;
	int err;

	/* Shared anonymous memory has no object behind it: give every page
	 * a frame now, so parent and child see the same ones. */
	if ((v->vm_flags & VM_SHARED) && !v->vm_file) {
		err = populate_range(old, v, v->vm_start, v->vm_end);
		if (err)
			return err;
	}
	n = vma_alloc();
	if (!n)
		return -ENOMEM;
	*n = *v;
	n->vm_mm = child;
	if (n->vm_file)
		get_file(n->vm_file);
	list_add_tail(&n->vm_list, &child->mmap);
	child->map_count++;
	child->total_vm += (n->vm_end - n->vm_start) >> PAGE_SHIFT;
	c.vma = n;
	return walk_ptes(old, v->vm_start, v->vm_end, copy_pte, &c);
}

/*
 * fork: a new mm (and host process) with old's VMAs and pages. Private
 * pages are write-protected in both and copied on the first write, but
 * for the stack pages at sp (the forking task's; 0: none), copied now.
 * NULL when memory or host processes run out.
 */
struct mm_struct *dup_mm(struct mm_struct *old, unsigned long sp)
{
	struct mm_struct *mm = mm_alloc();
	struct vm_area_struct *v;

	if (!mm)
		return NULL;
	mm->start_code = old->start_code;
	mm->end_code = old->end_code;
	mm->start_data = old->start_data;
	mm->end_data = old->end_data;
	mm->start_brk = old->start_brk;
	mm->brk = old->brk;
	mm->start_stack = old->start_stack;
	mm->arg_start = old->arg_start;
	mm->arg_end = old->arg_end;
	mm->env_start = old->env_start;
	mm->env_end = old->env_end;
	mm->mmap_base = old->mmap_base;
	if (old->exe_file)
		mm->exe_file = get_file(old->exe_file);
	user_syms_share(mm, old);
	if (syscall_patch_dup(old, mm)) {
		mmput(mm);
		return NULL;
	}
	list_for_each_entry(v, &old->mmap, vm_list) {
		if (v->vm_flags & VM_DONTCOPY)
			continue;
		if (dup_vma(old, mm, v, sp)) {
			mmput(mm);
			return NULL;
		}
	}
	return mm;
}

/* exec: unmap everything (queueing the host unmaps) and forget the
 * layout; the pgd and the host process stay. */
void mm_clear(struct mm_struct *mm)
{
	exit_mmap(mm, true);
	clear_pgtables(mm);
	syscall_patch_free(mm);
	mm->start_code = mm->end_code = 0;
	mm->start_data = mm->end_data = 0;
	mm->start_brk = mm->brk = mm->start_stack = 0;
	mm->arg_start = mm->arg_end = mm->env_start = mm->env_end = 0;
	mm->mmap_base = mmap_base(_STK_LIM);
}

/*
 * VMAs: the sorted list of an mm's mappings, placement of new ones,
 * mmap, munmap and brk. A VMA's pages are mapped lazily by the fault
 * handler; zap_range takes them down again, queueing the host unmap.
 * CPU thread only; callers own the mm (it is current's, or not running).
 */
#include <glass/fs.h>
#include <glass/sched.h>
#include <glass/syscall_patch.h>
#include "internal.h"

/* A zeroed VMA, or NULL. */
struct vm_area_struct *vma_alloc(void)
{
	return kzalloc(sizeof(struct vm_area_struct), GFP_KERNEL);
}

/* Free a VMA that is off its list, dropping its file. */
void vma_free(struct vm_area_struct *vma)
{
	if (vma->vm_file)
		fput(vma->vm_file);
	kfree(vma);
}

/* The first VMA ending above addr (it may start above addr too), or NULL. */
struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *v;

	if (!mm)
		return NULL;
	list_for_each_entry(v, &mm->mmap, vm_list)
		if (v->vm_end > addr)
			return v;
	return NULL;
}

/* True when no VMA overlaps [start, end). */
bool range_free(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	struct vm_area_struct *v = find_vma(mm, start);

	return !v || v->vm_start >= end;
}

/* True when VMAs cover all of [start, end) without holes. */
bool range_mapped(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	struct vm_area_struct *v = find_vma(mm, start);

	while (start < end) {
		if (!v || v->vm_start > start)
			return false;
		start = v->vm_end;
		v = vma_next(mm, v);
	}
	return true;
}

/* Pages of [start, end) that VMAs cover. */
static unsigned long mapped_pages(struct mm_struct *mm, unsigned long start,
				  unsigned long end)
{
	unsigned long n = 0;

	for (struct vm_area_struct *v = find_vma(mm, start); v && v->vm_start < end;
	     v = vma_next(mm, v))
		n += (min(v->vm_end, end) - max(v->vm_start, start)) >> PAGE_SHIFT;
	return n;
}

/* RLIMIT_AS: may mm (current's) grow by npages? As Linux's may_expand_vm. */
bool may_expand_vm(struct mm_struct *mm, unsigned long npages)
{
	return mm->total_vm + npages <= rlimit(RLIMIT_AS) >> PAGE_SHIFT;
}

/* Link vma into mm's list at its address. */
void insert_vma(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct vm_area_struct *v;
	struct list_head *before = &mm->mmap;

	list_for_each_entry(v, &mm->mmap, vm_list) {
		if (v->vm_start > vma->vm_start) {
			before = &v->vm_list;
			break;
		}
	}
	list_add_tail(&vma->vm_list, before);
	vma->vm_mm = mm;
	mm->map_count++;
}

/* Two neighbouring anonymous private VMAs that can become one. */
static bool can_merge(const struct vm_area_struct *a,
		      const struct vm_area_struct *b)
{
	return a->vm_end == b->vm_start && !a->vm_file && !b->vm_file &&
	       a->vm_flags == b->vm_flags &&
	       !(a->vm_flags & (VM_SHARED | VM_GROWSDOWN));
}

/* Merge vma with its neighbours where possible; returns the survivor. */
struct vm_area_struct *vma_merge(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct vm_area_struct *n = vma_next(mm, vma), *p;

	if (n && can_merge(vma, n)) {
		vma->vm_end = n->vm_end;
		list_del(&n->vm_list);
		mm->map_count--;
		vma_free(n);
	}
	p = vma_prev(mm, vma);
	if (p && can_merge(p, vma)) {
		p->vm_end = vma->vm_end;
		list_del(&vma->vm_list);
		mm->map_count--;
		vma_free(vma);
		vma = p;
	}
	return vma;
}

/* Split v at addr (inside it): v keeps [start, addr), a new VMA after it
 * takes [addr, end). 0 or -ENOMEM. */
int split_vma(struct mm_struct *mm, struct vm_area_struct *v, unsigned long addr)
{
	struct vm_area_struct *n = vma_alloc();

	if (!n)
		return -ENOMEM;
	*n = *v;
	n->vm_start = addr;
	n->vm_pgoff += (addr - v->vm_start) >> PAGE_SHIFT;
	if (n->vm_file)
		get_file(n->vm_file);
	v->vm_end = addr;
	list_add(&n->vm_list, &v->vm_list);
	mm->map_count++;
	return 0;
}

/* walk_ptes callback: take one page down. */
static int zap_pte(struct mm_struct *mm, unsigned long addr, u64 *pte, void *arg)
{
	struct page *page = pte_page(*pte);
	bool queue_host = *(bool *)arg;

	*pte = 0;
	if (queue_host)
		host_queue_unmap(mm, addr, PAGE_SIZE);
	BUG_ON(page->mapcount <= 0);
	page->mapcount--;
	mm->rss--;
	host_put_page(mm, page);
	return 0;
}

/* Unmap and release every page of [start, end). */
void zap_range(struct mm_struct *mm, unsigned long start, unsigned long end,
	       bool queue_host)
{
	walk_ptes(mm, start, end, zap_pte, &queue_host);
}

/* Take a whole VMA out of mm: its pages, its list entry, its accounting.
 * What a shared file mapping dirtied goes back to the file now (munmap,
 * exec; at exit the last close of the file does it). */
static void remove_vma(struct mm_struct *mm, struct vm_area_struct *v,
		       bool queue_host)
{
	zap_range(mm, v->vm_start, v->vm_end, queue_host);
	if (queue_host && (v->vm_flags & VM_SHARED) && v->vm_file)
		filemap_write_range(v->vm_file->f_inode, v->vm_pgoff,
				    v->vm_pgoff + ((v->vm_end - v->vm_start) >> PAGE_SHIFT) - 1);
	list_del(&v->vm_list);
	mm->map_count--;
	mm->total_vm -= (v->vm_end - v->vm_start) >> PAGE_SHIFT;
	vma_free(v);
}

/* Drop every VMA and page of mm (exit, exec). */
void exit_mmap(struct mm_struct *mm, bool queue_host)
{
	while (!list_empty(&mm->mmap))
		remove_vma(mm, list_first_entry(&mm->mmap, struct vm_area_struct,
						vm_list), queue_host);
	WARN_ON(mm->rss != 0 || mm->total_vm != 0 || mm->map_count != 0);
}

/* Unmap [addr, addr+len) of mm, splitting VMAs at the edges. */
int do_munmap(struct mm_struct *mm, unsigned long addr, unsigned long len)
{
	struct vm_area_struct *v, *next;
	unsigned long end;
	int err;

	if ((addr & ~PAGE_MASK) || !len || len > TASK_SIZE)
		return -EINVAL;
	len = PAGE_ALIGN(len);
	syscall_patch_region_change(mm, addr, len);
	if (addr >= TASK_SIZE || len > TASK_SIZE - addr)
		return -EINVAL;
	end = addr + len;
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
		next = vma_next(mm, v);
		remove_vma(mm, v, true);
		v = next;
	}
	return 0;
}

/*
 * A free range of len bytes: the hint if it fits, else the highest gap
 * below mm->mmap_base, else the lowest above it. Address or -ENOMEM.
 */
long get_unmapped_area(struct mm_struct *mm, unsigned long len,
			      unsigned long hint)
{
	unsigned long top = mm->mmap_base, end, start;
	struct vm_area_struct *v;
	struct list_head *pos;

	if (len > TASK_SIZE - MMAP_MIN_ADDR)
		return -ENOMEM;
	if (hint) {
		hint = PAGE_ALIGN(hint);
		if (hint >= MMAP_MIN_ADDR && hint <= TASK_SIZE - len &&
		    range_free(mm, hint, hint + len))
			return hint;
	}
	if (!top || top > TASK_SIZE)
		top = TASK_SIZE;
	end = top;
	for (pos = mm->mmap.prev; pos != &mm->mmap; pos = pos->prev) {
		v = list_entry(pos, struct vm_area_struct, vm_list);
		if (v->vm_start >= end)
			continue;
		if (v->vm_end <= end && end - v->vm_end >= len &&
		    end - len >= MMAP_MIN_ADDR)
			return end - len;
		end = v->vm_start;
	}
	if (end >= MMAP_MIN_ADDR + len)
		return end - len;
	start = top;
	list_for_each_entry(v, &mm->mmap, vm_list) {
		if (v->vm_end <= start)
			continue;
		if (start <= TASK_SIZE - len && v->vm_start >= start + len)
			return start;
		start = v->vm_end;
	}
	if (start <= TASK_SIZE - len)
		return start;
	return -ENOMEM;
}

/* VM_* bits of PROT_* bits. */
static unsigned long prot_to_vm(unsigned long prot)
{
	return ((prot & PROT_READ) ? VM_READ : 0) |
	       ((prot & PROT_WRITE) ? VM_WRITE : 0) |
	       ((prot & PROT_EXEC) ? VM_EXEC : 0);
}

/* Create the VMA [addr, addr+len) in a range known to be free; lets the
 * file check it, merges anonymous neighbours. Address or -errno. */
static long mmap_region(struct mm_struct *mm, struct file *file,
			unsigned long addr, unsigned long len,
			unsigned long vm_flags, unsigned long pgoff)
{
	struct vm_area_struct *vma = vma_alloc();
	int err;

	if (!vma)
		return -ENOMEM;
	vma->vm_mm = mm;
	vma->vm_start = addr;
	vma->vm_end = addr + len;
	vma->vm_flags = vm_flags;
	vma->vm_pgoff = pgoff;
	INIT_LIST_HEAD(&vma->vm_list);
	if (file) {
		vma->vm_file = get_file(file);
		if (file->f_op && file->f_op->mmap) {
			err = file->f_op->mmap(file, vma);
			if (err) {
				vma_free(vma);
				return err;
			}
		}
	}
	insert_vma(mm, vma);
	mm->total_vm += len >> PAGE_SHIFT;
	vma_merge(mm, vma);
	return addr;
}

/* Fault in [start, end) of vma; writable private memory with write
 * faults, so copy-on-write is broken now rather than later. */
int populate_range(struct mm_struct *mm, struct vm_area_struct *vma,
		   unsigned long start, unsigned long end)
{
	bool write = (vma->vm_flags & (VM_WRITE | VM_SHARED)) == VM_WRITE;
	int si_code, err;

	if (!(vma->vm_flags & (VM_READ | VM_WRITE | VM_EXEC)))
		return 0;
	for (unsigned long a = start; a < end; a += PAGE_SIZE) {
		u64 *pte = pte_lookup(mm, a);

		if (pte && (*pte & _PAGE_PRESENT) && (!write || (*pte & _PAGE_RW)))
			continue;
		err = handle_mm_fault(mm, a, write ? FAULT_FLAG_WRITE : 0, &si_code);
		if (err < 0)
			return err;
	}
	return 0;
}

/* The file-side checks of mmap; adjusts vm_flags. 0 or -errno. */
static int check_file_mapping(struct file *file, unsigned long prot,
			      unsigned long *vm_flags)
{
	struct inode *inode = file->f_inode;

	if (!(file->f_mode & FMODE_READ))
		return -EACCES;
	if (*vm_flags & VM_SHARED) {
		if (!(file->f_mode & FMODE_WRITE)) {
			if (prot & PROT_WRITE)
				return -EACCES;
			*vm_flags &= ~VM_MAYWRITE;
		}
	}
	if (!(file->f_op && file->f_op->mmap) && !(inode && S_ISREG(inode->i_mode)))
		return -ENODEV;
	return 0;
}

/*
 * mmap(2) in current's mm: file (NULL for anonymous) from page pgoff.
 * Returns the address or -errno, as Linux: -EINVAL for a zero length, a
 * misaligned MAP_FIXED address or a bad mapping type; -ENOMEM when no
 * room; -EEXIST for MAP_FIXED_NOREPLACE over a mapping; -EACCES and
 * -ENODEV for files that cannot be mapped so.
 */
long do_mmap(struct file *file, unsigned long addr, unsigned long len,
	     unsigned long prot, unsigned long flags, unsigned long pgoff)
{
	struct mm_struct *mm = current->mm;
	unsigned long type = flags & MAP_TYPE, vm_flags;
	bool fixed = flags & (MAP_FIXED | MAP_FIXED_NOREPLACE);
	long r;
	int err;

	if (!mm || !len)
		return -EINVAL;
	if (len > TASK_SIZE)
		return -ENOMEM;
	len = PAGE_ALIGN(len);
	if (type != MAP_SHARED && type != MAP_PRIVATE && type != MAP_SHARED_VALIDATE)
		return -EINVAL;
	if (fixed) {
		if (addr & ~PAGE_MASK)
			return -EINVAL;
		if (addr > TASK_SIZE - len)
			return -ENOMEM;
		if (addr < MMAP_MIN_ADDR)
			return -EPERM;
	}
	if (pgoff + (len >> PAGE_SHIFT) < pgoff)
		return -EOVERFLOW;
	vm_flags = prot_to_vm(prot) | VM_MAYWRITE;
	if (type != MAP_PRIVATE)
		vm_flags |= VM_SHARED;
	if (flags & MAP_GROWSDOWN)
		vm_flags |= VM_GROWSDOWN;
	if (file) {
		err = check_file_mapping(file, prot, &vm_flags);
		if (err)
			return err;
	} else {
		pgoff = 0;
	}
	/* Checked before MAP_FIXED unmaps anything; what it replaces is
	 * not growth. */
	if (!may_expand_vm(mm, (len >> PAGE_SHIFT) -
			   ((flags & MAP_FIXED) ? mapped_pages(mm, addr, addr + len) : 0)))
		return -ENOMEM;

	if (flags & MAP_FIXED_NOREPLACE) {
		if (!range_free(mm, addr, addr + len))
			return -EEXIST;
	} else if (flags & MAP_FIXED) {
		err = do_munmap(mm, addr, len);
		if (err)
			return err;
	} else {
		r = get_unmapped_area(mm, len, addr);
		if (r < 0)
			return r;
		addr = r;
	}
	r = mmap_region(mm, file, addr, len, vm_flags, pgoff);
	if (r < 0 || !(flags & MAP_POPULATE) || (flags & MAP_NONBLOCK))
		return r;
	/* Like Linux, a populate that runs out of memory is not an error. */
	for (struct vm_area_struct *v = find_vma(mm, addr);
	     v && v->vm_start < addr + len; v = vma_next(mm, v))
		if (populate_range(mm, v, max(v->vm_start, addr),
				   min(v->vm_end, addr + len)))
			break;
	return r;
}

/* Exec: the heap starts (empty) at start, rounded up to a page. */
void mm_set_brk(struct mm_struct *mm, unsigned long start)
{
	mm->start_brk = mm->brk = PAGE_ALIGN(start);
}

/*
 * brk(2): move the break of mm. Below start_brk, or when the heap cannot
 * grow (a mapping in the way, no memory), the old break is returned.
 */
unsigned long do_brk(struct mm_struct *mm, unsigned long brk)
{
	unsigned long newbrk, oldbrk;

	if (!mm)
		return 0;
	newbrk = PAGE_ALIGN(brk);
	oldbrk = PAGE_ALIGN(mm->brk);
	if (brk < mm->start_brk || brk > TASK_SIZE)
		return mm->brk;
	if (newbrk == oldbrk) {
		mm->brk = brk;
		return brk;
	}
	if (brk < mm->brk) {
		if (do_munmap(mm, newbrk, oldbrk - newbrk))
			return mm->brk;
		mm->brk = brk;
		return brk;
	}
	/* Leave a guard page between the heap and the next mapping. */
	if (newbrk > TASK_SIZE - PAGE_SIZE ||
	    !range_free(mm, oldbrk, newbrk + PAGE_SIZE) ||
	    !may_expand_vm(mm, (newbrk - oldbrk) >> PAGE_SHIFT))
		return mm->brk;
	if (mmap_region(mm, NULL, oldbrk, newbrk - oldbrk,
			VM_READ | VM_WRITE | VM_MAYWRITE, 0) < 0)
		return mm->brk;
	mm->brk = brk;
	return brk;
}

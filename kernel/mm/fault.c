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

	if (start < MMAP_MIN_ADDR || vma->vm_end - start > rlimit(RLIMIT_STACK) ||
	    !may_expand_vm(mm, (vma->vm_start - start) >> PAGE_SHIFT))
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

/* Map a fresh zeroed frame at addr. FAULT_ZERO or FAULT_ANON, or -ENOMEM. */
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
	return flags & FAULT_FLAG_WRITE ? FAULT_ANON : FAULT_ZERO;
}

/*
 * Map the file page of addr. Shared: the page-cache page itself, read-only
 * while clean if it has a backing store (see shared_page_writable). Private:
 * the page-cache page read-only, or for a write a private copy. The
 * filemap reference becomes the PTE's. FAULT_FILE_CACHED or
 * FAULT_FILE_READ, or -errno.
 */
static int do_file_page(struct mm_struct *mm, struct vm_area_struct *vma,
			unsigned long addr, u64 *pte, int flags, int *si_code)
{
	struct inode *inode = vma->vm_file->f_inode;
	unsigned long pgoff = vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT);
	u64 bits = vma_pte_bits(vma);
	struct page *page, *copy;
	int outcome;

	*si_code = BUS_ADRERR;
	if (!inode)
		return -EIO;
	if (S_ISREG(inode->i_mode) &&
	    pgoff >= DIV_ROUND_UP((unsigned long)inode->i_size, PAGE_SIZE))
		return -EIO;
	outcome = find_page(inode, pgoff) ? FAULT_FILE_CACHED : FAULT_FILE_READ;
	page = filemap_get_page(inode, pgoff);
	if (IS_ERR_OR_NULL(page))
		return PTR_ERR(page) == -ENOMEM ? -ENOMEM : -EIO;

	if (vma->vm_flags & VM_SHARED) {
		if ((vma->vm_flags & VM_WRITE) && (flags & FAULT_FLAG_WRITE))
			set_page_dirty(page);
		if ((vma->vm_flags & VM_WRITE) && shared_page_writable(page))
			bits |= _PAGE_RW | _PAGE_DIRTY;
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
	return outcome;
}

/*
 * A write to a present read-only PTE in a writable VMA. Shared mapping,
 * or a private frame nobody else holds: make it writable. Otherwise copy
 * the frame and point the PTE at the copy. FAULT_REUSE or FAULT_COW, or
 * -ENOMEM.
 */
static int do_wp_page(struct mm_struct *mm, struct vm_area_struct *vma,
		      unsigned long addr, u64 *pte)
{
	struct page *old = pte_page(*pte), *new;

	if ((vma->vm_flags & VM_SHARED) ||
	    (!old->mapping && old->refcount == 1 && old->mapcount == 1)) {
		*pte |= _PAGE_RW | _PAGE_DIRTY;
		if (old->mapping)
			set_page_dirty(old);
		host_queue_protect(mm, addr, PAGE_SIZE, pte_prot(*pte));
		return FAULT_REUSE;
	}
	new = alloc_page(GFP_NOWARN);
	if (!new)
		return -ENOMEM;
	memcpy(page_address(new), page_address(old), PAGE_SIZE);
	new->mapcount = 1;
	set_pte_map(mm, addr, pte, new,
		    (*pte & ~PTE_PFN_MASK) | _PAGE_RW | _PAGE_DIRTY);
	old->mapcount--;
	host_put_page(mm, old);
	return FAULT_COW;
}

/*
 * Fault-around: a guest fault costs two host round trips (the fault and
 * the flush), so the pages around it that would fault next are mapped in
 * the same batch. File pages come from the page cache (Linux does the
 * same, 64 KiB around); anonymous pages are zero-filled only while memory
 * is plentiful, so mem= stays a limit on what guests really touch. A
 * failure here is not the fault's: it just maps fewer pages.
 */
#define FAULT_AROUND_PAGES 16

static bool memory_plentiful(void)
{
	return nr_free_pages() >= totalram_pages / 4;
}

/*
 * A fault-around window: the aligned pages (a power of two) around addr,
 * across every VMA in it (a program's data, bss and heap are often
 * neighbours).
 */
static void for_each_around(struct mm_struct *mm, unsigned long addr,
			    unsigned long pages,
			    void (*fn)(struct mm_struct *, struct vm_area_struct *,
				       unsigned long, unsigned long, unsigned long))
{
	unsigned long start = addr & ~(pages * PAGE_SIZE - 1);
	unsigned long end = start + pages * PAGE_SIZE;
	struct vm_area_struct *vma = find_vma(mm, start);

	for (; vma && &vma->vm_list != &mm->mmap && vma->vm_start < end;
	     vma = list_next_entry(vma, vm_list))
		fn(mm, vma, max(start, vma->vm_start), min(end, vma->vm_end), addr);
}

/* Not-present pages around a fault: mapped as a read fault would map them
 * (private file pages stay shared with the page cache until written). */
static void map_around(struct mm_struct *mm, struct vm_area_struct *vma,
		       unsigned long start, unsigned long end, unsigned long addr)
{
	int si_code;

	if ((!vma->vm_file && !memory_plentiful()) ||
	    !(vma->vm_flags & (VM_READ | VM_WRITE | VM_EXEC)))
		return;
	for (unsigned long a = start; a < end; a += PAGE_SIZE) {
		u64 *pte = a == addr ? NULL : pte_alloc(mm, a);
		int err;

		if (!pte || (*pte & _PAGE_PRESENT))
			continue;
		err = vma->vm_file ? do_file_page(mm, vma, a, pte, 0, &si_code)
				   : do_anonymous_page(mm, vma, a, pte, 0);
		if (err < 0)
			break;
	}
}

/*
 * Program text around a fault: a static binary's code and read-only data
 * fault in all over their megabytes (busybox true: 22 faults, a round
 * trip each, about 2 ms of its 3 in Glass). So a file fault also maps the
 * pages of private file mappings in the aligned 2 MiB around it that the
 * page cache already holds, read-only as a read fault maps them (a
 * written one then faults once for its copy, as it would have anyway):
 * no read is started. The host mappings are populated: a page the
 * program reaches would otherwise cost a host page fault (10 µs on these
 * VMs), while the mmap fills a page's entry for about 0.2 µs, so a
 * shell's fork+exec rounds took 2.5% less (docs/benchmarks.md). Bounded
 * by the batch's room, so it never forces a flush.
 */
#define TEXT_AROUND_PAGES 512

static void map_text_around(struct mm_struct *mm, struct vm_area_struct *vma,
			    unsigned long start, unsigned long end, unsigned long addr)
{
	struct inode *inode = vma->vm_file ? vma->vm_file->f_inode : NULL;
	u64 bits = vma_pte_bits(vma);
	unsigned long eof;

	if (!inode || !S_ISREG(inode->i_mode) || (vma->vm_flags & VM_SHARED) ||
	    !(vma->vm_flags & (VM_READ | VM_WRITE | VM_EXEC)))
		return;
	eof = DIV_ROUND_UP((unsigned long)inode->i_size, PAGE_SIZE);
	for (unsigned long a = start; a < end; a += PAGE_SIZE) {
		unsigned long pgoff = vma->vm_pgoff + ((a - vma->vm_start) >> PAGE_SHIFT);
		struct page *page;
		u64 *pte;

		if (pgoff >= eof || !host_queue_room(mm))
			return;
		page = find_page(inode, pgoff);
		if (!page)
			continue;
		pte = pte_alloc(mm, a);
		if (!pte)
			return;
		if (*pte & _PAGE_PRESENT)
			continue;
		get_page(page);
		page->mapcount++;
		mm->rss++;
		*pte = (page_to_phys(page) & PTE_PFN_MASK) | bits;
		host_queue_map_populate(mm, a, page_to_phys(page), PAGE_SIZE,
					pte_prot(*pte));
	}
}

/*
 * Copy-on-write around a write fault: after fork both sides write to the
 * pages near the one they fault on (the stack, the data they just used),
 * so those are made writable in the same batch — by taking the frame back
 * when nobody else holds it any more, or by copying it while memory is
 * plentiful (a copy costs far less than the two round trips of a fault).
 */
static void wp_around(struct mm_struct *mm, struct vm_area_struct *vma,
		      unsigned long start, unsigned long end, unsigned long addr)
{
	bool may_copy = memory_plentiful();

	if ((vma->vm_flags & VM_SHARED) || !(vma->vm_flags & VM_WRITE))
		return;
	for (unsigned long a = start; a < end; a += PAGE_SIZE) {
		u64 *pte = a == addr ? NULL : pte_lookup(mm, a);
		struct page *p;

		if (!pte || !(*pte & _PAGE_PRESENT) || (*pte & _PAGE_RW))
			continue;
		p = pte_page(*pte);
		if (!may_copy && (p->mapping || p->refcount != 1 || p->mapcount != 1))
			continue;
		if (do_wp_page(mm, vma, a, pte) < 0)
			break;
	}
}

/*
 * Resolve a fault at addr in mm. flags: FAULT_FLAG_WRITE for a write,
 * FAULT_FLAG_USER when the guest itself faulted. Returns how it was
 * resolved (enum fault_outcome, FAULT_STACK_GROWN or-ed in), -EFAULT with
 * *si_code SEGV_MAPERR (no mapping) or SEGV_ACCERR (access not allowed),
 * -EIO with BUS_ADRERR (file page beyond EOF), or -ENOMEM.
 */
int handle_mm_fault(struct mm_struct *mm, unsigned long addr, int flags,
		    int *si_code)
{
	struct vm_area_struct *vma;
	int dummy, grown = 0, ret;
	u64 *pte;

	if (!si_code)
		si_code = &dummy;
	*si_code = SEGV_MAPERR;
	if (!mm || addr >= TASK_SIZE)
		return -EFAULT;
	vma = find_vma(mm, addr);
	if (!vma)
		return -EFAULT;
	if (addr < vma->vm_start) {
		if (!(vma->vm_flags & VM_GROWSDOWN) || expand_stack(mm, vma, addr))
			return -EFAULT;
		grown = FAULT_STACK_GROWN;
	}
	*si_code = SEGV_ACCERR;
	if (!access_permitted(vma, flags))
		return -EFAULT;
	addr &= PAGE_MASK;
	pte = pte_alloc(mm, addr);
	if (!pte)
		return -ENOMEM;
	if (!(*pte & _PAGE_PRESENT)) {
		ret = vma->vm_file ? do_file_page(mm, vma, addr, pte, flags, si_code)
				   : do_anonymous_page(mm, vma, addr, pte, flags);
		if (ret >= 0 && (flags & FAULT_FLAG_USER)) {
			for_each_around(mm, addr, FAULT_AROUND_PAGES, map_around);
			if (vma->vm_file)
				for_each_around(mm, addr, TEXT_AROUND_PAGES,
						map_text_around);
		}
		return ret < 0 ? ret : ret | grown;
	}
	if ((flags & FAULT_FLAG_WRITE) && !(*pte & _PAGE_RW)) {
		ret = do_wp_page(mm, vma, addr, pte);
		if (ret >= 0 && (flags & FAULT_FLAG_USER))
			for_each_around(mm, addr, FAULT_AROUND_PAGES, wp_around);
		return ret;
	}
	/* Present and allowed: the host lacks the mapping. Send it again. */
	host_queue_map_populate(mm, addr, *pte & PTE_PFN_MASK, PAGE_SIZE,
				pte_prot(*pte));
	return FAULT_REMAP | grown;
}

/*
 * FOLL_FORCE write (ptrace POKEDATA, /proc/PID/mem): where the VMA allows
 * writes, an ordinary write fault. In a private mapping without
 * VM_WRITE (program text, where a debugger puts its breakpoints) the
 * frame is copied unless mm already holds it alone, as Linux breaks
 * copy-on-write for FOLL_FORCE: other processes mapping the file keep
 * theirs. The PTE stays read-only. A shared read-only mapping refuses.
 * Returns the page with a reference, or NULL.
 */
struct page *get_user_page_force(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma = mm ? find_vma(mm, addr) : NULL;
	struct page *old, *new;
	u64 *pte;

	if (!vma || addr < vma->vm_start)
		return NULL;
	if (vma->vm_flags & VM_WRITE)
		return get_user_page(mm, addr, true);
	if (vma->vm_flags & VM_SHARED)
		return NULL;
	old = get_user_page(mm, addr, false);
	if (!old)
		return NULL;
	put_page(old);
	pte = pte_lookup(mm, addr & PAGE_MASK);
	if (old->mapping || old->refcount != 1 || old->mapcount != 1) {
		new = alloc_page(GFP_NOWARN);
		if (!new)
			return NULL;
		memcpy(page_address(new), page_address(old), PAGE_SIZE);
		new->mapcount = 1;
		set_pte_map(mm, addr & PAGE_MASK, pte, new, *pte & ~PTE_PFN_MASK);
		old->mapcount--;
		host_put_page(mm, old);
		old = new;
	}
	get_page(old);
	return old;
}

/*
 * kernel/mm: the buddy and slab allocators, page tables, VMAs (mmap,
 * munmap, mprotect, brk, mremap, madvise), faults and copy-on-write, and
 * that the host mirror and every count tell the truth afterwards; and
 * uaccess on good, bad and kernel pointers.
 */
#include <check.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
/* <signal.h> drags in unistd.h's close_range flags; uapi_fs.h has them. */
#undef CLOSE_RANGE_UNSHARE
#undef CLOSE_RANGE_CLOEXEC

#include <glass/mm.h>
#include <glass/fs.h>
#include <glass/resource.h>
#include <glass/os.h>
#include <glass/syscall_patch.h>
#include <glass/uaccess.h>
#include "mm_fakes.h"
#include "check_run.h"

#define MEM (16UL << 20)
#define P PAGE_SIZE

long sys_mmap(unsigned long, unsigned long, unsigned long, unsigned long,
	      unsigned long, unsigned long);
long sys_brk(unsigned long, unsigned long, unsigned long, unsigned long,
	     unsigned long, unsigned long);
long sys_mincore(unsigned long, unsigned long, unsigned long, unsigned long,
		 unsigned long, unsigned long);
long sys_msync(unsigned long, unsigned long, unsigned long, unsigned long,
	       unsigned long, unsigned long);

static unsigned long base_free;

static void setup(void)
{
	ck_assert_int_eq(fake_mem_init(MEM), 0);
	base_free = nr_free_pages();
}

static void teardown(void)
{
	fake_mem_exit();
}

/* Nothing leaked: frames, slab objects, host processes. */
static void assert_no_leaks(void)
{
	ck_assert_uint_eq(slab_objects_in_use(), 0);
	ck_assert_uint_eq(nr_free_pages(), base_free);
	ck_assert_int_eq(fake_host_live, 0);
}

static struct mm_struct *current_mm(void)
{
	struct mm_struct *mm = mm_alloc();

	ck_assert_ptr_nonnull(mm);
	fake_set_mm(mm);
	return mm;
}

static long anon(unsigned long addr, unsigned long len, unsigned long prot,
		 unsigned long flags)
{
	return do_mmap(NULL, addr, len, prot, flags | MAP_ANONYMOUS |
		       ((flags & MAP_SHARED) ? 0 : MAP_PRIVATE), 0);
}

static u64 pte_of(struct mm_struct *mm, unsigned long addr)
{
	u64 *pte = pte_lookup(mm, addr);

	return pte ? *pte : 0;
}

static struct page *page_of(struct mm_struct *mm, unsigned long addr)
{
	u64 pte = pte_of(mm, addr);

	return pte & _PAGE_PRESENT ? pfn_to_page((pte & PTE_PFN_MASK) >> PAGE_SHIFT)
				   : NULL;
}

static int fault(struct mm_struct *mm, unsigned long addr, int flags, int *code)
{
	int dummy;

	return handle_mm_fault(mm, addr, flags | FAULT_FLAG_USER, code ? code : &dummy);
}

/* ---- the page allocator ---- */

START_TEST(buddy_counts)
{
	struct page *a, *b;

	ck_assert_uint_eq(max_pfn, MEM / P);
	ck_assert_uint_eq(base_free, totalram_pages);
	a = alloc_pages(0, 0);
	b = alloc_pages(0, 3);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_int_eq(a->refcount, 1);
	ck_assert_int_eq(b->refcount, 1);
	ck_assert_uint_eq(page_to_pfn(b) % 8, 0);
	/* mem_map's own frames are never handed out. */
	ck_assert((void *)page_address(a) >= (void *)(mem_map + max_pfn));
	ck_assert_uint_eq(nr_free_pages(), base_free - 9);
	ck_assert_ptr_eq(virt_to_page(page_address(b)), b);
	__free_pages(a, 0);
	__free_pages(b, 3);
	assert_no_leaks();
}
END_TEST

START_TEST(buddy_split_merge_exhaust)
{
	static struct page *pages[MEM / P];
	unsigned long n = 0;
	struct page *big[3];

	while ((pages[n] = alloc_page(0)))
		n++;
	ck_assert_uint_eq(n, base_free);
	ck_assert_uint_eq(nr_free_pages(), 0);
	ck_assert_ptr_null(alloc_pages(0, 0));
	ck_assert_ptr_null(alloc_pages(GFP_NOWARN, 5));
	ck_assert_ptr_null(alloc_pages(GFP_NOWARN, 10));
	/* Free in an interleaved order: merging must still rebuild the
	 * order-10 blocks. */
	for (unsigned long i = 0; i < n; i += 2)
		__free_page(pages[i]);
	for (unsigned long i = 1; i < n; i += 2)
		__free_page(pages[i]);
	ck_assert_uint_eq(nr_free_pages(), base_free);
	for (int i = 0; i < 3; i++) {
		big[i] = alloc_pages(0, 10);
		ck_assert_ptr_nonnull(big[i]);
		ck_assert_uint_eq(page_to_pfn(big[i]) % 1024, 0);
	}
	ck_assert_ptr_null(alloc_pages(GFP_NOWARN, 11));
	for (int i = 0; i < 3; i++)
		__free_pages(big[i], 10);
	assert_no_leaks();
}
END_TEST

START_TEST(buddy_zero_and_refs)
{
	struct page *p = alloc_page(0);
	unsigned char *a = page_address(p);
	void *v;

	memset(a, 0xaa, P);
	__free_page(p);
	p = alloc_page(__GFP_ZERO);
	a = page_address(p);
	for (unsigned long i = 0; i < P; i++)
		ck_assert_uint_eq(a[i], 0);
	get_page(p);
	ck_assert_int_eq(p->refcount, 2);
	put_page(p);
	ck_assert_uint_eq(nr_free_pages(), base_free - 1);
	put_page(p);
	ck_assert_uint_eq(nr_free_pages(), base_free);

	v = get_free_pages(__GFP_ZERO, 2);
	ck_assert_ptr_nonnull(v);
	ck_assert(virt_is_physmem(v));
	ck_assert_uint_eq(nr_free_pages(), base_free - 4);
	free_pages(v, 2);
	free_pages(NULL, 0);
	assert_no_leaks();
}
END_TEST

static bool all_zero(const unsigned char *a, unsigned long len)
{
	unsigned char any = 0;

	for (unsigned long i = 0; i < len; i++)
		any |= a[i];
	return !any;
}

/* A frame never allocated is handed out as it is (PG_fresh: still the
 * memfd's zeros, not touched here); any frame used before is zeroed, in
 * blocks mixing both too. */
START_TEST(buddy_zero_fresh_and_reused)
{
	unsigned long n = 0, i;
	static struct page *all[MEM / P];
	struct page *p;

	while ((p = alloc_page(0))) {
		ck_assert(!(p->flags & PG_fresh));
		memset(page_address(p), 0x5a, P);
		all[n++] = p;
	}
	/* Every other frame back: order-0 blocks of used frames. */
	for (i = 0; i < n; i += 2)
		__free_page(all[i]);
	for (i = 0; i < n; i += 2) {
		all[i] = alloc_page(__GFP_ZERO);
		ck_assert_ptr_nonnull(all[i]);
		ck_assert(all_zero(page_address(all[i]), P));
	}
	for (i = 0; i < n; i++)
		__free_page(all[i]);
	/* Merged again into large blocks of used frames. */
	p = alloc_pages(__GFP_ZERO, 3);
	ck_assert_ptr_nonnull(p);
	ck_assert(all_zero(page_address(p), 8 * P));
	__free_pages(p, 3);
	assert_no_leaks();
}
END_TEST

START_TEST(buddy_double_free_panics)
{
	struct page *p = alloc_page(0);

	__free_page(p);
	__free_page(p);
}
END_TEST

START_TEST(debug_pagealloc_catches_use_after_free)
{
	struct page *p;
	char *a;

	fake_mem_exit();
	debug_pagealloc = true;
	ck_assert_int_eq(fake_mem_init(MEM), 0);
	p = alloc_page(0);
	a = page_address(p);
	ck_assert_uint_eq((unsigned char)a[100], 0x6b);
	__free_page(p);
	a[100] = 1;                     /* use after free */
	for (;;)
		ck_assert_ptr_nonnull(alloc_page(0));   /* panics on reaching it */
}
END_TEST

/* ---- slab ---- */

START_TEST(kmalloc_sizes)
{
	static const size_t sizes[] = { 0, 1, 7, 8, 9, 16, 24, 33, 64, 100, 128,
					255, 500, 1024, 1500, 2048, 2049, 4096,
					5000, 65536, 300000 };
	void *p[ARRAY_SIZE(sizes)];

	for (unsigned i = 0; i < ARRAY_SIZE(sizes); i++) {
		p[i] = kmalloc(sizes[i], GFP_KERNEL);
		ck_assert_ptr_nonnull(p[i]);
		ck_assert(virt_is_physmem(p[i]));
		ck_assert_uint_ge(ksize(p[i]), sizes[i]);
		ck_assert_uint_eq((unsigned long)p[i] % 8, 0);
		memset(p[i], i, sizes[i]);
	}
	ck_assert_uint_eq(slab_objects_in_use(), ARRAY_SIZE(sizes));
	for (unsigned i = 0; i < ARRAY_SIZE(sizes); i++) {
		for (size_t j = 0; j < sizes[i]; j++)
			ck_assert_uint_eq(((unsigned char *)p[i])[j], i);
		kfree(p[i]);
	}
	kfree(NULL);
	ck_assert_ptr_null(kmalloc(64UL << 20, GFP_NOWARN));
	assert_no_leaks();
}
END_TEST

START_TEST(kmalloc_many_objects)
{
	enum { N = 20000 };
	static void *p[N];

	for (int i = 0; i < N; i++) {
		p[i] = kmalloc(8 << (i % 9), GFP_KERNEL);
		ck_assert_ptr_nonnull(p[i]);
		*(int *)p[i] = i;
	}
	ck_assert_uint_eq(slab_objects_in_use(), N);
	/* Free in a scrambled order; contents intact until then. */
	for (int k = 0; k < N; k++) {
		int i = (int)(((long)k * 7919) % N);

		ck_assert_int_eq(*(int *)p[i], i);
		kfree(p[i]);
	}
	assert_no_leaks();
}
END_TEST

START_TEST(kmalloc_exhaustion)
{
	void **list = NULL;
	unsigned long n = 0;
	void **p;

	while ((p = kmalloc(512, GFP_KERNEL))) {
		*p = list;
		list = p;
		n++;
	}
	ck_assert_uint_ge(n, (base_free - 2) * (P / 512));
	ck_assert_ptr_null(alloc_page(0));
	while (list) {
		p = *list;
		kfree(list);
		list = p;
	}
	assert_no_leaks();
}
END_TEST

START_TEST(kmem_cache_basics)
{
	struct kmem_cache *c = kmem_cache_create("test_obj", 40, 64);
	struct kmem_cache *big = kmem_cache_create("test_big", 3000, 0);
	void *o[200], *b;
	char info[4096];

	ck_assert_ptr_nonnull(c);
	for (int i = 0; i < 200; i++) {
		o[i] = kmem_cache_alloc(c, __GFP_ZERO);
		ck_assert_ptr_nonnull(o[i]);
		ck_assert_uint_eq((unsigned long)o[i] % 64, 0);
		ck_assert_uint_eq(((char *)o[i])[39], 0);
		memset(o[i], 0xff, 40);
	}
	b = kmem_cache_alloc(big, 0);
	ck_assert_ptr_nonnull(b);
	memset(b, 1, 3000);
	ck_assert_int_gt(slab_info(info, sizeof(info)), 0);
	ck_assert_ptr_nonnull(strstr(info, "test_obj"));
	ck_assert_ptr_nonnull(strstr(info, "kmalloc-32"));
	for (int i = 0; i < 200; i++)
		kmem_cache_free(c, o[i]);
	kmem_cache_free(big, b);
	kmem_cache_destroy(c);
	kmem_cache_destroy(big);
	assert_no_leaks();
}
END_TEST

START_TEST(krealloc_kcalloc)
{
	char *p = kmalloc(10, GFP_KERNEL);
	int *z;

	memcpy(p, "0123456789", 10);
	p = krealloc(p, 5000, GFP_KERNEL);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(memcmp(p, "0123456789", 10), 0);
	ck_assert_ptr_eq(krealloc(p, 100, GFP_KERNEL), p);
	ck_assert_ptr_null(krealloc(p, 0, GFP_KERNEL));
	z = kcalloc(100, sizeof(int), GFP_KERNEL);
	for (int i = 0; i < 100; i++)
		ck_assert_int_eq(z[i], 0);
	kfree(z);
	ck_assert_ptr_null(kcalloc((size_t)1 << 62, 16, GFP_KERNEL));
	p = kzalloc(3000, GFP_KERNEL);
	for (int i = 0; i < 3000; i++)
		ck_assert_int_eq(p[i], 0);
	kfree(p);
	assert_no_leaks();
}
END_TEST

START_TEST(kfree_double_panics)
{
	void *p = kmalloc(64, GFP_KERNEL);
	void *q = kmalloc(64, GFP_KERNEL);  /* keeps the slab alive */

	(void)q;
	kfree(p);
	kfree(p);
}
END_TEST

/* ---- page tables ---- */

START_TEST(pgtable_alloc_lookup_free)
{
	struct mm_struct mm;
	u64 *a, *b;

	memset(&mm, 0, sizeof(mm));
	ck_assert_ptr_null(pte_alloc(&mm, 0));       /* no pgd */
	ck_assert_ptr_null(pte_lookup(&mm, 0x400000));
	mm.pgd = page_address(alloc_page(__GFP_ZERO));
	virt_to_page(mm.pgd)->flags |= PG_pgtable;
	ck_assert_ptr_null(pte_lookup(&mm, 0x400000));
	a = pte_alloc(&mm, 0x400000);
	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(nr_free_pages(), base_free - 4);   /* pgd, pud, pmd, pte */
	ck_assert_ptr_eq(pte_lookup(&mm, 0x400fff), a);
	ck_assert_ptr_eq(pte_lookup(&mm, 0x401000), a + 1);
	ck_assert_ptr_null(pte_lookup(&mm, 0x200000));        /* other pte table */
	b = pte_alloc(&mm, TASK_SIZE - P);
	ck_assert_ptr_nonnull(b);
	ck_assert(virt_to_page(b)->flags & PG_pgtable);
	ck_assert_ptr_null(pte_alloc(&mm, 1UL << 48));
	ck_assert_ptr_null(pte_lookup(&mm, ~0UL));
	free_pgtables(&mm);
	ck_assert_ptr_null(mm.pgd);
	assert_no_leaks();
}
END_TEST

/* ---- mmap, munmap, mprotect, brk, mremap, madvise ---- */

START_TEST(mmap_anon_fault_and_teardown)
{
	struct mm_struct *mm = current_mm();
	long a = anon(0, 3 * P, PROT_READ | PROT_WRITE, 0);
	struct vm_area_struct *v;
	char buf[16];
	int code;

	ck_assert_int_gt(a, 0);
	ck_assert_uint_eq(a % P, 0);
	ck_assert_uint_le(a + 3 * P, mm->mmap_base);
	v = find_vma(mm, a + P);
	ck_assert_ptr_nonnull(v);
	ck_assert_uint_eq(v->vm_start, a);
	ck_assert_uint_eq(v->vm_end, a + 3 * P);
	ck_assert_uint_eq(mm->total_vm, 3);
	ck_assert_uint_eq(mm->rss, 0);
	/* Read fault: a zeroed frame, mapped writable (private anon); fault-
	 * around maps the rest of the VMA in the same batch. */
	ck_assert_int_eq(fault(mm, a + 5, 0, NULL), FAULT_ZERO);
	ck_assert_uint_eq(mm->rss, 3);
	ck_assert(pte_of(mm, a + 2 * P) & _PAGE_PRESENT);
	ck_assert(pte_of(mm, a) & _PAGE_RW);
	ck_assert_int_eq(page_of(mm, a)->mapcount, 1);
	ck_assert_int_eq(fake_host_prot(mm, a), PROT_READ | PROT_WRITE);
	ck_assert_uint_eq(copy_to_user((void *)(a + 2 * P - 4), "hello, world", 13), 0);
	ck_assert_uint_eq(mm->rss, 3);
	ck_assert_uint_eq(copy_from_user(buf, (void *)(a + 2 * P - 4), 13), 0);
	ck_assert_str_eq(buf, "hello, world");
	ck_assert_int_eq(fake_host_check(mm), 0);
	/* No VMA: MAPERR. */
	ck_assert_int_eq(fault(mm, a + 3 * P, 0, &code), -EFAULT);
	ck_assert_int_eq(code, SEGV_MAPERR);
	ck_assert_int_eq(fault(mm, TASK_SIZE + 5, 0, &code), -EFAULT);
	ck_assert_int_eq(fault(mm, ~0UL, FAULT_FLAG_WRITE, &code), -EFAULT);
	mmput(mm);
	fake_set_mm(NULL);
	assert_no_leaks();
}
END_TEST

START_TEST(mmap_errors)
{
	struct mm_struct *mm = current_mm();
	long a;

	ck_assert_int_eq(anon(0, 0, PROT_READ, 0), -EINVAL);
	ck_assert_int_eq(anon(0x100001, P, PROT_READ, MAP_FIXED), -EINVAL);
	ck_assert_int_eq(do_mmap(NULL, 0, P, PROT_READ, MAP_ANONYMOUS, 0), -EINVAL);
	ck_assert_int_eq(anon(0, TASK_SIZE + P, PROT_READ, 0), -ENOMEM);
	ck_assert_int_eq(anon(0, -P, PROT_READ, 0), -ENOMEM);
	ck_assert_int_eq(anon(TASK_SIZE - P, 2 * P, PROT_READ, MAP_FIXED), -ENOMEM);
	ck_assert_int_eq(anon(0, P, PROT_READ, MAP_FIXED), -EPERM);
	ck_assert_int_eq(sys_mmap(0, P, PROT_READ, MAP_PRIVATE, 5, 0), -EBADF);
	ck_assert_int_eq(sys_mmap(0, P, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 100),
			 -EINVAL);
	a = anon(0x10000000, 2 * P, PROT_READ, MAP_FIXED);
	ck_assert_int_eq(a, 0x10000000);
	ck_assert_int_eq(anon(0x10001000, P, PROT_READ, MAP_FIXED_NOREPLACE), -EEXIST);
	ck_assert_int_eq(anon(0x10002000, P, PROT_READ, MAP_FIXED_NOREPLACE), 0x10002000);
	/* A free hint is taken, a taken one is not. */
	ck_assert_int_eq(anon(0x20000000, P, PROT_READ, 0), 0x20000000);
	a = anon(0x20000000, P, PROT_READ, 0);
	ck_assert_int_gt(a, 0);
	ck_assert_int_ne(a, 0x20000000);
	ck_assert_int_eq(sys_mmap(0, P, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) % P, 0);
	ck_assert_int_eq(do_munmap(mm, 0x10000001, P), -EINVAL);
	ck_assert_int_eq(do_munmap(mm, 0x10000000, 0), -EINVAL);
	ck_assert_int_eq(do_munmap(mm, TASK_SIZE, P), -EINVAL);
	mmput(mm);
	assert_no_leaks();
}
END_TEST

START_TEST(munmap_splits)
{
	struct mm_struct *mm = current_mm();
	unsigned long a = 0x40000000;
	unsigned long before;
	int code;

	ck_assert_int_eq(anon(a, 10 * P, PROT_READ | PROT_WRITE, MAP_FIXED | MAP_POPULATE), a);
	ck_assert_uint_eq(mm->rss, 10);
	before = nr_free_pages();
	ck_assert_int_eq(do_munmap(mm, a + 4 * P, 2 * P), 0);
	ck_assert_int_eq(mm->map_count, 2);
	ck_assert_uint_eq(mm->total_vm, 8);
	ck_assert_uint_eq(mm->rss, 8);
	ck_assert_uint_eq(nr_free_pages(), before + 2);
	ck_assert_uint_eq(find_vma(mm, a)->vm_end, a + 4 * P);
	ck_assert_uint_eq(find_vma(mm, a + 4 * P)->vm_start, a + 6 * P);
	ck_assert_int_eq(fault(mm, a + 5 * P, 0, &code), -EFAULT);
	ck_assert_int_eq(code, SEGV_MAPERR);
	ck_assert_int_eq(fake_host_prot(mm, a + 4 * P), -1);
	ck_assert_int_eq(fake_host_check(mm), 0);
	/* Across the hole and beyond both ends. */
	ck_assert_int_eq(do_munmap(mm, a - P, 12 * P), 0);
	ck_assert_int_eq(mm->map_count, 0);
	ck_assert_uint_eq(mm->rss, 0);
	ck_assert_int_eq(fake_host_check(mm), 0);
	/* MAP_FIXED over a mapping replaces it. */
	ck_assert_int_eq(anon(a, 4 * P, PROT_READ | PROT_WRITE, MAP_FIXED | MAP_POPULATE), a);
	ck_assert_int_eq(anon(a + P, P, PROT_READ, MAP_FIXED), a + P);
	ck_assert_int_eq(mm->map_count, 3);
	ck_assert_uint_eq(mm->rss, 3);
	ck_assert_uint_eq(mm->total_vm, 4);
	ck_assert_int_eq(fake_host_check(mm), 0);
	mmput(mm);
	assert_no_leaks();
}
END_TEST

START_TEST(mprotect_splits_and_merges)
{
	struct mm_struct *mm = current_mm();
	unsigned long a = 0x40000000;
	struct page *pg;
	char c;
	int code;

	ck_assert_int_eq(anon(a, 4 * P, PROT_READ | PROT_WRITE, MAP_FIXED | MAP_POPULATE), a);
	pg = page_of(mm, a + P);
	ck_assert_int_eq(do_mprotect(mm, a + P, 2 * P, PROT_READ), 0);
	ck_assert_int_eq(mm->map_count, 3);
	ck_assert_int_eq(fake_host_prot(mm, a + P), PROT_READ);
	ck_assert_int_eq(fake_host_prot(mm, a), PROT_READ | PROT_WRITE);
	ck_assert_int_eq(fault(mm, a + P, FAULT_FLAG_WRITE, &code), -EFAULT);
	ck_assert_int_eq(code, SEGV_ACCERR);
	ck_assert_uint_eq(copy_to_user((void *)(a + P), "x", 1), 1);
	ck_assert_uint_eq(copy_from_user(&c, (void *)(a + P), 1), 0);
	/* Back to RW: one VMA again; the page is ours alone, so the write
	 * fault just makes it writable (no copy). */
	ck_assert_int_eq(do_mprotect(mm, a + P, 2 * P, PROT_READ | PROT_WRITE), 0);
	ck_assert_int_eq(mm->map_count, 1);
	ck_assert(!(pte_of(mm, a + P) & _PAGE_RW));
	ck_assert_int_eq(fault(mm, a + P, FAULT_FLAG_WRITE, NULL), FAULT_REUSE);
	ck_assert_ptr_eq(page_of(mm, a + P), pg);
	ck_assert(pte_of(mm, a + P) & _PAGE_RW);
	/* PROT_NONE: mapped, but no access, from the guest or the kernel. */
	ck_assert_int_eq(do_mprotect(mm, a, 4 * P, PROT_NONE), 0);
	ck_assert_int_eq(fake_host_prot(mm, a + 2 * P), 0);
	ck_assert_int_eq(fault(mm, a, 0, &code), -EFAULT);
	ck_assert_int_eq(code, SEGV_ACCERR);
	ck_assert_uint_eq(copy_from_user(&c, (void *)a, 1), 1);
	ck_assert_uint_eq(mm->rss, 4);
	/* Errors. */
	ck_assert_int_eq(do_mprotect(mm, a + 1, P, PROT_READ), -EINVAL);
	ck_assert_int_eq(do_mprotect(mm, a, P, 0x10), -EINVAL);
	ck_assert_int_eq(do_mprotect(mm, a + 3 * P, 2 * P, PROT_READ), -ENOMEM);
	ck_assert_int_eq(do_mprotect(mm, a, 0, PROT_READ), 0);
	ck_assert_int_eq(fake_host_check(mm), 0);
	mmput(mm);
	assert_no_leaks();
}
END_TEST

START_TEST(anon_merge)
{
	struct mm_struct *mm = current_mm();
	unsigned long a = 0x50000000;

	ck_assert_int_eq(anon(a, P, PROT_READ | PROT_WRITE, MAP_FIXED), a);
	ck_assert_int_eq(anon(a + 2 * P, P, PROT_READ | PROT_WRITE, MAP_FIXED), a + 2 * P);
	ck_assert_int_eq(mm->map_count, 2);
	ck_assert_int_eq(anon(a + P, P, PROT_READ | PROT_WRITE, MAP_FIXED), a + P);
	ck_assert_int_eq(mm->map_count, 1);
	ck_assert_uint_eq(find_vma(mm, a)->vm_end, a + 3 * P);
	/* Different protection: no merge. */
	ck_assert_int_eq(anon(a + 3 * P, P, PROT_READ, MAP_FIXED), a + 3 * P);
	ck_assert_int_eq(mm->map_count, 2);
	/* Top-down placement goes downward. */
	long x = anon(0, P, PROT_READ, 0), y = anon(0, P, PROT_READ, 0);
	ck_assert_int_lt(y, x);
	mmput(mm);
	assert_no_leaks();
}
END_TEST

START_TEST(brk_grows_and_shrinks)
{
	struct mm_struct *mm = current_mm();
	unsigned long start = 0x600123, b;
	char buf[8];

	mm_set_brk(mm, start);
	b = mm->brk;
	ck_assert_uint_eq(b, 0x601000);
	ck_assert_int_eq(sys_brk(0, 0, 0, 0, 0, 0), (long)b);
	ck_assert_uint_eq(do_brk(mm, b + 3 * P + 10), b + 3 * P + 10);
	ck_assert_uint_eq(mm->total_vm, 4);
	ck_assert_uint_eq(copy_to_user((void *)(b + 3 * P + 5), "brk!", 5), 0);
	ck_assert_uint_eq(copy_from_user(buf, (void *)(b + 3 * P + 5), 5), 0);
	ck_assert_str_eq(buf, "brk!");
	ck_assert_uint_eq(do_brk(mm, b + 100), b + 100);
	ck_assert_uint_eq(mm->total_vm, 1);
	ck_assert_uint_eq(mm->rss, 0);
	ck_assert_uint_eq(copy_from_user(buf, (void *)(b + P), 1), 1);
	ck_assert_uint_eq(do_brk(mm, b - P), b + 100);       /* below start */
	/* A mapping in the way stops it. */
	ck_assert_int_eq(anon(b + 4 * P, P, PROT_READ, MAP_FIXED), b + 4 * P);
	ck_assert_uint_eq(do_brk(mm, b + 10 * P), b + 100);
	ck_assert_uint_eq(do_brk(mm, b + 2 * P), b + 2 * P);
	ck_assert_int_eq(fake_host_check(mm), 0);
	mmput(mm);
	assert_no_leaks();
}
END_TEST

START_TEST(mremap_grow_shrink_move)
{
	struct mm_struct *mm = current_mm();
	unsigned long a = 0x40000000;
	struct page *p0;
	long r;
	char buf[8];

	ck_assert_int_eq(anon(a, 2 * P, PROT_READ | PROT_WRITE, MAP_FIXED), a);
	ck_assert_uint_eq(copy_to_user((void *)a, "page0", 6), 0);
	ck_assert_uint_eq(copy_to_user((void *)(a + P), "page1", 6), 0);
	p0 = page_of(mm, a);
	/* Grow in place. */
	ck_assert_int_eq(do_mremap(mm, a, 2 * P, 4 * P, 0, 0), a);
	ck_assert_uint_eq(mm->total_vm, 4);
	/* Shrink. */
	ck_assert_int_eq(do_mremap(mm, a, 4 * P, 2 * P, 0, 0), a);
	ck_assert_uint_eq(mm->total_vm, 2);
	/* Blocked: fails without MAYMOVE, moves with it. */
	ck_assert_int_eq(anon(a + 2 * P, P, PROT_READ, MAP_FIXED), a + 2 * P);
	ck_assert_int_eq(do_mremap(mm, a, 2 * P, 8 * P, 0, 0), -ENOMEM);
	r = do_mremap(mm, a, 2 * P, 8 * P, MREMAP_MAYMOVE, 0);
	ck_assert_int_gt(r, 0);
	ck_assert_int_ne(r, a);
	ck_assert_ptr_eq(page_of(mm, r), p0);
	ck_assert_int_eq(p0->mapcount, 1);
	ck_assert_ptr_null(page_of(mm, a));
	ck_assert_uint_eq(copy_from_user(buf, (void *)(r + P), 6), 0);
	ck_assert_str_eq(buf, "page1");
	ck_assert_uint_eq(mm->total_vm, 9);
	ck_assert_uint_eq(mm->rss, 2);
	ck_assert_int_eq(fake_host_check(mm), 0);
	/* MREMAP_FIXED, shrinking as it goes. */
	ck_assert_int_eq(do_mremap(mm, r, 8 * P, P, MREMAP_MAYMOVE | MREMAP_FIXED,
				   0x70000000), 0x70000000);
	ck_assert_uint_eq(copy_from_user(buf, (void *)0x70000000, 6), 0);
	ck_assert_str_eq(buf, "page0");
	ck_assert_uint_eq(mm->rss, 1);
	ck_assert_uint_eq(mm->total_vm, 2);
	/* Errors. */
	ck_assert_int_eq(do_mremap(mm, 0x71000000, P, 2 * P, MREMAP_MAYMOVE, 0), -EFAULT);
	ck_assert_int_eq(do_mremap(mm, 0x70000000, 2 * P, 4 * P, MREMAP_MAYMOVE, 0), -EFAULT);
	ck_assert_int_eq(do_mremap(mm, 0x70000001, P, 2 * P, 0, 0), -EINVAL);
	ck_assert_int_eq(do_mremap(mm, 0x70000000, P, 2 * P, MREMAP_FIXED, 0x80000000), -EINVAL);
	ck_assert_int_eq(fake_host_check(mm), 0);
	mmput(mm);
	assert_no_leaks();
}
END_TEST

START_TEST(madvise_dontneed_zeroes)
{
	struct mm_struct *mm = current_mm();
	unsigned long a = 0x40000000;
	char buf[4] = "xyz";

	ck_assert_int_eq(anon(a, 3 * P, PROT_READ | PROT_WRITE, MAP_FIXED), a);
	ck_assert_uint_eq(copy_to_user((void *)(a + P), "abc", 4), 0);
	ck_assert_int_eq(do_madvise(mm, a, 3 * P, MADV_DONTNEED), 0);
	ck_assert_uint_eq(mm->rss, 0);
	ck_assert_uint_eq(copy_from_user(buf, (void *)(a + P), 4), 0);
	ck_assert_int_eq(memcmp(buf, "\0\0\0\0", 4), 0);
	ck_assert_int_eq(do_madvise(mm, a, P, MADV_WILLNEED), 0);
	ck_assert_int_eq(do_madvise(mm, a, 5 * P, MADV_DONTNEED), -ENOMEM);
	ck_assert_int_eq(do_madvise(mm, a + 1, P, MADV_DONTNEED), -EINVAL);
	ck_assert_int_eq(fake_host_check(mm), 0);
	mmput(mm);
	assert_no_leaks();
}
END_TEST

START_TEST(stack_grows_down)
{
	struct mm_struct *mm = current_mm();
	unsigned long top = STACK_TOP, a = top - 4 * P;
	int code;

	ck_assert_int_eq(anon(a, 4 * P, PROT_READ | PROT_WRITE, MAP_FIXED | MAP_GROWSDOWN), a);
	ck_assert_int_eq(fault(mm, a - 8, FAULT_FLAG_WRITE, NULL), FAULT_ANON | FAULT_STACK_GROWN);
	ck_assert_uint_eq(find_vma(mm, a)->vm_start, a - P);
	ck_assert_uint_eq(mm->total_vm, 5);
	ck_assert_uint_eq(clear_user((void *)(a - 3 * P), 10), 0);
	ck_assert_uint_eq(find_vma(mm, a)->vm_start, a - 3 * P);
	ck_assert_int_eq(fault(mm, top - _STK_LIM - P, 0, &code), -EFAULT);
	ck_assert_int_eq(code, SEGV_MAPERR);
	ck_assert_int_eq(fake_host_check(mm), 0);
	mmput(mm);
	assert_no_leaks();
}
END_TEST

/* RLIMIT_AS bounds mmap, brk, mremap and stack growth; RLIMIT_STACK the
 * stack's size. What MAP_FIXED replaces is not growth. */
START_TEST(rlimits_bound_growth)
{
	struct rlimit64 *rl = fake_rlimits(), saved_as = rl[RLIMIT_AS],
			saved_stack = rl[RLIMIT_STACK];
	struct mm_struct *mm = current_mm();
	unsigned long top = STACK_TOP, s = top - 4 * P, a;
	int code;

	ck_assert_int_eq(anon(s, 4 * P, PROT_READ | PROT_WRITE, MAP_FIXED | MAP_GROWSDOWN), s);
	rl[RLIMIT_STACK].rlim_cur = 6 * P;
	ck_assert_int_eq(fault(mm, s - P, FAULT_FLAG_WRITE, NULL), FAULT_ANON | FAULT_STACK_GROWN);
	ck_assert_int_eq(fault(mm, s - 3 * P, FAULT_FLAG_WRITE, &code), -EFAULT);
	ck_assert_int_eq(code, SEGV_MAPERR);
	rl[RLIMIT_AS].rlim_cur = (mm->total_vm + 8) * P;
	ck_assert_int_eq(anon(0, 9 * P, PROT_READ, 0), -ENOMEM);
	a = anon(0, 8 * P, PROT_READ, 0);
	ck_assert(a < TASK_SIZE);
	ck_assert_int_eq(anon(a, 8 * P, PROT_READ | PROT_WRITE, MAP_FIXED), a);
	ck_assert_int_eq(do_mremap(mm, a, 8 * P, 9 * P, MREMAP_MAYMOVE, 0), -ENOMEM);
	rl[RLIMIT_STACK].rlim_cur = 8 * P;
	ck_assert_int_eq(fault(mm, s - 2 * P, FAULT_FLAG_WRITE, &code), -EFAULT);
	mm_set_brk(mm, 0x10000000);
	ck_assert_uint_eq(do_brk(mm, 0x10000000 + P), 0x10000000);
	ck_assert_int_eq(do_munmap(mm, a, P), 0);
	ck_assert_uint_eq(do_brk(mm, 0x10000000 + P), 0x10000000 + P);
	rl[RLIMIT_AS] = saved_as;
	rl[RLIMIT_STACK] = saved_stack;
	ck_assert_int_eq(fake_host_check(mm), 0);
	mmput(mm);
	assert_no_leaks();
}
END_TEST

/* ---- fork and copy-on-write ---- */

START_TEST(cow_after_dup_mm)
{
	struct mm_struct *parent = current_mm(), *child;
	unsigned long a = 0x40000000;
	struct page *old, *p;
	char buf[8];

	ck_assert_int_eq(anon(a, 2 * P, PROT_READ | PROT_WRITE, MAP_FIXED), a);
	ck_assert_uint_eq(copy_to_user((void *)a, "old", 4), 0);
	ck_assert_uint_eq(copy_to_user((void *)(a + P), "two", 4), 0);
	old = page_of(parent, a);
	fake_nr_ops = 0;
	child = dup_mm(parent, 0);
	ck_assert_ptr_nonnull(child);
	ck_assert_int_eq(fake_host_live, 2);
	ck_assert_int_eq(child->map_count, 1);
	ck_assert_uint_eq(child->total_vm, 2);
	ck_assert_uint_eq(child->rss, 2);
	ck_assert_ptr_eq(page_of(child, a), old);
	ck_assert_int_eq(old->refcount, 2);
	ck_assert_int_eq(old->mapcount, 2);
	ck_assert(!(pte_of(parent, a) & _PAGE_RW));
	ck_assert(!(pte_of(child, a) & _PAGE_RW));
	ck_assert_int_eq(fake_host_prot(parent, a), PROT_READ);
	ck_assert_int_eq(fake_host_prot(child, a), PROT_READ);
	ck_assert_int_eq(fake_host_check(parent), 0);
	ck_assert_int_eq(fake_host_check(child), 0);

	/* The child writes: it gets a copy; the parent keeps "old". */
	fake_set_mm(child);
	ck_assert_uint_eq(copy_from_user(buf, (void *)a, 4), 0);
	ck_assert_str_eq(buf, "old");
	ck_assert_uint_eq(copy_to_user((void *)a, "new", 4), 0);
	p = page_of(child, a);
	ck_assert_ptr_ne(p, old);
	ck_assert_int_eq(old->refcount, 1);
	ck_assert_int_eq(old->mapcount, 1);
	fake_set_mm(parent);
	ck_assert_uint_eq(copy_from_user(buf, (void *)a, 4), 0);
	ck_assert_str_eq(buf, "old");
	/* The second page is still shared: uaccess breaks COW page by page. */
	ck_assert_ptr_eq(page_of(parent, a + P), page_of(child, a + P));
	/* The parent is now the only user: a write reuses the frame, and a
	 * guest write fault breaks COW around it too (copying the shared
	 * second page), so both sides' next writes there cost no fault. */
	ck_assert_int_eq(fault(parent, a, FAULT_FLAG_WRITE, NULL), FAULT_REUSE);
	ck_assert_ptr_eq(page_of(parent, a), old);
	ck_assert_int_eq(fake_host_prot(parent, a), PROT_READ | PROT_WRITE);
	ck_assert_ptr_ne(page_of(parent, a + P), page_of(child, a + P));
	ck_assert(pte_of(parent, a + P) & _PAGE_RW);
	ck_assert_int_eq(fake_host_prot(parent, a + P), PROT_READ | PROT_WRITE);
	ck_assert_int_eq(page_of(child, a + P)->refcount, 1);
	ck_assert_int_eq(fake_host_check(parent), 0);
	ck_assert_int_eq(fake_host_check(child), 0);

	mmput(child);
	ck_assert_int_eq(page_of(parent, a + P)->refcount, 1);
	ck_assert_int_eq(page_of(parent, a + P)->mapcount, 1);
	mmput(parent);
	assert_no_leaks();
}
END_TEST

/* The stack pages at and below the forking task's sp are copied at fork:
 * neither side takes a copy-on-write fault there. The rest is shared. */
START_TEST(dup_mm_copies_stack_at_sp)
{
	struct mm_struct *parent = current_mm(), *child;
	unsigned long a = 0x40000000, sp = a + 2 * P + 0x100;
	unsigned long free0;
	char buf[8];

	ck_assert_int_eq(anon(a, 4 * P, PROT_READ | PROT_WRITE, MAP_FIXED), a);
	for (int i = 0; i < 4; i++)
		ck_assert_uint_eq(copy_to_user((void *)(a + i * P), "page", 5), 0);
	free0 = nr_free_pages();
	child = dup_mm(parent, sp);
	ck_assert_ptr_nonnull(child);
	for (int i = 1; i <= 2; i++) {
		unsigned long s = a + i * P;

		ck_assert_ptr_ne(page_of(child, s), page_of(parent, s));
		ck_assert(pte_of(parent, s) & _PAGE_RW);
		ck_assert(pte_of(child, s) & _PAGE_RW);
		ck_assert_int_eq(page_of(child, s)->refcount, 1);
		ck_assert_int_eq(page_of(child, s)->mapcount, 1);
		ck_assert_int_eq(page_of(parent, s)->refcount, 1);
		ck_assert_int_eq(fake_host_prot(child, s), PROT_READ | PROT_WRITE);
	}
	for (int i = 0; i < 4; i += 3) {
		ck_assert_ptr_eq(page_of(child, a + i * P), page_of(parent, a + i * P));
		ck_assert(!(pte_of(parent, a + i * P) & _PAGE_RW));
	}
	ck_assert_uint_eq(child->rss, 4);
	fake_set_mm(child);
	ck_assert_uint_eq(copy_from_user(buf, (void *)(a + 2 * P), 5), 0);
	ck_assert_str_eq(buf, "page");
	fake_set_mm(parent);
	ck_assert_int_eq(fake_host_check(parent), 0);
	ck_assert_int_eq(fake_host_check(child), 0);
	mmput(child);
	ck_assert_uint_eq(nr_free_pages(), free0);
	mmput(parent);
	assert_no_leaks();
}
END_TEST

START_TEST(dup_mm_shared_anon)
{
	struct mm_struct *parent = current_mm(), *child;
	unsigned long a = 0x40000000;
	char buf[8];

	ck_assert_int_eq(anon(a, 2 * P, PROT_READ | PROT_WRITE, MAP_FIXED | MAP_SHARED), a);
	child = dup_mm(parent, 0);
	ck_assert_ptr_nonnull(child);
	fake_set_mm(child);
	ck_assert_uint_eq(copy_to_user((void *)(a + P), "shared", 7), 0);
	fake_set_mm(parent);
	ck_assert_uint_eq(copy_from_user(buf, (void *)(a + P), 7), 0);
	ck_assert_str_eq(buf, "shared");
	ck_assert(pte_of(parent, a) & _PAGE_RW);
	ck_assert_int_eq(fake_host_check(parent), 0);
	ck_assert_int_eq(fake_host_check(child), 0);
	mmput(parent);
	mmput(child);
	assert_no_leaks();
}
END_TEST

START_TEST(enomem_when_physmem_exhausted)
{
	struct mm_struct *mm = current_mm(), *child;
	unsigned long a = 0x40000000;
	struct page *hog[MEM / P];
	unsigned long n = 0;
	int code;

	ck_assert_int_eq(anon(a, 4 * P, PROT_READ | PROT_WRITE, MAP_FIXED), a);
	ck_assert_uint_eq(copy_to_user((void *)a, "x", 1), 0);
	child = dup_mm(mm, 0);
	ck_assert_ptr_nonnull(child);
	while ((hog[n] = alloc_page(0)))
		n++;
	ck_assert_int_eq(fault(mm, a + P, 0, &code), -ENOMEM);
	ck_assert_int_eq(fault(mm, a, FAULT_FLAG_WRITE, &code), -ENOMEM);  /* COW */
	ck_assert_uint_eq(copy_to_user((void *)(a + 2 * P), "y", 1), 1);
	ck_assert_ptr_null(mm_alloc());
	ck_assert_ptr_null(dup_mm(mm, 0));
	/* As Linux, MAP_POPULATE out of memory still maps, unpopulated. */
	long b = anon(0, P, PROT_READ | PROT_WRITE, MAP_POPULATE);
	ck_assert(b == -ENOMEM || !(pte_of(mm, b) & _PAGE_PRESENT));
	while (n)
		__free_page(hog[--n]);
	ck_assert_int_eq(fault(mm, a, FAULT_FLAG_WRITE, &code), FAULT_COW);
	ck_assert_int_eq(fake_host_check(mm), 0);
	mmput(child);
	mmput(mm);
	assert_no_leaks();
}
END_TEST

START_TEST(mm_alloc_host_failure)
{
	fake_host_fail_init = 1;
	ck_assert_ptr_null(mm_alloc());
	fake_host_fail_init = 0;
	assert_no_leaks();
}
END_TEST

START_TEST(mm_clear_keeps_host)
{
	struct mm_struct *mm = current_mm();
	u64 *pgd = mm->pgd;
	int pid = mm->host.pid;

	ck_assert_int_eq(anon(0x40000000, 8 * P, PROT_READ | PROT_WRITE,
			      MAP_FIXED | MAP_POPULATE), 0x40000000);
	mm_set_brk(mm, 0x600000);
	ck_assert_uint_eq(fake_host_count(mm), 8);
	mm_clear(mm);
	ck_assert_int_eq(mm->map_count, 0);
	ck_assert_uint_eq(mm->rss, 0);
	ck_assert_uint_eq(mm->total_vm, 0);
	ck_assert_uint_eq(mm->brk, 0);
	ck_assert_uint_eq(fake_host_count(mm), 0);
	ck_assert_ptr_eq(mm->pgd, pgd);
	ck_assert_int_eq(mm->host.pid, pid);
	/* Left: the pgd, and the slab page holding the mm. */
	ck_assert_uint_eq(nr_free_pages(), base_free - 2);
	mmput(mm);
	assert_no_leaks();
}
END_TEST

/* ---- file mappings ---- */

static char file_data[2 * 4096 + 100];

START_TEST(file_private_and_shared)
{
	struct mm_struct *mm = current_mm();
	struct file f, wf;
	struct inode ino, wino;
	struct page *cache;
	long a, s;
	char buf[8];
	int code;

	memset(file_data, 'f', sizeof(file_data));
	fake_file_init(&f, &ino, file_data, sizeof(file_data), FMODE_READ);
	a = do_mmap(&f, 0, 4 * P, PROT_READ | PROT_WRITE, MAP_PRIVATE, 0);
	ck_assert_int_gt(a, 0);
	ck_assert_int_eq(f.f_count, 2);
	/* Read: the page-cache page itself, read-only. */
	ck_assert_uint_eq(copy_from_user(buf, (void *)a, 4), 0);
	ck_assert_int_eq(memcmp(buf, "ffff", 4), 0);
	cache = ino.i_pages[0];
	ck_assert_ptr_eq(page_of(mm, a), cache);
	ck_assert(!(pte_of(mm, a) & _PAGE_RW));
	ck_assert_int_eq(cache->refcount, 2);
	ck_assert_int_eq(cache->mapcount, 1);
	/* Write: a private copy; the file is untouched. */
	ck_assert_uint_eq(copy_to_user((void *)a, "priv", 4), 0);
	ck_assert_ptr_ne(page_of(mm, a), cache);
	ck_assert_int_eq(cache->refcount, 1);
	ck_assert_int_eq(memcmp(page_address(cache), "ffff", 4), 0);
	/* The tail of the last page reads as zero; past EOF is SIGBUS. */
	ck_assert_uint_eq(copy_from_user(buf, (void *)(a + 2 * P + 98), 4), 0);
	ck_assert_int_eq(memcmp(buf, "ff\0\0", 4), 0);
	ck_assert_int_eq(fault(mm, a + 3 * P, 0, &code), -EIO);
	ck_assert_int_eq(code, BUS_ADRERR);
	/* A write fault on a missing private page copies at once. */
	ck_assert_int_eq(fault(mm, a + P, FAULT_FLAG_WRITE, NULL), FAULT_FILE_READ);
	ck_assert(pte_of(mm, a + P) & _PAGE_RW);
	ck_assert_ptr_ne(page_of(mm, a + P), ino.i_pages[1]);
	ck_assert_int_eq(fake_host_check(mm), 0);

	/* Shared writable needs a writable file. */
	ck_assert_int_eq(do_mmap(&f, 0, P, PROT_READ | PROT_WRITE, MAP_SHARED, 0), -EACCES);
	s = do_mmap(&f, 0, P, PROT_READ, MAP_SHARED, 0);
	ck_assert_int_gt(s, 0);
	ck_assert_int_eq(do_mprotect(mm, s, P, PROT_READ | PROT_WRITE), -EACCES);
	fake_file_init(&wf, &wino, file_data, sizeof(file_data), FMODE_READ | FMODE_WRITE);
	s = do_mmap(&wf, 0, 2 * P, PROT_READ | PROT_WRITE, MAP_SHARED, 1);
	ck_assert_int_gt(s, 0);
	ck_assert_uint_eq(copy_to_user((void *)s, "SHARED", 6), 0);
	ck_assert_ptr_eq(page_of(mm, s), wino.i_pages[1]);
	ck_assert_int_eq(memcmp(page_address(wino.i_pages[1]), "SHARED", 6), 0);
	ck_assert(wino.i_pages[1]->flags & PG_dirty);
	/* A fork shares it writable. */
	{
		struct mm_struct *child = dup_mm(mm, 0);

		ck_assert_ptr_eq(page_of(child, s), wino.i_pages[1]);
		ck_assert(pte_of(child, s) & _PAGE_RW);
		ck_assert_int_eq(wino.i_pages[1]->mapcount, 2);
		ck_assert_int_eq(fake_host_check(child), 0);
		mmput(child);
	}
	ck_assert_int_eq(fake_host_check(mm), 0);
	mmput(mm);
	ck_assert_int_eq(f.f_count, 1);
	ck_assert_int_eq(wf.f_count, 1);
	fake_file_drop_cache(&ino);
	fake_file_drop_cache(&wino);
	assert_no_leaks();
}
END_TEST

/* A file with a backing store: clean shared pages are mapped read-only,
 * so writes are seen; writeback protects them again; truncation unmaps. */
START_TEST(shared_file_writeback)
{
	struct mm_struct *mm = current_mm();
	struct file f;
	struct inode ino;
	long s;
	int code;

	memset(file_data, 'f', sizeof(file_data));
	fake_file_init(&f, &ino, file_data, sizeof(file_data), FMODE_READ | FMODE_WRITE);
	ino.i_aops = &fake_writeback_aops;
	fake_writepages = 0;
	s = do_mmap(&f, 0, 2 * P, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	ck_assert_int_gt(s, 0);
	ck_assert_int_eq(fault(mm, s, 0, NULL), FAULT_FILE_READ);
	ck_assert(!(pte_of(mm, s) & _PAGE_RW));
	ck_assert(!(ino.i_pages[0]->flags & PG_dirty));
	ck_assert_int_eq(fake_host_prot(mm, s), PROT_READ);
	/* The write fault marks the page dirty and makes it writable. */
	ck_assert_uint_eq(copy_to_user((void *)s, "DIRTY", 5), 0);
	ck_assert(pte_of(mm, s) & _PAGE_RW);
	ck_assert(ino.i_pages[0]->flags & PG_dirty);
	ck_assert(!list_empty(&ino.i_wb_list));
	/* Writeback: written once, clean, read-only again. */
	ck_assert_int_eq(filemap_write_range(&ino, 0, 1), 0);
	ck_assert_int_eq(fake_writepages, 1);
	ck_assert_int_eq(memcmp(file_data, "DIRTYfff", 8), 0);
	ck_assert(!(ino.i_pages[0]->flags & PG_dirty));
	ck_assert(!(pte_of(mm, s) & _PAGE_RW));
	ck_assert(list_empty(&ino.i_wb_list));
	ck_assert_int_eq(fake_host_check(mm), 0);
	ck_assert_int_eq(filemap_write_inode(&ino), 0);
	ck_assert_int_eq(fake_writepages, 1);
	/* mprotect does not make a clean page writable behind writeback. */
	ck_assert_int_eq(do_mprotect(mm, s, 2 * P, PROT_READ), 0);
	ck_assert_int_eq(do_mprotect(mm, s, 2 * P, PROT_READ | PROT_WRITE), 0);
	ck_assert(!(pte_of(mm, s) & _PAGE_RW));
	/* Written again: munmap writes it back. */
	ck_assert_uint_eq(copy_to_user((char *)s + 10, "AGAIN", 5), 0);
	ck_assert_int_eq(do_munmap(mm, s, 2 * P), 0);
	ck_assert_int_eq(fake_writepages, 2);
	ck_assert_int_eq(memcmp(file_data + 10, "AGAIN", 5), 0);
	ck_assert_int_eq(fake_host_check(mm), 0);
	/* Truncation takes the dropped pages' mappings down: SIGBUS after. */
	s = do_mmap(&f, 0, 2 * P, PROT_READ, MAP_SHARED, 0);
	ck_assert_int_gt(s, 0);
	ck_assert_int_eq(fault(mm, s + P, 0, NULL), FAULT_FILE_CACHED);
	ck_assert(pte_of(mm, s) & _PAGE_PRESENT);
	ino.i_size = P;
	unmap_mapping_range(&ino, 1);
	ck_assert(!(pte_of(mm, s + P) & _PAGE_PRESENT));
	ck_assert(pte_of(mm, s) & _PAGE_PRESENT);
	ck_assert_int_eq(fault(mm, s + P, 0, &code), -EIO);
	ck_assert_int_eq(code, BUS_ADRERR);
	ck_assert_int_eq(fake_host_check(mm), 0);
	mmput(mm);
	fake_file_drop_cache(&ino);
	assert_no_leaks();
}
END_TEST

START_TEST(file_mmap_via_syscall)
{
	struct mm_struct *mm = current_mm();
	struct file f;
	struct inode ino;
	unsigned char vec[3];
	long a;

	memset(file_data, 'g', sizeof(file_data));
	fake_file_init(&f, &ino, file_data, sizeof(file_data), FMODE_READ);
	fake_files[3] = &f;
	a = sys_mmap(0, 3 * P, PROT_READ, MAP_PRIVATE, 3, P);
	ck_assert_int_gt(a, 0);
	ck_assert_int_eq(f.f_count, 2);
	ck_assert_uint_eq(find_vma(mm, a)->vm_pgoff, 1);
	ck_assert_int_eq(fault(mm, a + P, 0, NULL), FAULT_FILE_READ);
	ck_assert_ptr_eq(page_of(mm, a + P), ino.i_pages[2]);
	/* mincore into a guest buffer. */
	long v = anon(0, P, PROT_READ | PROT_WRITE, 0);
	ck_assert_int_eq(sys_mincore(a, 3 * P, v, 0, 0, 0), 0);
	ck_assert_uint_eq(copy_from_user(vec, (void *)v, 3), 0);
	/* Fault-around brought in the page before; the one after lies
	 * beyond the end of the file and stays out. */
	ck_assert_uint_eq(vec[0], 1);
	ck_assert_uint_eq(vec[1], 1);
	ck_assert_uint_eq(vec[2], 0);
	ck_assert_int_eq(sys_mincore(a, 3 * P, 0, 0, 0, 0), -EFAULT);
	ck_assert_int_eq(sys_msync(a, P, MS_SYNC | MS_ASYNC, 0, 0, 0), -EINVAL);
	ck_assert_int_eq(sys_msync(a, P, MS_SYNC, 0, 0, 0), 0);
	fake_files[3] = NULL;
	mmput(mm);
	ck_assert_int_eq(f.f_count, 1);
	fake_file_drop_cache(&ino);
	assert_no_leaks();
}
END_TEST

/* A fault in program text also maps the private file pages in the 2 MiB
 * around it that the page cache holds, read-only, without reading any
 * page in; shared mappings get only the 64 KiB fault-around. */
static char text_data[48 * 4096];

START_TEST(file_text_around)
{
	struct mm_struct *mm = current_mm();
	unsigned long text = 0x400000, rw = text + 40 * P;
	struct file f;
	struct inode ino;

	memset(text_data, 't', sizeof(text_data));
	fake_file_init(&f, &ino, text_data, sizeof(text_data), FMODE_READ);
	for (unsigned long i = 20; i < 48; i += 10)     /* 20, 30, 40: cached */
		put_page(filemap_get_page(&ino, i));
	ck_assert_int_eq(do_mmap(&f, text, 32 * P, PROT_READ | PROT_EXEC,
				 MAP_PRIVATE | MAP_FIXED, 0), (long)text);
	ck_assert_int_eq(do_mmap(&f, rw, 4 * P, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_FIXED, 40), (long)rw);
	ck_assert_int_eq(do_mmap(&f, rw + 4 * P, 4 * P, PROT_READ,
				 MAP_SHARED | MAP_FIXED, 40), (long)(rw + 4 * P));
	ck_assert_int_eq(fault(mm, text, FAULT_FLAG_EXEC, NULL), FAULT_FILE_READ);
	/* The 64 KiB around: read in. */
	ck_assert_ptr_eq(page_of(mm, text + 15 * P), ino.i_pages[15]);
	/* Beyond it: only what was cached, in the read-only mapping. */
	ck_assert_ptr_eq(page_of(mm, text + 20 * P), ino.i_pages[20]);
	ck_assert_ptr_eq(page_of(mm, text + 30 * P), ino.i_pages[30]);
	ck_assert_int_eq(ino.i_pages[30]->mapcount, 1);
	ck_assert_int_eq(ino.i_pages[30]->refcount, 2);
	ck_assert(!(pte_of(mm, text + 30 * P) & _PAGE_RW));
	ck_assert_ptr_null(page_of(mm, text + 25 * P));
	ck_assert_ptr_null(ino.i_pages[25]);
	/* The writable private mapping's cached page: read-only until
	 * written; the shared one's: not at all. */
	ck_assert_ptr_eq(page_of(mm, rw), ino.i_pages[40]);
	ck_assert(!(pte_of(mm, rw) & _PAGE_RW));
	ck_assert_ptr_null(page_of(mm, rw + 4 * P));
	ck_assert_uint_eq(mm->rss, 19);
	ck_assert_int_eq(fake_host_check(mm), 0);
	mmput(mm);
	ck_assert_int_eq(ino.i_pages[30]->refcount, 1);
	ck_assert_int_eq(f.f_count, 1);
	fake_file_drop_cache(&ino);
	assert_no_leaks();
}
END_TEST

/*
 * Syscall patching in an mm: a `mov $110,%eax; syscall` in program text
 * is rewritten the second time it traps, into the mm's copy of the page
 * (the file keeps its bytes); other readers see the original bytes; the
 * SIGILL and single-step stops are the syscall; fork copies the sites;
 * unmapping the region puts every site back.
 */
START_TEST(syscall_patch_in_mm)
{
	static const u8 getppid[] = { 0xb8, 0x6e, 0, 0, 0, 0x0f, 0x05 };
	struct mm_struct *mm = current_mm(), *child;
	unsigned long text = 0x400000, site = text + 0x100, ptr = 0;
	unsigned long before = syscall_patched;
	struct pt_regs r = { .ip = site + 7, .orig_ax = 110 };
	struct guest_stop stop = { .signo = SIGILL };
	u8 buf[SC_TRAMP_SIZE], want[SC_TRAMP_SIZE];
	struct file f;
	struct inode ino;

	memset(text_data, 0x90, sizeof(text_data));
	memcpy(text_data + 0x100, getppid, sizeof(getppid));
	text_data[0x200 - 1] = 0x41;                    /* mov $110, %r8d */
	memcpy(text_data + 0x200, getppid, sizeof(getppid));
	fake_file_init(&f, &ino, text_data, sizeof(text_data), FMODE_READ);
	ck_assert_int_eq(do_mmap(&f, text, 4 * P, PROT_READ | PROT_EXEC,
				 MAP_PRIVATE | MAP_FIXED, 0), (long)text);
	syscall_patch_trapped(&r);
	ck_assert_uint_eq(syscall_patched, before);
	syscall_patch_trapped(&r);
	ck_assert_uint_eq(syscall_patched, before + 1);
	ck_assert_int_eq(access_remote_vm(mm, site, buf, 7, FOLL_PATCH), 7);
	sc_site_encode(want, 0);
	ck_assert_mem_eq(buf, want, 7);
	ck_assert_mem_eq(text_data + 0x100, getppid, 7);
	ck_assert_mem_eq((char *)page_address(ino.i_pages[0]) + 0x100, getppid, 7);
	ck_assert(find_vma(mm, SC_REGION)->vm_flags & VM_SYSCALL_TRAMP);
	ck_assert_int_eq(access_remote_vm(mm, SC_REGION, &ptr, 8, FOLL_PATCH), 8);
	ck_assert_uint_eq(ptr, SC_TRAMPS);
	ck_assert_int_eq(access_remote_vm(mm, SC_TRAMPS, buf, sizeof(buf), FOLL_PATCH),
			 sizeof(buf));
	sc_tramp_encode(want, 110, site + 7);
	ck_assert_mem_eq(buf, want, sizeof(buf));
	/* Every other reader: the original bytes, also across the edges. */
	ck_assert_int_eq(access_remote_vm(mm, site - 1, buf, 9, 0), 9);
	ck_assert_uint_eq(buf[0], 0x90);
	ck_assert_mem_eq(buf + 1, getppid, 7);
	ck_assert_int_eq(access_remote_vm(mm, site + 3, buf, 2, FOLL_FORCE), 2);
	ck_assert_mem_eq(buf, getppid + 3, 2);
	/* A prefixed mov is not a site. */
	r.ip = text + 0x207;
	syscall_patch_trapped(&r);
	syscall_patch_trapped(&r);
	ck_assert_uint_eq(syscall_patched, before + 1);

	/* SIGILL at the old syscall byte: that syscall, with the eax it has. */
	r = (struct pt_regs){ .ip = site + 5, .ax = 39, .flags = 0x10246 };
	ck_assert(syscall_patch_fixup(&stop, &r));
	ck_assert_uint_eq(r.orig_ax, 39);
	ck_assert_uint_eq(r.ip, site + 7);
	ck_assert_uint_eq(r.cx, site + 7);
	ck_assert_uint_eq(r.r11, 0x246);
	r.ip = site + 4;
	ck_assert(!syscall_patch_fixup(&stop, &r));
	/* A step onto the trampoline: the site's syscall. */
	stop.signo = SIGTRAP;
	r = (struct pt_regs){ .ip = SC_TRAMPS };
	ck_assert(syscall_patch_fixup(&stop, &r));
	ck_assert_uint_eq(r.orig_ax, 110);
	ck_assert_uint_eq(r.ip, site + 7);
	r.ip = SC_TRAMPS + SC_TRAMP_SIZE;
	ck_assert(!syscall_patch_fixup(&stop, &r));
	/* A tick or signal inside the trampoline, or at the entry: the
	 * guest is put back between its mov and syscall. */
	r = (struct pt_regs){ .ip = SC_TRAMPS };
	syscall_patch_rewind(&r);
	ck_assert_uint_eq(r.ip, site);
	r = (struct pt_regs){ .ip = SC_TRAMPS + 15, .ax = 110 };
	syscall_patch_rewind(&r);
	ck_assert_uint_eq(r.ip, site + 5);
	r = (struct pt_regs){ .ip = STUB_SYSCALL_ENTRY, .ax = 110, .cx = site + 7 };
	syscall_patch_rewind(&r);
	ck_assert_uint_eq(r.ip, site + 5);
	r = (struct pt_regs){ .ip = STUB_SYSCALL_ENTRY, .ax = 39, .cx = site + 7 };
	syscall_patch_rewind(&r);
	ck_assert_uint_eq(r.ip, STUB_SYSCALL_ENTRY);

	/* fork: the child's text and sites are the parent's. */
	child = dup_mm(mm, 0);
	ck_assert_ptr_nonnull(child);
	ck_assert_int_eq(access_remote_vm(child, site, buf, 7, FOLL_PATCH), 7);
	sc_site_encode(want, 0);
	ck_assert_mem_eq(buf, want, 7);
	ck_assert_int_eq(access_remote_vm(child, site, buf, 7, 0), 7);
	ck_assert_mem_eq(buf, getppid, 7);
	mmput(child);

	/* The guest unmaps the region: the site is put back, for good. */
	ck_assert_int_eq(do_munmap(mm, SC_REGION, P), 0);
	ck_assert_int_eq(access_remote_vm(mm, site, buf, 7, FOLL_PATCH), 7);
	ck_assert_mem_eq(buf, getppid, 7);
	r = (struct pt_regs){ .ip = site + 7, .orig_ax = 110 };
	syscall_patch_trapped(&r);
	syscall_patch_trapped(&r);
	syscall_patch_trapped(&r);
	ck_assert_uint_eq(syscall_patched, before + 1);
	ck_assert_int_eq(fake_host_check(mm), 0);
	mmput(mm);
	fake_file_drop_cache(&ino);
	assert_no_leaks();
}
END_TEST

/* ---- uaccess ---- */

START_TEST(uaccess_bad_pointers)
{
	struct mm_struct *mm = current_mm();
	unsigned long a = 0x40000000;
	char buf[2 * 4096];
	const unsigned long bad[] = {
		0, 1, 0x1000, 0x3fffffff, TASK_SIZE - 1, TASK_SIZE, PHYSMEM_BASE,
		(unsigned long)buf, ~0UL, ~0UL - 4095, 1UL << 63,
	};

	ck_assert_int_eq(anon(a, P, PROT_READ | PROT_WRITE, MAP_FIXED), a);
	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
		void *p = (void *)bad[i];

		ck_assert_uint_eq(copy_from_user(buf, p, 8), 8);
		ck_assert_uint_eq(copy_to_user(p, buf, 8), 8);
		ck_assert_uint_eq(clear_user(p, 8), 8);
		ck_assert_int_eq(strncpy_from_user(buf, p, 8), -EFAULT);
		ck_assert_ptr_eq(strndup_user(p, 8), ERR_PTR(-EFAULT));
		ck_assert_ptr_null(get_user_page(mm, bad[i], false));
	}
	ck_assert(!access_ok((void *)(TASK_SIZE - 4), 8));
	ck_assert(access_ok((void *)(TASK_SIZE - 8), 8));
	ck_assert(!access_ok((void *)8, ~0UL));
	/* Partial copies report what was not copied. */
	ck_assert_uint_eq(copy_from_user(buf, (void *)a, 2 * P), P);
	ck_assert_uint_eq(copy_to_user((void *)(a + P - 10), buf, 30), 20);
	ck_assert_uint_eq(copy_from_user(buf, (void *)(a - 10), 30), 30);
	/* No mm at all (a kernel thread). */
	fake_set_mm(NULL);
	ck_assert_uint_eq(copy_from_user(buf, (void *)a, 8), 8);
	fake_set_mm(mm);
	ck_assert_int_eq(fake_host_check(mm), 0);
	mmput(mm);
	assert_no_leaks();
}
END_TEST

START_TEST(uaccess_strings)
{
	struct mm_struct *mm = current_mm();
	unsigned long a = 0x40000000;
	char buf[64], *s;
	int v = 0;

	ck_assert_int_eq(anon(a, 2 * P, PROT_READ | PROT_WRITE, MAP_FIXED), a);
	/* A string across the page boundary. */
	ck_assert_uint_eq(copy_to_user((void *)(a + P - 3), "abcdef", 7), 0);
	ck_assert_int_eq(strncpy_from_user(buf, (void *)(a + P - 3), sizeof(buf)), 6);
	ck_assert_str_eq(buf, "abcdef");
	ck_assert_int_eq(strncpy_from_user(buf, (void *)(a + P - 3), 4), 4);
	ck_assert_int_eq(strnlen_user((void *)(a + P - 3), 64), 7);
	s = strndup_user((void *)(a + P - 3), 64);
	ck_assert(!IS_ERR(s));
	ck_assert_str_eq(s, "abcdef");
	kfree(s);
	ck_assert_ptr_eq(strndup_user((void *)(a + P - 3), 5), ERR_PTR(-ENAMETOOLONG));
	/* Unterminated up to the end of the mapping. */
	memset(buf, 'z', sizeof(buf));
	ck_assert_uint_eq(copy_to_user((void *)(a + 2 * P - 64), buf, 64), 0);
	ck_assert_int_eq(strncpy_from_user(buf, (void *)(a + 2 * P - 64), 64), 64);
	ck_assert_int_eq(strncpy_from_user(buf, (void *)(a + 2 * P - 64), 65), -EFAULT);
	ck_assert_int_eq(strnlen_user((void *)(a + 2 * P - 64), 100), 0);
	/* get_user and put_user. */
	ck_assert_int_eq(put_user(42, (int *)(a + 8)), 0);
	ck_assert_int_eq(get_user(v, (int *)(a + 8)), 0);
	ck_assert_int_eq(v, 42);
	ck_assert_int_eq(get_user(v, (int *)8), -EFAULT);
	ck_assert_int_eq(v, 0);
	/* clear_user */
	ck_assert_uint_eq(clear_user((void *)(a + P - 3), 7), 0);
	ck_assert_int_eq(strncpy_from_user(buf, (void *)(a + P - 3), 8), 0);
	mmput(mm);
	assert_no_leaks();
}
END_TEST

START_TEST(uaccess_kernel_ds)
{
	struct mm_struct *mm = current_mm();
	char src[16] = "kernel", dst[16] = "", *s;
	mm_segment_t old = get_fs();

	ck_assert(!old.kernel);
	ck_assert(!access_ok(src, sizeof(src)));
	ck_assert_uint_eq(copy_from_user(dst, src, 7), 7);
	set_fs(KERNEL_DS);
	ck_assert(get_fs().kernel);
	ck_assert(access_ok(src, sizeof(src)));
	ck_assert_uint_eq(copy_from_user(dst, src, 7), 0);
	ck_assert_str_eq(dst, "kernel");
	ck_assert_uint_eq(copy_to_user(dst, "KERNEL", 7), 0);
	ck_assert_str_eq(dst, "KERNEL");
	ck_assert_int_eq(strncpy_from_user(dst, src, sizeof(dst)), 6);
	ck_assert_str_eq(dst, "kernel");
	s = strndup_user(src, 16);
	ck_assert_str_eq(s, "kernel");
	kfree(s);
	ck_assert_uint_eq(clear_user(dst, sizeof(dst)), 0);
	ck_assert_int_eq(dst[0], 0);
	set_fs(old);
	ck_assert(!get_fs().kernel);
	mmput(mm);
	assert_no_leaks();
}
END_TEST

START_TEST(uaccess_cow_and_get_user_page)
{
	struct mm_struct *parent = current_mm(), *child;
	unsigned long a = 0x40000000;
	struct page *p;
	char buf[8];

	ck_assert_int_eq(anon(a, P, PROT_READ | PROT_WRITE, MAP_FIXED), a);
	ck_assert_int_eq(anon(a + P, P, PROT_READ, MAP_FIXED), a + P);
	ck_assert_uint_eq(copy_to_user((void *)a, "orig", 5), 0);
	ck_assert_uint_eq(copy_to_user((void *)(a + P), "ro", 3), 3);  /* read-only */
	child = dup_mm(parent, 0);
	/* copy_to_user in the parent breaks COW; the child keeps "orig". */
	ck_assert_uint_eq(copy_to_user((void *)a, "PARE", 5), 0);
	fake_set_mm(child);
	ck_assert_uint_eq(copy_from_user(buf, (void *)a, 5), 0);
	ck_assert_str_eq(buf, "orig");
	/* get_user_page: a reference, and for write a private frame. */
	p = get_user_page(child, a, false);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(p->refcount, 2);
	put_page(p);
	ck_assert_ptr_null(get_user_page(child, a + P, true));
	p = get_user_page(child, a + P, false);
	ck_assert_ptr_nonnull(p);
	put_page(p);
	ck_assert_int_eq(fake_host_check(parent), 0);
	ck_assert_int_eq(fake_host_check(child), 0);
	mmput(child);
	mmput(parent);
	assert_no_leaks();
}
END_TEST

static Suite *mm_suite(void)
{
	Suite *s = suite_create("mm");
	TCase *t = tcase_create("page_alloc");

	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, buddy_counts);
	tcase_add_test(t, buddy_split_merge_exhaust);
	tcase_add_test(t, buddy_zero_and_refs);
	tcase_add_test(t, buddy_zero_fresh_and_reused);
	tcase_add_test_raise_signal(t, buddy_double_free_panics, SIGABRT);
	tcase_add_test_raise_signal(t, debug_pagealloc_catches_use_after_free, SIGABRT);
	suite_add_tcase(s, t);

	t = tcase_create("slab");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, kmalloc_sizes);
	tcase_add_test(t, kmalloc_many_objects);
	tcase_add_test(t, kmalloc_exhaustion);
	tcase_add_test(t, kmem_cache_basics);
	tcase_add_test(t, krealloc_kcalloc);
	tcase_add_test_raise_signal(t, kfree_double_panics, SIGABRT);
	suite_add_tcase(s, t);

	t = tcase_create("vm");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, pgtable_alloc_lookup_free);
	tcase_add_test(t, mmap_anon_fault_and_teardown);
	tcase_add_test(t, mmap_errors);
	tcase_add_test(t, munmap_splits);
	tcase_add_test(t, mprotect_splits_and_merges);
	tcase_add_test(t, anon_merge);
	tcase_add_test(t, brk_grows_and_shrinks);
	tcase_add_test(t, mremap_grow_shrink_move);
	tcase_add_test(t, madvise_dontneed_zeroes);
	tcase_add_test(t, stack_grows_down);
	tcase_add_test(t, rlimits_bound_growth);
	tcase_add_test(t, cow_after_dup_mm);
	tcase_add_test(t, dup_mm_copies_stack_at_sp);
	tcase_add_test(t, dup_mm_shared_anon);
	tcase_add_test(t, enomem_when_physmem_exhausted);
	tcase_add_test(t, mm_alloc_host_failure);
	tcase_add_test(t, mm_clear_keeps_host);
	tcase_add_test(t, file_private_and_shared);
	tcase_add_test(t, file_mmap_via_syscall);
	tcase_add_test(t, file_text_around);
	tcase_add_test(t, syscall_patch_in_mm);
	suite_add_tcase(s, t);

	t = tcase_create("uaccess");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, uaccess_bad_pointers);
	tcase_add_test(t, shared_file_writeback);
	tcase_add_test(t, uaccess_strings);
	tcase_add_test(t, uaccess_kernel_ds);
	tcase_add_test(t, uaccess_cow_and_get_user_page);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return check_run(mm_suite(), CK_FORK_GETENV);
}

/*
 * The page allocator: a binary buddy allocator (orders 0..MAX_ORDER) over
 * the frames of physmem. mem_map, one struct page per frame, sits at the
 * start of physmem and its own frames (below map_frames) are never
 * allocated: no free block holds them. A free block's head
 * frame carries PG_buddy and its order and sits on free_area[order].
 * Frames from fresh_pfn up are free too but on no list yet: a block of
 * them is added when the lists run dry, so memory never allocated is
 * never written, not even its struct pages (mem= costs nothing at boot).
 * The host gives frames their pages a chunk at a time as they are first
 * handed out (populate_frames), after mem_map one bit a chunk.
 * No reclaim: when nothing fits, alloc_pages returns NULL and the caller
 * reports -ENOMEM. CPU thread only; nothing here sleeps.
 */
#include <glass/mm.h>
#include <glass/monitor.h>
#include <glass/os.h>
#include "internal.h"

#define POISON_FREE 0x6b

struct page *mem_map;
unsigned long max_pfn;
unsigned long totalram_pages;
bool debug_pagealloc;

static struct list_head free_area[MAX_ORDER + 1];
static unsigned long nr_free;   /* on the lists */
static unsigned long fresh_pfn; /* frames from here up: free, never used */
static unsigned long map_frames;        /* mem_map's and the bitmap's frames */

/*
 * A host page fault on physmem costs 20-40 µs on a VM, so frames get their
 * host pages in one call a chunk at a time (2 MB populated in 1 ms against
 * 11-22 ms touched page by page), when the first of them is handed out:
 * a whole block at once also populated what boot never uses, and the
 * frames the host fills itself (__GFP_HOSTFILL: the initramfs's files),
 * 2-3 ms of each boot.
 */
#define POPULATE_CHUNK 32UL             /* frames */
static u8 *populated;                   /* a bit per chunk, after mem_map */

static void populate_frames(unsigned long pfn, unsigned long n)
{
	for (unsigned long c = pfn / POPULATE_CHUNK; c <= (pfn + n - 1) / POPULATE_CHUNK; c++) {
		unsigned long first = c * POPULATE_CHUNK;

		if (populated[c / 8] & (1 << (c % 8)))
			continue;
		populated[c / 8] |= 1 << (c % 8);
		os_physmem_populate(first << PAGE_SHIFT,
				    min(POPULATE_CHUNK, max_pfn - first) << PAGE_SHIFT);
	}
}

/* The struct pages of n frames from pfn, about to be written: their
 * mem_map frames get host pages in one call (16 of them for a 4 MiB
 * block), not a host page fault each (~30 of a boot's ~190). */
static void populate_map(unsigned long pfn, unsigned long n)
{
	os_populate(pfn_to_page(pfn), n * sizeof(struct page));
}

/* Take a free block off its list. */
static void del_free(struct page *p, unsigned int order)
{
	list_del(&p->lru);
	p->flags &= ~PG_buddy;
	nr_free -= 1UL << order;
}

/* Put a block on the free list of its order. */
static void add_free(struct page *p, unsigned int order)
{
	p->flags |= PG_buddy;
	p->order = order;
	list_add(&p->lru, &free_area[order]);
	nr_free += 1UL << order;
}

/* Return a block to the free lists, merging it with its free buddies. */
static void free_block(unsigned long pfn, unsigned int order)
{
	while (order < MAX_ORDER) {
		unsigned long buddy = pfn ^ (1UL << order);
		struct page *b = pfn_to_page(buddy);

		if (buddy + (1UL << order) > max_pfn ||
		    !(b->flags & PG_buddy) || b->order != order)
			break;
		del_free(b, order);
		pfn &= ~(1UL << order);
		order++;
	}
	add_free(pfn_to_page(pfn), order);
}

/* Put the next block of never-used frames on the free lists: the largest
 * naturally aligned one at fresh_pfn. False when there is none left. */
static bool add_fresh_block(void)
{
	unsigned int order = MAX_ORDER;

	if (fresh_pfn >= max_pfn)
		return false;
	while (order && ((fresh_pfn & ((1UL << order) - 1)) ||
			 fresh_pfn + (1UL << order) > max_pfn))
		order--;
	/* Still the memfd's zeros: alloc_pages need not zero them (but
	 * debug_pagealloc poisons them). */
	if (debug_pagealloc) {
		memset((void *)(PHYSMEM_BASE + (fresh_pfn << PAGE_SHIFT)),
		       POISON_FREE, PAGE_SIZE << order);
	} else {
		populate_map(fresh_pfn, 1UL << order);
		for (unsigned long i = 0; i < (1UL << order); i++)
			pfn_to_page(fresh_pfn + i)->flags = PG_fresh;
	}
	add_free(pfn_to_page(fresh_pfn), order);
	fresh_pfn += 1UL << order;
	return true;
}

/*
 * Set up mem_map over physmem_bytes of physmem, which the caller has
 * mapped (zero-filled) at PHYSMEM_BASE. Boot, once. A zero struct page
 * is a valid frame that is not free, so nothing is written here: frames
 * become free blocks as they are needed (add_fresh_block), and memory
 * never used costs neither boot time nor host RSS (at mem=4G mem_map
 * alone is 92 MiB, at 16G the entries of its own frames 8 MiB).
 */
void mem_init(unsigned long physmem_bytes)
{
	max_pfn = physmem_bytes >> PAGE_SHIFT;
	mem_map = (struct page *)PHYSMEM_BASE;
	populated = (u8 *)(mem_map + max_pfn);
	map_frames = DIV_ROUND_UP(max_pfn * sizeof(struct page) +
				  DIV_ROUND_UP(max_pfn, POPULATE_CHUNK * 8), PAGE_SIZE);
	if (map_frames >= max_pfn)
		panic("mem_init: %lu bytes of physmem cannot hold mem_map",
		      physmem_bytes);
	for (int i = 0; i <= MAX_ORDER; i++)
		INIT_LIST_HEAD(&free_area[i]);
	nr_free = 0;
	fresh_pfn = map_frames;
	totalram_pages = max_pfn - map_frames;
	kmem_cache_init();
}

/* debug_pagealloc: a block being handed out must still hold its poison. */
static void check_poison(struct page *page, unsigned int order)
{
	const unsigned char *a = page_address(page);

	for (unsigned long i = 0; i < (PAGE_SIZE << order); i++)
		if (a[i] != POISON_FREE)
			panic("page poison: frame %lu written at +%#lx after free",
			      page_to_pfn(page), i);
}

/*
 * Allocate 2^order contiguous frames; the head gets refcount 1 and its
 * order. NULL when no block is free. CPU thread; never sleeps.
 */
struct page *alloc_pages(gfp_t gfp, unsigned int order)
{
	struct page *page = NULL;
	bool fresh = true;
	unsigned int o;

	if (order > MAX_ORDER) {
		if (!(gfp & GFP_NOWARN))
			pr_warn("alloc_pages: order %u too large\n", order);
		return NULL;
	}
	do {
		for (o = order; o <= MAX_ORDER; o++) {
			if (!list_empty(&free_area[o])) {
				page = list_first_entry(&free_area[o], struct page, lru);
				break;
			}
		}
	} while (!page && add_fresh_block());
	if (!page)
		return NULL;
	del_free(page, o);
	/* Give back the upper halves until the block is the right size. */
	while (o > order) {
		o--;
		add_free(page + (1UL << o), o);
	}
	if (debug_pagealloc)
		check_poison(page, order);
	for (unsigned long i = 0; i < (1UL << order); i++) {
		fresh &= !!(page[i].flags & PG_fresh);
		page[i].flags = 0;
		page[i].refcount = 0;
		page[i].mapcount = 0;
		page[i].private = NULL;
		page[i].mapping = NULL;
		page[i].index = 0;
		page[i].freelist = NULL;
		page[i].inuse = 0;
	}
	page->refcount = 1;
	page->order = order;
	page->alloc_site = (unsigned long)__builtin_return_address(0);
	/* A frame never handed out is still the memfd's zeros, and the host
	 * has not even allocated it: writing zeros would cost a host page
	 * fault here for nothing (a guest's first touch would pay two). */
	if (!(gfp & __GFP_HOSTFILL))
		populate_frames(page_to_pfn(page), 1UL << order);
	if ((gfp & __GFP_ZERO) && !fresh)
		memset(page_address(page), 0, PAGE_SIZE << order);
	return page;
}

/* Give a block back without looking at its refcount. */
static void free_pages_now(struct page *page, unsigned int order)
{
	BUG_ON(page->flags & PG_buddy || page_to_pfn(page) < map_frames);
	BUG_ON(page->mapcount != 0);
	page->flags = 0;
	page->refcount = 0;
	page->mapping = NULL;
	page->private = NULL;
	if (debug_pagealloc)
		memset(page_address(page), POISON_FREE, PAGE_SIZE << order);
	free_block(page_to_pfn(page), order);
}

/*
 * Drop the reference that alloc_pages gave; the block is freed when the
 * last reference goes. Freeing a free frame panics ("double free").
 */
void __free_pages(struct page *page, unsigned int order)
{
	if (page->flags & PG_buddy)
		panic("__free_pages: double free of frame %lu", page_to_pfn(page));
	BUG_ON(page->refcount <= 0);
	if (--page->refcount == 0)
		free_pages_now(page, order);
}

/* Take one more reference on an allocated frame. */
void get_page(struct page *p)
{
	BUG_ON(p->refcount <= 0 || (p->flags & PG_buddy));
	p->refcount++;
}

/*
 * Drop a reference; the last one frees the block (of the order it was
 * allocated with). A page-cache page's owner has already let go of it
 * by then, so only the link is cleared.
 */
void put_page(struct page *p)
{
	__free_pages(p, p->order);
}

/* alloc_pages, returning the frames' kernel address (or NULL). */
void *get_free_pages(gfp_t gfp, unsigned int order)
{
	struct page *p = alloc_pages(gfp, order);

	return p ? page_address(p) : NULL;
}

/* Free frames from get_free_pages; NULL is ignored. */
void free_pages(void *addr, unsigned int order)
{
	if (!addr)
		return;
	BUG_ON(!virt_is_physmem(addr) || !IS_ALIGNED((unsigned long)addr, PAGE_SIZE));
	__free_pages(virt_to_page(addr), order);
}

/* Free frames now: on the lists or never used. (From the monitor, off by
 * a block while one moves to the lists.) */
unsigned long __monitor_text nr_free_pages(void)
{
	return nr_free + (max_pfn - fresh_pfn);
}

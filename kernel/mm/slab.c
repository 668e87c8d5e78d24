/*
 * The slab allocator. A cache hands out objects of one size from slabs,
 * each one physmem frame (PG_slab, page->private = the cache, freelist
 * and inuse in the struct page). Objects over SLAB_MAX_OBJ take whole
 * pages straight from alloc_pages, marked PG_large with their order, so
 * kfree and ksize need no size. kmalloc is a set of power-of-two caches.
 * An empty slab goes back to the page allocator at once, so free-page
 * counts return to where they were when every object is freed.
 * CPU thread only; nothing here sleeps.
 */
#include <glass/export.h>
#include <glass/monitor.h>
#include <glass/mm.h>
#include "internal.h"

#define SLAB_MAX_OBJ 2048
#define KMALLOC_MIN_SHIFT 3
#define KMALLOC_MAX_SHIFT 11
#define FREE_MAGIC 0x5afe5afe5afe5afeUL   /* second word of a free object */

struct kmem_cache {
	char name[24];
	size_t size;                /* object size, aligned */
	size_t obj_size;            /* as asked for */
	unsigned int objs_per_slab; /* 0: a PG_large cache */
	unsigned long in_use;
	unsigned long nr_slabs;
	struct list_head partial;   /* slabs with a free object */
	struct list_head full;
	struct list_head list;      /* cache_chain */
};

static struct kmem_cache cache_cache;   /* the caches themselves */
static struct kmem_cache kmalloc_caches[KMALLOC_MAX_SHIFT - KMALLOC_MIN_SHIFT + 1];
static LIST_HEAD(cache_chain);
static unsigned long objects_in_use;
static bool slab_ready;

/* Fill in a cache's fields (no allocation). */
static void cache_setup(struct kmem_cache *c, const char *name, size_t size,
			size_t align)
{
	memset(c, 0, sizeof(*c));
	strscpy(c->name, name, sizeof(c->name));
	if (align < sizeof(void *))
		align = sizeof(void *);
	c->obj_size = size;
	c->size = ALIGN(max_t(size_t, size, sizeof(void *)), align);
	c->objs_per_slab = c->size > SLAB_MAX_OBJ ? 0 : PAGE_SIZE / c->size;
	INIT_LIST_HEAD(&c->partial);
	INIT_LIST_HEAD(&c->full);
	list_add_tail(&c->list, &cache_chain);
}

/* Boot: the cache of caches and the kmalloc caches. Called by mem_init. */
void kmem_cache_init(void)
{
	static char names[ARRAY_SIZE(kmalloc_caches)][16];

	INIT_LIST_HEAD(&cache_chain);
	objects_in_use = 0;
	cache_setup(&cache_cache, "kmem_cache", sizeof(struct kmem_cache), 0);
	for (unsigned int i = 0; i < ARRAY_SIZE(kmalloc_caches); i++) {
		size_t size = 1UL << (i + KMALLOC_MIN_SHIFT);

		scnprintf(names[i], sizeof(names[i]), "kmalloc-%zu", size);
		cache_setup(&kmalloc_caches[i], names[i], size, size);
	}
	slab_ready = true;
}

/* Create a cache of objects of size bytes aligned to align (0: pointer). */
struct kmem_cache *kmem_cache_create(const char *name, size_t size, size_t align)
{
	struct kmem_cache *c;

	if (!size || (align & (align - 1)) || align > PAGE_SIZE)
		return NULL;
	c = kmem_cache_alloc(&cache_cache, 0);
	if (!c)
		return NULL;
	cache_setup(c, name, size, align);
	return c;
}

/* Destroy a cache with no objects left; keeps it (and warns) otherwise. */
void kmem_cache_destroy(struct kmem_cache *c)
{
	if (!c)
		return;
	if (c->in_use) {
		pr_err("kmem_cache_destroy %s: %lu objects still in use\n",
		       c->name, c->in_use);
		return;
	}
	list_del(&c->list);
	kmem_cache_free(&cache_cache, c);
}

/* A fresh slab for c, its objects chained on the freelist. */
static struct page *new_slab(struct kmem_cache *c, gfp_t gfp)
{
	struct page *page = alloc_pages(gfp & GFP_NOWARN, 0);
	char *base;
	void **prev;

	if (!page)
		return NULL;
	page->flags |= PG_slab;
	page->private = c;
	page->inuse = 0;
	base = page_address(page);
	prev = &page->freelist;
	for (unsigned int i = 0; i < c->objs_per_slab; i++) {
		void **obj = (void **)(base + i * c->size);

		*prev = obj;
		prev = obj;
		if (c->size >= 2 * sizeof(void *))
			obj[1] = (void *)FREE_MAGIC;
	}
	*prev = NULL;
	list_add(&page->lru, &c->partial);
	c->nr_slabs++;
	return page;
}

/* Whole pages for one object of a PG_large cache. */
static void *alloc_large(struct kmem_cache *c, size_t size, gfp_t gfp)
{
	unsigned int order = 0;
	struct page *page;

	while ((PAGE_SIZE << order) < size)
		order++;
	page = alloc_pages(gfp, order);
	if (!page)
		return NULL;
	page->flags |= PG_large;
	page->private = c;
	if (c)
		c->in_use++;
	objects_in_use++;
	return page_address(page);
}

/* One object from c, or NULL when physmem is exhausted. */
void *kmem_cache_alloc(struct kmem_cache *c, gfp_t gfp)
{
	struct page *page;
	void **obj;

	if (!c->objs_per_slab)
		return alloc_large(c, c->size, gfp);
	if (list_empty(&c->partial) && !new_slab(c, gfp))
		return NULL;
	page = list_first_entry(&c->partial, struct page, lru);
	obj = page->freelist;
	page->freelist = *obj;
	if (c->size >= 2 * sizeof(void *))
		obj[1] = NULL;
	if (++page->inuse == c->objs_per_slab) {
		list_del(&page->lru);
		list_add(&page->lru, &c->full);
	}
	c->in_use++;
	objects_in_use++;
	if (gfp & __GFP_ZERO)
		memset(obj, 0, c->obj_size);
	return obj;
}

/* Panics if obj is already on its slab's freelist ("slab double free"). */
static void check_double_free(struct kmem_cache *c, struct page *page, void **obj)
{
	if (c->size < 2 * sizeof(void *) || obj[1] != (void *)FREE_MAGIC)
		return;
	for (void **f = page->freelist; f; f = *f)
		if (f == obj)
			panic("slab double free: %p in %s", (void *)obj, c->name);
}

/* Return an object to its slab; an emptied slab goes back to the page
 * allocator. */
static void slab_free(struct kmem_cache *c, struct page *page, void *p)
{
	void **obj = p;

	if (((char *)p - (char *)page_address(page)) % c->size)
		panic("slab free: %p is not an object of %s", p, c->name);
	check_double_free(c, page, obj);
	*obj = page->freelist;
	if (c->size >= 2 * sizeof(void *))
		obj[1] = (void *)FREE_MAGIC;
	page->freelist = obj;
	if (page->inuse-- == c->objs_per_slab) {
		list_del(&page->lru);
		list_add(&page->lru, &c->partial);
	}
	c->in_use--;
	objects_in_use--;
	if (!page->inuse) {
		list_del(&page->lru);
		c->nr_slabs--;
		page->flags &= ~PG_slab;
		page->freelist = NULL;
		__free_pages(page, 0);
	}
}

/* The page holding a kmalloc'd object; panics on a pointer we never gave. */
static struct page *obj_page(const void *p)
{
	struct page *page;

	if (!virt_is_physmem(p))
		panic("kfree: %p is not a kernel heap pointer", p);
	page = virt_to_page(p);
	if (!(page->flags & (PG_slab | PG_large)))
		panic("kfree: %p is not allocated (frame flags %#lx)", p, page->flags);
	return page;
}

/* Free an object of c. */
void kmem_cache_free(struct kmem_cache *c, void *obj)
{
	struct page *page;

	if (!obj)
		return;
	page = obj_page(obj);
	if (page->private != c)
		panic("kmem_cache_free: %p does not belong to %s", obj, c->name);
	if (page->flags & PG_large) {
		c->in_use--;
		objects_in_use--;
		page->flags &= ~PG_large;
		__free_pages(page, page->order);
		return;
	}
	slab_free(c, page, obj);
}

/* The kmalloc cache for size, or NULL if size needs whole pages. */
static struct kmem_cache *kmalloc_cache(size_t size)
{
	unsigned int shift = KMALLOC_MIN_SHIFT;

	if (size > SLAB_MAX_OBJ)
		return NULL;
	while ((1UL << shift) < size)
		shift++;
	return &kmalloc_caches[shift - KMALLOC_MIN_SHIFT];
}

/* size bytes of kernel memory (at least 8-byte aligned) or NULL. */
void *kmalloc(size_t size, gfp_t gfp)
{
	struct kmem_cache *c;

	if (!slab_ready)
		panic("kmalloc before mem_init");
	c = kmalloc_cache(size);
	if (!c) {
		void *p;

		if (size > (PAGE_SIZE << MAX_ORDER))
			return NULL;
		p = alloc_large(NULL, size, gfp);
		return p;
	}
	return kmem_cache_alloc(c, gfp);
}
EXPORT_SYMBOL(kmalloc);

/* kmalloc, zeroed. */
void *kzalloc(size_t size, gfp_t gfp)
{
	return kmalloc(size, gfp | __GFP_ZERO);
}
EXPORT_SYMBOL(kzalloc);

/* A zeroed array of n elements; NULL on overflow. */
void *kcalloc(size_t n, size_t size, gfp_t gfp)
{
	if (size && n > (size_t)-1 / size)
		return NULL;
	return kzalloc(n * size, gfp);
}

/* Usable size of a kmalloc'd object. */
size_t ksize(const void *p)
{
	struct page *page;

	if (!p)
		return 0;
	page = obj_page(p);
	if (page->flags & PG_large)
		return PAGE_SIZE << page->order;
	return ((struct kmem_cache *)page->private)->size;
}

/* Resize p, keeping its contents; size 0 frees. On failure p is intact. */
void *krealloc(void *p, size_t size, gfp_t gfp)
{
	size_t old;
	void *n;

	if (!p)
		return kmalloc(size, gfp);
	if (!size) {
		kfree(p);
		return NULL;
	}
	old = ksize(p);
	if (size <= old)
		return p;
	n = kmalloc(size, gfp & ~__GFP_ZERO);
	if (!n)
		return NULL;
	memcpy(n, p, old);
	if (gfp & __GFP_ZERO)
		memset((char *)n + old, 0, size - old);
	kfree(p);
	return n;
}

/* Free a kmalloc'd object (or any cache's, as Linux allows); NULL is
 * ignored. */
void kfree(const void *p)
{
	struct page *page;

	if (!p)
		return;
	page = obj_page(p);
	if (page->flags & PG_large) {
		if (page->private)
			((struct kmem_cache *)page->private)->in_use--;
		objects_in_use--;
		page->flags &= ~PG_large;
		__free_pages(page, page->order);
		return;
	}
	slab_free(page->private, page, (void *)p);
}
EXPORT_SYMBOL(kfree);

/* Objects handed out and not yet freed, all caches together. */
unsigned long __monitor_text slab_objects_in_use(void)
{
	return objects_in_use;
}

/* /proc/slabinfo style: name, active objects, total objects, object size,
 * objects per slab, slabs. Returns the characters written. */
int slab_info(char *buf, size_t size)
{
	struct kmem_cache *c;
	int n;

	n = scnprintf(buf, size, "# name            <active_objs> <num_objs> "
		      "<objsize> <objperslab> <slabs>\n");
	list_for_each_entry(c, &cache_chain, list)
		n += scnprintf(buf + n, size - n, "%-18s %8lu %8lu %6zu %4u %6lu\n",
			       c->name, c->in_use,
			       c->objs_per_slab ? c->nr_slabs * c->objs_per_slab
						: c->in_use,
			       c->size, c->objs_per_slab, c->nr_slabs);
	return n;
}

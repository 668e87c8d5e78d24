/*
 * Fakes of the rest of the kernel for the VFS unit tests (beside
 * kmalloc_fakes.c and printk_fakes.c): a page allocator over frames mmapped at PHYSMEM_BASE (so
 * page_address() works), uaccess as memcpy (addresses below 64 KiB
 * fault), one `current` task with files and fs, wait queues whose
 * schedule() calls a test hook (or pretends a signal arrived), timers
 * that never fire, send_sig recording, no guest mappings (rmap does
 * nothing).
 * The real printf family (kernel/lib/vsprintf.c) and wait queues
 * (kernel/sched/wait.c) are linked beside it, not copied.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

/* The kernel headers, kept apart from libc by kernel_in_host.h. */
#include "kernel_in_host.h"

#include "fs_fakes.h"

/* ---- pages ---- */
#define FAKE_PAGES 4096
struct page *mem_map;
unsigned long max_pfn;
unsigned long totalram_pages = FAKE_PAGES;
long fake_pages_live;
static struct page fake_mem_map[FAKE_PAGES];
static unsigned long next_free_hint;

static void pages_init(void)
{
	void *m;

	if (mem_map)
		return;
	m = mmap((void *)PHYSMEM_BASE, FAKE_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (m != (void *)PHYSMEM_BASE) {
		fprintf(stderr, "fs_fakes: cannot map physmem at %#lx\n", PHYSMEM_BASE);
		abort();
	}
	mem_map = fake_mem_map;
	max_pfn = FAKE_PAGES;
}

struct page *alloc_pages(gfp_t gfp, unsigned int order)
{
	pages_init();
	if (order)
		return NULL;
	for (unsigned long i = 0; i < FAKE_PAGES; i++) {
		unsigned long pfn = (next_free_hint + i) % FAKE_PAGES;
		struct page *p = &mem_map[pfn];

		if (p->refcount)
			continue;
		memset(p, 0, sizeof(*p));
		p->refcount = 1;
		next_free_hint = pfn + 1;
		fake_pages_live++;
		memset(page_address(p), (gfp & __GFP_ZERO) ? 0 : 0xa5, PAGE_SIZE);
		return p;
	}
	return NULL;
}

void __free_pages(struct page *p, unsigned int order)
{
	(void)order;
	put_page(p);
}

void get_page(struct page *p)
{
	p->refcount++;
}

void put_page(struct page *p)
{
	if (p->refcount <= 0) {
		fprintf(stderr, "fs_fakes: put_page on a free page\n");
		abort();
	}
	if (--p->refcount == 0) {
		p->mapping = NULL;
		fake_pages_live--;
	}
}

/* No guest mappings here: nothing to unmap or write-protect. */
void unmap_mapping_range(struct inode *inode, unsigned long first)
{
}

void mapping_wrprotect(struct inode *inode, unsigned long first, unsigned long last)
{
}

unsigned long nr_free_pages(void)
{
	return FAKE_PAGES - fake_pages_live;
}

/* ---- uaccess ---- */
static mm_segment_t cur_seg;

mm_segment_t get_fs(void) { return cur_seg; }
void set_fs(mm_segment_t seg) { cur_seg = seg; }

static bool bad_ptr(const void *p)
{
	return (unsigned long)p < 0x10000;
}

bool access_ok(const void *p, unsigned long n)
{
	return !bad_ptr(p) || !n;
}

unsigned long copy_from_user(void *to, const void *from, unsigned long n)
{
	if (n && bad_ptr(from))
		return n;
	memcpy(to, from, n);
	return 0;
}

unsigned long copy_to_user(void *to, const void *from, unsigned long n)
{
	if (n && bad_ptr(to))
		return n;
	memcpy(to, from, n);
	return 0;
}

unsigned long clear_user(void *to, unsigned long n)
{
	if (n && bad_ptr(to))
		return n;
	memset(to, 0, n);
	return 0;
}

long strncpy_from_user(char *dst, const char *src, long count)
{
	long i;

	if (bad_ptr(src))
		return -EFAULT;
	for (i = 0; i < count; i++) {
		dst[i] = src[i];
		if (!src[i])
			return i;
	}
	return count;
}

char *strndup_user(const char *s, long max)
{
	long n;
	char *p;

	if (bad_ptr(s))
		return ERR_PTR(-EFAULT);
	n = strnlen(s, max);
	if (n >= max)
		return ERR_PTR(-ENAMETOOLONG);
	p = kmalloc(n + 1, 0);
	if (!p)
		return ERR_PTR(-ENOMEM);
	memcpy(p, s, n + 1);
	return p;
}

/* ---- tasks, waiting, signals ---- */
/* The fd table checks RLIMIT_NOFILE: Linux's default. */
static struct signal_struct fake_signal = {
	.rlim = { [RLIMIT_NOFILE] = { NR_OPEN_MAX, NR_OPEN_MAX } },
};
static struct task_struct fake_task = { .comm = "test", .signal = &fake_signal };
struct task_struct *current = &fake_task;
/* The idle task: mnt_set_root (root=) moves its root too. */
struct task_struct init_task;
bool fake_signal_pending;
int fake_sigpipe_count;
int fake_schedule_count;
void (*fake_schedule_hook)(void);

bool signal_pending_current(void) { return fake_signal_pending; }
void set_current_state(long state) { current->state = state; }
void wake_up_process(struct task_struct *t) { t->state = TASK_RUNNING; }

int send_sig(int sig, struct task_struct *t, int priv)
{
	(void)t;
	(void)priv;
	if (sig == SIGPIPE)
		fake_sigpipe_count++;
	return 0;
}

/* Sleeping: run the test's hook (another "task" acting), else pretend a
 * signal arrived so the sleeper gives up instead of hanging the test. */
void schedule(void)
{
	fake_schedule_count++;
	if (fake_schedule_hook)
		fake_schedule_hook();
	else
		fake_signal_pending = true;
}

/* ---- time ---- */
u64 ktime_get_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

u64 ktime_get_real_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

void timer_setup(struct timer_list *t, void (*fn)(struct timer_list *), unsigned int flags)
{
	memset(t, 0, sizeof(*t));
	t->function = fn;
	INIT_LIST_HEAD(&t->entry);
}

void mod_timer_ns(struct timer_list *t, u64 expires_ns)
{
	t->expires_ns = expires_ns;
	t->pending = true;
}

int del_timer(struct timer_list *t)
{
	int was = t->pending;

	t->pending = false;
	return was;
}

/* Module references (kernel/module/main.c): the files here are glass's own. */
bool try_module_get(struct module *mod)
{
	return true;
}

void module_put(struct module *mod)
{
}

/* ---- host ---- */
int os_physmem_write(unsigned long off, const void *src, unsigned long len)
{
	memcpy((char *)PHYSMEM_BASE + off, src, len);
	return 0;
}

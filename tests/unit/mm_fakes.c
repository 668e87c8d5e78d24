/*
 * Fakes for the kernel/mm unit tests: physmem as an anonymous mapping at
 * PHYSMEM_BASE, a current task, the host queue (recorded, and replayed
 * into a model of each host process so tests can check that the host
 * mirrors the page tables), a tiny page cache with a writepage, fds,
 * timers (printk and panic: printk_fakes.c). The current task is the only
 * one on task_list.
 */
#include <stdio.h>
#include <sys/mman.h>
/* stdio's renameat2 flags; fs.h has its own. */
#undef RENAME_NOREPLACE
#undef RENAME_EXCHANGE
#undef RENAME_WHITEOUT

#include <glass/init.h>
#include <glass/mm.h>
#include <glass/os.h>
#include <glass/fs.h>
#include <glass/sched.h>
#include "../../kernel/mm/internal.h"
#include "mm_fakes.h"

void abort(void);
void *calloc(size_t n, size_t size);
void free(void *p);

/* ---- what syscall patching (kernel/arch/x86_64/syscall_patch.c) asks ---- */

struct boot_params boot = { .syscall_patch = 1 };

unsigned long os_xstate_size(void)
{
	return 2696;
}

/* ---- physmem and current ---- */

/* mmap and stack growth check RLIMIT_AS and RLIMIT_STACK: Linux's defaults. */
static struct signal_struct fake_signal = {
	.rlim = {
		[RLIMIT_STACK] = { _STK_LIM, RLIM_INFINITY },
		[RLIMIT_AS] = { RLIM_INFINITY, RLIM_INFINITY },
	},
};
static struct task_struct fake_task;

struct rlimit64 *fake_rlimits(void)
{
	return fake_signal.rlim;
}
struct task_struct *current = &fake_task;
LIST_HEAD(task_list);
static unsigned long physmem_bytes;

int fake_mem_init(unsigned long bytes)
{
	void *p;

	fake_mem_exit();
	p = mmap((void *)PHYSMEM_BASE, bytes, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (p != (void *)PHYSMEM_BASE)
		return -1;
	physmem_bytes = bytes;
	memset(&fake_task, 0, sizeof(fake_task));
	fake_task.addr_limit = USER_DS;
	INIT_LIST_HEAD(&task_list);
	list_add_tail(&fake_task.tasks, &task_list);
	fake_task.signal = &fake_signal;
	fake_host_reset();
	mem_init(bytes);
	return 0;
}

/* The fake physmem is anonymous memory: its pages fault in as used. */
void os_physmem_populate(unsigned long off, unsigned long len)
{
}

void os_populate(void *addr, unsigned long len)
{
}

void fake_mem_exit(void)
{
	if (physmem_bytes)
		munmap((void *)PHYSMEM_BASE, physmem_bytes);
	physmem_bytes = 0;
}

void fake_set_mm(struct mm_struct *mm)
{
	fake_task.mm = mm;
}

/* ---- the host: op log and a model of each host process ---- */

struct fake_op fake_ops[FAKE_MAX_OPS];
int fake_nr_ops;
int fake_host_errors;
int fake_host_live;
int fake_host_fail_init;

#define MAX_HOST_PAGES 65536
struct host_page {
	struct mm_struct *mm;
	unsigned long addr, phys;
	int prot;
};
static struct host_page host_pages[MAX_HOST_PAGES];
static int nr_host_pages;

void fake_host_reset(void)
{
	fake_nr_ops = 0;
	fake_host_errors = 0;
	fake_host_live = 0;
	fake_host_fail_init = 0;
	nr_host_pages = 0;
}

static struct host_page *host_find(struct mm_struct *mm, unsigned long addr)
{
	for (int i = 0; i < nr_host_pages; i++)
		if (host_pages[i].mm == mm && host_pages[i].addr == addr)
			return &host_pages[i];
	return NULL;
}

static void host_drop(struct host_page *h)
{
	*h = host_pages[--nr_host_pages];
}

static void log_op(struct mm_struct *mm, int type, unsigned long addr,
		   unsigned long phys, unsigned long len, int prot)
{
	if (fake_nr_ops < FAKE_MAX_OPS)
		fake_ops[fake_nr_ops++] = (struct fake_op){ mm, type, addr, phys, len, prot };
	if ((addr | len) & (PAGE_SIZE - 1)) {
		fprintf(stderr, "host op %d with misaligned %#lx+%#lx\n", type, addr, len);
		fake_host_errors++;
	}
	if (!mm->host.pid) {
		fprintf(stderr, "host op on an mm without a host process\n");
		fake_host_errors++;
	}
}

void host_queue_map(struct mm_struct *mm, unsigned long addr, unsigned long phys,
		    unsigned long len, int prot)
{
	log_op(mm, FAKE_MAP, addr, phys, len, prot);
	for (unsigned long o = 0; o < len; o += PAGE_SIZE) {
		struct host_page *h = host_find(mm, addr + o);

		if (!h) {
			if (nr_host_pages == MAX_HOST_PAGES) {
				fake_host_errors++;
				return;
			}
			h = &host_pages[nr_host_pages++];
		}
		*h = (struct host_page){ mm, addr + o, phys + o, prot };
	}
}

/* The fake queue never fills. */
bool host_queue_room(struct mm_struct *mm)
{
	return mm->host.pid;
}

/* The host's page tables are not modelled: populated or not is the same. */
void host_queue_map_populate(struct mm_struct *mm, unsigned long addr,
			     unsigned long phys, unsigned long len, int prot)
{
	host_queue_map(mm, addr, phys, len, prot);
}

void host_queue_unmap(struct mm_struct *mm, unsigned long addr, unsigned long len)
{
	log_op(mm, FAKE_UNMAP, addr, 0, len, 0);
	for (unsigned long o = 0; o < len; o += PAGE_SIZE) {
		struct host_page *h = host_find(mm, addr + o);

		if (h)
			host_drop(h);
	}
}

void host_queue_protect(struct mm_struct *mm, unsigned long addr,
			unsigned long len, int prot)
{
	log_op(mm, FAKE_PROTECT, addr, 0, len, prot);
	for (unsigned long o = 0; o < len; o += PAGE_SIZE) {
		struct host_page *h = host_find(mm, addr + o);

		/* The host's mprotect fails on a hole: a kernel bug. */
		if (!h) {
			fprintf(stderr, "host mprotect of unmapped %#lx\n", addr + o);
			fake_host_errors++;
			continue;
		}
		h->prot = prot;
	}
}

int host_flush(struct mm_struct *mm)
{
	(void)mm;
	return 0;
}

/* The fake host applies every op at once: nothing to hold. */
void host_put_page(struct mm_struct *mm, struct page *page)
{
	(void)mm;
	put_page(page);
}

void host_release(struct mm_struct *mm)
{
	(void)mm;
}

int host_mm_init(struct mm_struct *mm)
{
	static int next_pid = 1000;

	if (fake_host_fail_init)
		return -EAGAIN;
	mm->host.pid = next_pid++;
	fake_host_live++;
	return 0;
}

void host_mm_destroy(struct mm_struct *mm)
{
	for (int i = 0; i < nr_host_pages; )
		if (host_pages[i].mm == mm)
			host_drop(&host_pages[i]);
		else
			i++;
	if (mm->host.pid)
		fake_host_live--;
	mm->host.pid = 0;
}

/* No OOM killer here: nothing marks an mm a victim. */
void exit_oom_victim(void)
{
}

int fake_host_count(struct mm_struct *mm)
{
	int n = 0;

	for (int i = 0; i < nr_host_pages; i++)
		n += host_pages[i].mm == mm;
	return n;
}

int fake_host_prot(struct mm_struct *mm, unsigned long addr)
{
	struct host_page *h = host_find(mm, addr & PAGE_MASK);

	return h ? h->prot : -1;
}

static int count_present(struct mm_struct *mm, unsigned long addr, u64 *pte,
			 void *arg)
{
	(void)mm, (void)addr;
	if (*pte & _PAGE_PRESENT)
		++*(int *)arg;
	return 0;
}

/* Every present PTE is in the host with its frame and protection, and
 * the host has nothing else. Returns the number of mismatches. */
int fake_host_check(struct mm_struct *mm)
{
	int bad = 0, present = 0;

	for (int i = 0; i < nr_host_pages; i++) {
		struct host_page *h = &host_pages[i];
		u64 *pte;
		int prot;

		if (h->mm != mm)
			continue;
		pte = pte_lookup(mm, h->addr);
		if (!pte || !(*pte & _PAGE_PRESENT)) {
			fprintf(stderr, "host maps %#lx, no PTE\n", h->addr);
			bad++;
			continue;
		}
		prot = ((*pte & _PAGE_READ) ? 1 : 0) | ((*pte & _PAGE_RW) ? 2 : 0) |
		       ((*pte & _PAGE_EXEC) ? 4 : 0);
		if ((*pte & PTE_PFN_MASK) != h->phys || prot != h->prot) {
			fprintf(stderr, "host %#lx: phys %#lx prot %d, PTE %#llx\n",
				h->addr, h->phys, h->prot, (unsigned long long)*pte);
			bad++;
		}
	}
	walk_ptes(mm, 0, TASK_SIZE, count_present, &present);
	if (present != fake_host_count(mm)) {
		fprintf(stderr, "%d PTEs present, host has %d pages\n", present,
			fake_host_count(mm));
		bad++;
	}
	if ((unsigned long)present != mm->rss) {
		fprintf(stderr, "%d PTEs present, rss %lu\n", present, mm->rss);
		bad++;
	}
	return bad + fake_host_errors;
}

/* ---- files and the page cache ---- */

struct file *fake_files[FAKE_MAX_FILES];

struct file *fget(unsigned int fd)
{
	if (fd >= FAKE_MAX_FILES || !fake_files[fd])
		return NULL;
	fake_files[fd]->f_count++;
	return fake_files[fd];
}

struct file *get_file(struct file *f)
{
	f->f_count++;
	return f;
}

void fput(struct file *f)
{
	if (f->f_count <= 0) {
		fprintf(stderr, "fput: count %d\n", f->f_count);
		abort();
	}
	f->f_count--;
}

struct page *find_page(struct inode *inode, unsigned long index)
{
	return index < inode->i_npages_cap ? inode->i_pages[index] : NULL;
}

/* i_private holds the file's bytes (i_size of them). */
struct page *filemap_get_page(struct inode *inode, unsigned long index)
{
	struct page *page;

	if (index >= inode->i_npages_cap)
		return ERR_PTR(-EIO);
	page = inode->i_pages[index];
	if (!page) {
		unsigned long off = index << PAGE_SHIFT, n = 0;

		page = alloc_page(__GFP_ZERO);
		if (!page)
			return ERR_PTR(-ENOMEM);
		if ((unsigned long)inode->i_size > off)
			n = inode->i_size - off;
		if (n > PAGE_SIZE)
			n = PAGE_SIZE;
		memcpy(page_address(page), (char *)inode->i_private + off, n);
		page->mapping = inode;
		page->index = index;
		page->flags |= PG_uptodate;
		inode->i_pages[index] = page;
	}
	get_page(page);
	return page;
}

void fake_file_init(struct file *f, struct inode *inode, void *data,
		    unsigned long size, unsigned int fmode)
{
	memset(inode, 0, sizeof(*inode));
	memset(f, 0, sizeof(*f));
	INIT_LIST_HEAD(&inode->i_wb_list);
	inode->i_mode = S_IFREG | 0644;
	inode->i_size = size;
	inode->i_private = data;
	inode->i_npages_cap = DIV_ROUND_UP(size, PAGE_SIZE) + 4;
	inode->i_pages = calloc(inode->i_npages_cap, sizeof(struct page *));
	f->f_count = 1;
	f->f_mode = fmode;
	f->f_inode = inode;
}

void fake_file_drop_cache(struct inode *inode)
{
	for (unsigned long i = 0; i < inode->i_npages_cap; i++) {
		struct page *p = inode->i_pages[i];

		if (p) {
			p->mapping = NULL;
			put_page(p);
			inode->i_pages[i] = NULL;
		}
	}
	free(inode->i_pages);
	inode->i_pages = NULL;
	list_del_init(&inode->i_wb_list);
}

/* writepage: the page's bytes (up to i_size) back into i_private. */
int fake_writepages;

static int fake_writepage(struct inode *inode, struct page *page)
{
	unsigned long off = page->index << PAGE_SHIFT, n = 0;

	if ((unsigned long)inode->i_size > off)
		n = inode->i_size - off;
	memcpy((char *)inode->i_private + off, page_address(page), n < PAGE_SIZE ? n : PAGE_SIZE);
	fake_writepages++;
	return 0;
}

const struct address_space_operations fake_writeback_aops = { .writepage = fake_writepage };

int vfs_fsync(struct file *f)
{
	return filemap_write_inode(f->f_inode);
}

/* writeback_inodes syncs every mounted filesystem too: none here. */
void iterate_supers_type(struct file_system_type *type,
			 void (*f)(struct super_block *, void *), void *arg)
{
}

/* ---- timers: never fire ---- */

void timer_setup(struct timer_list *t, void (*fn)(struct timer_list *), unsigned int flags)
{
	t->function = fn;
}

void mod_timer_ns(struct timer_list *t, u64 expires_ns)
{
	t->pending = true;
}

u64 ktime_get_ns(void)
{
	return 0;
}

/* usersyms.c reads symbol tables at exec; no test execs. */
ssize_t kernel_read(struct file *f, void *buf, size_t count, loff_t *pos)
{
	return -EIO;
}

/* usersyms.c's lookup checks its pointers (kernel/debug/snapshot.c);
 * these tests never look a symbol up. */
bool kobj_ok(const void *p, size_t size)
{
	return p != NULL;
}

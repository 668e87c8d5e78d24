/*
 * Memory: physmem page frames, the page and slab allocators, guest address
 * spaces (mm_struct, VMAs, software page tables) and faults.
 * Everything runs on the CPU thread; nothing here sleeps.
 */
#ifndef GLASS_MM_H
#define GLASS_MM_H

#include <glass/kernel.h>
#include <glass/layout.h>
#include <uapi/mman.h>

struct file;
struct inode;

/* ---- page frames ---- */

#define PG_buddy 0x2        /* free, head of a buddy block */
#define PG_slab 0x4         /* owned by a slab cache */
#define PG_pgtable 0x8      /* a page-table page */
#define PG_uptodate 0x10    /* page-cache page holds the file's data */
#define PG_dirty 0x20
#define PG_large 0x40       /* kmalloc/kmem_cache object of whole pages */
#define PG_fresh 0x80       /* free and never allocated: still physmem's zeros */

struct page {
	unsigned long flags;
	int refcount;
	int mapcount;           /* guest PTEs pointing at this frame */
	unsigned int order;     /* for PG_buddy heads */
	struct list_head lru;   /* buddy free list / slab list */
	void *private;          /* slab: its kmem_cache */
	struct inode *mapping;  /* page-cache owner, or NULL */
	unsigned long index;    /* page-cache index */
	unsigned long alloc_site; /* debug: who allocated it */
	void *freelist;         /* slab: first free object */
	unsigned int inuse;     /* slab: objects handed out */
};

extern struct page *mem_map;
extern unsigned long max_pfn;           /* frames in physmem */
extern unsigned long totalram_pages;    /* frames the allocator manages */

static inline unsigned long page_to_pfn(const struct page *p)
{
	return (unsigned long)(p - mem_map);
}
static inline struct page *pfn_to_page(unsigned long pfn)
{
	return mem_map + pfn;
}
static inline void *page_address(const struct page *p)
{
	return (void *)(PHYSMEM_BASE + (page_to_pfn(p) << PAGE_SHIFT));
}
static inline struct page *virt_to_page(const void *v)
{
	return pfn_to_page(((unsigned long)v - PHYSMEM_BASE) >> PAGE_SHIFT);
}
/* Offset of a frame in the physmem file: what the stub mmaps. */
static inline unsigned long page_to_phys(const struct page *p)
{
	return page_to_pfn(p) << PAGE_SHIFT;
}
static inline bool virt_is_physmem(const void *v)
{
	unsigned long a = (unsigned long)v;
	return a >= PHYSMEM_BASE && a < PHYSMEM_BASE + (max_pfn << PAGE_SHIFT);
}

/* gfp flags */
#define GFP_KERNEL 0x0u
#define GFP_USER 0x0u
#define __GFP_ZERO 0x1u
#define GFP_NOWARN 0x2u
/* The host fills the frames (os_physmem_write), Glass's process never
 * touches them: they need no host pages from page_alloc's populate. */
#define __GFP_HOSTFILL 0x4u

/* Poison freed frames and check the poison on allocation (boot option). */
extern bool debug_pagealloc;

/* page_alloc.c: a buddy allocator over physmem */
void mem_init(unsigned long physmem_bytes);
struct page *alloc_pages(gfp_t gfp, unsigned int order);
void __free_pages(struct page *page, unsigned int order);
static inline struct page *alloc_page(gfp_t gfp) { return alloc_pages(gfp, 0); }
static inline void __free_page(struct page *p) { __free_pages(p, 0); }
void *get_free_pages(gfp_t gfp, unsigned int order);
void free_pages(void *addr, unsigned int order);
unsigned long nr_free_pages(void);
void get_page(struct page *p);
/* Drops a reference; frees the frame (and drops its page-cache link) at 0. */
void put_page(struct page *p);

/* slab.c */
struct kmem_cache;
struct kmem_cache *kmem_cache_create(const char *name, size_t size, size_t align);
void *kmem_cache_alloc(struct kmem_cache *c, gfp_t gfp);
void kmem_cache_free(struct kmem_cache *c, void *obj);
/* Free an empty cache; warns and keeps it if objects are still in use. */
void kmem_cache_destroy(struct kmem_cache *c);
void *kmalloc(size_t size, gfp_t gfp);
void *kzalloc(size_t size, gfp_t gfp);
void *kcalloc(size_t n, size_t size, gfp_t gfp);
void *krealloc(void *p, size_t size, gfp_t gfp);
void kfree(const void *p);
size_t ksize(const void *p);
/* Objects allocated and not freed, across all caches (leak checks). */
unsigned long slab_objects_in_use(void);
/* One line per cache into buf (for /proc/slabinfo and mconsole mem). */
int slab_info(char *buf, size_t size);

/* ---- guest address spaces ---- */

#define VM_READ 0x1UL
#define VM_WRITE 0x2UL
#define VM_EXEC 0x4UL
#define VM_SHARED 0x8UL
#define VM_MAYWRITE 0x20UL      /* mprotect may add VM_WRITE */
#define VM_GROWSDOWN 0x100UL
#define VM_DONTCOPY 0x200UL
#define VM_SYSCALL_TRAMP 0x400UL /* patched syscalls' trampolines (arch) */

struct vm_area_struct {
	struct mm_struct *vm_mm;
	unsigned long vm_start, vm_end;  /* [start, end), page aligned */
	unsigned long vm_flags;
	unsigned long vm_pgoff;          /* file offset in pages */
	struct file *vm_file;            /* NULL: anonymous */
	struct list_head vm_list;        /* mm->mmap, sorted by address */
};

/* The host process mirroring an mm: the stub and its pending ops. */
struct host_mm {
	int pid;                         /* host pid of the stub, 0 if none */
	struct page *data;               /* STUB_DATA_PAGES frames */
	struct stub_batch *ops;          /* = page_address(data) */
	struct task_struct *regs_owner;  /* whose registers the host holds */
	struct page **held;              /* frames whose unmap is queued, */
	unsigned int nr_held;            /* kept until the host confirms it */
};

struct mm_struct {
	struct list_head mmap;           /* VMAs in address order */
	int map_count;
	u64 *pgd;                        /* software page table, 4 levels */
	int mm_users;                    /* tasks using it */
	unsigned long start_code, end_code, start_data, end_data;
	unsigned long start_brk, brk, start_stack;
	unsigned long arg_start, arg_end, env_start, env_end;
	unsigned long mmap_base;
	unsigned long total_vm;          /* pages in VMAs */
	unsigned long rss;               /* pages mapped */
	unsigned long nr_pgtables;       /* table pages below the pgd */
	bool oom_victim;                 /* killed by the OOM killer */
	struct file *exe_file;
	struct user_syms *user_syms;     /* its functions, for sysrq t */
	struct syscall_patch *sc;        /* its patched syscall sites, or NULL */
	struct host_mm host;
};

/* Software PTE: pfn << PAGE_SHIFT | flags. */
#define _PAGE_PRESENT 0x1UL
#define _PAGE_RW 0x2UL
#define _PAGE_EXEC 0x4UL          /* (not x86's bit; ours) */
#define _PAGE_READ 0x8UL          /* guest may read (clear: PROT_NONE) */
#define _PAGE_DIRTY 0x40UL
#define _PAGE_ACCESSED 0x20UL
#define PTE_PFN_MASK 0x000ffffffffff000UL

/* Lowest address mmap hands out or accepts with MAP_FIXED (Linux's
 * vm.mmap_min_addr). */
#define MMAP_MIN_ADDR 0x10000UL

/* mm.c */
unsigned long mmap_base(unsigned long stack_limit);
struct mm_struct *mm_alloc(void);           /* with a fresh host process */
void mmget(struct mm_struct *mm);
void mmput(struct mm_struct *mm);           /* last put tears it down */
/* fork: copy VMAs and PTEs, write-protect private pages in both
 * (the stack pages at sp, the forking task's, are copied at once). */
struct mm_struct *dup_mm(struct mm_struct *old, unsigned long sp);
/* exec: drop every mapping but keep the host process. */
void mm_clear(struct mm_struct *mm);

/* pgtable.c */
u64 *pte_lookup(struct mm_struct *mm, unsigned long addr);   /* NULL if no table */
u64 *pte_alloc(struct mm_struct *mm, unsigned long addr);    /* NULL on ENOMEM */
void free_pgtables(struct mm_struct *mm);

/* host_mm.c (arch): queue changes for the host process, flush in batches */
void host_queue_map(struct mm_struct *mm, unsigned long addr, unsigned long phys,
		    unsigned long len, int prot);
/* The same for pages about to be used (a fault's): the host populates
 * its page tables in the same batch instead of faulting page by page. */
void host_queue_map_populate(struct mm_struct *mm, unsigned long addr,
			     unsigned long phys, unsigned long len, int prot);
void host_queue_unmap(struct mm_struct *mm, unsigned long addr, unsigned long len);
void host_queue_protect(struct mm_struct *mm, unsigned long addr,
			unsigned long len, int prot);
/* Is the queue far from full? (Optional mappings stop there: they must
 * not cost a flush of their own.) */
bool host_queue_room(struct mm_struct *mm);
/* Apply queued changes to the host process (the "TLB flush"). */
int host_flush(struct mm_struct *mm);
/* Drop a PTE's reference to page once its host unmap or replacement is
 * queued: the frame is kept until the host process confirms the batch
 * (Linux's mmu_gather), so it is never reused while the stub maps it. */
void host_put_page(struct mm_struct *mm, struct page *page);
/* The batch queued before the last run is confirmed: drop what it held. */
void host_release(struct mm_struct *mm);
extern unsigned long stubs_parked, stubs_reused, stubs_park_failed;
unsigned long host_parked_pages(void);
void host_mm_boot_start(void);
int host_mm_boot(void);
int host_mm_init(struct mm_struct *mm);
void host_mm_destroy(struct mm_struct *mm);

/* mmap.c */
struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr);
/* Returns the address or -errno. */
long do_mmap(struct file *file, unsigned long addr, unsigned long len,
	     unsigned long prot, unsigned long flags, unsigned long pgoff);
int do_munmap(struct mm_struct *mm, unsigned long addr, unsigned long len);
int do_mprotect(struct mm_struct *mm, unsigned long addr, unsigned long len,
		unsigned long prot);
/* Set up brk area at start (exec). */
void mm_set_brk(struct mm_struct *mm, unsigned long start);
/* brk(2) on mm: returns the new break, or the old one on failure. */
unsigned long do_brk(struct mm_struct *mm, unsigned long brk);
/* mremap(2) on mm: the new address or -errno. */
long do_mremap(struct mm_struct *mm, unsigned long addr, unsigned long old_len,
	       unsigned long new_len, unsigned long flags, unsigned long new_addr);
int do_madvise(struct mm_struct *mm, unsigned long addr, unsigned long len,
	       int advice);

/* fault.c */
#define FAULT_FLAG_WRITE 0x1
#define FAULT_FLAG_EXEC 0x2
#define FAULT_FLAG_USER 0x4       /* from a guest access, not copy_*_user */
/* How handle_mm_fault resolved a fault: its return value when >= 0
 * (Linux's vm_fault_t says the same, as VM_FAULT_MAJOR and friends), for
 * the tracer. Glass has no shared zero page: a read of untouched
 * anonymous memory gets a zero-filled frame of its own (FAULT_ZERO). */
enum fault_outcome {
	FAULT_REMAP,            /* present already: the host's mapping sent again */
	FAULT_ZERO,             /* read of anonymous memory: zero-filled frame */
	FAULT_ANON,             /* write to anonymous memory: zero-filled frame */
	FAULT_COW,              /* write to a shared private frame: copied */
	FAULT_REUSE,            /* write-protected frame nobody else holds: made writable */
	FAULT_FILE_CACHED,      /* file page found in the page cache */
	FAULT_FILE_READ,        /* file page read in (or a hole zero-filled) */
};
#define FAULT_OUTCOME_MASK 0xf
#define FAULT_STACK_GROWN 0x10  /* or-ed in: the stack VMA grew down first */
/* Returns an outcome (>= 0, above), -EFAULT (SIGSEGV: no VMA / bad
 * access; *si_code set), -EIO (SIGBUS: file page wholly beyond EOF;
 * *si_code = BUS_ADRERR), or -ENOMEM. */
int handle_mm_fault(struct mm_struct *mm, unsigned long addr, int flags,
		    int *si_code);

/* oom_kill.c */
/* A guest fault got -ENOMEM: kill a victim (or current), wait for its
 * memory; the guest then retries. Task context; sleeps. */
void pagefault_out_of_memory(void);
/* The last mmput of an mm the OOM killer chose. */
void exit_oom_victim(void);

/* rmap.c: the guest mappings of a file's pages, found through every
 * task's mm (an mm is shared by its threads; each visit is idempotent). */
/* Take down every guest PTE of the inode's pages index >= first, shared
 * or private (truncate: a later access faults and gets SIGBUS). */
void unmap_mapping_range(struct inode *inode, unsigned long first);
/* Make every shared mapping of the inode's pages [first, last] read-only,
 * so the next guest write faults and marks the page dirty (writeback). */
void mapping_wrprotect(struct inode *inode, unsigned long first, unsigned long last);

/* uaccess.c */
/* Frame backing a user address, faulting it in; NULL on bad address. */
struct page *get_user_page(struct mm_struct *mm, unsigned long addr, bool write);
/* A debugger's write (FOLL_FORCE): in a private read-only mapping the
 * page becomes mm's own copy and stays read-only to the guest. */
struct page *get_user_page_force(struct mm_struct *mm, unsigned long addr);
#define FOLL_WRITE 0x1
#define FOLL_FORCE 0x2
/* The syscall patcher's own access: patched sites as they are (every
 * other access sees and writes the original bytes). */
#define FOLL_PATCH 0x4
/* Copy len bytes between buf and mm at addr (FOLL_WRITE: into mm); the
 * bytes done, short at the first bad page. */
long access_remote_vm(struct mm_struct *mm, unsigned long addr, void *buf,
		      unsigned long len, unsigned int gup_flags);

#endif

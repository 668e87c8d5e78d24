/*
 * The host side of an mm: its stub process and the queue of mapping
 * changes that reaches it in one batch before the guest runs again (the
 * "TLB flush"). Adjacent changes of the same kind are merged, so a fork's
 * run of pages often costs a single op. CPU thread.
 */
#include <glass/init.h>
#include <glass/kernel.h>
#include <glass/mm.h>
#include <glass/os.h>
#include <glass/sched.h>

unsigned long host_flushes;

/*
 * Stubs started ahead of need, with their data areas, oldest first: the
 * template's fork of a stub and its set-up (two seccomp filters to
 * compile, the mapper thread) run on the other CPU while the kernel goes
 * on. One was not enough: in a loop of forks each fork waited for the
 * spare started by the one before (1-4 ms on a loaded 2-core VM); with
 * several in flight the oldest has had the time of several forks. They
 * are waited for in the order they were started (os_stub_init's rule),
 * and fewer than the template's ring holds.
 */
#define NR_SPARES 3

static struct spare {
	int pid;
	bool ready;                     /* its first stop already waited for
					 * (pid known) */
	struct page *data;
} spares[NR_SPARES];
static unsigned int spare_head, nr_spares;

/*
 * Spares start when the second mm is made (init's first fork, or an exec
 * after init's), not at boot: a boot whose init never forks
 * (init=/bin/true, a test's one program) needs the boot's stub only, and
 * the spares' forks and set-up ran beside init on a 2-CPU host: 2 ms of
 * a 16 ms boot. The mm that turns them on waits for its own stub, ~2 ms
 * once (docs/benchmarks.md, "Boot without spares").
 */
static bool init_mm_made, spares_on;

/*
 * Stubs of ended mms, parked for the next ones (os_stub_park): in a loop
 * of fork and exit, or a shell's fork and exec, a new mm then costs no
 * host process, which is most of what a fork cost (the host's fork of the
 * stub, its filters compiled, its exit). Newest first. A stub is parked
 * only if the host shows its guest thread where no guest code can follow
 * it; otherwise, or with the stack full, it is killed as before.
 */
#define NR_PARKED 4

static struct parked {
	int pid;
	struct page *data;
} parked[NR_PARKED];
static unsigned int nr_parked;
unsigned long stubs_parked, stubs_reused, stubs_park_failed;

/* Can the host show where a thread sleeps (/proc/PID/task/TID/syscall)?
 * Cleared at the first refusal: then no stub is parked. */
static bool park_works = true;

static void queue(struct mm_struct *mm, u32 type, unsigned long addr,
		  unsigned long len, int prot, unsigned long off);

/* Park mm's stub for another mm: true, or false and it is still mm's. */
static bool park(struct mm_struct *mm)
{
	struct host_mm *h = &mm->host;
	int err;

	if (!boot.stub_recycle || !park_works || nr_parked == NR_PARKED || !h->ops)
		return false;
	h->ops->nr_ops = 0;
	queue(mm, STUB_MUNMAP_ALL, 0, 0, 0, 0);
	err = os_stub_park(h->pid);
	h->ops->nr_ops = 0;
	if (err) {
		stubs_park_failed++;
		/* Refused by the host, for a stub that still exists (a dead
		 * one's /proc directory is gone too). */
		if ((err == -EACCES || err == -EPERM || err == -ENOENT) &&
		    os_stub_alive(h->pid)) {
			park_works = false;
			pr_info("host: no stub recycling: /proc/PID/syscall: error %d\n", -err);
		}
		return false;
	}
	host_release(mm);
	parked[nr_parked].pid = h->pid;
	parked[nr_parked++].data = h->data;
	h->pid = 0;
	h->data = NULL;
	stubs_parked++;
	return true;
}

/* Pages the parked stubs hold (their data areas): free once they end. */
unsigned long host_parked_pages(void)
{
	return nr_parked * STUB_DATA_PAGES;
}

/* The newest parked stub that still exists: its pid (and data), or 0. */
static int unpark(struct page **data)
{
	while (nr_parked) {
		struct parked *p = &parked[--nr_parked];

		if (os_stub_alive(p->pid)) {
			*data = p->data;
			stubs_reused++;
			return p->pid;
		}
		os_stub_kill(p->pid);
		__free_pages(p->data, 4);
	}
	return 0;
}

/* One more spare behind the others: started, or with wait started and
 * waited for (its first stop). 0 or -errno. */
static int add_spare(bool wait)
{
	struct spare *sp = &spares[(spare_head + nr_spares) % NR_SPARES];
	unsigned long off;
	int pid;

	sp->data = alloc_pages(__GFP_ZERO, 4);
	if (!sp->data)
		return -ENOMEM;
	off = page_to_phys(sp->data);
	BUILD_BUG_ON(NR_SPARES >= STUB_SPAWN_RING);
	pid = wait ? os_stub_spawn(off) : os_stub_start(off);
	if (pid < 0) {
		__free_pages(sp->data, 4);
		sp->data = NULL;
		return pid;
	}
	sp->pid = pid;
	sp->ready = wait;
	nr_spares++;
	return 0;
}

/* Start stubs until NR_SPARES are on their way, once spares are on; 0
 * or the first error. */
static int start_spares(void)
{
	int err = 0;

	while (!err && spares_on && nr_spares < NR_SPARES)
		err = add_spare(false);
	return err;
}

/*
 * Early at boot, as soon as pages can be allocated: the first stub is
 * started, so that its exec and set-up (2-5 ms) run on the other CPU
 * while the kernel unpacks the initramfs, instead of being waited for
 * after it. An error is host_mm_boot's to report.
 */
void host_mm_boot_start(void)
{
	BUG_ON(nr_spares);
	add_spare(false);
}

/*
 * At boot, before init: the first stub waited for (started now if
 * host_mm_boot_start could not), so that a host that cannot run one
 * (RLIMIT_NPROC, a tool that cannot follow the spawn) fails the start
 * with a message instead of a panic in init's exec. It becomes the first
 * spare, for init's mm; no other is started yet (spares_on).
 */
int host_mm_boot(void)
{
	struct spare *sp = &spares[spare_head];
	int pid, err = 0;

	if (!nr_spares) {
		err = add_spare(true);
	} else if (!sp->ready) {
		pid = os_stub_init(page_to_phys(sp->data));
		if (pid > 0) {
			sp->pid = pid;
			sp->ready = true;
		} else {
			err = pid;
		}
	}
	return err;
}

/* mm's host process: the oldest spare (waited for if it is not ready
 * yet), or, with none left, one spawned now. */
int host_mm_init(struct mm_struct *mm)
{
	struct spare *sp = &spares[spare_head];
	struct page *data;
	int pid, err;

	BUILD_BUG_ON(STUB_DATA_PAGES != 16);
	pid = unpark(&data);
	if (pid)
		goto got;
	if (!nr_spares && (err = add_spare(true)))
		return err;
	pid = sp->pid;
	data = sp->data;
	if (!sp->ready)
		pid = os_stub_init(page_to_phys(data));
	err = pid < 0 ? pid : 0;
	sp->pid = 0;
	sp->data = NULL;
	spare_head = (spare_head + 1) % NR_SPARES;
	nr_spares--;
	if (err) {
		__free_pages(data, 4);
		return err;
	}
got:
	mm->host.pid = pid;
	mm->host.data = data;
	mm->host.ops = page_address(data);
	mm->host.regs_owner = NULL;
	mm->host.held = NULL;
	mm->host.nr_held = 0;
	/* The first mm is init's: it took the boot's stub. */
	spares_on = init_mm_made;
	init_mm_made = true;
	start_spares();
	return 0;
}

/* Parks the host process, or ends it and waits for it: only then are
 * its data pages and held frames free for others (the caller frees the
 * rest). */
void host_mm_destroy(struct mm_struct *mm)
{
	if (mm->host.pid > 0 && !park(mm))
		os_stub_kill(mm->host.pid);
	mm->host.pid = 0;
	mm->host.ops = NULL;
	host_release(mm);
	if (mm->host.held)
		free_pages(mm->host.held, 0);
	mm->host.held = NULL;
	if (mm->host.data)
		__free_pages(mm->host.data, 4);
	mm->host.data = NULL;
}

void host_release(struct mm_struct *mm)
{
	struct host_mm *h = &mm->host;

	while (h->nr_held)
		put_page(h->held[--h->nr_held]);
}

/*
 * The "TLB flush" before the guest runs: the stub's mapper applies the
 * queued ops in the hand-off that runs the guest (os_guest_run), so this
 * only counts the batch; a failure comes back as GUEST_MM_FAILED.
 */
int host_flush(struct mm_struct *mm)
{
	if (mm->host.ops && mm->host.ops->nr_ops)
		host_flushes++;
	return 0;
}

/* The queue (or the held list) is full: the stub applies it now, one
 * round trip; what it held is free once it is confirmed. A failed batch
 * leaves the host process in an unknown state: it is killed (the task
 * then dies of GUEST_GONE) before anything it held is let go. */
static void host_flush_now(struct mm_struct *mm)
{
	/* pid 0: killed after an earlier failure, nothing left to apply. */
	int err = mm->host.pid > 0 ? os_stub_flush(mm->host.pid) : 0;

	host_flushes++;
	mm->host.ops->nr_ops = 0;
	if (err) {
		pr_err("host_flush: batch failed: %d\n", err);
		os_stub_kill(mm->host.pid);
		mm->host.pid = 0;
	}
	host_release(mm);
}

#define HELD_MAX (PAGE_SIZE / sizeof(struct page *))

void host_put_page(struct mm_struct *mm, struct page *page)
{
	struct host_mm *h = &mm->host;

	/* No host process, or nothing queued that it has not applied. */
	if (!h->ops || !h->ops->nr_ops) {
		put_page(page);
		return;
	}
	if (!h->held) {
		h->held = (struct page **)get_free_pages(GFP_NOWARN, 0);
		if (!h->held) {
			host_flush_now(mm);
			put_page(page);
			return;
		}
	}
	if (h->nr_held == HELD_MAX)
		host_flush_now(mm);
	h->held[h->nr_held++] = page;
}

static void queue(struct mm_struct *mm, u32 type, unsigned long addr,
		  unsigned long len, int prot, unsigned long off)
{
	struct stub_batch *d = mm->host.ops;
	struct stub_op *last;

	if (!d)
		return;
	if (d->nr_ops) {
		last = &d->ops[d->nr_ops - 1];
		if (last->type == type && last->prot == (u32)prot &&
		    last->addr + last->len == addr &&
		    (type == STUB_MUNMAP || type == STUB_MPROTECT ||
		     last->off + last->len == off)) {
			last->len += len;
			return;
		}
	}
	if (d->nr_ops == STUB_MAX_OPS)
		host_flush_now(mm);
	last = &d->ops[d->nr_ops++];
	last->type = type;
	last->prot = prot;
	last->addr = addr;
	last->len = len;
	last->off = off;
}

bool host_queue_room(struct mm_struct *mm)
{
	return mm->host.ops && mm->host.ops->nr_ops < STUB_MAX_OPS / 2;
}

void host_queue_map(struct mm_struct *mm, unsigned long addr, unsigned long phys,
		    unsigned long len, int prot)
{
	queue(mm, STUB_MMAP, addr, len, prot, phys);
}

void host_queue_map_populate(struct mm_struct *mm, unsigned long addr,
			     unsigned long phys, unsigned long len, int prot)
{
	queue(mm, STUB_MMAP_POPULATE, addr, len, prot, phys);
}

void host_queue_unmap(struct mm_struct *mm, unsigned long addr, unsigned long len)
{
	queue(mm, STUB_MUNMAP, addr, len, 0, 0);
}

void host_queue_protect(struct mm_struct *mm, unsigned long addr,
			unsigned long len, int prot)
{
	queue(mm, STUB_MPROTECT, addr, len, prot, 0);
}

/*
 * The host side of an mm: its stub process and the queue of mapping
 * changes that reaches it in one batch before the guest runs again (the
 * "TLB flush"). Adjacent changes of the same kind are merged, so a fork's
 * run of pages often costs a single op. CPU thread.
 */
#include <glass/mm.h>
#include <glass/os.h>
#include <glass/sched.h>

unsigned long host_flushes;

/*
 * A stub started ahead of need, with its data area: the host's exec of it
 * runs on the other CPU while the kernel goes on, so the next fork or exec
 * finds its address space (almost) ready.
 */
static struct {
	int pid;
	bool ready;                     /* its first stop already waited for */
	struct page *data;
} spare;

static int start_spare(void)
{
	int pid;

	if (spare.pid)
		return 0;
	spare.data = alloc_pages(__GFP_ZERO, 4);
	if (!spare.data)
		return -ENOMEM;
	pid = os_stub_start(page_to_phys(spare.data));
	if (pid < 0) {
		__free_pages(spare.data, 4);
		spare.data = NULL;
		return pid;
	}
	spare.pid = pid;
	return 0;
}

/*
 * At boot, before init: the first stub, started and waited for, so that a
 * host that cannot run one (RLIMIT_NPROC, a tool that cannot follow the
 * spawn) fails the start with a message instead of a panic in init's exec.
 * It becomes the spare.
 */
int host_mm_boot(void)
{
	int err = start_spare();

	if (!err)
		err = os_stub_init(spare.pid, page_to_phys(spare.data));
	if (err && spare.data) {
		__free_pages(spare.data, 4);
		spare.pid = 0;
		spare.data = NULL;
	}
	spare.ready = !err;
	return err;
}

int host_mm_init(struct mm_struct *mm)
{
	struct page *data = spare.data;
	int pid = spare.pid, err = 0;

	BUILD_BUG_ON(STUB_DATA_PAGES != 16);
	if (pid && !spare.ready)
		err = os_stub_init(pid, page_to_phys(data));
	spare.pid = 0;
	spare.ready = false;
	spare.data = NULL;
	if (pid) {
		if (err) {
			__free_pages(data, 4);
			return err;
		}
	} else {
		data = alloc_pages(__GFP_ZERO, 4);
		if (!data)
			return -ENOMEM;
		pid = os_stub_spawn(page_to_phys(data));
		if (pid < 0) {
			__free_pages(data, 4);
			return pid;
		}
	}
	mm->host.pid = pid;
	mm->host.data = data;
	mm->host.ops = page_address(data);
	mm->host.regs_owner = NULL;
	start_spare();
	return 0;
}

void host_mm_destroy(struct mm_struct *mm)
{
	if (mm->host.pid > 0)
		os_stub_kill(mm->host.pid);
	if (mm->host.data)
		__free_pages(mm->host.data, 4);
	mm->host.pid = 0;
	mm->host.data = NULL;
	mm->host.ops = NULL;
}

/*
 * The "TLB flush" before the guest runs: the stub applies the queued ops
 * itself in the hand-off that runs the guest (os_guest_run), so this only
 * counts the batch; a failure comes back as GUEST_MM_FAILED.
 */
int host_flush(struct mm_struct *mm)
{
	if (mm->host.ops && mm->host.ops->nr_ops)
		host_flushes++;
	return 0;
}

/* The queue is full: the stub applies it now, one round trip. */
static void host_flush_now(struct mm_struct *mm)
{
	int err = os_stub_flush(mm->host.pid);

	host_flushes++;
	if (err)
		pr_err("host_flush: op %llu failed: %d\n",
		       (unsigned long long)mm->host.ops->err_op, err);
	mm->host.ops->nr_ops = 0;
}

static void queue(struct mm_struct *mm, u32 type, unsigned long addr,
		  unsigned long len, int prot, unsigned long off)
{
	struct stub_data *d = mm->host.ops;
	struct stub_op *last;

	if (!d)
		return;
	if (d->nr_ops) {
		last = &d->ops[d->nr_ops - 1];
		if (last->type == type && last->prot == (u32)prot &&
		    last->addr + last->len == addr &&
		    (type != STUB_MMAP || last->off + last->len == off)) {
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

void host_queue_map(struct mm_struct *mm, unsigned long addr, unsigned long phys,
		    unsigned long len, int prot)
{
	queue(mm, STUB_MMAP, addr, len, prot, phys);
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

/*
 * kcov with Linux's ABI (Documentation/dev-tools/kcov.rst), the interface
 * syzkaller's executor uses: a task opens /dev/kcov, sizes the buffer
 * (KCOV_INIT_TRACE, in unsigned longs), mmaps it shared and enables it
 * (KCOV_ENABLE, KCOV_TRACE_PC); from then on every basic block of
 * instrumented kernel code run for that task (KCOV=1 builds call
 * __sanitizer_cov_trace_pc in each) appends its address: area[0] is the
 * count, area[1..] the addresses. Nothing is recorded in interrupt
 * context or for another task.
 *
 * The buffer is the page cache of an inode of its own (rule
 * guest-memory-is-physmem): the guest's shared mapping maps those
 * frames, the kernel writes them through their kernel addresses, and
 * each side sees the other's writes at once. CPU thread.
 */
#include <glass/errno.h>
#include <glass/export.h>
#include <glass/fs.h>
#include <glass/init.h>
#include <glass/kcov.h>
#include <glass/kernel.h>
#include <glass/mm.h>
#include <glass/sched.h>
#include <uapi/kcov.h>

#define KCOV_MAX_WORDS (4UL << 20)      /* 32 MiB of addresses */
#define WORDS_PER_PAGE (PAGE_SIZE / sizeof(unsigned long))

enum kcov_mode { KCOV_MODE_DISABLED, KCOV_MODE_INIT, KCOV_MODE_TRACE_PC };

struct kcov {
	int refcount;                   /* the open file, the traced task */
	enum kcov_mode mode;
	unsigned long size;             /* in unsigned longs */
	struct file *area;              /* the buffer: its inode's pages */
	struct page **pages;            /* of the buffer, in order */
	struct task_struct *t;          /* traced, or NULL */
};

static unsigned int kcov_major;

/* Where word i of the buffer is, in kernel addresses. */
static inline unsigned long *kcov_word(struct kcov *kcov, unsigned long i)
{
	return (unsigned long *)page_address(kcov->pages[i / WORDS_PER_PAGE]) +
	       i % WORDS_PER_PAGE;
}

/* gcc's hook, in every basic block of instrumented code: kept short, as
 * it runs millions of times a second. The return address is the block's
 * (addr2line -e glass gives its line). */
void __sanitizer_cov_trace_pc(void);
void __sanitizer_cov_trace_pc(void)
{
	struct task_struct *t = current;
	struct kcov *kcov;
	unsigned long pos;

	if (!t || !(kcov = t->kcov) || kcov->mode != KCOV_MODE_TRACE_PC ||
	    in_interrupt())
		return;
	pos = *kcov_word(kcov, 0) + 1;
	if (pos < kcov->size) {
		*kcov_word(kcov, pos) = (unsigned long)__builtin_return_address(0);
		*kcov_word(kcov, 0) = pos;
	}
}
EXPORT_SYMBOL(__sanitizer_cov_trace_pc);

static void kcov_put(struct kcov *kcov)
{
	if (--kcov->refcount)
		return;
	if (kcov->area)
		fput(kcov->area);
	kfree(kcov->pages);
	kfree(kcov);
}

/* The task stops being traced (KCOV_DISABLE, or its exit). */
static void kcov_detach(struct kcov *kcov)
{
	kcov->t->kcov = NULL;
	kcov->t = NULL;
	kcov->mode = KCOV_MODE_INIT;
	kcov_put(kcov);
}

void kcov_task_exit(struct task_struct *t)
{
	if (t->kcov)
		kcov_detach(t->kcov);
}

static int kcov_open(struct inode *inode, struct file *f)
{
	struct kcov *kcov = kzalloc(sizeof(*kcov), GFP_KERNEL);

	if (!kcov)
		return -ENOMEM;
	kcov->refcount = 1;
	f->private_data = kcov;
	return 0;
}

static int kcov_release(struct inode *inode, struct file *f)
{
	kcov_put(f->private_data);
	return 0;
}

/* The buffer: a file on an inode of the device's filesystem that no
 * directory holds, with size words of zeroed page cache. */
static int kcov_init_trace(struct kcov *kcov, struct file *dev, unsigned long size)
{
	unsigned long npages = DIV_ROUND_UP(size * sizeof(unsigned long), PAGE_SIZE);
	struct inode *inode;
	struct dentry *d;
	struct path path;
	struct file *area;

	if (kcov->mode != KCOV_MODE_DISABLED)
		return -EBUSY;
	if (size < 2 || size > KCOV_MAX_WORDS)
		return -EINVAL;
	kcov->pages = kcalloc(npages, sizeof(*kcov->pages), GFP_KERNEL);
	inode = new_inode(dev->f_inode->i_sb);
	if (!kcov->pages || !inode)
		goto nomem_inode;
	inode->i_mode = S_IFREG | 0600;
	inode->i_size = npages * PAGE_SIZE;
	d = d_alloc_pseudo(inode->i_sb, "kcov");
	if (!d)
		goto nomem_inode;
	d_instantiate(d, inode);
	path.mnt = dev->f_path.mnt;
	path.dentry = d;
	area = alloc_file(&path, O_RDWR, NULL);
	dput(d);
	if (IS_ERR(area))
		goto nomem;
	kcov->area = area;
	for (unsigned long i = 0; i < npages; i++) {
		struct page *page = filemap_get_page(inode, i);

		if (IS_ERR(page))
			goto nomem;
		put_page(page);         /* the page cache keeps its own */
		kcov->pages[i] = page;
	}
	kcov->size = size;
	kcov->mode = KCOV_MODE_INIT;
	return 0;
nomem_inode:
	if (inode)
		iput(inode);
nomem:
	if (kcov->area)
		fput(kcov->area);
	kcov->area = NULL;
	kfree(kcov->pages);
	kcov->pages = NULL;
	return -ENOMEM;
}

static long kcov_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	struct kcov *kcov = f->private_data;

	switch (cmd) {
	case KCOV_INIT_TRACE:
		return kcov_init_trace(kcov, f, arg);
	case KCOV_ENABLE:
		if (kcov->mode != KCOV_MODE_INIT || current->kcov || kcov->t)
			return -EBUSY;
		if (arg != KCOV_TRACE_PC)
			return -EINVAL;         /* KCOV_TRACE_CMP: not built */
		kcov->mode = KCOV_MODE_TRACE_PC;
		kcov->t = current;
		kcov->refcount++;
		current->kcov = kcov;
		return 0;
	case KCOV_DISABLE:
		if (arg || kcov->t != current)
			return -EINVAL;
		kcov_detach(kcov);
		return 0;
	}
	return -ENOTTY;
}

/* The mapping is of the buffer's file, not the device's: the fault path
 * finds the buffer's pages in that file's page cache. */
static int kcov_mmap(struct file *f, struct vm_area_struct *vma)
{
	struct kcov *kcov = f->private_data;

	if (kcov->mode == KCOV_MODE_DISABLED || vma->vm_pgoff ||
	    vma->vm_end - vma->vm_start != (unsigned long)kcov->area->f_inode->i_size ||
	    !(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	fput(vma->vm_file);
	vma->vm_file = get_file(kcov->area);
	return 0;
}

static const struct file_operations kcov_fops = {
	.open = kcov_open,
	.release = kcov_release,
	.ioctl = kcov_ioctl,
	.mmap = kcov_mmap,
};

static int kcov_init(void)
{
	int major = register_chrdev(0, "kcov", &kcov_fops);

	if (major < 0)
		return major;
	kcov_major = major;
	return devtmpfs_create_node("kcov", S_IFCHR | 0600, MKDEV(kcov_major, 0));
}
device_initcall(kcov_init);

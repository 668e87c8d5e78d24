/*
 * The page cache: each inode keeps its file data in physmem pages,
 * i_pages[index] (NULL for a hole or a page not read yet). The cache holds
 * one reference per page; guest mappings of a file (mmap) take their own,
 * so a page outlives truncation while mapped (its ->mapping is cleared).
 * CPU thread; nothing here sleeps.
 */
#include <glass/os.h>
#include "internal.h"

struct page *find_page(struct inode *inode, unsigned long index)
{
	return index < inode->i_npages_cap ? inode->i_pages[index] : NULL;
}

/* Make room in i_pages for index. */
static int grow_page_array(struct inode *inode, unsigned long index)
{
	unsigned long cap = inode->i_npages_cap ? inode->i_npages_cap : 4;
	struct page **pages;

	if (index < inode->i_npages_cap)
		return 0;
	if (index >= (MAX_FILEMAP_BYTES >> PAGE_SHIFT))
		return -EFBIG;
	while (cap <= index)
		cap *= 2;
	pages = kcalloc(cap, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;
	if (inode->i_pages)
		memcpy(pages, inode->i_pages, inode->i_npages_cap * sizeof(*pages));
	kfree(inode->i_pages);
	inode->i_pages = pages;
	inode->i_npages_cap = cap;
	return 0;
}

/* A new zeroed page at index (filled by ->readpage if the inode has one),
 * inserted into the cache, which owns the one reference. */
/* Are the cached pages the file's storage (tmpfs), so that they are its
 * i_blocks? A filesystem with a backing store (->readpage) counts its
 * own blocks. */
static bool pages_are_storage(const struct inode *inode)
{
	return !inode->i_aops || !inode->i_aops->readpage;
}

static struct page *add_new_page(struct inode *inode, unsigned long index, gfp_t gfp)
{
	struct page *page;
	int err = grow_page_array(inode, index);

	if (err)
		return ERR_PTR(err);
	/* A full tmpfs says ENOSPC, as Linux's does. */
	if (inode->i_sb->s_max_pages && inode->i_sb->s_pages >= inode->i_sb->s_max_pages)
		return ERR_PTR(-ENOSPC);
	page = alloc_page(gfp | __GFP_ZERO);
	if (!page)
		return ERR_PTR(-ENOMEM);
	page->mapping = inode;
	page->index = index;
	if (inode->i_aops && inode->i_aops->readpage) {
		err = inode->i_aops->readpage(inode, page);
		if (err) {
			page->mapping = NULL;
			put_page(page);
			return ERR_PTR(err);
		}
	}
	page->flags |= PG_uptodate;
	inode->i_pages[index] = page;
	if (pages_are_storage(inode))
		inode->i_blocks += PAGE_SIZE / 512;
	inode->i_sb->s_pages++;
	return page;
}

/*
 * The page at index with a reference for the caller (mmap faults). A
 * page inside i_size that is not cached yet is read in with
 * ->readpage, or zero-filled (tmpfs holes). Beyond EOF: ERR_PTR(-ENXIO),
 * which a fault turns into SIGBUS.
 */
struct page *filemap_get_page(struct inode *inode, unsigned long index)
{
	struct page *page = find_page(inode, index);

	if (!page) {
		if (index >= DIV_ROUND_UP((unsigned long)inode->i_size, PAGE_SIZE))
			return ERR_PTR(-ENXIO);
		page = add_new_page(inode, index, GFP_KERNEL);
		if (IS_ERR(page))
			return page;
	}
	get_page(page);
	return page;
}

ssize_t generic_file_read(struct file *f, char __user *buf, size_t count, loff_t *pos)
{
	struct inode *inode = f->f_inode;
	loff_t p = *pos;
	size_t done = 0;

	if (p < 0)
		return -EINVAL;
	while (done < count && p < inode->i_size) {
		unsigned long index = p >> PAGE_SHIFT, off = p & (PAGE_SIZE - 1);
		size_t n = min_t(size_t, PAGE_SIZE - off, count - done);
		struct page *page = find_page(inode, index), *ref = NULL;
		unsigned long left;

		if ((loff_t)n > inode->i_size - p)
			n = inode->i_size - p;
		if (!page && inode->i_aops && inode->i_aops->readpage) {
			ref = page = filemap_get_page(inode, index);
			if (IS_ERR(page)) {
				if (!done)
					return PTR_ERR(page);
				break;
			}
		}
		if (page)
			left = copy_to_user(buf + done, (char *)page_address(page) + off, n);
		else
			left = clear_user(buf + done, n);
		if (ref)
			put_page(ref);
		done += n - left;
		p += n - left;
		if (left) {
			if (!done)
				return -EFAULT;
			break;
		}
	}
	*pos = p;
	return done;
}

/* Part of a bulk write going to adjacent physmem frames: one host copy,
 * or memcpy where the host cannot do it. */
struct host_run {
	unsigned long phys;
	const char *src;
	size_t len;
};

static void host_run_flush(struct host_run *r)
{
	if (r->len && os_physmem_write(r->phys, r->src, r->len))
		memcpy((void *)(PHYSMEM_BASE + r->phys), r->src, r->len);
	r->len = 0;
}

/* generic_file_write's loop. The copy into each page is copy_from_user,
 * or with host the host kernel's from kernel memory, a run of adjacent
 * frames at a time (the allocator mostly hands out ascending frames). */
static ssize_t filemap_write(struct file *f, const char __user *buf, size_t count,
			     loff_t *pos, bool host)
{
	struct inode *inode = f->f_inode;
	loff_t p = (f->f_flags & O_APPEND) ? inode->i_size : *pos;
	struct host_run run = { 0 };
	size_t done = 0;
	ssize_t err = 0;

	if (p < 0)
		return -EINVAL;
	if ((unsigned long)p >= MAX_FILEMAP_BYTES)
		return count ? -EFBIG : 0;
	if (count > MAX_FILEMAP_BYTES - p)
		count = MAX_FILEMAP_BYTES - p;
	while (done < count) {
		unsigned long index = p >> PAGE_SHIFT, off = p & (PAGE_SIZE - 1);
		size_t n = min_t(size_t, PAGE_SIZE - off, count - done);
		struct page *page = find_page(inode, index);
		unsigned long left;

		if (!page) {
			page = add_new_page(inode, index, host ? __GFP_HOSTFILL : GFP_KERNEL);
			if (IS_ERR(page)) {
				err = PTR_ERR(page);
				break;
			}
		}
		if (host) {
			unsigned long phys = page_to_phys(page) + off;

			if (run.phys + run.len != phys)
				host_run_flush(&run);
			if (!run.len) {
				run.phys = phys;
				run.src = (const char *)buf + done;
			}
			run.len += n;
			left = 0;
		} else {
			left = copy_from_user((char *)page_address(page) + off, buf + done, n);
		}
		page->flags |= PG_dirty;
		done += n - left;
		p += n - left;
		if (p > inode->i_size)
			inode->i_size = p;
		if (left) {
			err = -EFAULT;
			break;
		}
	}
	host_run_flush(&run);
	if (done)
		inode_set_now(inode, TIME_M | TIME_C);
	*pos = p;
	return done ? (ssize_t)done : err;
}

ssize_t generic_file_write(struct file *f, const char __user *buf, size_t count,
			   loff_t *pos)
{
	return filemap_write(f, buf, count, pos, false);
}

/*
 * kernel_write of a large kernel buffer, the copy done by the host when f
 * is a page-cache file: Glass's process then touches no page of the data
 * (the initramfs's unpacking: on a VM each first touch costs µs, the
 * copy 6-9 ms of a 2 MB busybox). Same result as kernel_write.
 */
ssize_t kernel_write_bulk(struct file *f, const void *buf, size_t count, loff_t *pos)
{
	if (f->f_op->write != generic_file_write || !(f->f_mode & FMODE_WRITE))
		return kernel_write(f, buf, count, pos);
	if (count > MAX_RW_COUNT)
		count = MAX_RW_COUNT;
	return filemap_write(f, (const char __user *)buf, count, pos, true);
}

void truncate_inode_pages(struct inode *inode, loff_t newsize)
{
	unsigned long first = DIV_ROUND_UP((unsigned long)newsize, PAGE_SIZE);
	unsigned long off = newsize & (PAGE_SIZE - 1);
	struct page *page;

	unmap_mapping_range(inode, first);
	for (unsigned long i = first; i < inode->i_npages_cap; i++) {
		page = inode->i_pages[i];
		if (!page)
			continue;
		inode->i_pages[i] = NULL;
		page->mapping = NULL;
		put_page(page);
		if (pages_are_storage(inode))
			inode->i_blocks -= PAGE_SIZE / 512;
		inode->i_sb->s_pages--;
	}
	if (off && (page = find_page(inode, newsize >> PAGE_SHIFT)))
		memset((char *)page_address(page) + off, 0, PAGE_SIZE - off);
}

/*
 * Writeback of shared file mappings (hostfs): a guest writes page-cache
 * pages through MAP_SHARED mappings without the kernel seeing each write,
 * so a clean page is mapped read-only and its first write faults and
 * marks it dirty (set_page_dirty, from the fault handler); writeback
 * write-protects the page's mappings again, clears the mark and hands the
 * page to ->writepage. Inodes with dirty pages sit on dirty_inodes.
 *
 * Writeback happens at msync, fsync/fdatasync, munmap, the last close
 * (eviction), sync/syncfs, shutdown, and from a timer DIRTY_EXPIRE_NS after
 * a page is first dirtied (Linux's dirty_expire). CPU thread; the timer
 * runs where timers run (return to user, idle), when no guest runs, so
 * the write-protects are queued before any guest can write again.
 */
#include <glass/timer.h>
#include "internal.h"

#define DIRTY_EXPIRE_NS (5 * NSEC_PER_SEC)

static LIST_HEAD(dirty_inodes);
static struct timer_list writeback_timer;

static void writeback_timer_fn(struct timer_list *t)
{
	writeback_inodes();
}

void set_page_dirty(struct page *page)
{
	struct inode *inode = page->mapping;

	page->flags |= PG_dirty;
	if (!mapping_cap_writeback(inode) || !list_empty(&inode->i_wb_list))
		return;
	list_add_tail(&inode->i_wb_list, &dirty_inodes);
	if (!writeback_timer.function)
		timer_setup(&writeback_timer, writeback_timer_fn, 0);
	if (!writeback_timer.pending)
		mod_timer_ns(&writeback_timer, ktime_get_ns() + DIRTY_EXPIRE_NS);
}

/* Is any page of [first, last] dirty? *mapped: is one of those mapped? */
static bool range_dirty(struct inode *inode, unsigned long first, unsigned long last,
			bool *mapped)
{
	bool dirty = false;

	*mapped = false;
	for (unsigned long i = first; i <= last && i < inode->i_npages_cap; i++) {
		struct page *p = inode->i_pages[i];

		if (p && (p->flags & PG_dirty)) {
			dirty = true;
			*mapped |= p->mapcount > 0;
		}
	}
	return dirty;
}

int filemap_write_range(struct inode *inode, unsigned long first, unsigned long last)
{
	bool mapped;
	int err = 0;

	if (!mapping_cap_writeback(inode) || list_empty(&inode->i_wb_list) || !range_dirty(inode, first, last, &mapped))
		return 0;
	/* No guest runs while this does, so protecting first loses no write. */
	if (mapped)
		mapping_wrprotect(inode, first, last);
	for (unsigned long i = first; i <= last && i < inode->i_npages_cap; i++) {
		struct page *p = inode->i_pages[i];
		int r;

		if (!p || !(p->flags & PG_dirty))
			continue;
		p->flags &= ~PG_dirty;
		r = inode->i_aops->writepage(inode, p);
		if (r && !err)
			err = r;
	}
	if (err)
		pr_warn("writeback of inode %lu failed: %d\n", (unsigned long)inode->i_ino, err);
	if (!range_dirty(inode, 0, ULONG_MAX, &mapped))
		list_del_init(&inode->i_wb_list);
	return err;
}

int filemap_write_inode(struct inode *inode)
{
	return filemap_write_range(inode, 0, ULONG_MAX);
}

static void sync_one_fs(struct super_block *sb, void *arg)
{
	if (sb->s_op && sb->s_op->sync_fs)
		sb->s_op->sync_fs(sb);
}

void writeback_inodes(void)
{
	struct inode *inode, *next;

	list_for_each_entry_safe(inode, next, &dirty_inodes, i_wb_list)
		filemap_write_inode(inode);
	/* What filesystems keep in their own buffers (ext2's buffer cache). */
	iterate_supers_type(NULL, sync_one_fs, NULL);
}

/*
 * The buffer cache: one buffer per (block device, block number), found by
 * hash, kept on one LRU list. A buffer in use (b_count > 0) stays; unused
 * clean ones are dropped oldest first when the cache passes
 * BUFFER_CACHE_BYTES, and unused dirty ones are written first. Dirty
 * buffers are written by sync_blockdev (sync(2), fsync, umount), by a
 * timer DIRTY_EXPIRE_NS after the first one is dirtied (Linux's
 * dirty_expire), and under memory pressure. CPU thread, task or timer
 * context; the I/O blocks in host calls, nothing sleeps.
 */
#include <glass/buffer_head.h>
#include <glass/timer.h>
#include "internal.h"

#define BUFFER_HASH_SIZE 1024
#define BUFFER_CACHE_BYTES (8UL << 20)
#define DIRTY_EXPIRE_NS (5 * NSEC_PER_SEC)

static struct list_head buffer_hash[BUFFER_HASH_SIZE];
static LIST_HEAD(buffer_lru);
static unsigned long buffer_bytes;
static struct timer_list dirty_timer;

static struct list_head *hash_chain(struct block_device *bdev, u64 block)
{
	unsigned long h = ((unsigned long)bdev >> 6) ^ block ^ (block >> 10);

	if (!buffer_hash[0].next)
		for (int i = 0; i < BUFFER_HASH_SIZE; i++)
			INIT_LIST_HEAD(&buffer_hash[i]);
	return &buffer_hash[h % BUFFER_HASH_SIZE];
}

static void free_buffer(struct buffer_head *bh)
{
	list_del(&bh->b_hash);
	list_del(&bh->b_lru);
	buffer_bytes -= bh->b_size;
	kfree(bh->b_data);
	kfree(bh);
}

static int write_buffer(struct buffer_head *bh)
{
	int err = blkdev_rw(bh->b_bdev, bh->b_data, bh->b_blocknr * bh->b_size, bh->b_size,
			    true);

	/* A failed write stays dirty: the next sync tries again. */
	if (!err) {
		bh->b_state &= ~BH_Dirty;
		bh->b_bdev->bd_nr_dirty--;
	}
	return err;
}

int sync_dirty_buffer(struct buffer_head *bh)
{
	return buffer_dirty(bh) ? write_buffer(bh) : 0;
}

/* Drop unused buffers, oldest first, until the cache fits again. */
static void shrink_buffers(void)
{
	struct buffer_head *bh, *n;

	list_for_each_entry_safe(bh, n, &buffer_lru, b_lru) {
		if (buffer_bytes <= BUFFER_CACHE_BYTES)
			return;
		if (bh->b_count || (buffer_dirty(bh) && write_buffer(bh)))
			continue;
		free_buffer(bh);
	}
}

struct buffer_head *__getblk(struct block_device *bdev, u64 block, unsigned int size)
{
	struct list_head *chain = hash_chain(bdev, block);
	struct buffer_head *bh;

	list_for_each_entry(bh, chain, b_hash) {
		if (bh->b_bdev == bdev && bh->b_blocknr == block && bh->b_size == size) {
			bh->b_count++;
			list_del(&bh->b_lru);
			list_add_tail(&bh->b_lru, &buffer_lru);
			return bh;
		}
	}
	bh = kzalloc(sizeof(*bh), GFP_KERNEL);
	if (!bh)
		return NULL;
	bh->b_data = kmalloc(size, GFP_KERNEL);
	if (!bh->b_data) {
		kfree(bh);
		return NULL;
	}
	bh->b_bdev = bdev;
	bh->b_blocknr = block;
	bh->b_size = size;
	bh->b_count = 1;
	list_add(&bh->b_hash, chain);
	list_add_tail(&bh->b_lru, &buffer_lru);
	buffer_bytes += size;
	if (buffer_bytes > BUFFER_CACHE_BYTES)
		shrink_buffers();
	return bh;
}

struct buffer_head *__bread(struct block_device *bdev, u64 block, unsigned int size)
{
	struct buffer_head *bh = __getblk(bdev, block, size);

	if (!bh || (bh->b_state & BH_Uptodate))
		return bh;
	if (blkdev_rw(bdev, bh->b_data, block * size, size, false)) {
		brelse(bh);
		return NULL;
	}
	set_buffer_uptodate(bh);
	return bh;
}

void brelse(struct buffer_head *bh)
{
	if (!bh)
		return;
	BUG_ON(bh->b_count <= 0);
	bh->b_count--;
	/* A buffer never read nor filled holds nothing worth keeping. */
	if (!bh->b_count && !(bh->b_state & BH_Uptodate))
		free_buffer(bh);
}

static void write_all_dirty(struct block_device *bdev, int *err)
{
	struct buffer_head *bh;

	list_for_each_entry(bh, &buffer_lru, b_lru) {
		int e;

		if ((bdev && bh->b_bdev != bdev) || !buffer_dirty(bh))
			continue;
		e = write_buffer(bh);
		if (e && !*err)
			*err = e;
	}
}

static void dirty_timer_fn(struct timer_list *t)
{
	int err = 0;

	write_all_dirty(NULL, &err);
}

void mark_buffer_dirty(struct buffer_head *bh)
{
	if (buffer_dirty(bh))
		return;
	bh->b_state |= BH_Dirty | BH_Uptodate;
	bh->b_bdev->bd_nr_dirty++;
	if (!dirty_timer.function)
		timer_setup(&dirty_timer, dirty_timer_fn, 0);
	if (!timer_pending(&dirty_timer))
		mod_timer_ns(&dirty_timer, ktime_get_ns() + DIRTY_EXPIRE_NS);
}

int sync_blockdev(struct block_device *bdev)
{
	int err = 0, e;

	write_all_dirty(bdev, &err);
	e = vfs_fsync(bdev->bd_file);
	return err ? err : e;
}

void invalidate_bdev(struct block_device *bdev)
{
	struct buffer_head *bh, *n;

	list_for_each_entry_safe(bh, n, &buffer_lru, b_lru) {
		if (bh->b_bdev != bdev)
			continue;
		BUG_ON(bh->b_count);
		if (buffer_dirty(bh))
			bdev->bd_nr_dirty--;
		free_buffer(bh);
	}
}

/*
 * Block devices as filesystems see them, and the buffer cache over them
 * (Linux's names: bread, brelse, mark_buffer_dirty, sync_dirty_buffer).
 * A block device is an opened device node (kernel/fs/block_dev.c): its
 * driver's read and write do the I/O, so a ubd's COW file works as the
 * guest's own reads and writes see it. The cache (kernel/fs/buffer.c)
 * keeps one buffer per (device, block): writes stay in memory until
 * sync(2), fsync, umount, a 5 s timer or memory pressure write them.
 * CPU thread; I/O blocks the CPU thread in host calls, nothing sleeps.
 */
#ifndef GLASS_BUFFER_HEAD_H
#define GLASS_BUFFER_HEAD_H

#include <glass/fs.h>

struct block_device {
	struct file *bd_file;           /* the device node, opened */
	dev_t bd_dev;
	u64 bd_size;                    /* bytes */
	bool bd_readonly;
	char bd_name[32];               /* "ubdb": for messages */
	unsigned int bd_nr_dirty;       /* its dirty buffers */
};

/* A block device over f, an opened device node (sb->s_bdev; a reference
 * of its own is taken); name is the node's path, its last part names the
 * device in messages. Read-only when f was opened read-only. ERR_PTR. */
struct block_device *blkdev_get(struct file *f, const char *name);
/* Open the same node again read-write (remount of a read-only mount):
 * 0 or the driver's error (EROFS for a read-only unit). */
int blkdev_reopen_rw(struct block_device *bdev);
/* Drop the device (its buffers must have been released: invalidate_bdev). */
void blkdev_put(struct block_device *bdev);
/* Bytes [pos, pos + len) to or from buf (kernel memory): 0 or -EIO. */
int blkdev_rw(struct block_device *bdev, void *buf, u64 pos, size_t len, bool write);

#define BH_Uptodate 0x1
#define BH_Dirty 0x2

struct buffer_head {
	struct block_device *b_bdev;
	u64 b_blocknr;
	unsigned int b_size;
	char *b_data;
	int b_count;                    /* users; 0: on the LRU, may be dropped */
	unsigned int b_state;
	struct list_head b_hash;        /* in its hash chain */
	struct list_head b_lru;         /* all buffers, least recently used first */
};

/* The buffer of block (size bytes), read if not cached; NULL on an I/O
 * error or no memory. Every buffer returned must be brelse'd. */
struct buffer_head *__bread(struct block_device *bdev, u64 block, unsigned int size);
/* The buffer, not read: the caller fills all of it and marks it uptodate. */
struct buffer_head *__getblk(struct block_device *bdev, u64 block, unsigned int size);
void brelse(struct buffer_head *bh);
void mark_buffer_dirty(struct buffer_head *bh);
static inline void set_buffer_uptodate(struct buffer_head *bh)
{
	bh->b_state |= BH_Uptodate;
}
static inline bool buffer_dirty(const struct buffer_head *bh)
{
	return bh->b_state & BH_Dirty;
}
/* Write bh now if dirty: 0 or -EIO. */
int sync_dirty_buffer(struct buffer_head *bh);
/* Write every dirty buffer of bdev, then flush the host file: 0 or the
 * first error. */
int sync_blockdev(struct block_device *bdev);
/* Drop every buffer of bdev (after sync_blockdev; umount). */
void invalidate_bdev(struct block_device *bdev);

#endif

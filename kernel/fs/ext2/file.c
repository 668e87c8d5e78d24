/*
 * ext2 regular files: read and write through the buffer cache, block by
 * block over the block map (holes read as zeros, writes allocate), and
 * the page cache for mmap and exec (->readpage, ->writepage). The two
 * stay coherent as hostfs's do (kernel/fs/README.md): read and write
 * first write back what shared mappings dirtied in their range, and
 * write refreshes the cached pages it touched. CPU thread, task context.
 */
#include <glass/timer.h>
#include "../internal.h"
#include "ext2.h"

/*
 * Copy count bytes between buf (a user pointer, or kernel memory under
 * KERNEL_DS) and the file at pos. Reading stops at i_size; writing
 * allocates blocks and grows i_size. The count done, or the error if
 * nothing was.
 */
static ssize_t ext2_rw(struct inode *inode, char __user *buf, size_t count, loff_t pos,
		       bool write)
{
	struct super_block *sb = inode->i_sb;
	u32 bs = ext2_bs(sb);
	u64 max = ext2_max_size(&EXT2_SB(sb)->g);
	ssize_t done = 0;
	int err = 0;

	if (pos < 0)
		return -EINVAL;
	if (!write)
		count = pos < inode->i_size ? min_t(u64, count, inode->i_size - pos) : 0;
	else if ((u64)pos + count > max)
		count = (u64)pos < max ? max - pos : 0;
	if (write && !count && pos >= (loff_t)max)
		return -EFBIG;
	while (done < (ssize_t)count) {
		u64 p = pos + done;
		u32 off = p % bs, n = min_t(u64, bs - off, count - done), block;
		struct buffer_head *bh;

		err = ext2_get_block(inode, p / bs, write, &block);
		if (err)
			break;
		if (!block) {           /* a hole, read */
			if (clear_user(buf + done, n)) {
				err = -EFAULT;
				break;
			}
			done += n;
			continue;
		}
		bh = ext2_bread(sb, block);
		if (!bh) {
			err = -EIO;
			break;
		}
		if (write ? copy_from_user(bh->b_data + off, buf + done, n)
			  : copy_to_user(buf + done, bh->b_data + off, n)) {
			brelse(bh);
			err = -EFAULT;
			break;
		}
		if (write)
			mark_buffer_dirty(bh);
		brelse(bh);
		done += n;
		if (write && pos + done > inode->i_size)
			inode->i_size = pos + done;
	}
	if (write && done) {
		inode_set_now(inode, TIME_M | TIME_C);
		ext2_write_inode(inode);
	}
	return done ? done : err;
}

static void write_back_span(struct inode *inode, loff_t pos, size_t count)
{
	filemap_write_range(inode, pos >> PAGE_SHIFT,
			    (pos + max_t(size_t, count, 1) - 1) >> PAGE_SHIFT);
}

static ssize_t ext2_file_read(struct file *f, char __user *buf, size_t count, loff_t *pos)
{
	ssize_t n;

	write_back_span(f->f_inode, *pos, count);
	n = ext2_rw(f->f_inode, buf, count, *pos, false);
	if (n > 0)
		*pos += n;
	return n;
}

static ssize_t ext2_file_write(struct file *f, const char __user *buf, size_t count,
			       loff_t *pos)
{
	struct inode *inode = f->f_inode;
	loff_t start;
	ssize_t n;

	if (f->f_flags & O_APPEND)
		*pos = inode->i_size;
	start = *pos;
	write_back_span(inode, start, count);
	/* ext2_rw only reads from buf when writing. */
	n = ext2_rw(inode, (char __user *)buf, count, start, true);
	if (n <= 0)
		return n;
	*pos += n;
	/* Mapped copies see what was written. */
	for (unsigned long i = start >> PAGE_SHIFT;
	     i < inode->i_npages_cap && (loff_t)(i << PAGE_SHIFT) < *pos; i++)
		if (inode->i_pages[i])
			ext2_readpage(inode, inode->i_pages[i]);
	return n;
}

int ext2_fsync(struct file *f)
{
	return sync_blockdev(EXT2_SB(f->f_inode->i_sb)->s_bdev);
}

const struct file_operations ext2_file_operations = {
	.llseek = generic_file_llseek,
	.read = ext2_file_read,
	.write = ext2_file_write,
	.fsync = ext2_fsync,
};

/* The page at page->index from the file's blocks (zeros past the end). */
int ext2_readpage(struct inode *inode, struct page *page)
{
	loff_t pos = (loff_t)page->index << PAGE_SHIFT;
	mm_segment_t old = get_fs();
	ssize_t n;

	memset(page_address(page), 0, PAGE_SIZE);
	set_fs(KERNEL_DS);
	n = ext2_rw(inode, (char __user *)page_address(page), PAGE_SIZE, pos, false);
	set_fs(old);
	return n < 0 ? n : 0;
}

/* A page a shared mapping dirtied, back into the file (within i_size). */
static int ext2_writepage(struct inode *inode, struct page *page)
{
	loff_t pos = (loff_t)page->index << PAGE_SHIFT;
	mm_segment_t old = get_fs();
	ssize_t n;

	if (pos >= inode->i_size)
		return 0;
	set_fs(KERNEL_DS);
	n = ext2_rw(inode, (char __user *)page_address(page),
		    min_t(loff_t, PAGE_SIZE, inode->i_size - pos), pos, true);
	set_fs(old);
	return n < 0 ? n : 0;
}

const struct address_space_operations ext2_aops = {
	.readpage = ext2_readpage,
	.writepage = ext2_writepage,
};

const struct inode_operations ext2_file_inode_operations = {
	.setattr = ext2_setattr,
};

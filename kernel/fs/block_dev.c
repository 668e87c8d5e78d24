/*
 * Block devices for filesystems: the device node the VFS opened for the
 * mount (sb->s_bdev), its driver's ->read and ->write called with kernel
 * buffers (kernel_read, kernel_write under KERNEL_DS). CPU thread, task
 * context.
 */
#include <glass/buffer_head.h>
#include "internal.h"

struct block_device *blkdev_get(struct file *f, const char *name)
{
	struct block_device *bdev;
	const char *base = strrchr(name, '/');
	loff_t size = vfs_llseek(f, 0, SEEK_END);

	if (size < 0)
		return ERR_PTR(size);
	bdev = kzalloc(sizeof(*bdev), GFP_KERNEL);
	if (!bdev)
		return ERR_PTR(-ENOMEM);
	bdev->bd_file = get_file(f);
	bdev->bd_dev = f->f_inode->i_rdev;
	bdev->bd_size = size;
	bdev->bd_readonly = !(f->f_mode & FMODE_WRITE);
	strscpy(bdev->bd_name, base ? base + 1 : name, sizeof(bdev->bd_name));
	return bdev;
}

int blkdev_reopen_rw(struct block_device *bdev)
{
	struct file *f;

	if (!bdev->bd_readonly)
		return 0;
	f = dentry_open(&bdev->bd_file->f_path, O_RDWR);
	if (IS_ERR(f))
		return PTR_ERR(f);
	fput(bdev->bd_file);
	bdev->bd_file = f;
	bdev->bd_readonly = false;
	return 0;
}

void blkdev_put(struct block_device *bdev)
{
	BUG_ON(bdev->bd_nr_dirty);
	fput(bdev->bd_file);
	kfree(bdev);
}

int blkdev_rw(struct block_device *bdev, void *buf, u64 pos, size_t len, bool write)
{
	loff_t off = pos;
	ssize_t n;

	if (pos + len > bdev->bd_size)
		return -EIO;
	n = write ? kernel_write(bdev->bd_file, buf, len, &off)
		  : kernel_read(bdev->bd_file, buf, len, &off);
	if (n != (ssize_t)len) {
		pr_err("%s: I/O error, %s of %zu bytes at %llu (%zd)\n", bdev->bd_name,
		       write ? "write" : "read", len, (unsigned long long)pos, n);
		return -EIO;
	}
	return 0;
}

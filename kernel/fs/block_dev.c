/*
 * Block devices for filesystems: a device node opened in the kernel, its
 * driver's ->read and ->write called with kernel buffers (kernel_read,
 * kernel_write under KERNEL_DS). CPU thread, task context.
 */
#include <glass/buffer_head.h>
#include "internal.h"

struct block_device *blkdev_get_by_path(const char *path, bool readonly)
{
	struct block_device *bdev;
	struct path p;
	struct file *f;
	const char *base;
	loff_t size;
	int err = kern_path(path, LOOKUP_FOLLOW, &p);

	if (err)
		return ERR_PTR(err);
	err = -ENOTBLK;
	if (!S_ISBLK(p.dentry->d_inode->i_mode))
		goto out_path;
	f = dentry_open(&p, readonly ? O_RDONLY : O_RDWR);
	err = PTR_ERR(f);
	if (IS_ERR(f))
		goto out_path;
	size = vfs_llseek(f, 0, SEEK_END);
	err = -ENOMEM;
	bdev = kzalloc(sizeof(*bdev), GFP_KERNEL);
	if (size < 0 || !bdev) {
		err = size < 0 ? (int)size : -ENOMEM;
		kfree(bdev);
		fput(f);
		goto out_path;
	}
	bdev->bd_file = f;
	bdev->bd_dev = p.dentry->d_inode->i_rdev;
	bdev->bd_size = size;
	bdev->bd_readonly = readonly;
	base = strrchr(path, '/');
	strscpy(bdev->bd_name, base ? base + 1 : path, sizeof(bdev->bd_name));
	path_put(&p);
	return bdev;
out_path:
	path_put(&p);
	return ERR_PTR(err);
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

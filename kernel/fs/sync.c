/*
 * sync, syncfs, fsync, fdatasync. Everything Glass keeps is in memory
 * except hostfs: what its shared mappings dirtied is written back
 * (writeback.c), and its ->fsync fsyncs the host file.
 * Task context.
 */
#include <glass/syscalls.h>
#include "internal.h"

int vfs_fsync(struct file *f)
{
	umode_t mode = f->f_inode ? f->f_inode->i_mode : 0;
	int err = filemap_write_inode(f->f_inode);

	if (err)
		return err;
	if (f->f_op->fsync)
		return f->f_op->fsync(f);
	if (S_ISREG(mode) || S_ISDIR(mode) || S_ISLNK(mode) || S_ISBLK(mode) ||
	    S_ISCHR(mode))
		return 0;
	return -EINVAL;
}

SYSCALL_DEFINE0(sync)
{
	writeback_inodes();
	return 0;
}

SYSCALL_DEFINE1(syncfs, int, fd)
{
	struct file *f = fget(fd);

	if (!f)
		return -EBADF;
	writeback_inodes();
	fput(f);
	return 0;
}

SYSCALL_DEFINE1(fsync, unsigned int, fd)
{
	struct file *f = fget(fd);
	int err;

	if (!f)
		return -EBADF;
	err = vfs_fsync(f);
	fput(f);
	return err;
}

SYSCALL_DEFINE1(fdatasync, unsigned int, fd)
{
	struct file *f = fget(fd);
	int err;

	if (!f)
		return -EBADF;
	err = vfs_fsync(f);
	fput(f);
	return err;
}

/*
 * File status: stat, fstat, lstat, newfstatat, statx, readlink(at),
 * statfs, fstatfs. Task context on the CPU thread.
 */
#include <glass/syscalls.h>
#include "internal.h"

static int cp_new_stat(const struct kstat *st, struct linux_stat __user *ubuf)
{
	struct linux_stat s;

	memset(&s, 0, sizeof(s));
	s.st_dev = new_encode_dev(st->dev);
	s.st_ino = st->ino;
	s.st_nlink = st->nlink;
	s.st_mode = st->mode;
	s.st_uid = st->uid;
	s.st_gid = st->gid;
	s.st_rdev = new_encode_dev(st->rdev);
	s.st_size = st->size;
	s.st_blksize = st->blksize;
	s.st_blocks = st->blocks;
	s.st_atime_sec = st->atime_sec;
	s.st_atime_nsec = st->atime_nsec;
	s.st_mtime_sec = st->mtime_sec;
	s.st_mtime_nsec = st->mtime_nsec;
	s.st_ctime_sec = st->ctime_sec;
	s.st_ctime_nsec = st->ctime_nsec;
	return copy_to_user(ubuf, &s, sizeof(s)) ? -EFAULT : 0;
}

/* Look up (dfd, name) per AT_* flags and get its attributes. */
static int vfs_statx(int dfd, const char __user *filename, int flags, struct kstat *st)
{
	unsigned int lookup = LOOKUP_FOLLOW;
	struct path p;
	int err;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH |
		      AT_STATX_SYNC_TYPE))
		return -EINVAL;
	if (flags & AT_SYMLINK_NOFOLLOW)
		lookup = 0;
	if (flags & AT_EMPTY_PATH)
		lookup |= LOOKUP_EMPTY;
	err = user_path_at(dfd, filename, lookup, &p);
	if (err)
		return err;
	err = vfs_getattr(&p, st);
	path_put(&p);
	return err;
}

static int vfs_fstat(unsigned int fd, struct kstat *st)
{
	struct file *f = fget_raw(fd);
	int err;

	if (!f)
		return -EBADF;
	err = vfs_getattr(&f->f_path, st);
	fput(f);
	return err;
}

SYSCALL_DEFINE4(newfstatat, int, dfd, const char __user *, filename,
		struct linux_stat __user *, statbuf, int, flag)
{
	struct kstat st;
	int err;

	/* fstatat(fd, "", AT_EMPTY_PATH) is fstat, also on a non-directory. */
	err = vfs_statx(dfd, filename, flag, &st);
	return err ? err : cp_new_stat(&st, statbuf);
}

SYSCALL_DEFINE2(stat, const char __user *, filename, struct linux_stat __user *, statbuf)
{
	struct kstat st;
	int err = vfs_statx(AT_FDCWD, filename, 0, &st);

	return err ? err : cp_new_stat(&st, statbuf);
}

SYSCALL_DEFINE2(lstat, const char __user *, filename, struct linux_stat __user *, statbuf)
{
	struct kstat st;
	int err = vfs_statx(AT_FDCWD, filename, AT_SYMLINK_NOFOLLOW, &st);

	return err ? err : cp_new_stat(&st, statbuf);
}

SYSCALL_DEFINE2(fstat, unsigned int, fd, struct linux_stat __user *, statbuf)
{
	struct kstat st;
	int err = vfs_fstat(fd, &st);

	return err ? err : cp_new_stat(&st, statbuf);
}

SYSCALL_DEFINE5(statx, int, dfd, const char __user *, filename, unsigned int, flags,
		unsigned int, mask, struct linux_statx __user *, buffer)
{
	struct linux_statx sx;
	struct kstat st;
	int err;

	if (mask & STATX__RESERVED)
		return -EINVAL;
	if ((flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE)
		return -EINVAL;
	err = vfs_statx(dfd, filename, flags, &st);
	if (err)
		return err;
	memset(&sx, 0, sizeof(sx));
	sx.stx_mask = STATX_BASIC_STATS;
	sx.stx_blksize = st.blksize;
	sx.stx_nlink = st.nlink;
	sx.stx_uid = st.uid;
	sx.stx_gid = st.gid;
	sx.stx_mode = st.mode;
	sx.stx_ino = st.ino;
	sx.stx_size = st.size;
	sx.stx_blocks = st.blocks;
	sx.stx_atime.tv_sec = st.atime_sec;
	sx.stx_atime.tv_nsec = st.atime_nsec;
	sx.stx_mtime.tv_sec = st.mtime_sec;
	sx.stx_mtime.tv_nsec = st.mtime_nsec;
	sx.stx_ctime.tv_sec = st.ctime_sec;
	sx.stx_ctime.tv_nsec = st.ctime_nsec;
	sx.stx_rdev_major = MAJOR(st.rdev);
	sx.stx_rdev_minor = MINOR(st.rdev);
	sx.stx_dev_major = MAJOR(st.dev);
	sx.stx_dev_minor = MINOR(st.dev);
	return copy_to_user(buffer, &sx, sizeof(sx)) ? -EFAULT : 0;
}

/* A symlink's text into a kernel buffer; -EINVAL if d is not a link. */
int vfs_readlink(struct dentry *d, char *buf, int size)
{
	struct inode *inode = d->d_inode;

	if (!S_ISLNK(inode->i_mode) || !inode->i_op || !inode->i_op->readlink)
		return -EINVAL;
	return inode->i_op->readlink(d, buf, size);
}

static long do_readlinkat(int dfd, const char __user *pathname, char __user *buf,
			  int bufsiz)
{
	struct path p;
	char *kbuf;
	long err;

	if (bufsiz <= 0)
		return -EINVAL;
	err = user_path_at(dfd, pathname, LOOKUP_EMPTY, &p);
	if (err)
		return err;
	kbuf = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!kbuf) {
		err = -ENOMEM;
		goto out;
	}
	err = vfs_readlink(p.dentry, kbuf, min(bufsiz, (int)PATH_MAX));
	if (err > 0 && copy_to_user(buf, kbuf, err))
		err = -EFAULT;
	kfree(kbuf);
out:
	path_put(&p);
	return err;
}

SYSCALL_DEFINE4(readlinkat, int, dfd, const char __user *, pathname,
		char __user *, buf, int, bufsiz)
{
	return do_readlinkat(dfd, pathname, buf, bufsiz);
}

SYSCALL_DEFINE3(readlink, const char __user *, path, char __user *, buf, int, bufsiz)
{
	return do_readlinkat(AT_FDCWD, path, buf, bufsiz);
}

int vfs_statfs(const struct path *p, struct kstatfs *buf)
{
	struct super_block *sb = p->dentry->d_sb;
	int err;

	if (sb && sb->s_op && sb->s_op->statfs)
		err = sb->s_op->statfs(p->dentry, buf);
	else
		err = simple_statfs(p->dentry, buf);
	if (err)
		return err;
	if (!buf->f_frsize)
		buf->f_frsize = buf->f_bsize;
	buf->f_flags = p->mnt->mnt_flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC);
	buf->f_flags |= 0x0020;         /* ST_VALID */
	return 0;
}

SYSCALL_DEFINE2(statfs, const char __user *, pathname, struct kstatfs __user *, buf)
{
	struct kstatfs st;
	struct path p;
	int err = user_path_at(AT_FDCWD, pathname, LOOKUP_FOLLOW, &p);

	if (err)
		return err;
	err = vfs_statfs(&p, &st);
	path_put(&p);
	if (!err && copy_to_user(buf, &st, sizeof(st)))
		err = -EFAULT;
	return err;
}

SYSCALL_DEFINE2(fstatfs, unsigned int, fd, struct kstatfs __user *, buf)
{
	struct file *f = fget_raw(fd);
	struct kstatfs st;
	int err;

	if (!f)
		return -EBADF;
	err = vfs_statfs(&f->f_path, &st);
	fput(f);
	if (!err && copy_to_user(buf, &st, sizeof(st)))
		err = -EFAULT;
	return err;
}

/*
 * Opening and closing files, and the syscalls that change a file's
 * attributes or a process's view of the tree: open, openat, creat, close,
 * close_range, truncate, ftruncate, fallocate, access, faccessat(2),
 * chdir, fchdir, chroot, chmod, fchmod(at), chown, fchown(at), lchown,
 * umask. Task context on the CPU thread.
 */
#include <glass/syscalls.h>
#include "internal.h"

/* Open path with the inode's file operations: ->open may replace f_op
 * (character devices) or sleep (FIFOs). */
struct file *vfs_open(const struct path *path, int flags)
{
	struct inode *inode = path->dentry->d_inode;
	struct file *f;
	int err;

	/* ->open sees O_NOCTTY (ttys); it is dropped afterwards, as Linux's
	 * do_dentry_open does. */
	f = alloc_file(path, flags & ~(O_CREAT | O_EXCL | O_TRUNC | O_CLOEXEC), NULL);
	if (IS_ERR(f))
		return f;
	if (flags & O_PATH) {
		f->f_mode = 0;
		f->f_flags &= ~O_NOCTTY;
		return f;
	}
	if ((flags & O_ACCMODE) == 3)
		f->f_mode = 0;
	if (inode->i_fop) {
		f->f_op = fops_get(inode->i_fop);
		if (!f->f_op) {         /* its module is going away */
			fput(f);
			return ERR_PTR(-ENODEV);
		}
	}
	if (f->f_op->open) {
		err = f->f_op->open(inode, f);
		if (err) {
			fops_put(f->f_op);
			f->f_op = NULL;         /* no ->release for a failed open */
			fput(f);
			return ERR_PTR(err);
		}
	}
	f->f_flags &= ~O_NOCTTY;
	return f;
}

struct file *dentry_open(const struct path *path, int flags)
{
	return vfs_open(path, flags);
}

#define VALID_OPEN_FLAGS                                                     \
	(O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND |     \
	 O_NONBLOCK | O_DSYNC | O_ASYNC | O_DIRECT | O_LARGEFILE |          \
	 O_DIRECTORY | O_NOFOLLOW | O_NOATIME | O_CLOEXEC | O_PATH |        \
	 O_TMPFILE | 04000000 /* __O_SYNC */)

/* open(2) and friends: name from the guest, the new fd or -errno. */
long do_sys_open(int dfd, const char __user *filename, int flags, umode_t mode)
{
	struct file *f;
	char *name;
	int fd;

	if ((flags & O_TMPFILE) == O_TMPFILE)
		return -EOPNOTSUPP;
	flags &= VALID_OPEN_FLAGS;
	if (flags & O_PATH)
		flags &= O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	flags |= O_LARGEFILE;
	name = getname_flags(filename, false);
	if (IS_ERR(name))
		return PTR_ERR(name);
	fd = get_unused_fd_flags(flags);
	if (fd >= 0) {
		f = do_filp_open(dfd, name, flags, mode);
		if (IS_ERR(f)) {
			fd = PTR_ERR(f);
		} else {
			/* ->open may have slept: take the lowest free fd now. */
			fd = get_unused_fd_flags(flags);
			if (fd < 0)
				fput(f);
			else
				fd_install(fd, f);
		}
	}
	putname(name);
	return fd;
}

SYSCALL_DEFINE3(open, const char __user *, filename, int, flags, umode_t, mode)
{
	return do_sys_open(AT_FDCWD, filename, flags, mode);
}

SYSCALL_DEFINE4(openat, int, dfd, const char __user *, filename, int, flags,
		umode_t, mode)
{
	return do_sys_open(dfd, filename, flags, mode);
}

SYSCALL_DEFINE2(creat, const char __user *, pathname, umode_t, mode)
{
	return do_sys_open(AT_FDCWD, pathname, O_CREAT | O_WRONLY | O_TRUNC, mode);
}

SYSCALL_DEFINE1(close, unsigned int, fd)
{
	int err = close_fd(fd);

	/* An interrupted close has still closed the fd. */
	if (err == -ERESTARTSYS || err == -ERESTARTNOINTR || err == -ERESTARTNOHAND)
		err = -EINTR;
	return err;
}

SYSCALL_DEFINE3(close_range, unsigned int, first, unsigned int, last,
		unsigned int, flags)
{
	struct files_struct *files = current->files;

	if (flags & ~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC))
		return -EINVAL;
	if (first > last)
		return -EINVAL;
	if ((flags & CLOSE_RANGE_UNSHARE) && files->count > 1) {
		struct files_struct *copy = dup_fd(files);

		if (!copy)
			return -ENOMEM;
		files->count--;
		current->files = files = copy;
	}
	for (unsigned int fd = first; fd <= last && fd < files->max_fds; fd++) {
		if (!files->fd[fd])
			continue;
		if (flags & CLOSE_RANGE_CLOEXEC)
			set_close_on_exec(fd, true);
		else
			close_fd(fd);
	}
	return 0;
}

/* Set the size of the file at d (truncate, O_TRUNC). */
int do_truncate(struct dentry *d, loff_t length)
{
	struct iattr attr = { .ia_valid = ATTR_SIZE | ATTR_MTIME, .ia_size = length };
	struct timespec64 now = current_time(d->d_inode);

	if (length < 0)
		return -EINVAL;
	attr.ia_mtime_sec = now.tv_sec;
	attr.ia_mtime_nsec = now.tv_nsec;
	return notify_change(d, &attr);
}

static long do_sys_truncate(struct path *p, loff_t length)
{
	struct inode *inode = p->dentry->d_inode;

	if (S_ISDIR(inode->i_mode))
		return -EISDIR;
	if (!S_ISREG(inode->i_mode))
		return -EINVAL;
	if (mnt_is_readonly(p->mnt))
		return -EROFS;
	return do_truncate(p->dentry, length);
}

SYSCALL_DEFINE2(truncate, const char __user *, path, long, length)
{
	struct path p;
	long err;

	if (length < 0)
		return -EINVAL;
	err = user_path_at(AT_FDCWD, path, LOOKUP_FOLLOW, &p);
	if (err)
		return err;
	err = do_sys_truncate(&p, length);
	path_put(&p);
	return err;
}

SYSCALL_DEFINE2(ftruncate, unsigned int, fd, unsigned long, length)
{
	struct file *f = fget(fd);
	long err;

	if (!f)
		return -EBADF;
	if ((long)length < 0 || !(f->f_mode & FMODE_WRITE) ||
	    !S_ISREG(f->f_inode->i_mode))
		err = -EINVAL;
	else
		err = do_sys_truncate(&f->f_path, length);
	fput(f);
	return err;
}

/* fallocate: mode 0 grows the size; the rest is not supported. */
SYSCALL_DEFINE4(fallocate, int, fd, int, mode, long, offset, long, len)
{
	struct file *f = fget(fd);
	long err = 0;

	if (!f)
		return -EBADF;
	if (offset < 0 || len <= 0)
		err = -EINVAL;
	else if (!(f->f_mode & FMODE_WRITE))
		err = -EBADF;
	else if (mode != 0)
		err = -EOPNOTSUPP;
	else if (S_ISDIR(f->f_inode->i_mode))
		err = -EISDIR;
	else if (!S_ISREG(f->f_inode->i_mode))
		err = -ENODEV;
	else if (offset + len > f->f_inode->i_size)
		err = do_truncate(f->f_path.dentry, offset + len);
	fput(f);
	return err;
}

/* access(2) for root: existence, EROFS for writing, any x bit for exec. */
static long do_faccessat(int dfd, const char __user *filename, int mode, int flags)
{
	unsigned int lookup = LOOKUP_FOLLOW;
	struct inode *inode;
	struct path p;
	long err;

	if (mode & ~(R_OK | W_OK | X_OK))
		return -EINVAL;
	if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (flags & AT_SYMLINK_NOFOLLOW)
		lookup = 0;
	if (flags & AT_EMPTY_PATH)
		lookup |= LOOKUP_EMPTY;
	err = user_path_at(dfd, filename, lookup, &p);
	if (err)
		return err;
	inode = p.dentry->d_inode;
	if ((mode & W_OK) && mnt_is_readonly(p.mnt) &&
	    (S_ISREG(inode->i_mode) || S_ISDIR(inode->i_mode) || S_ISLNK(inode->i_mode)))
		err = -EROFS;
	else if ((mode & X_OK) && !S_ISDIR(inode->i_mode) && !(inode->i_mode & 0111))
		err = -EACCES;
	path_put(&p);
	return err;
}

SYSCALL_DEFINE2(access, const char __user *, filename, int, mode)
{
	return do_faccessat(AT_FDCWD, filename, mode, 0);
}

SYSCALL_DEFINE3(faccessat, int, dfd, const char __user *, filename, int, mode)
{
	return do_faccessat(dfd, filename, mode, 0);
}

SYSCALL_DEFINE4(faccessat2, int, dfd, const char __user *, filename, int, mode,
		int, flags)
{
	return do_faccessat(dfd, filename, mode, flags);
}

/* Replace *where (cwd or root) by p's directory. */
static void set_fs_path(struct path *where, const struct path *p)
{
	struct path old = *where;

	*where = *p;
	path_get(p);
	path_put(&old);
}

SYSCALL_DEFINE1(chdir, const char __user *, filename)
{
	struct path p;
	long err = user_path_at(AT_FDCWD, filename, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &p);

	if (err)
		return err;
	set_fs_path(&current->fs->pwd, &p);
	path_put(&p);
	return 0;
}

SYSCALL_DEFINE1(fchdir, unsigned int, fd)
{
	struct file *f = fget_raw(fd);
	long err = 0;

	if (!f)
		return -EBADF;
	if (!S_ISDIR(f->f_inode->i_mode))
		err = -ENOTDIR;
	else
		set_fs_path(&current->fs->pwd, &f->f_path);
	fput(f);
	return err;
}

SYSCALL_DEFINE1(chroot, const char __user *, filename)
{
	struct path p;
	long err = user_path_at(AT_FDCWD, filename, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &p);

	if (err)
		return err;
	set_fs_path(&current->fs->root, &p);
	path_put(&p);
	return 0;
}

/* Permission bits of the file at p (file type kept). */
int vfs_chmod(const struct path *p, umode_t mode)
{
	struct iattr attr = { .ia_valid = ATTR_MODE, .ia_mode = mode & 07777 };

	if (mnt_is_readonly(p->mnt))
		return -EROFS;
	return notify_change(p->dentry, &attr);
}

/* Owner of the file at p; (uid_t)-1 / (gid_t)-1 leave one unchanged.
 * Like Linux, drops set-uid (and set-gid with group exec) on non-dirs. */
int vfs_chown(const struct path *p, uid_t uid, gid_t gid)
{
	struct inode *inode = p->dentry->d_inode;
	struct iattr attr = { 0 };

	if (mnt_is_readonly(p->mnt))
		return -EROFS;
	if (uid != (uid_t)-1) {
		attr.ia_valid |= ATTR_UID;
		attr.ia_uid = uid;
	}
	if (gid != (gid_t)-1) {
		attr.ia_valid |= ATTR_GID;
		attr.ia_gid = gid;
	}
	if (attr.ia_valid && !S_ISDIR(inode->i_mode) &&
	    (inode->i_mode & (S_ISUID | S_ISGID))) {
		attr.ia_valid |= ATTR_MODE;
		attr.ia_mode = inode->i_mode & ~S_ISUID;
		if (inode->i_mode & 010)
			attr.ia_mode &= ~S_ISGID;
	}
	return notify_change(p->dentry, &attr);
}

static long do_fchmodat(int dfd, const char __user *filename, umode_t mode)
{
	struct path p;
	long err = user_path_at(dfd, filename, LOOKUP_FOLLOW, &p);

	if (err)
		return err;
	err = vfs_chmod(&p, mode);
	path_put(&p);
	return err;
}

SYSCALL_DEFINE2(chmod, const char __user *, filename, umode_t, mode)
{
	return do_fchmodat(AT_FDCWD, filename, mode);
}

SYSCALL_DEFINE3(fchmodat, int, dfd, const char __user *, filename, umode_t, mode)
{
	return do_fchmodat(dfd, filename, mode);
}

SYSCALL_DEFINE2(fchmod, unsigned int, fd, umode_t, mode)
{
	struct file *f = fget(fd);
	long err;

	if (!f)
		return -EBADF;
	err = vfs_chmod(&f->f_path, mode);
	fput(f);
	return err;
}

static long do_fchownat(int dfd, const char __user *filename, uid_t user,
			gid_t group, int flag)
{
	unsigned int lookup = LOOKUP_FOLLOW;
	struct path p;
	long err;

	if (flag & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (flag & AT_SYMLINK_NOFOLLOW)
		lookup = 0;
	if (flag & AT_EMPTY_PATH)
		lookup |= LOOKUP_EMPTY;
	err = user_path_at(dfd, filename, lookup, &p);
	if (err)
		return err;
	err = vfs_chown(&p, user, group);
	path_put(&p);
	return err;
}

SYSCALL_DEFINE3(chown, const char __user *, filename, uid_t, user, gid_t, group)
{
	return do_fchownat(AT_FDCWD, filename, user, group, 0);
}

SYSCALL_DEFINE3(lchown, const char __user *, filename, uid_t, user, gid_t, group)
{
	return do_fchownat(AT_FDCWD, filename, user, group, AT_SYMLINK_NOFOLLOW);
}

SYSCALL_DEFINE5(fchownat, int, dfd, const char __user *, filename, uid_t, user,
		gid_t, group, int, flag)
{
	return do_fchownat(dfd, filename, user, group, flag);
}

SYSCALL_DEFINE3(fchown, unsigned int, fd, uid_t, user, gid_t, group)
{
	struct file *f = fget(fd);
	long err;

	if (!f)
		return -EBADF;
	err = vfs_chown(&f->f_path, user, group);
	fput(f);
	return err;
}

SYSCALL_DEFINE1(umask, int, mask)
{
	umode_t old = current->fs->umask;

	current->fs->umask = mask & 0777;
	return old;
}

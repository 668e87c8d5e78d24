/*
 * Operations on names: create, link, unlink and rename, as vfs_* calls on
 * dentries (checks shared by every filesystem, then the inode
 * operation, then the dcache update) and as syscalls: mkdir(at), rmdir,
 * unlink(at), rename(at/at2), link(at), symlink(at), mknod(at).
 * Task context on the CPU thread.
 */
#include <glass/syscalls.h>
#include "internal.h"

/* Does directory d have a positive child in the dcache? */
static bool d_has_children(struct dentry *d)
{
	struct dentry *c;

	list_for_each_entry(c, &d->d_subdirs, d_child)
		if (c->d_inode && !(c->d_flags & DCACHE_UNHASHED))
			return true;
	return false;
}

int vfs_create(struct inode *dir, struct dentry *d, umode_t mode)
{
	if (!dir->i_op || !dir->i_op->create)
		return -EACCES;
	return dir->i_op->create(dir, d, mode);
}

int vfs_mkdir(struct inode *dir, struct dentry *d, umode_t mode)
{
	if (!dir->i_op || !dir->i_op->mkdir)
		return -EPERM;
	return dir->i_op->mkdir(dir, d, mode);
}

int vfs_mknod(struct inode *dir, struct dentry *d, umode_t mode, dev_t dev)
{
	if (!dir->i_op || !dir->i_op->mknod)
		return -EPERM;
	return dir->i_op->mknod(dir, d, mode, dev);
}

int vfs_symlink(struct inode *dir, struct dentry *d, const char *target)
{
	if (!dir->i_op || !dir->i_op->symlink)
		return -EPERM;
	return dir->i_op->symlink(dir, d, target);
}

int vfs_link(struct dentry *old, struct inode *dir, struct dentry *d)
{
	struct inode *inode = old->d_inode;

	if (S_ISDIR(inode->i_mode))
		return -EPERM;
	if (inode->i_sb != dir->i_sb)
		return -EXDEV;
	if (!inode->i_nlink)
		return -ENOENT;
	if (!dir->i_op || !dir->i_op->link)
		return -EPERM;
	return dir->i_op->link(old, dir, d);
}

int vfs_unlink(struct inode *dir, struct dentry *d)
{
	int err;

	if (!dir->i_op || !dir->i_op->unlink)
		return -EPERM;
	if (d->d_mounted)
		return -EBUSY;
	err = dir->i_op->unlink(dir, d);
	if (!err)
		d_delete(d);
	return err;
}

int vfs_rmdir(struct inode *dir, struct dentry *d)
{
	int err;

	if (!dir->i_op || !dir->i_op->rmdir)
		return -EPERM;
	if (d->d_mounted)
		return -EBUSY;
	if (d_has_children(d))
		return -ENOTEMPTY;
	err = dir->i_op->rmdir(dir, d);
	if (!err)
		d_delete(d);
	return err;
}

/* Move od to nd's name (replacing a positive nd). RENAME_NOREPLACE is
 * checked by the caller; RENAME_EXCHANGE is not supported. */
int vfs_rename(struct inode *odir, struct dentry *od, struct inode *ndir,
	       struct dentry *nd, unsigned int flags)
{
	struct inode *src = od->d_inode, *dst = nd->d_inode;
	bool is_dir = S_ISDIR(src->i_mode);
	int err;

	if (flags & ~RENAME_NOREPLACE)
		return -EINVAL;
	if (src == dst)
		return 0;
	if (dst && (flags & RENAME_NOREPLACE))
		return -EEXIST;
	if (dst && is_dir && !S_ISDIR(dst->i_mode))
		return -ENOTDIR;
	if (dst && !is_dir && S_ISDIR(dst->i_mode))
		return -EISDIR;
	if (is_dir && is_subdir(nd->d_parent, od))
		return -EINVAL;
	if (dst && S_ISDIR(dst->i_mode) && d_has_children(nd))
		return -ENOTEMPTY;
	if (od->d_mounted || nd->d_mounted)
		return -EBUSY;
	if (src->i_sb != ndir->i_sb)
		return -EXDEV;
	if (!odir->i_op || !odir->i_op->rename)
		return -EPERM;
	err = odir->i_op->rename(odir, od, ndir, nd);
	if (err)
		return err;
	if (dst)
		d_delete(nd);
	return d_move(od, nd);
}

/* Look up the parent of name and a negative dentry for its last part. */
static struct dentry *filename_create(int dfd, const char *name,
				      struct path *parent, bool is_dir)
{
	const char *last;
	int len, type, err;
	struct dentry *d;

	err = filename_parentat(dfd, name, parent, &last, &len, &type);
	if (err)
		return ERR_PTR(err);
	err = -EEXIST;
	if (type != LAST_NORM)
		goto fail;
	d = lookup_one_len(last, len, parent->dentry);
	err = PTR_ERR(d);
	if (IS_ERR(d))
		goto fail;
	err = -EEXIST;
	if (d->d_inode)
		goto fail_d;
	err = -ENOENT;
	if (last[len] == '/' && !is_dir)
		goto fail_d;
	if (!parent->dentry->d_inode->i_nlink)
		goto fail_d;
	err = -EROFS;
	if (mnt_is_readonly(parent->mnt))
		goto fail_d;
	return d;
fail_d:
	dput(d);
fail:
	path_put(parent);
	return ERR_PTR(err);
}

static umode_t current_umask(void)
{
	return current && current->fs ? current->fs->umask : 0;
}

int do_mkdirat(int dfd, const char *name, umode_t mode)
{
	struct path parent;
	struct dentry *d = filename_create(dfd, name, &parent, true);
	int err;

	if (IS_ERR(d))
		return PTR_ERR(d);
	err = vfs_mkdir(parent.dentry->d_inode, d, mode & 07777 & ~current_umask());
	dput(d);
	path_put(&parent);
	return err;
}

int do_mknodat(int dfd, const char *name, umode_t mode, dev_t dev)
{
	struct path parent;
	struct dentry *d;
	int err;

	switch (mode & S_IFMT) {
	case 0:
		mode |= S_IFREG;
		break;
	case S_IFREG: case S_IFCHR: case S_IFBLK: case S_IFIFO: case S_IFSOCK:
		break;
	case S_IFDIR:
		return -EPERM;
	default:
		return -EINVAL;
	}
	d = filename_create(dfd, name, &parent, false);
	if (IS_ERR(d))
		return PTR_ERR(d);
	mode = (mode & S_IFMT) | (mode & 07777 & ~current_umask());
	if (S_ISREG(mode))
		err = vfs_create(parent.dentry->d_inode, d, mode);
	else
		err = vfs_mknod(parent.dentry->d_inode, d, mode, dev);
	dput(d);
	path_put(&parent);
	return err;
}

int do_symlinkat(const char *target, int dfd, const char *name)
{
	struct path parent;
	struct dentry *d;
	int err;

	if (!*target)
		return -ENOENT;
	d = filename_create(dfd, name, &parent, false);
	if (IS_ERR(d))
		return PTR_ERR(d);
	err = vfs_symlink(parent.dentry->d_inode, d, target);
	dput(d);
	path_put(&parent);
	return err;
}

int do_linkat(int odfd, const char *oldname, int ndfd, const char *newname, int flags)
{
	unsigned int lookup = 0;
	struct path old, parent;
	struct dentry *d;
	int err;

	if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (flags & AT_SYMLINK_FOLLOW)
		lookup |= LOOKUP_FOLLOW;
	if (flags & AT_EMPTY_PATH)
		lookup |= LOOKUP_EMPTY;
	err = filename_lookup(odfd, oldname, lookup, &old);
	if (err)
		return err;
	d = filename_create(ndfd, newname, &parent, false);
	if (IS_ERR(d)) {
		err = PTR_ERR(d);
		goto out;
	}
	err = -EXDEV;
	if (old.mnt == parent.mnt)
		err = vfs_link(old.dentry, parent.dentry->d_inode, d);
	dput(d);
	path_put(&parent);
out:
	path_put(&old);
	return err;
}

static int do_rmdir(int dfd, const char *name)
{
	struct path parent;
	const char *last;
	int len, type, err;
	struct dentry *d;

	err = filename_parentat(dfd, name, &parent, &last, &len, &type);
	if (err)
		return err;
	switch (type) {
	case LAST_DOT:
		err = -EINVAL;
		goto out;
	case LAST_DOTDOT:
		err = -ENOTEMPTY;
		goto out;
	case LAST_ROOT:
		err = -EBUSY;
		goto out;
	}
	d = lookup_one_len(last, len, parent.dentry);
	err = PTR_ERR(d);
	if (IS_ERR(d))
		goto out;
	if (!d->d_inode)
		err = -ENOENT;
	else if (!S_ISDIR(d->d_inode->i_mode))
		err = -ENOTDIR;
	else if (mnt_is_readonly(parent.mnt))
		err = -EROFS;
	else
		err = vfs_rmdir(parent.dentry->d_inode, d);
	dput(d);
out:
	path_put(&parent);
	return err;
}

int do_unlinkat(int dfd, const char *name, int flags)
{
	struct path parent;
	const char *last;
	int len, type, err;
	struct dentry *d;

	if (flags & ~AT_REMOVEDIR)
		return -EINVAL;
	if (flags & AT_REMOVEDIR)
		return do_rmdir(dfd, name);
	err = filename_parentat(dfd, name, &parent, &last, &len, &type);
	if (err)
		return err;
	err = -EISDIR;
	if (type != LAST_NORM)
		goto out;
	d = lookup_one_len(last, len, parent.dentry);
	err = PTR_ERR(d);
	if (IS_ERR(d))
		goto out;
	if (!d->d_inode)
		err = -ENOENT;
	else if (S_ISDIR(d->d_inode->i_mode))
		err = -EISDIR;
	else if (last[len] == '/')
		err = -ENOTDIR;
	else if (mnt_is_readonly(parent.mnt))
		err = -EROFS;
	else
		err = vfs_unlink(parent.dentry->d_inode, d);
	dput(d);
out:
	path_put(&parent);
	return err;
}

int do_renameat2(int odfd, const char *oldname, int ndfd, const char *newname,
		 unsigned int flags)
{
	struct path op, np;
	const char *olast, *nlast;
	int olen, nlen, otype, ntype, err;
	struct dentry *od, *nd;

	if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT))
		return -EINVAL;
	if (flags & (RENAME_EXCHANGE | RENAME_WHITEOUT))
		return -EINVAL;
	err = filename_parentat(odfd, oldname, &op, &olast, &olen, &otype);
	if (err)
		return err;
	err = filename_parentat(ndfd, newname, &np, &nlast, &nlen, &ntype);
	if (err)
		goto out_op;
	err = -EXDEV;
	if (op.mnt != np.mnt)
		goto out_np;
	err = -EBUSY;
	if (otype != LAST_NORM || ntype != LAST_NORM)
		goto out_np;
	err = -EROFS;
	if (mnt_is_readonly(op.mnt))
		goto out_np;
	od = lookup_one_len(olast, olen, op.dentry);
	err = PTR_ERR(od);
	if (IS_ERR(od))
		goto out_np;
	err = -ENOENT;
	if (!od->d_inode)
		goto out_od;
	err = -ENOTDIR;
	if ((olast[olen] == '/' || nlast[nlen] == '/') && !S_ISDIR(od->d_inode->i_mode))
		goto out_od;
	nd = lookup_one_len(nlast, nlen, np.dentry);
	err = PTR_ERR(nd);
	if (IS_ERR(nd))
		goto out_od;
	err = vfs_rename(op.dentry->d_inode, od, np.dentry->d_inode, nd, flags);
	dput(nd);
out_od:
	dput(od);
out_np:
	path_put(&np);
out_op:
	path_put(&op);
	return err;
}

/* ---- syscalls: copy names in, call the do_* above ---- */

#define WITH_NAME(var, uptr, body)                      \
	({                                              \
		char *var = getname_flags(uptr, false); \
		long __r;                               \
		if (IS_ERR(var))                        \
			__r = PTR_ERR(var);             \
		else                                    \
			__r = (body);                   \
		putname(var);                           \
		__r;                                    \
	})

SYSCALL_DEFINE3(mkdirat, int, dfd, const char __user *, pathname, umode_t, mode)
{
	return WITH_NAME(name, pathname, do_mkdirat(dfd, name, mode));
}

SYSCALL_DEFINE2(mkdir, const char __user *, pathname, umode_t, mode)
{
	return WITH_NAME(name, pathname, do_mkdirat(AT_FDCWD, name, mode));
}

SYSCALL_DEFINE1(rmdir, const char __user *, pathname)
{
	return WITH_NAME(name, pathname, do_rmdir(AT_FDCWD, name));
}

SYSCALL_DEFINE1(unlink, const char __user *, pathname)
{
	return WITH_NAME(name, pathname, do_unlinkat(AT_FDCWD, name, 0));
}

SYSCALL_DEFINE3(unlinkat, int, dfd, const char __user *, pathname, int, flag)
{
	return WITH_NAME(name, pathname, do_unlinkat(dfd, name, flag));
}

SYSCALL_DEFINE4(mknodat, int, dfd, const char __user *, filename, umode_t, mode,
		unsigned int, dev)
{
	return WITH_NAME(name, filename, do_mknodat(dfd, name, mode, new_decode_dev(dev)));
}

SYSCALL_DEFINE3(mknod, const char __user *, filename, umode_t, mode, unsigned int, dev)
{
	return WITH_NAME(name, filename,
			 do_mknodat(AT_FDCWD, name, mode, new_decode_dev(dev)));
}

static long sys_symlink_common(const char __user *oldname, int dfd,
			       const char __user *newname)
{
	char *target = getname_flags(oldname, true);
	long err;

	if (IS_ERR(target))
		return PTR_ERR(target);
	err = WITH_NAME(name, newname, do_symlinkat(target, dfd, name));
	putname(target);
	return err;
}

SYSCALL_DEFINE3(symlinkat, const char __user *, oldname, int, newdfd,
		const char __user *, newname)
{
	return sys_symlink_common(oldname, newdfd, newname);
}

SYSCALL_DEFINE2(symlink, const char __user *, oldname, const char __user *, newname)
{
	return sys_symlink_common(oldname, AT_FDCWD, newname);
}

static long sys_link_common(int odfd, const char __user *oldname, int ndfd,
			    const char __user *newname, int flags)
{
	char *old = getname_flags(oldname, flags & AT_EMPTY_PATH);
	long err;

	if (IS_ERR(old))
		return PTR_ERR(old);
	err = WITH_NAME(name, newname, do_linkat(odfd, old, ndfd, name, flags));
	putname(old);
	return err;
}

SYSCALL_DEFINE5(linkat, int, olddfd, const char __user *, oldname, int, newdfd,
		const char __user *, newname, int, flags)
{
	return sys_link_common(olddfd, oldname, newdfd, newname, flags);
}

SYSCALL_DEFINE2(link, const char __user *, oldname, const char __user *, newname)
{
	return sys_link_common(AT_FDCWD, oldname, AT_FDCWD, newname, 0);
}

static long sys_rename_common(int odfd, const char __user *oldname, int ndfd,
			      const char __user *newname, unsigned int flags)
{
	char *old = getname_flags(oldname, false);
	long err;

	if (IS_ERR(old))
		return PTR_ERR(old);
	err = WITH_NAME(name, newname, do_renameat2(odfd, old, ndfd, name, flags));
	putname(old);
	return err;
}

SYSCALL_DEFINE5(renameat2, int, olddfd, const char __user *, oldname, int, newdfd,
		const char __user *, newname, unsigned int, flags)
{
	return sys_rename_common(olddfd, oldname, newdfd, newname, flags);
}

SYSCALL_DEFINE4(renameat, int, olddfd, const char __user *, oldname, int, newdfd,
		const char __user *, newname)
{
	return sys_rename_common(olddfd, oldname, newdfd, newname, 0);
}

SYSCALL_DEFINE2(rename, const char __user *, oldname, const char __user *, newname)
{
	return sys_rename_common(AT_FDCWD, oldname, AT_FDCWD, newname, 0);
}

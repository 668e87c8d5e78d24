/*
 * Mounts: superblocks made by a filesystem type's fill_super, vfsmounts
 * attached on a (mount, dentry) of their parent, mount(2), umount2(2),
 * /proc/mounts, and the root filesystem ("rootfs", a tmpfs) set up at
 * boot. One global mount tree (no namespaces). CPU thread only.
 *
 * References: a mount in the tree holds one reference on itself, one on
 * its parent mount and one on its mountpoint dentry; every struct path
 * holds one on its mount. umount without MNT_DETACH fails with EBUSY when
 * any reference beyond the tree's and the caller's exists.
 */
#include <glass/syscalls.h>
#include "internal.h"

static LIST_HEAD(mount_list);           /* mounts in the tree, in mount order */
struct vfsmount *root_mnt;
static unsigned int next_anon_dev = 1;

#define MNT_USER_FLAGS (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)
#define MS_PROPAGATION ((1 << 17) | (1 << 18) | (1 << 19) | (1 << 20))

bool mnt_is_readonly(const struct vfsmount *m)
{
	return m->mnt_flags & MS_RDONLY;
}

/* A device number of its own for a filesystem with no device (Linux's
 * get_anon_bdev); never reused. */
dev_t new_anon_dev(void)
{
	return MKDEV(0, next_anon_dev++);
}

struct vfsmount *mntget(struct vfsmount *m)
{
	if (m)
		m->mnt_count++;
	return m;
}

/* Tear a superblock down when its last mount goes. */
static void deactivate_super(struct super_block *sb)
{
	if (--sb->s_active > 0)
		return;
	if (sb->s_op && sb->s_op->put_super)
		sb->s_op->put_super(sb);
	if (sb->s_root) {
		d_unpin_tree(sb->s_root);
		dput(sb->s_root);
	}
	if (sb->s_bdev)
		fput(sb->s_bdev);
	kfree(sb);
}

void mntput(struct vfsmount *m)
{
	if (!m)
		return;
	BUG_ON(m->mnt_count <= 0);
	if (--m->mnt_count > 0)
		return;
	dput(m->mnt_root);
	deactivate_super(m->mnt_sb);
	kfree(m->mnt_devname);
	kfree(m);
}

static struct vfsmount *alloc_vfsmnt(struct super_block *sb, struct dentry *root,
				     const char *dev, int flags)
{
	struct vfsmount *m = kzalloc(sizeof(*m), GFP_KERNEL);

	if (!m)
		return NULL;
	m->mnt_devname = kstrdup(dev ? dev : "none", GFP_KERNEL);
	if (!m->mnt_devname) {
		kfree(m);
		return NULL;
	}
	m->mnt_sb = sb;
	m->mnt_root = dget(root);
	m->mnt_count = 1;
	m->mnt_flags = flags & MNT_USER_FLAGS;
	INIT_LIST_HEAD(&m->mnt_list);
	return m;
}

/* A new superblock of type filled from dev/data, in a mount that is not
 * attached anywhere (one reference). bdev is the opened block device for
 * a type without nodev (the superblock takes its own reference), else
 * NULL. */
struct vfsmount *vfs_kern_mount(struct file_system_type *type, int flags,
				const char *dev, struct file *bdev, void *data)
{
	struct super_block *sb = kzalloc(sizeof(*sb), GFP_KERNEL);
	struct vfsmount *m;
	int err;

	if (!sb)
		return ERR_PTR(-ENOMEM);
	sb->s_type = type;
	if (bdev) {
		sb->s_bdev = get_file(bdev);
		sb->s_dev = bdev->f_inode->i_rdev;
	} else {
		sb->s_dev = new_anon_dev();
	}
	sb->s_flags = flags & MS_RDONLY;
	sb->s_active = 1;
	INIT_LIST_HEAD(&sb->s_inodes);
	err = type->fill_super(sb, dev, data);
	if (!err && !sb->s_root)
		err = -EINVAL;
	if (err) {
		deactivate_super(sb);
		return ERR_PTR(err);
	}
	m = alloc_vfsmnt(sb, sb->s_root, dev, flags);
	if (!m) {
		deactivate_super(sb);
		return ERR_PTR(-ENOMEM);
	}
	return m;
}

struct vfsmount *kern_mount(struct file_system_type *type, void *data)
{
	return vfs_kern_mount(type, 0, type->name, NULL, data);
}

/* Open the block device node at p for a filesystem to live on: read-only
 * for a read-only mount. ENOTBLK if it is not one, EACCES on a nodev
 * mount, as Linux's lookup_bdev. */
struct file *open_bdev(const struct path *p, int flags)
{
	if (!S_ISBLK(p->dentry->d_inode->i_mode))
		return ERR_PTR(-ENOTBLK);
	if (p->mnt->mnt_flags & MS_NODEV)
		return ERR_PTR(-EACCES);
	return vfs_open(p, (flags & MS_RDONLY) ? O_RDONLY : O_RDWR);
}

/* mount(2) of a type without nodev: dev is the path of its device. */
static struct vfsmount *mount_bdev(struct file_system_type *type, int flags,
				   const char *dev, void *data)
{
	struct vfsmount *m;
	struct file *bdev;
	struct path p;
	int err;

	if (!dev || !*dev)
		return ERR_PTR(-ENOTBLK);
	err = kern_path(dev, LOOKUP_FOLLOW, &p);
	if (err)
		return ERR_PTR(err);
	bdev = open_bdev(&p, flags);
	path_put(&p);
	if (IS_ERR(bdev))
		return ERR_CAST(bdev);
	m = vfs_kern_mount(type, flags, dev, bdev, data);
	fput(bdev);
	return m;
}

/* The mount stacked on (mnt, d), the most recent if several. */
struct vfsmount *lookup_mnt(struct vfsmount *mnt, struct dentry *d)
{
	struct vfsmount *m, *top = NULL;

	list_for_each_entry(m, &mount_list, mnt_list)
		if (m->mnt_parent == mnt && m->mnt_mountpoint == d)
			top = m;
	return top;
}

/* Call f once for each superblock of type (NULL: of any type) that is
 * mounted in the tree (bind mounts share one), as Linux's
 * iterate_supers_type. */
void iterate_supers_type(struct file_system_type *type,
			 void (*f)(struct super_block *, void *), void *arg)
{
	struct vfsmount *m, *prev;

	list_for_each_entry(m, &mount_list, mnt_list) {
		bool seen = false;

		if (type && m->mnt_sb->s_type != type)
			continue;
		list_for_each_entry(prev, &mount_list, mnt_list) {
			if (prev == m)
				break;
			seen |= prev->mnt_sb == m->mnt_sb;
		}
		if (!seen)
			f(m->mnt_sb, arg);
	}
}

/* Put m (holding the tree's reference) on the mountpoint at. */
static void attach_mnt(struct vfsmount *m, const struct path *at)
{
	m->mnt_parent = mntget(at->mnt);
	m->mnt_mountpoint = dget(at->dentry);
	at->dentry->d_mounted++;
	list_add_tail(&m->mnt_list, &mount_list);
}

/* Take m off its mountpoint; the tree's reference stays with the caller. */
static void detach_mnt(struct vfsmount *m)
{
	list_del(&m->mnt_list);
	if (m->mnt_mountpoint) {
		m->mnt_mountpoint->d_mounted--;
		dput(m->mnt_mountpoint);
		mntput(m->mnt_parent);
	}
	m->mnt_mountpoint = NULL;
	m->mnt_parent = NULL;
}

static bool has_children(struct vfsmount *mnt)
{
	struct vfsmount *m;

	list_for_each_entry(m, &mount_list, mnt_list)
		if (m->mnt_parent == mnt)
			return true;
	return false;
}

/* Detach every mount below mnt (lazy unmount), deepest first. */
static void umount_tree_children(struct vfsmount *mnt)
{
	struct vfsmount *m, *n;

again:
	list_for_each_entry_safe(m, n, &mount_list, mnt_list) {
		if (m->mnt_parent != mnt)
			continue;
		umount_tree_children(m);
		detach_mnt(m);
		mntput(m);
		goto again;
	}
}

/* Unmount mnt; the caller holds one reference (its looked-up path). */
int do_umount(struct vfsmount *mnt, int flags)
{
	if (mnt == root_mnt || !mnt->mnt_parent)
		return -EINVAL;
	if (flags & MNT_DETACH) {
		umount_tree_children(mnt);
	} else {
		if (has_children(mnt) || mnt->mnt_count > 2)
			return -EBUSY;
	}
	detach_mnt(mnt);
	mntput(mnt);
	return 0;
}

/* Is m the same as, or mounted below, ancestor? */
static bool mnt_below(struct vfsmount *m, struct vfsmount *ancestor)
{
	for (; m; m = m->mnt_parent)
		if (m == ancestor)
			return true;
	return false;
}

static int do_move_mount(const char *dev, const struct path *to)
{
	struct path from;
	struct vfsmount *m;
	int err = kern_path(dev, LOOKUP_FOLLOW, &from);

	if (err)
		return err;
	m = from.mnt;
	err = -EINVAL;
	if (from.dentry != m->mnt_root || m == root_mnt || !m->mnt_parent)
		goto out;
	if (mnt_below(to->mnt, m))
		goto out;
	detach_mnt(m);
	attach_mnt(m, to);
	err = 0;
out:
	path_put(&from);
	return err;
}

/* mount(2) with the target already looked up. */
static int path_mount(const char *dev, const struct path *path, const char *type,
		      unsigned long flags, void *data)
{
	struct vfsmount *m;

	if (flags & MS_REMOUNT) {
		struct super_block *sb = path->mnt->mnt_sb;

		if (path->dentry != path->mnt->mnt_root)
			return -EINVAL;
		if (sb->s_op && sb->s_op->remount_fs) {
			int err = sb->s_op->remount_fs(sb, flags);

			if (err)
				return err;
		}
		sb->s_flags = (sb->s_flags & ~MS_RDONLY) | (flags & MS_RDONLY);
		path->mnt->mnt_flags = flags & MNT_USER_FLAGS;
		return 0;
	}
	if (flags & MS_MOVE)
		return dev ? do_move_mount(dev, path) : -EINVAL;
	if (flags & MS_BIND) {
		struct path from;
		int err;

		if (!dev)
			return -EINVAL;
		err = kern_path(dev, LOOKUP_FOLLOW, &from);
		if (err)
			return err;
		if (S_ISDIR(from.dentry->d_inode->i_mode) !=
		    S_ISDIR(path->dentry->d_inode->i_mode)) {
			path_put(&from);
			return -ENOTDIR;
		}
		m = alloc_vfsmnt(from.mnt->mnt_sb, from.dentry,
				 from.mnt->mnt_devname, flags);
		if (m)
			from.mnt->mnt_sb->s_active++;
		path_put(&from);
		if (!m)
			return -ENOMEM;
		attach_mnt(m, path);
		return 0;
	}
	if ((flags & MS_PROPAGATION) && !type)
		return 0;               /* --make-private etc.: nothing shared */
	if (!type)
		return -EINVAL;
	struct file_system_type *fst = get_fs_type(type);
	if (!fst)
		return -ENODEV;
	if (!S_ISDIR(path->dentry->d_inode->i_mode))
		return -ENOTDIR;
	m = fst->nodev ? vfs_kern_mount(fst, flags, dev, NULL, data) :
			 mount_bdev(fst, flags, dev, data);
	if (IS_ERR(m))
		return PTR_ERR(m);
	attach_mnt(m, path);
	return 0;
}

/* mount(2) for kernel callers that have the target as a user string. */
int do_mount(const char *dev, const char __user *dir_user, const char *type,
	     unsigned long flags, void *data)
{
	struct path path;
	int err = user_path_at(AT_FDCWD, dir_user, LOOKUP_FOLLOW, &path);

	if (err)
		return err;
	err = path_mount(dev, &path, type, flags, data);
	path_put(&path);
	return err;
}

/* mount(2) with every argument in kernel memory (boot code, drivers). */
int init_mount(const char *dev, const char *dir, const char *type,
	       unsigned long flags, void *data)
{
	struct path path;
	int err = kern_path(dir, LOOKUP_FOLLOW, &path);

	if (err)
		return err;
	err = path_mount(dev, &path, type, flags, data);
	path_put(&path);
	return err;
}

/* A user string argument of mount(2), or NULL for a NULL pointer. */
static char *copy_mount_string(const char __user *s)
{
	return s ? strndup_user(s, PAGE_SIZE) : NULL;
}

SYSCALL_DEFINE5(mount, char __user *, dev_name, char __user *, dir_name,
		char __user *, type, unsigned long, flags, void __user *, data)
{
	char *kdev = NULL, *ktype = NULL, *kdata = NULL;
	long n, err;

	if ((flags & 0xffff0000UL) == 0xC0ED0000UL)     /* MS_MGC_VAL */
		flags &= 0xffff;
	kdev = copy_mount_string(dev_name);
	if (IS_ERR(kdev))
		return PTR_ERR(kdev);
	ktype = copy_mount_string(type);
	if (IS_ERR(ktype)) {
		err = PTR_ERR(ktype);
		ktype = NULL;
		goto out;
	}
	if (data) {
		kdata = kzalloc(PAGE_SIZE, GFP_KERNEL);
		err = -ENOMEM;
		if (!kdata)
			goto out;
		n = strncpy_from_user(kdata, data, PAGE_SIZE - 1);
		err = -EFAULT;
		if (n < 0)
			goto out;
		kdata[min_t(long, n, PAGE_SIZE - 1)] = 0;
	}
	err = do_mount(kdev, dir_name, ktype, flags, kdata);
out:
	if (!IS_ERR_OR_NULL(kdev))
		kfree(kdev);
	kfree(ktype);
	kfree(kdata);
	return err;
}

SYSCALL_DEFINE2(umount2, char __user *, name, int, flags)
{
	struct path path;
	unsigned int lookup = (flags & UMOUNT_NOFOLLOW) ? 0 : LOOKUP_FOLLOW;
	int err;

	if (flags & ~(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW))
		return -EINVAL;
	err = user_path_at(AT_FDCWD, name, lookup, &path);
	if (err)
		return err;
	if (path.dentry != path.mnt->mnt_root)
		err = -EINVAL;
	else
		err = do_umount(path.mnt, flags);
	path_put(&path);
	return err;
}

/* Mount options as /proc/mounts shows them. */
static int show_mnt_opts(char *buf, size_t size, struct vfsmount *m)
{
	int n = scnprintf(buf, size, "%s", mnt_is_readonly(m) ? "ro" : "rw");
	const struct super_operations *sop = m->mnt_sb->s_op;

	if (m->mnt_flags & MS_NOSUID)
		n += scnprintf(buf + n, size - n, ",nosuid");
	if (m->mnt_flags & MS_NODEV)
		n += scnprintf(buf + n, size - n, ",nodev");
	if (m->mnt_flags & MS_NOEXEC)
		n += scnprintf(buf + n, size - n, ",noexec");
	if (sop && sop->show_options && size - n > 2) {
		int k = sop->show_options(buf + n + 1, size - n - 1, m->mnt_sb);

		if (k > 0) {
			buf[n] = ',';
			n += 1 + k;
		}
	}
	return n;
}

/* /proc/mounts: "dev dir type opts 0 0" per mount visible from the root. */
int show_mounts(char *buf, size_t size)
{
	char *pathbuf = kmalloc(PATH_MAX, GFP_KERNEL);
	char opts[256];
	struct vfsmount *m;
	size_t len = 0;

	if (size)
		buf[0] = '\0';
	if (!pathbuf)
		return 0;
	list_for_each_entry(m, &mount_list, mnt_list) {
		struct path p = { m, m->mnt_root };
		char *dir = d_path(&p, pathbuf, PATH_MAX);

		if (IS_ERR(dir))
			continue;
		show_mnt_opts(opts, sizeof(opts), m);
		len += ksnprintf(len < size ? buf + len : NULL,
				 len < size ? size - len : 0, "%s %s %s %s 0 0\n",
				 m->mnt_devname, dir, m->mnt_sb->s_type->name, opts);
	}
	kfree(pathbuf);
	return len;
}

/* Boot: register the built-in filesystems and mount rootfs at "/". */
void vfs_init(void)
{
	struct file_system_type *rootfs;

	init_tmpfs();
	pipefs_init();
	rootfs = get_fs_type("rootfs");
	BUG_ON(!rootfs);
	root_mnt = vfs_kern_mount(rootfs, 0, "rootfs", NULL, NULL);
	if (IS_ERR(root_mnt))
		panic("vfs_init: cannot mount rootfs: %ld", PTR_ERR(root_mnt));
	list_add_tail(&root_mnt->mnt_list, &mount_list);
}

/* Give fs (init's) the rootfs as root and cwd. */
void mnt_init_root(struct fs_struct *fs)
{
	struct path root = { root_mnt, root_mnt->mnt_root };

	fs->root = root;
	fs->pwd = root;
	path_get(&root);
	path_get(&root);
}

/* Boot, root=: put m (its reference becomes the tree's) on top of the
 * rootfs's "/", as Linux's prepare_namespace moving the root mount to "/";
 * the caller then moves the tasks' roots onto it (the chroot). The rootfs
 * stays below, unreachable, holding what pid 1 opened there
 * (/dev/console). */
void mnt_attach_root(struct vfsmount *m)
{
	struct path at = { root_mnt, root_mnt->mnt_root };

	attach_mnt(m, &at);
}

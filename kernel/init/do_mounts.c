/*
 * The root filesystem named by root=, rootfstype=, rootflags=, ro and rw,
 * as Linux's init/do_mounts.c: without root= the initramfs stays the root;
 * with it, the named filesystem is mounted over the rootfs's "/" and
 * becomes init's root, or the kernel panics saying why. Runs in pid 1
 * (kernel_init) once its console fds are open (from the rootfs's
 * /dev/console) and before init is exec'ed, on the CPU thread; the block
 * device reads block the CPU thread briefly.
 */
#include <glass/fs.h>
#include <glass/init.h>
#include <glass/kernel.h>
#include <glass/sched.h>
#include <glass/string.h>

/*
 * The block device root= names, opened: "/dev/NAME" or "NAME" looked up
 * among Glass's device nodes in a private devtmpfs mount, so the root
 * needs no /dev of its own (Linux's name_to_dev_t and /dev/root node).
 */
static struct file *open_root_dev(const char *name, int flags)
{
	struct file_system_type *devtmpfs = get_fs_type("devtmpfs");
	struct vfsmount *m;
	struct dentry *d;
	struct file *f;

	if (!strncmp(name, "/dev/", 5))
		name += 5;
	if (!devtmpfs)
		return ERR_PTR(-ENODEV);
	if (!*name || strchr(name, '/'))
		return ERR_PTR(-ENOENT);
	m = kern_mount(devtmpfs, NULL);
	if (IS_ERR(m))
		return ERR_CAST(m);
	d = lookup_one_len(name, strlen(name), m->mnt_root);
	if (IS_ERR(d)) {
		f = ERR_CAST(d);
	} else {
		struct path p = { m, d };

		f = d->d_inode ? open_bdev(&p, flags) : ERR_PTR(-ENOENT);
		dput(d);
	}
	mntput(m);              /* the open file keeps the mount */
	return f;
}

/* The next type to try after prev: rootfstype='s names in order (unknown
 * ones are noted in *unknown), or every registered type that needs a block
 * device. */
static struct file_system_type *next_root_type(struct file_system_type *prev,
					       const char **pos, const char **unknown)
{
	char name[32];

	if (!boot.rootfstype) {
		do
			prev = next_filesystem(prev);
		while (prev && prev->nodev);
		return prev;
	}
	while (**pos) {
		const char *comma = strchr(*pos, ',');
		size_t n = comma ? (size_t)(comma - *pos) : strlen(*pos);
		struct file_system_type *t = NULL;

		if (n < sizeof(name)) {
			memcpy(name, *pos, n);
			name[n] = '\0';
			t = get_fs_type(name);
		}
		if (!t && !*unknown)
			*unknown = *pos;
		*pos += n + ((*pos)[n] == ',');
		if (t)
			return t;
	}
	return NULL;
}

/* Mount root= with type t: ERR_PTR(-EINVAL) when the device is not its
 * kind. The device is opened at the first type that needs one. */
static struct vfsmount *try_root_type(struct file_system_type *t, int flags,
				      struct file **bdev)
{
	if (t->nodev)
		return vfs_kern_mount(t, flags, boot.root, NULL, (void *)boot.rootflags);
	if (!*bdev) {
		*bdev = open_root_dev(boot.root, flags);
		if (IS_ERR(*bdev)) {
			int err = PTR_ERR(*bdev);

			panic("VFS: Cannot open root device \"%s\": error %d (%s); "
			      "root= names a block device such as /dev/ubda (ubd0=FILE), "
			      "or give rootfstype= a filesystem that needs none",
			      boot.root, err, err == -ENOENT ? "no such device" :
			      err == -ENOTBLK ? "not a block device" : "cannot open it");
		}
	}
	return vfs_kern_mount(t, flags, boot.root, *bdev, (void *)boot.rootflags);
}

/* Make p fs's root and cwd. */
static void set_fs_root_pwd(struct fs_struct *fs, const struct path *p)
{
	path_put(&fs->root);
	path_put(&fs->pwd);
	fs->root = *p;
	fs->pwd = *p;
	path_get(p);
	path_get(p);
}

/*
 * Mount root= as "/" for idle (every later kernel thread) and init. Each candidate type is tried in
 * turn; -EINVAL and -EACCES mean "not this type", as in Linux's
 * mount_block_root; any other error, or no type left, panics.
 */
void mount_root(void)
{
	int flags = boot.root_rw ? 0 : MS_RDONLY;
	const char *pos = boot.rootfstype ? boot.rootfstype : "", *unknown = NULL;
	struct file_system_type *t = NULL;
	struct file *bdev = NULL;
	struct vfsmount *m = ERR_PTR(-ENODEV);
	struct path root;
	char tried[128] = "";
	size_t len = 0;

	if (!boot.root)
		return;
	while ((t = next_root_type(t, &pos, &unknown))) {
		m = try_root_type(t, flags, &bdev);
		if (!IS_ERR(m))
			break;
		len += scnprintf(tried + len, sizeof(tried) - len, "%s%s", len ? " " : "", t->name);
		if (PTR_ERR(m) != -EINVAL && PTR_ERR(m) != -EACCES)
			panic("VFS: Cannot mount root \"%s\" as %s: error %ld", boot.root,
			      t->name, PTR_ERR(m));
	}
	if (bdev)
		fput(bdev);
	if (IS_ERR(m)) {
		if (len)
			panic("VFS: Unable to mount root fs on \"%s\": no filesystem found "
			      "(tried: %s)", boot.root, tried);
		if (unknown)
			panic("VFS: Unable to mount root fs on \"%s\": unknown filesystem "
			      "type in rootfstype=%s", boot.root, unknown);
		panic("VFS: Unable to mount root fs on \"%s\": no filesystem that needs "
		      "a block device is registered", boot.root);
	}
	mnt_attach_root(m);
	/* The chroot of idle (so of every later kernel thread) and of pid 1. */
	root = (struct path){ m, m->mnt_root };
	set_fs_root_pwd(init_task.fs, &root);
	if (current->fs != init_task.fs)
		set_fs_root_pwd(current->fs, &root);
	printk(KERN_INFO "VFS: Mounted root (%s filesystem)%s on device %u:%u.\n",
	       m->mnt_sb->s_type->name, flags & MS_RDONLY ? " readonly" : "",
	       MAJOR(m->mnt_sb->s_dev), MINOR(m->mnt_sb->s_dev));
}

/*
 * devtmpfs: the device filesystem /init mounts on /dev. It is a tmpfs
 * populated at mount time with the nodes of Glass's devices, so the guest
 * can add, remove and chmod entries as on Linux.
 */
#include <glass/fs.h>
#include <glass/init.h>
#include <glass/string.h>

struct dev_node {
	const char *name;
	umode_t mode;
	unsigned int major, minor;
	const char *target;             /* for symlinks */
};

static const struct dev_node dev_nodes[] = {
	{ "null", S_IFCHR | 0666, 1, 3 },
	{ "zero", S_IFCHR | 0666, 1, 5 },
	{ "full", S_IFCHR | 0666, 1, 7 },
	{ "random", S_IFCHR | 0666, 1, 8 },
	{ "urandom", S_IFCHR | 0666, 1, 9 },
	{ "tty", S_IFCHR | 0666, 5, 0 },
	{ "console", S_IFCHR | 0600, 5, 1 },
	{ "tty0", S_IFCHR | 0620, 4, 0 },
	{ "tty1", S_IFCHR | 0620, 4, 1 },
	{ "tty2", S_IFCHR | 0620, 4, 2 },
	{ "tty3", S_IFCHR | 0620, 4, 3 },
	{ "tty4", S_IFCHR | 0620, 4, 4 },
	{ "tty5", S_IFCHR | 0620, 4, 5 },
	{ "tty6", S_IFCHR | 0620, 4, 6 },
	{ "tty7", S_IFCHR | 0620, 4, 7 },
	{ "ttyS0", S_IFCHR | 0660, 4, 64 },
	{ "ttyS1", S_IFCHR | 0660, 4, 65 },
	{ "ttyS2", S_IFCHR | 0660, 4, 66 },
	{ "ttyS3", S_IFCHR | 0660, 4, 67 },
	{ "pts", S_IFDIR | 0755 },
	{ "shm", S_IFDIR | 01777 },
	{ "fd", S_IFLNK | 0777, .target = "/proc/self/fd" },
	{ "stdin", S_IFLNK | 0777, .target = "/proc/self/fd/0" },
	{ "stdout", S_IFLNK | 0777, .target = "/proc/self/fd/1" },
	{ "stderr", S_IFLNK | 0777, .target = "/proc/self/fd/2" },
};

static int add_node(struct dentry *root, const struct dev_node *n)
{
	struct inode *dir = root->d_inode;
	struct dentry *d = d_alloc(root, n->name, strlen(n->name));
	int err;

	if (!d)
		return -ENOMEM;
	if (S_ISDIR(n->mode))
		err = dir->i_op->mkdir(dir, d, n->mode);
	else if (S_ISLNK(n->mode))
		err = dir->i_op->symlink(dir, d, n->target);
	else
		err = dir->i_op->mknod(dir, d, n->mode, MKDEV(n->major, n->minor));
	dput(d);
	return err;
}

/* Nodes drivers add at run time (ubd0 when configured); names are short. */
struct dyn_node {
	char name[16];
	struct dev_node node;
};
static struct dyn_node dyn_nodes[64];

static int devtmpfs_fill_super(struct super_block *sb, const char *dev, void *data)
{
	struct file_system_type *tmpfs = get_fs_type("tmpfs");
	int err;

	if (!tmpfs)
		return -ENODEV;
	err = tmpfs->fill_super(sb, dev, data);
	for (size_t i = 0; !err && i < ARRAY_SIZE(dev_nodes); i++)
		err = add_node(sb->s_root, &dev_nodes[i]);
	for (size_t i = 0; !err && i < ARRAY_SIZE(dyn_nodes); i++)
		if (dyn_nodes[i].node.name)
			err = add_node(sb->s_root, &dyn_nodes[i].node);
	return err;
}

static struct file_system_type devtmpfs_type = {
	.name = "devtmpfs",
	.fill_super = devtmpfs_fill_super,
	.nodev = true,
};

/* A guest may have made or removed entries of the same name: an existing
 * entry is left alone, as Linux's devtmpfs does. */
static void sb_add_node(struct super_block *sb, void *arg)
{
	const struct dev_node *n = arg;
	struct dentry *old = d_lookup(sb->s_root, n->name, strlen(n->name));

	if (old) {
		dput(old);
		return;
	}
	if (add_node(sb->s_root, n))
		pr_warn("devtmpfs: could not add /dev/%s\n", n->name);
}

static void sb_delete_node(struct super_block *sb, void *arg)
{
	const struct dev_node *n = arg;
	struct dentry *d = d_lookup(sb->s_root, n->name, strlen(n->name));

	if (!d)
		return;
	if ((d->d_inode->i_mode & S_IFMT) == (n->mode & S_IFMT) &&
	    d->d_inode->i_rdev == MKDEV(n->major, n->minor))
		vfs_unlink(sb->s_root->d_inode, d);
	dput(d);
}

int devtmpfs_create_node(const char *name, umode_t mode, dev_t dev)
{
	struct dyn_node *slot = NULL;

	if (strlen(name) >= sizeof(slot->name))
		return -ENAMETOOLONG;
	for (size_t i = 0; i < ARRAY_SIZE(dyn_nodes); i++) {
		if (!dyn_nodes[i].node.name && !slot)
			slot = &dyn_nodes[i];
		else if (dyn_nodes[i].node.name && !strcmp(dyn_nodes[i].name, name))
			return -EEXIST;
	}
	if (!slot)
		return -ENOSPC;
	strscpy(slot->name, name, sizeof(slot->name));
	slot->node = (struct dev_node){ slot->name, mode, MAJOR(dev), MINOR(dev) };
	iterate_supers_type(&devtmpfs_type, sb_add_node, &slot->node);
	return 0;
}

void devtmpfs_delete_node(const char *name, dev_t dev)
{
	for (size_t i = 0; i < ARRAY_SIZE(dyn_nodes); i++) {
		struct dyn_node *dn = &dyn_nodes[i];

		if (!dn->node.name || strcmp(dn->name, name) ||
		    MKDEV(dn->node.major, dn->node.minor) != dev)
			continue;
		iterate_supers_type(&devtmpfs_type, sb_delete_node, &dn->node);
		dn->node.name = NULL;
	}
}

static int devtmpfs_init(void)
{
	return register_filesystem(&devtmpfs_type);
}
fs_initcall(devtmpfs_init);

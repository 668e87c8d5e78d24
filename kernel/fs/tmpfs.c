/*
 * tmpfs (also registered as "ramfs" and "rootfs"): a filesystem that is
 * only its dcache and page cache. Every entry is a pinned dentry; regular
 * files keep their data in page-cache pages (so mmap maps those frames);
 * symlinks keep their target in i_private. Options: size= (k/m/g or %
 * of RAM), nr_inodes=, mode=, uid=, gid=; the size is reported by statfs
 * but not enforced. CPU thread only; nothing sleeps.
 */
#include "internal.h"

struct tmpfs_sb_info {
	unsigned long max_blocks;       /* pages, for statfs */
	unsigned long max_inodes;
	umode_t mode;
	uid_t uid;
	gid_t gid;
	char size_opt[32];              /* as given, for /proc/mounts */
};

static const struct inode_operations tmpfs_dir_iops;
static const struct inode_operations tmpfs_file_iops;
static const struct inode_operations tmpfs_symlink_iops;
static const struct file_operations tmpfs_file_fops;
/* No backing store: missing pages inside i_size are zero pages. */
static const struct address_space_operations tmpfs_aops;

static struct inode *tmpfs_get_inode(struct super_block *sb, umode_t mode, dev_t dev)
{
	struct inode *inode = new_inode(sb);

	if (!inode)
		return NULL;
	inode->i_mode = mode;
	switch (mode & S_IFMT) {
	case S_IFREG:
		inode->i_op = &tmpfs_file_iops;
		inode->i_fop = &tmpfs_file_fops;
		inode->i_aops = &tmpfs_aops;
		break;
	case S_IFDIR:
		inode->i_op = &tmpfs_dir_iops;
		inode->i_fop = &simple_dir_operations;
		inode->i_nlink = 2;
		inode->i_size = 2 * 20;
		break;
	case S_IFLNK:
		inode->i_op = &tmpfs_symlink_iops;
		break;
	default:
		inode->i_op = &tmpfs_file_iops;
		init_special_inode(inode, mode, dev);
		break;
	}
	return inode;
}

/* Common tail of every create: the entry joins the tree for good. */
static void tmpfs_add(struct inode *dir, struct dentry *d, struct inode *inode)
{
	d_instantiate(d, inode);
	d_pin(d);
	if (S_ISDIR(inode->i_mode))
		dir->i_nlink++;
	inode_set_now(dir, TIME_M | TIME_C);
}

static int tmpfs_mknod(struct inode *dir, struct dentry *d, umode_t mode, dev_t dev)
{
	struct inode *inode = tmpfs_get_inode(dir->i_sb, mode, dev);

	if (!inode)
		return -ENOSPC;
	tmpfs_add(dir, d, inode);
	return 0;
}

static int tmpfs_create(struct inode *dir, struct dentry *d, umode_t mode)
{
	return tmpfs_mknod(dir, d, (mode & 07777) | S_IFREG, 0);
}

static int tmpfs_mkdir(struct inode *dir, struct dentry *d, umode_t mode)
{
	return tmpfs_mknod(dir, d, (mode & 07777) | S_IFDIR, 0);
}

static int tmpfs_symlink(struct inode *dir, struct dentry *d, const char *target)
{
	size_t len = strlen(target);
	struct inode *inode;

	if (len + 1 > PATH_MAX)
		return -ENAMETOOLONG;
	inode = tmpfs_get_inode(dir->i_sb, S_IFLNK | 0777, 0);
	if (!inode)
		return -ENOSPC;
	inode->i_private = kstrdup(target, GFP_KERNEL);
	if (!inode->i_private) {
		iput(inode);
		return -ENOMEM;
	}
	inode->i_size = len;
	tmpfs_add(dir, d, inode);
	return 0;
}

static int tmpfs_link(struct dentry *old, struct inode *dir, struct dentry *d)
{
	struct inode *inode = old->d_inode;

	inode->i_nlink++;
	inode_set_now(inode, TIME_C);
	tmpfs_add(dir, d, igrab(inode));
	return 0;
}

static int tmpfs_unlink(struct inode *dir, struct dentry *d)
{
	struct inode *inode = d->d_inode;

	if (inode->i_nlink)
		inode->i_nlink--;
	inode_set_now(inode, TIME_C);
	inode_set_now(dir, TIME_M | TIME_C);
	return 0;
}

static int tmpfs_rmdir(struct inode *dir, struct dentry *d)
{
	d->d_inode->i_nlink = 0;
	dir->i_nlink--;
	inode_set_now(dir, TIME_M | TIME_C);
	return 0;
}

/* Link counts for a rename; the VFS moves the dentries afterwards. */
static int tmpfs_rename(struct inode *odir, struct dentry *od, struct inode *ndir,
			struct dentry *nd)
{
	bool is_dir = S_ISDIR(od->d_inode->i_mode);

	if (nd->d_inode) {
		if (S_ISDIR(nd->d_inode->i_mode)) {
			nd->d_inode->i_nlink = 0;
			ndir->i_nlink--;
		} else if (nd->d_inode->i_nlink) {
			nd->d_inode->i_nlink--;
		}
		inode_set_now(nd->d_inode, TIME_C);
	}
	if (is_dir && odir != ndir) {
		odir->i_nlink--;
		ndir->i_nlink++;
	}
	inode_set_now(od->d_inode, TIME_C);
	inode_set_now(odir, TIME_M | TIME_C);
	inode_set_now(ndir, TIME_M | TIME_C);
	return 0;
}

static int tmpfs_readlink(struct dentry *d, char *buf, int size)
{
	struct inode *inode = d->d_inode;
	int len = min_t(loff_t, inode->i_size, size);

	memcpy(buf, inode->i_private, len);
	return len;
}

static int tmpfs_setattr(struct dentry *d, struct iattr *attr)
{
	struct inode *inode = d->d_inode;

	if (attr->ia_valid & ATTR_SIZE) {
		if (!S_ISREG(inode->i_mode))
			return -EINVAL;
		if ((unsigned long)attr->ia_size > MAX_FILEMAP_BYTES)
			return -EFBIG;
		truncate_inode_pages(inode, min(attr->ia_size, inode->i_size));
		inode->i_size = attr->ia_size;
		if (!(attr->ia_valid & ATTR_MTIME))
			inode_set_now(inode, TIME_M);
	}
	setattr_copy(inode, attr);
	return 0;
}

static void tmpfs_evict_inode(struct inode *inode)
{
	if (S_ISLNK(inode->i_mode))
		kfree(inode->i_private);
	inode->i_private = NULL;
}

static int tmpfs_statfs(struct dentry *d, struct kstatfs *buf)
{
	struct super_block *sb = d->d_sb;
	struct tmpfs_sb_info *sbi = sb->s_fs_info;
	unsigned long used = sb->s_pages, inodes = 0;
	struct inode *inode;

	list_for_each_entry(inode, &sb->s_inodes, i_sb_list)
		inodes++;
	simple_statfs(d, buf);
	buf->f_blocks = sbi->max_blocks;
	buf->f_bfree = buf->f_bavail = sbi->max_blocks > used ? sbi->max_blocks - used : 0;
	buf->f_files = sbi->max_inodes;
	buf->f_ffree = sbi->max_inodes > inodes ? sbi->max_inodes - inodes : 0;
	buf->f_fsid[0] = (int)sb->s_dev;
	return 0;
}

static int tmpfs_show_options(char *buf, size_t size, struct super_block *sb)
{
	struct tmpfs_sb_info *sbi = sb->s_fs_info;

	if (!sbi->size_opt[0])
		return 0;
	return scnprintf(buf, size, "size=%s", sbi->size_opt);
}

static void tmpfs_put_super(struct super_block *sb)
{
	kfree(sb->s_fs_info);
	sb->s_fs_info = NULL;
}

static const struct super_operations tmpfs_sops = {
	.evict_inode = tmpfs_evict_inode,
	.statfs = tmpfs_statfs,
	.put_super = tmpfs_put_super,
	.show_options = tmpfs_show_options,
};

static const struct inode_operations tmpfs_dir_iops = {
	.lookup = simple_lookup,
	.create = tmpfs_create,
	.mkdir = tmpfs_mkdir,
	.mknod = tmpfs_mknod,
	.rmdir = tmpfs_rmdir,
	.unlink = tmpfs_unlink,
	.link = tmpfs_link,
	.symlink = tmpfs_symlink,
	.rename = tmpfs_rename,
	.setattr = tmpfs_setattr,
};

static const struct inode_operations tmpfs_file_iops = {
	.setattr = tmpfs_setattr,
};

static const struct inode_operations tmpfs_symlink_iops = {
	.readlink = tmpfs_readlink,
	.setattr = tmpfs_setattr,
};

static const struct file_operations tmpfs_file_fops = {
	.llseek = generic_file_llseek,
	.read = generic_file_read,
	.write = generic_file_write,
};


/* Parse "size=1m,mode=755,..."; unknown options are ignored. */
static int tmpfs_parse_options(struct tmpfs_sb_info *sbi, char *opts)
{
	char *p = opts;

	while (p && *p) {
		char *next = strchr(p, ','), *val;
		unsigned long long v;

		if (next)
			*next++ = '\0';
		val = strchr(p, '=');
		if (val)
			*val++ = '\0';
		if (val && strcmp(p, "size") == 0) {
			size_t len = strlen(val);

			if (len && val[len - 1] == '%') {
				val[len - 1] = '\0';
				if (kstrtoull(val, 10, &v) || v > 100)
					return -EINVAL;
				sbi->max_blocks = totalram_pages * v / 100;
				val[len - 1] = '%';
			} else {
				if (memparse_strict(val, &v))
					return -EINVAL;
				sbi->max_blocks = DIV_ROUND_UP(v, PAGE_SIZE);
			}
			strscpy(sbi->size_opt, val, sizeof(sbi->size_opt));
		} else if (val && strcmp(p, "nr_inodes") == 0) {
			if (memparse_strict(val, &v))
				return -EINVAL;
			sbi->max_inodes = v;
		} else if (val && strcmp(p, "mode") == 0) {
			if (kstrtoull(val, 8, &v))
				return -EINVAL;
			sbi->mode = v & 07777;
		} else if (val && strcmp(p, "uid") == 0) {
			if (kstrtoull(val, 10, &v))
				return -EINVAL;
			sbi->uid = v;
		} else if (val && strcmp(p, "gid") == 0) {
			if (kstrtoull(val, 10, &v))
				return -EINVAL;
			sbi->gid = v;
		}
		p = next;
	}
	return 0;
}

static int fill_super_mode(struct super_block *sb, void *data, umode_t mode,
			   unsigned long magic)
{
	struct tmpfs_sb_info *sbi = kzalloc(sizeof(*sbi), GFP_KERNEL);
	struct inode *root;
	char *opts = NULL;
	int err;

	if (!sbi)
		return -ENOMEM;
	sbi->max_blocks = totalram_pages / 2;
	sbi->max_inodes = totalram_pages / 2 + 1024;
	sbi->mode = mode;
	sb->s_fs_info = sbi;
	sb->s_magic = magic;
	sb->s_op = &tmpfs_sops;
	if (data) {
		opts = kstrdup(data, GFP_KERNEL);
		if (!opts)
			return -ENOMEM;
		err = tmpfs_parse_options(sbi, opts);
		kfree(opts);
		if (err)
			return err;
	}
	sb->s_max_pages = sbi->max_blocks;
	root = tmpfs_get_inode(sb, S_IFDIR | sbi->mode, 0);
	if (!root)
		return -ENOMEM;
	root->i_uid = sbi->uid;
	root->i_gid = sbi->gid;
	sb->s_root = d_make_root(root);
	return sb->s_root ? 0 : -ENOMEM;
}

static int tmpfs_fill_super(struct super_block *sb, const char *dev, void *data)
{
	return fill_super_mode(sb, data, 01777, TMPFS_MAGIC);
}

static int ramfs_fill_super(struct super_block *sb, const char *dev, void *data)
{
	return fill_super_mode(sb, data, 0755, RAMFS_MAGIC);
}

static struct file_system_type tmpfs_type = {
	.name = "tmpfs", .fill_super = tmpfs_fill_super, .nodev = true,
};
static struct file_system_type ramfs_type = {
	.name = "ramfs", .fill_super = ramfs_fill_super, .nodev = true,
};
static struct file_system_type rootfs_type = {
	.name = "rootfs", .fill_super = ramfs_fill_super, .nodev = true,
};

void init_tmpfs(void)
{
	register_filesystem(&rootfs_type);
	register_filesystem(&ramfs_type);
	register_filesystem(&tmpfs_type);
}

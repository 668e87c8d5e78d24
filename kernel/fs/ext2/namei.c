/*
 * ext2 names: lookup, create, mknod, mkdir, rmdir, unlink, link,
 * symlink, rename and readlink, as Linux's fs/ext2/namei.c. The VFS has
 * done its checks (kernel/fs/namei_ops.c) and updates the dcache after;
 * emptiness of directories is checked here on disk, since unused
 * dentries are not kept. CPU thread, task context.
 */
#include <glass/timer.h>
#include "../internal.h"
#include "ext2.h"

static struct dentry *ext2_lookup(struct inode *dir, struct dentry *d)
{
	int len = strlen(d->d_name);
	struct inode *inode;
	u32 ino, off;
	int err;

	if (len > EXT2_NAME_LEN)
		return ERR_PTR(-ENAMETOOLONG);
	err = ext2_find_entry(dir, d->d_name, len, &ino, NULL, &off);
	if (err == -ENOENT)
		return NULL;
	if (err)
		return ERR_PTR(err);
	inode = ext2_iget(dir->i_sb, ino);
	if (IS_ERR(inode))
		return ERR_PTR(PTR_ERR(inode));
	d_instantiate(d, inode);
	return NULL;
}

/* Link a new inode in as d, or undo it. */
static int add_nondir(struct inode *dir, struct dentry *d, struct inode *inode)
{
	int err = ext2_add_link(dir, d->d_name, strlen(d->d_name), inode);

	if (err) {
		inode->i_nlink = 0;
		iput(inode);
		return err;
	}
	d_instantiate(d, inode);
	return 0;
}

static int new_nondir(struct inode *dir, struct dentry *d, umode_t mode, dev_t rdev)
{
	struct inode *inode;

	if (strlen(d->d_name) > EXT2_NAME_LEN)
		return -ENAMETOOLONG;
	inode = ext2_new_inode(dir, mode);
	if (IS_ERR(inode))
		return PTR_ERR(inode);
	if (!S_ISREG(mode)) {
		const struct inode_operations *iop = inode->i_op;

		init_special_inode(inode, mode, rdev);
		inode->i_op = iop;
		/* Linux's encoding: the old 8:8 form when it fits. */
		if (MAJOR(rdev) < 256 && MINOR(rdev) < 256)
			EXT2_I(inode)->i_data[0] = MAJOR(rdev) << 8 | MINOR(rdev);
		else
			EXT2_I(inode)->i_data[1] = new_encode_dev(rdev);
		ext2_write_inode(inode);
	}
	return add_nondir(dir, d, inode);
}

static int ext2_create(struct inode *dir, struct dentry *d, umode_t mode)
{
	return new_nondir(dir, d, S_IFREG | (mode & 07777), 0);
}

static int ext2_mknod(struct inode *dir, struct dentry *d, umode_t mode, dev_t rdev)
{
	return new_nondir(dir, d, mode, rdev);
}

static int ext2_symlink(struct inode *dir, struct dentry *d, const char *target)
{
	u32 len = strlen(target) + 1, bs = ext2_bs(dir->i_sb);
	struct inode *inode;
	ssize_t n;

	if (len > bs)
		return -ENAMETOOLONG;
	if (strlen(d->d_name) > EXT2_NAME_LEN)
		return -ENAMETOOLONG;
	inode = ext2_new_inode(dir, S_IFLNK | 0777);
	if (IS_ERR(inode))
		return PTR_ERR(inode);
	if (len > sizeof(EXT2_I(inode)->i_data)) {
		/* A slow symlink: the target in a block of its own. */
		u32 block;
		int err = ext2_get_block(inode, 0, true, &block);
		struct buffer_head *bh = err ? NULL : ext2_bread(dir->i_sb, block);

		n = bh ? 0 : err ? err : -EIO;
		if (bh) {
			memcpy(bh->b_data, target, len - 1);
			mark_buffer_dirty(bh);
			brelse(bh);
		}
	} else {
		memcpy(EXT2_I(inode)->i_data, target, len - 1);
		n = 0;
	}
	if (n < 0) {
		inode->i_nlink = 0;
		iput(inode);
		return n;
	}
	inode->i_size = len - 1;
	ext2_write_inode(inode);
	return add_nondir(dir, d, inode);
}

static int ext2_readlink(struct dentry *d, char *buf, int size)
{
	struct inode *inode = d->d_inode;
	struct ext2_inode_info *ei = EXT2_I(inode);
	u32 len = inode->i_size, block;
	struct buffer_head *bh;
	int err;

	if (len > (u32)size)
		len = size;
	if (inode->i_blocks == (ei->i_file_acl ? ext2_bs(inode->i_sb) / 512 : 0)) {
		if ((u64)inode->i_size > sizeof(ei->i_data)) {
			ext2_error(inode->i_sb, __func__, inode->i_ino, "fast symlink too long");
			return -EFSCORRUPTED;
		}
		memcpy(buf, ei->i_data, len);
		return len;
	}
	if (inode->i_size >= ext2_bs(inode->i_sb)) {
		ext2_error(inode->i_sb, __func__, inode->i_ino, "symlink longer than a block");
		return -EFSCORRUPTED;
	}
	err = ext2_get_block(inode, 0, false, &block);
	if (err)
		return err;
	if (!block) {
		ext2_error(inode->i_sb, __func__, inode->i_ino, "symlink without a block");
		return -EFSCORRUPTED;
	}
	bh = ext2_bread(inode->i_sb, block);
	if (!bh)
		return -EIO;
	memcpy(buf, bh->b_data, len);
	brelse(bh);
	return len;
}

static int ext2_link(struct dentry *old, struct inode *dir, struct dentry *d)
{
	struct inode *inode = old->d_inode;
	int err;

	if (inode->i_nlink >= EXT2_LINK_MAX)
		return -EMLINK;
	if (strlen(d->d_name) > EXT2_NAME_LEN)
		return -ENAMETOOLONG;
	err = ext2_add_link(dir, d->d_name, strlen(d->d_name), inode);
	if (err)
		return err;
	inode->i_nlink++;
	inode_set_now(inode, TIME_C);
	ext2_write_inode(inode);
	d_instantiate(d, igrab(inode));
	return 0;
}

static int ext2_mkdir(struct inode *dir, struct dentry *d, umode_t mode)
{
	struct inode *inode;
	int err;

	if (dir->i_nlink >= EXT2_LINK_MAX)
		return -EMLINK;
	if (strlen(d->d_name) > EXT2_NAME_LEN)
		return -ENAMETOOLONG;
	inode = ext2_new_inode(dir, S_IFDIR | (mode & 07777));
	if (IS_ERR(inode))
		return PTR_ERR(inode);
	inode->i_nlink = 2;
	err = ext2_make_empty(inode, dir);
	if (!err)
		err = ext2_add_link(dir, d->d_name, strlen(d->d_name), inode);
	if (err) {
		inode->i_nlink = 0;
		iput(inode);
		return err;
	}
	dir->i_nlink++;
	ext2_write_inode(dir);
	d_instantiate(d, inode);
	return 0;
}

static int ext2_unlink(struct inode *dir, struct dentry *d)
{
	struct inode *inode = d->d_inode;
	struct buffer_head *bh;
	u32 ino, off;
	int err = ext2_find_entry(dir, d->d_name, strlen(d->d_name), &ino, &bh, &off);

	if (err)
		return err;
	err = ext2_delete_entry(dir, bh, off);
	brelse(bh);
	if (err)
		return err;
	inode->i_ctime = dir->i_ctime;
	if (inode->i_nlink)
		inode->i_nlink--;
	return ext2_write_inode(inode);
}

static int ext2_rmdir(struct inode *dir, struct dentry *d)
{
	struct inode *inode = d->d_inode;
	int err = ext2_empty_dir(inode);

	if (err <= 0)
		return err ? err : -ENOTEMPTY;
	err = ext2_unlink(dir, d);
	if (err)
		return err;
	inode->i_size = 0;
	inode->i_nlink = 0;
	ext2_write_inode(inode);
	if (dir->i_nlink)
		dir->i_nlink--;
	return ext2_write_inode(dir);
}

static int ext2_rename(struct inode *odir, struct dentry *od, struct inode *ndir,
		       struct dentry *nd)
{
	struct inode *src = od->d_inode, *dst = nd->d_inode;
	bool is_dir = S_ISDIR(src->i_mode);
	struct buffer_head *bh, *dotdot_bh = NULL;
	u32 ino, off, dotdot_off = 0;
	int err;

	if (is_dir && odir != ndir) {
		err = ext2_find_entry(src, "..", 2, &ino, &dotdot_bh, &dotdot_off);
		if (err)
			return err == -ENOENT ? -EFSCORRUPTED : err;
	}
	if (dst) {
		err = is_dir ? ext2_empty_dir(dst) : 1;
		if (err <= 0) {
			err = err ? err : -ENOTEMPTY;
			goto out;
		}
		err = ext2_find_entry(ndir, nd->d_name, strlen(nd->d_name), &ino, &bh, &off);
		if (err)
			goto out;
		ext2_set_link(ndir, bh, off, src);
		brelse(bh);
		inode_set_now(dst, TIME_C);
		dst->i_nlink = is_dir ? 0 : dst->i_nlink - 1;
		ext2_write_inode(dst);
	} else {
		if (is_dir && ndir->i_nlink >= EXT2_LINK_MAX) {
			err = -EMLINK;
			goto out;
		}
		err = ext2_add_link(ndir, nd->d_name, strlen(nd->d_name), src);
		if (err)
			goto out;
		if (is_dir) {
			ndir->i_nlink++;
			ext2_write_inode(ndir);
		}
	}
	/* Found again: adding the new entry may have changed the block. */
	err = ext2_find_entry(odir, od->d_name, strlen(od->d_name), &ino, &bh, &off);
	if (!err) {
		err = ext2_delete_entry(odir, bh, off);
		brelse(bh);
	}
	inode_set_now(src, TIME_C);
	ext2_write_inode(src);
	if (is_dir) {
		if (dotdot_bh)
			ext2_set_link(src, dotdot_bh, dotdot_off, ndir);
		if (odir->i_nlink)
			odir->i_nlink--;
		ext2_write_inode(odir);
	}
out:
	brelse(dotdot_bh);
	return err;
}

const struct inode_operations ext2_dir_inode_operations = {
	.lookup = ext2_lookup,
	.create = ext2_create,
	.mkdir = ext2_mkdir,
	.mknod = ext2_mknod,
	.rmdir = ext2_rmdir,
	.unlink = ext2_unlink,
	.link = ext2_link,
	.symlink = ext2_symlink,
	.rename = ext2_rename,
	.setattr = ext2_setattr,
};

const struct inode_operations ext2_symlink_inode_operations = {
	.readlink = ext2_readlink,
	.setattr = ext2_setattr,
};

const struct inode_operations ext2_special_inode_operations = {
	.setattr = ext2_setattr,
};

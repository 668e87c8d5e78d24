/*
 * ext2 inodes: reading and writing them in the inode table, the block
 * map (direct, indirect, double and triple indirect) with allocation,
 * truncation, eviction and attribute changes. An in-memory inode is
 * written through to its inode-table buffer at every change
 * (ext2_write_inode), so dropping it loses nothing. There is no inode
 * cache, but one struct inode per ext2 inode while any is in use:
 * ext2_iget finds a live one on sb->s_inodes first. CPU thread, task
 * context.
 */
#include <glass/timer.h>
#include "../internal.h"
#include "ext2.h"

struct buffer_head *ext2_inode_buffer(struct super_block *sb, u32 ino, u32 *off)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	struct ext2_group_desc *gd;
	struct buffer_head *gbh, *bh;
	u32 group, index;
	u64 byte;

	if (ext2_inode_pos(&sbi->g, ino, &group, &index)) {
		ext2_error(sb, __func__, ino, "inode number out of range");
		return ERR_PTR(-EFSCORRUPTED);
	}
	gd = ext2_get_group_desc(sb, group, &gbh);
	byte = (u64)index * sbi->g.inode_size;
	*off = byte % sbi->g.block_size;
	bh = ext2_bread(sb, gd->bg_inode_table + byte / sbi->g.block_size);
	return bh ? bh : ERR_PTR(-EIO);
}

static void to_fields(struct inode *inode, struct ext2_inode_fields *f)
{
	struct ext2_inode_info *ei = EXT2_I(inode);

	f->mode = inode->i_mode;
	f->uid = inode->i_uid;
	f->gid = inode->i_gid;
	f->size = inode->i_size;
	f->atime = inode->i_atime.tv_sec;
	f->ctime = inode->i_ctime.tv_sec;
	f->mtime = inode->i_mtime.tv_sec;
	f->dtime = ei->i_dtime;
	f->links = inode->i_nlink;
	f->blocks = inode->i_blocks;
	f->flags = ei->i_flags;
	memcpy(f->block, ei->i_data, sizeof(f->block));
	f->generation = ei->i_generation;
	f->file_acl = ei->i_file_acl;
	/* ext2 keeps seconds: what stat shows is what the disk has. */
	inode->i_atime.tv_nsec = inode->i_mtime.tv_nsec = inode->i_ctime.tv_nsec = 0;
}

int ext2_write_inode(struct inode *inode)
{
	struct ext2_sb_info *sbi = EXT2_SB(inode->i_sb);
	struct ext2_inode_fields f;
	struct buffer_head *bh;
	u32 off;

	bh = ext2_inode_buffer(inode->i_sb, inode->i_ino, &off);
	if (IS_ERR(bh))
		return PTR_ERR(bh);
	to_fields(inode, &f);
	ext2_inode_encode(&sbi->g, &f, bh->b_data + off);
	mark_buffer_dirty(bh);
	brelse(bh);
	return 0;
}

static bool fast_symlink(struct inode *inode)
{
	u32 ea = EXT2_I(inode)->i_file_acl ? ext2_bs(inode->i_sb) / 512 : 0;

	return S_ISLNK(inode->i_mode) && inode->i_blocks == ea;
}

void ext2_set_ops(struct inode *inode)
{
	if (S_ISREG(inode->i_mode)) {
		inode->i_op = &ext2_file_inode_operations;
		inode->i_fop = &ext2_file_operations;
		inode->i_aops = &ext2_aops;
	} else if (S_ISDIR(inode->i_mode)) {
		inode->i_op = &ext2_dir_inode_operations;
		inode->i_fop = &ext2_dir_operations;
	} else if (S_ISLNK(inode->i_mode)) {
		inode->i_op = &ext2_symlink_inode_operations;
	} else {
		inode->i_op = &ext2_special_inode_operations;
	}
}

struct inode *ext2_alloc_inode(struct super_block *sb, u32 ino, umode_t mode)
{
	struct ext2_inode_info *ei = kzalloc(sizeof(*ei), GFP_KERNEL);
	struct inode *inode = ei ? new_inode(sb) : NULL;

	if (!inode) {
		kfree(ei);
		return NULL;
	}
	inode->i_private = ei;
	inode->i_ino = ino;
	inode->i_mode = mode;
	ei->i_block_group = (ino - 1) / EXT2_SB(sb)->g.inodes_per_group;
	return inode;
}

/* A live struct inode of ino, with a new reference, or NULL. */
static struct inode *find_live(struct super_block *sb, u32 ino)
{
	struct inode *inode;

	list_for_each_entry(inode, &sb->s_inodes, i_sb_list)
		if (inode->i_ino == ino && inode->i_count > 0 && inode->i_private)
			return igrab(inode);
	return NULL;
}

struct inode *ext2_iget(struct super_block *sb, u32 ino)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	struct ext2_inode_fields f;
	struct ext2_inode_info *ei;
	struct buffer_head *bh;
	struct inode *inode;
	const char *why;
	u32 off;

	inode = find_live(sb, ino);
	if (inode)
		return inode;
	if (ino < EXT2_ROOT_INO || (ino < sbi->g.first_ino && ino != EXT2_ROOT_INO) ||
	    ino > sbi->g.inodes_count) {
		ext2_error(sb, __func__, ino, "inode number out of range");
		return ERR_PTR(-EFSCORRUPTED);
	}
	bh = ext2_inode_buffer(sb, ino, &off);
	if (IS_ERR(bh))
		return (struct inode *)bh;
	ext2_inode_decode(&sbi->g, bh->b_data + off, &f);
	brelse(bh);
	if (ext2_check_inode(&sbi->g, &f, &why)) {
		ext2_error(sb, __func__, ino, "%s", why);
		return ERR_PTR(-EFSCORRUPTED);
	}
	inode = ext2_alloc_inode(sb, ino, f.mode);
	if (!inode)
		return ERR_PTR(-ENOMEM);
	ei = EXT2_I(inode);
	inode->i_uid = f.uid;
	inode->i_gid = f.gid;
	inode->i_size = f.size;
	inode->i_nlink = f.links;
	inode->i_blocks = f.blocks;
	inode->i_atime = (struct timespec64){ f.atime, 0 };
	inode->i_mtime = (struct timespec64){ f.mtime, 0 };
	inode->i_ctime = (struct timespec64){ f.ctime, 0 };
	memcpy(ei->i_data, f.block, sizeof(ei->i_data));
	ei->i_flags = f.flags;
	ei->i_file_acl = f.file_acl;
	ei->i_dtime = f.dtime;
	ei->i_generation = f.generation;
	ext2_set_ops(inode);
	if (S_ISCHR(f.mode) || S_ISBLK(f.mode) || S_ISFIFO(f.mode) || S_ISSOCK(f.mode)) {
		dev_t rdev = f.block[0] ? MKDEV((f.block[0] >> 8) & 0xff, f.block[0] & 0xff)
					: new_decode_dev(f.block[1]);
		const struct inode_operations *iop = inode->i_op;

		init_special_inode(inode, f.mode, rdev);
		inode->i_op = iop;
	}
	return inode;
}

/* Check a block pointer read from the map of inode. */
static int check_ptr(struct inode *inode, u32 block)
{
	if (ext2_block_valid(&EXT2_SB(inode->i_sb)->g, block))
		return 0;
	ext2_error(inode->i_sb, "ext2_get_block", inode->i_ino, "bad block pointer %u", block);
	return -EFSCORRUPTED;
}

/* A new block for inode near goal, zeroed in the cache, counted in i_blocks. */
static u32 alloc_zeroed(struct inode *inode, u32 goal, int *err)
{
	struct buffer_head *bh;
	u32 block = ext2_new_block(inode, goal, err);

	if (!block)
		return 0;
	bh = __getblk(EXT2_SB(inode->i_sb)->s_bdev, block, ext2_bs(inode->i_sb));
	if (!bh) {
		ext2_free_blocks(inode, block, 1);
		*err = -ENOMEM;
		return 0;
	}
	memset(bh->b_data, 0, bh->b_size);
	mark_buffer_dirty(bh);
	brelse(bh);
	inode->i_blocks += ext2_bs(inode->i_sb) / 512;
	return block;
}

/* Where new blocks of inode should go: after the last one it was given,
 * or in its inode's group. */
static u32 find_goal(struct inode *inode)
{
	struct ext2_inode_info *ei = EXT2_I(inode);

	if (ei->i_next_goal)
		return ei->i_next_goal;
	return ext2_group_first_block(&EXT2_SB(inode->i_sb)->g, ei->i_block_group);
}

int ext2_get_block(struct inode *inode, u64 iblock, bool create, u32 *out)
{
	struct ext2_inode_info *ei = EXT2_I(inode);
	u32 offsets[4], *p, block, goal = 0;
	struct buffer_head *bh = NULL;
	int depth = ext2_block_to_path(&EXT2_SB(inode->i_sb)->g, iblock, offsets);
	int err = 0;
	bool inode_dirty = false;

	*out = 0;
	if (!depth)
		return create ? -EFBIG : 0;
	p = &ei->i_data[offsets[0]];
	for (int level = 0;; level++) {
		block = *p;
		if (!block) {
			if (!create)
				break;
			block = alloc_zeroed(inode, goal ? goal + 1 : find_goal(inode), &err);
			if (!block)
				break;
			ei->i_next_goal = block + 1;
			*p = block;
			if (bh)
				mark_buffer_dirty(bh);
			inode_dirty = true;
		} else if ((err = check_ptr(inode, block))) {
			break;
		}
		goal = block;
		if (level + 1 == depth) {
			*out = block;
			break;
		}
		brelse(bh);
		bh = ext2_bread(inode->i_sb, block);
		if (!bh) {
			err = -EIO;
			break;
		}
		p = (u32 *)bh->b_data + offsets[level + 1];
	}
	brelse(bh);
	if (inode_dirty) {
		int e = ext2_write_inode(inode);

		err = err ? err : e;
	}
	return err;
}

/*
 * Free what the subtree under *p maps from file block `from` on (relative
 * to the subtree; depth 0: *p is a data block); if that is all of it,
 * the indirect block goes too and *p becomes 0. Returns an error of a
 * corrupt pointer or a failed read (the rest is then left as it is).
 */
static int free_branch(struct inode *inode, u32 *p, int depth, u64 from)
{
	struct super_block *sb = inode->i_sb;
	u32 per = ext2_bs(sb) / 4;
	u64 span = 1;
	struct buffer_head *bh;
	u32 *entries;
	int err = 0;

	if (!*p)
		return 0;
	if (check_ptr(inode, *p))
		return -EFSCORRUPTED;
	if (depth) {
		for (int i = 1; i < depth; i++)
			span *= per;
		bh = ext2_bread(sb, *p);
		if (!bh)
			return -EIO;
		entries = (u32 *)bh->b_data;
		for (u32 i = from / span; i < per && !err; i++) {
			u32 old = entries[i];

			err = free_branch(inode, &entries[i], depth - 1,
					  i == from / span ? from % span : 0);
			if (entries[i] != old)
				mark_buffer_dirty(bh);
		}
		brelse(bh);
		if (err || from)
			return err;
	} else if (from) {
		return 0;
	}
	ext2_free_blocks(inode, *p, 1);
	inode->i_blocks -= ext2_bs(sb) / 512;
	*p = 0;
	return 0;
}

/* Zero the bytes of the last block past size, so a later extension
 * reads zeros there. */
static int zero_tail(struct inode *inode, loff_t size)
{
	u32 bs = ext2_bs(inode->i_sb), off = size % bs, block;
	struct buffer_head *bh;
	int err;

	if (!off)
		return 0;
	err = ext2_get_block(inode, size / bs, false, &block);
	if (err || !block)
		return err;
	bh = ext2_bread(inode->i_sb, block);
	if (!bh)
		return -EIO;
	memset(bh->b_data + off, 0, bs - off);
	mark_buffer_dirty(bh);
	brelse(bh);
	return 0;
}

/* Free every block mapping file blocks from `from` on. */
static int truncate_blocks(struct inode *inode, u64 from)
{
	struct ext2_inode_info *ei = EXT2_I(inode);
	u64 per = ext2_bs(inode->i_sb) / 4, start = EXT2_NDIR_BLOCKS, span = per;
	int err = 0;

	for (u64 i = from; i < EXT2_NDIR_BLOCKS && !err; i++)
		err = free_branch(inode, &ei->i_data[i], 0, 0);
	/* The indirect, double and triple trees map [start, start + span). */
	for (int d = 1; d <= 3 && !err; d++, start += span, span *= per)
		if (from < start + span)
			err = free_branch(inode, &ei->i_data[EXT2_NDIR_BLOCKS + d - 1], d,
					  from > start ? from - start : 0);
	return err;
}

int ext2_truncate(struct inode *inode, loff_t size)
{
	int err = 0;

	if (size > (loff_t)ext2_max_size(&EXT2_SB(inode->i_sb)->g))
		return -EFBIG;
	if (size < inode->i_size) {
		err = zero_tail(inode, size);
		if (!err)
			err = truncate_blocks(inode, DIV_ROUND_UP((u64)size, ext2_bs(inode->i_sb)));
	}
	truncate_inode_pages(inode, size);
	inode->i_size = size;
	inode_set_now(inode, TIME_M | TIME_C);
	ext2_write_inode(inode);
	return err;
}

/* An extended-attribute block: one reference less, freed at none. */
static void release_xattr_block(struct inode *inode)
{
	u32 block = EXT2_I(inode)->i_file_acl;
	struct buffer_head *bh;
	u32 *refcount;

	if (!block)
		return;
	bh = ext2_bread(inode->i_sb, block);
	if (!bh)
		return;
	refcount = (u32 *)bh->b_data + 1;       /* h_magic, h_refcount */
	if (*refcount > 1) {
		(*refcount)--;
		mark_buffer_dirty(bh);
	} else {
		ext2_free_blocks(inode, block, 1);
		inode->i_blocks -= ext2_bs(inode->i_sb) / 512;
	}
	brelse(bh);
	EXT2_I(inode)->i_file_acl = 0;
}

void ext2_evict_inode(struct inode *inode)
{
	struct ext2_inode_info *ei = EXT2_I(inode);

	/* An inode of a failed lookup, or the superblock is gone (root). */
	if (!ei)
		return;
	if (!inode->i_nlink && inode->i_sb->s_fs_info) {
		ei->i_dtime = ktime_get_real_ns() / NSEC_PER_SEC;
		if (S_ISREG(inode->i_mode) || S_ISDIR(inode->i_mode) ||
		    (S_ISLNK(inode->i_mode) && !fast_symlink(inode)))
			truncate_blocks(inode, 0);
		release_xattr_block(inode);
		inode->i_size = 0;
		ext2_write_inode(inode);
		ext2_free_inode(inode);
	}
	kfree(ei);
	inode->i_private = NULL;
}

int ext2_setattr(struct dentry *d, struct iattr *attr)
{
	struct inode *inode = d->d_inode;
	int err = 0;

	if (attr->ia_valid & ATTR_SIZE) {
		if (!S_ISREG(inode->i_mode))
			return -EINVAL;
		filemap_write_inode(inode);
		err = ext2_truncate(inode, attr->ia_size);
		if (err)
			return err;
	}
	setattr_copy(inode, attr);
	return ext2_write_inode(inode);
}

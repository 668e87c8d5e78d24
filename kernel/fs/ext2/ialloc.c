/*
 * ext2 inode allocation: the inode bitmaps, and the free and directory
 * counts in the group descriptors and the superblock. New inodes go to
 * their parent's group when it has room (then the next groups in turn).
 * CPU thread, task context.
 */
#include <glass/timer.h>
#include "../internal.h"
#include "ext2.h"

/* Take a free inode number in group (0 if the group has none). */
static u32 take_inode(struct super_block *sb, u32 group, bool dir, int *err)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	const struct ext2_geom *g = &sbi->g;
	struct buffer_head *gbh, *bh;
	struct ext2_group_desc *gd = ext2_get_group_desc(sb, group, &gbh);
	u32 start = group ? 0 : g->first_ino - 1, bit;

	if (!gd->bg_free_inodes_count)
		return 0;
	bh = ext2_read_bitmap(sb, group, gd->bg_inode_bitmap, "inode");
	if (!bh) {
		*err = -EIO;
		return 0;
	}
	bit = ext2_find_zero_bit((u8 *)bh->b_data, g->inodes_per_group, start);
	if (bit == g->inodes_per_group) {
		ext2_error(sb, __func__, 0, "group %u: free inode count %u but no free inode",
			   group, gd->bg_free_inodes_count);
		brelse(bh);
		*err = -EFSCORRUPTED;
		return 0;
	}
	bh->b_data[bit / 8] |= 1 << (bit % 8);
	mark_buffer_dirty(bh);
	brelse(bh);
	gd->bg_free_inodes_count--;
	if (dir)
		gd->bg_used_dirs_count++;
	mark_buffer_dirty(gbh);
	sbi->s_es->s_free_inodes_count--;
	ext2_mark_super_dirty(sb);
	return group * g->inodes_per_group + bit + 1;
}

struct inode *ext2_new_inode(struct inode *dir, umode_t mode)
{
	struct super_block *sb = dir->i_sb;
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	struct ext2_inode_info *ei;
	struct buffer_head *bh;
	struct inode *inode;
	u32 group = EXT2_I(dir)->i_block_group, ino = 0, off;
	int err = 0;

	for (u32 i = 0; i < sbi->g.groups && !ino && !err; i++, group = (group + 1) % sbi->g.groups)
		ino = take_inode(sb, group, S_ISDIR(mode), &err);
	if (!ino)
		return ERR_PTR(err ? err : -ENOSPC);
	inode = ext2_alloc_inode(sb, ino, mode);
	if (!inode)
		return ERR_PTR(-ENOMEM);
	ei = EXT2_I(inode);
	/* Flags a new inode inherits (Linux's EXT2_FL_INHERITED, less the
	 * index flag: only hashed directories have it). */
	ei->i_flags = EXT2_I(dir)->i_flags & 0x000380fc & ~EXT2_INDEX_FL;
	ext2_set_ops(inode);
	/* The whole on-disk record is cleared first: a large inode's extra
	 * fields too. */
	bh = ext2_inode_buffer(sb, ino, &off);
	if (!IS_ERR(bh)) {
		memset(bh->b_data + off, 0, sbi->g.inode_size);
		mark_buffer_dirty(bh);
		brelse(bh);
	}
	err = ext2_write_inode(inode);
	if (err) {
		inode->i_nlink = 0;
		iput(inode);
		return ERR_PTR(err);
	}
	return inode;
}

void ext2_free_inode(struct inode *inode)
{
	struct super_block *sb = inode->i_sb;
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	struct buffer_head *gbh, *bh;
	struct ext2_group_desc *gd;
	u32 group, bit;

	if (ext2_inode_pos(&sbi->g, inode->i_ino, &group, &bit))
		return;
	gd = ext2_get_group_desc(sb, group, &gbh);
	bh = ext2_read_bitmap(sb, group, gd->bg_inode_bitmap, "inode");
	if (!bh)
		return;
	if (!(bh->b_data[bit / 8] & (1 << (bit % 8)))) {
		ext2_error(sb, __func__, inode->i_ino, "bit already cleared");
	} else {
		bh->b_data[bit / 8] &= ~(1 << (bit % 8));
		mark_buffer_dirty(bh);
		gd->bg_free_inodes_count++;
		if (S_ISDIR(inode->i_mode))
			gd->bg_used_dirs_count--;
		mark_buffer_dirty(gbh);
		sbi->s_es->s_free_inodes_count++;
		ext2_mark_super_dirty(sb);
	}
	brelse(bh);
}

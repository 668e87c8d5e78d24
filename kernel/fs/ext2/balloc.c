/*
 * ext2 block allocation: the block bitmaps, and the free counts in the
 * group descriptors and the superblock, changed together in the buffer
 * cache. A bitmap that offers a block of its group's metadata, or frees
 * a block already free, is corrupt: reported, and the block left alone.
 * CPU thread, task context.
 */
#include "ext2.h"

struct buffer_head *ext2_read_bitmap(struct super_block *sb, u32 group, u32 block,
				     const char *what)
{
	struct buffer_head *bh = ext2_bread(sb, block);

	if (!bh)
		ext2_error(sb, __func__, 0, "cannot read %s bitmap of group %u", what, group);
	return bh;
}

/* Take a free block of group at or after goal (an index in the group). */
static u32 alloc_in_group(struct super_block *sb, u32 group, u32 goal, int *err)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	struct buffer_head *gbh, *bh;
	struct ext2_group_desc *gd = ext2_get_group_desc(sb, group, &gbh);
	u32 nbits = ext2_group_blocks(&sbi->g, group), first, bit, block;

	if (!gd->bg_free_blocks_count)
		return 0;
	bh = ext2_read_bitmap(sb, group, gd->bg_block_bitmap, "block");
	if (!bh) {
		*err = -EIO;
		return 0;
	}
	first = ext2_group_first_block(&sbi->g, group);
	bit = ext2_find_zero_bit((u8 *)bh->b_data, nbits, goal < nbits ? goal : 0);
	if (bit == nbits && goal)
		bit = ext2_find_zero_bit((u8 *)bh->b_data, nbits, 0);
	block = first + bit;
	if (bit == nbits || ext2_block_is_group_meta(&sbi->g, gd, block) ||
	    !ext2_block_valid(&sbi->g, block)) {
		ext2_error(sb, __func__, 0, "group %u: free count %u but %s", group,
			   gd->bg_free_blocks_count,
			   bit == nbits ? "no free block in the bitmap" :
			   "the bitmap offers a metadata block");
		brelse(bh);
		*err = -EFSCORRUPTED;
		return 0;
	}
	bh->b_data[bit / 8] |= 1 << (bit % 8);
	mark_buffer_dirty(bh);
	brelse(bh);
	gd->bg_free_blocks_count--;
	mark_buffer_dirty(gbh);
	sbi->s_es->s_free_blocks_count--;
	ext2_mark_super_dirty(sb);
	return block;
}

u32 ext2_new_block(struct inode *inode, u32 goal, int *err)
{
	struct super_block *sb = inode->i_sb;
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	const struct ext2_geom *g = &sbi->g;
	u32 group, block;

	if (!ext2_block_valid(g, goal))
		goal = g->first_data_block;
	group = (goal - g->first_data_block) / g->blocks_per_group;
	*err = 0;
	for (u32 i = 0; i < g->groups; i++, group = (group + 1) % g->groups) {
		u32 start = i ? 0 : goal - ext2_group_first_block(g, group);

		block = alloc_in_group(sb, group, start, err);
		if (block || *err)
			return block;
	}
	*err = -ENOSPC;
	return 0;
}

void ext2_free_blocks(struct inode *inode, u32 block, u32 count)
{
	struct super_block *sb = inode->i_sb;
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	const struct ext2_geom *g = &sbi->g;

	for (; count; count--, block++) {
		u32 group = (block - g->first_data_block) / g->blocks_per_group;
		u32 bit = block - ext2_group_first_block(g, group);
		struct buffer_head *gbh, *bh;
		struct ext2_group_desc *gd;

		if (!ext2_block_valid(g, block)) {
			ext2_error(sb, __func__, inode->i_ino, "freeing block %u out of range", block);
			return;
		}
		gd = ext2_get_group_desc(sb, group, &gbh);
		if (ext2_block_is_group_meta(g, gd, block)) {
			ext2_error(sb, __func__, inode->i_ino, "freeing metadata block %u", block);
			continue;
		}
		bh = ext2_read_bitmap(sb, group, gd->bg_block_bitmap, "block");
		if (!bh)
			return;
		if (!(bh->b_data[bit / 8] & (1 << (bit % 8)))) {
			ext2_error(sb, __func__, inode->i_ino, "bit already cleared for block %u",
				   block);
		} else {
			bh->b_data[bit / 8] &= ~(1 << (bit % 8));
			mark_buffer_dirty(bh);
			gd->bg_free_blocks_count++;
			mark_buffer_dirty(gbh);
			sbi->s_es->s_free_blocks_count++;
			ext2_mark_super_dirty(sb);
		}
		brelse(bh);
	}
}

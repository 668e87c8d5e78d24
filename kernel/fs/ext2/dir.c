/*
 * ext2 directories: linear lists of entries in whole blocks (a hashed
 * directory's index is ignored: its blocks are valid linear blocks too,
 * and a change clears EXT2_INDEX_FL, as kernels without the index do).
 * Every block is checked whole before it is used (ext2_check_page in
 * Linux): an entry past the block, one shorter than its name or one
 * naming an inode out of range makes the directory EUCLEAN. Readdir
 * positions are byte offsets, so entries removed during a listing skip
 * nothing. CPU thread, task context.
 */
#include <glass/timer.h>
#include "../internal.h"
#include "ext2.h"

static u32 dir_blocks(struct inode *dir)
{
	return dir->i_size / ext2_bs(dir->i_sb);
}

/* Block n of dir, read and checked; NULL with *err. */
static struct buffer_head *dir_block(struct inode *dir, u32 n, int *err)
{
	struct super_block *sb = dir->i_sb;
	u32 bs = ext2_bs(sb), block, off = 0, inodes = EXT2_SB(sb)->g.inodes_count;
	struct ext2_dirent de = { 0 };
	struct buffer_head *bh;
	const char *why = NULL;

	*err = ext2_get_block(dir, n, false, &block);
	if (*err)
		return NULL;
	if (!block) {
		ext2_error(sb, __func__, dir->i_ino, "hole at block %u of a directory", n);
		*err = -EFSCORRUPTED;
		return NULL;
	}
	bh = ext2_bread(sb, block);
	if (!bh) {
		*err = -EIO;
		return NULL;
	}
	while (off < bs && !ext2_dirent_get(bh->b_data, bs, off, inodes, &de, &why))
		off += de.rec_len;
	if (off == bs)
		return bh;
	ext2_error(sb, "ext2_check_page", dir->i_ino,
		   "bad entry in directory: %s - offset=%u, inode=%u, rec_len=%u, name_len=%u",
		   why, n * bs + off, de.inode, de.rec_len, de.name_len);
	brelse(bh);
	*err = -EFSCORRUPTED;
	return NULL;
}

/* The entry at off of a checked block. */
static struct ext2_dirent entry_at(struct inode *dir, struct buffer_head *bh, u32 off)
{
	struct ext2_dirent de;
	const char *why;

	ext2_dirent_get(bh->b_data, bh->b_size, off, EXT2_SB(dir->i_sb)->g.inodes_count, &de, &why);
	return de;
}

static struct ext2_dir_entry_2 *raw_entry(struct buffer_head *bh, u32 off)
{
	return (void *)(bh->b_data + off);
}

static bool has_filetype(struct super_block *sb)
{
	return EXT2_SB(sb)->g.feature_incompat & EXT2_FEATURE_INCOMPAT_FILETYPE;
}

void ext2_dir_changed(struct inode *dir)
{
	EXT2_I(dir)->i_flags &= ~EXT2_INDEX_FL;
	inode_set_now(dir, TIME_M | TIME_C);
	ext2_write_inode(dir);
}

int ext2_find_entry(struct inode *dir, const char *name, int len, u32 *ino,
		    struct buffer_head **bhp, u32 *offp)
{
	u32 bs = ext2_bs(dir->i_sb);
	int err;

	for (u32 n = 0; n < dir_blocks(dir); n++) {
		struct buffer_head *bh = dir_block(dir, n, &err);

		if (!bh)
			return err;
		for (u32 off = 0; off < bs;) {
			struct ext2_dirent de = entry_at(dir, bh, off);

			if (de.inode && (int)de.name_len == len && !memcmp(de.name, name, len)) {
				*ino = de.inode;
				*offp = off;
				if (bhp)
					*bhp = bh;
				else
					brelse(bh);
				return 0;
			}
			off += de.rec_len;
		}
		brelse(bh);
	}
	return -ENOENT;
}

static void put_entry(struct inode *dir, struct buffer_head *bh, u32 off, u32 rec_len,
		      const char *name, int len, struct inode *inode)
{
	ext2_dirent_put(bh->b_data, off, inode->i_ino, rec_len, name, len,
			has_filetype(dir->i_sb) ? ext2_mode_to_ftype(inode->i_mode) : 0);
	mark_buffer_dirty(bh);
}

int ext2_add_link(struct inode *dir, const char *name, int len, struct inode *inode)
{
	u32 bs = ext2_bs(dir->i_sb), need = EXT2_DIR_REC_LEN(len), n, block;
	struct buffer_head *bh;
	int err;

	for (n = 0; n < dir_blocks(dir); n++) {
		bh = dir_block(dir, n, &err);
		if (!bh)
			return err;
		for (u32 off = 0; off < bs;) {
			struct ext2_dirent de = entry_at(dir, bh, off);
			u32 used = de.inode ? EXT2_DIR_REC_LEN(de.name_len) : 0;

			if (de.rec_len >= used + need) {
				if (used)
					raw_entry(bh, off)->rec_len = used;
				put_entry(dir, bh, off + used, de.rec_len - used, name, len, inode);
				brelse(bh);
				ext2_dir_changed(dir);
				return 0;
			}
			off += de.rec_len;
		}
		brelse(bh);
	}
	/* No room: a new block holding just this entry. */
	err = ext2_get_block(dir, n, true, &block);
	if (err)
		return err;
	bh = ext2_bread(dir->i_sb, block);
	if (!bh)
		return -EIO;
	put_entry(dir, bh, 0, bs, name, len, inode);
	brelse(bh);
	dir->i_size += bs;
	ext2_dir_changed(dir);
	return 0;
}

int ext2_delete_entry(struct inode *dir, struct buffer_head *bh, u32 off)
{
	u32 prev = 0;
	struct ext2_dirent de = entry_at(dir, bh, off);

	for (u32 o = 0; o < off;) {
		prev = o;
		o += entry_at(dir, bh, o).rec_len;
	}
	if (off)
		raw_entry(bh, prev)->rec_len += de.rec_len;
	else
		raw_entry(bh, off)->inode = 0;
	mark_buffer_dirty(bh);
	ext2_dir_changed(dir);
	return 0;
}

void ext2_set_link(struct inode *dir, struct buffer_head *bh, u32 off, struct inode *inode)
{
	struct ext2_dir_entry_2 *d = raw_entry(bh, off);

	d->inode = inode->i_ino;
	d->file_type = has_filetype(dir->i_sb) ? ext2_mode_to_ftype(inode->i_mode) : 0;
	mark_buffer_dirty(bh);
	ext2_dir_changed(dir);
}

int ext2_make_empty(struct inode *inode, struct inode *parent)
{
	u32 bs = ext2_bs(inode->i_sb), block;
	struct buffer_head *bh;
	int err = ext2_get_block(inode, 0, true, &block);

	if (err)
		return err;
	bh = ext2_bread(inode->i_sb, block);
	if (!bh)
		return -EIO;
	put_entry(inode, bh, 0, EXT2_DIR_REC_LEN(1), ".", 1, inode);
	put_entry(inode, bh, EXT2_DIR_REC_LEN(1), bs - EXT2_DIR_REC_LEN(1), "..", 2, parent);
	brelse(bh);
	inode->i_size = bs;
	return ext2_write_inode(inode);
}

int ext2_empty_dir(struct inode *inode)
{
	u32 bs = ext2_bs(inode->i_sb);
	int err;

	for (u32 n = 0; n < dir_blocks(inode); n++) {
		struct buffer_head *bh = dir_block(inode, n, &err);

		if (!bh)
			return err;
		for (u32 off = 0; off < bs;) {
			struct ext2_dirent de = entry_at(inode, bh, off);

			off += de.rec_len;
			if (!de.inode || (de.name[0] == '.' && (de.name_len == 1 ||
			    (de.name_len == 2 && de.name[1] == '.'))))
				continue;
			brelse(bh);
			return 0;
		}
		brelse(bh);
	}
	return 1;
}

static const u8 ftype_to_dt[EXT2_FT_MAX] = {
	[EXT2_FT_UNKNOWN] = DT_UNKNOWN, [EXT2_FT_REG_FILE] = DT_REG, [EXT2_FT_DIR] = DT_DIR,
	[EXT2_FT_CHRDEV] = DT_CHR, [EXT2_FT_BLKDEV] = DT_BLK, [EXT2_FT_FIFO] = DT_FIFO,
	[EXT2_FT_SOCK] = DT_SOCK, [EXT2_FT_SYMLINK] = DT_LNK,
};

/* Readdir from byte offset ctx->pos; a position inside an entry (it was
 * merged into the one before) resumes at the next entry. */
static int ext2_readdir(struct file *f, struct dir_context *ctx)
{
	struct inode *dir = f->f_inode;
	u32 bs = ext2_bs(dir->i_sb);
	bool ftype = has_filetype(dir->i_sb);
	int err;

	while (ctx->pos < dir->i_size) {
		u32 n = ctx->pos / bs, start = ctx->pos % bs;
		struct buffer_head *bh = dir_block(dir, n, &err);

		if (!bh)
			return err;
		for (u32 off = 0; off < bs;) {
			struct ext2_dirent de = entry_at(dir, bh, off);
			loff_t next = (loff_t)n * bs + off + de.rec_len;

			off += de.rec_len;
			if (off - de.rec_len < start || !de.inode)
				continue;
			if (!ctx->actor(ctx, de.name, de.name_len, next, de.inode,
					ftype && de.file_type < EXT2_FT_MAX ?
					ftype_to_dt[de.file_type] : DT_UNKNOWN)) {
				brelse(bh);
				return 0;
			}
			ctx->pos = next;
		}
		brelse(bh);
		ctx->pos = (loff_t)(n + 1) * bs;
	}
	return 0;
}

const struct file_operations ext2_dir_operations = {
	.llseek = generic_file_llseek,
	.iterate = ext2_readdir,
	.fsync = ext2_fsync,
};

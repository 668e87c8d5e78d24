/*
 * ext2's on-disk format, pure (glass/ext2_fs.h): decoding and checking
 * the superblock, group descriptors, inodes and directory entries, and
 * the block-map path. No host call, no allocation; callable anywhere.
 * Everything read from disk is checked before it is used as a size, an
 * index or a block number: a corrupt image gives an error, never a read
 * outside the caller's buffers.
 */
#include <glass/errno.h>
#include <glass/ext2_fs.h>
#include <glass/kernel.h>
#include <glass/string.h>
#include <glass/uapi_fs.h>

_Static_assert(sizeof(struct ext2_super_block) == EXT2_SUPER_SIZE, "ext2 superblock");
_Static_assert(sizeof(struct ext2_group_desc) == 32, "ext2 group descriptor");
_Static_assert(sizeof(struct ext2_inode) == EXT2_GOOD_OLD_INODE_SIZE, "ext2 inode");

static int bad(const char **why, const char *what)
{
	*why = what;
	return -EINVAL;
}

int ext2_parse_super(const void *buf, u64 dev_bytes, struct ext2_geom *g, const char **why)
{
	const struct ext2_super_block *es = buf;
	u64 groups;

	memset(g, 0, sizeof(*g));
	if (es->s_magic != EXT2_SUPER_MAGIC)
		return bad(why, "bad magic number");
	if (es->s_log_block_size > 2)
		return bad(why, "unsupported block size (more than 4096)");
	g->block_size = EXT2_MIN_BLOCK_SIZE << es->s_log_block_size;
	g->rev = es->s_rev_level;
	if (g->rev > EXT2_DYNAMIC_REV)
		return bad(why, "unknown revision");
	if (g->rev == EXT2_GOOD_OLD_REV) {
		g->inode_size = EXT2_GOOD_OLD_INODE_SIZE;
		g->first_ino = EXT2_GOOD_OLD_FIRST_INO;
	} else {
		g->inode_size = es->s_inode_size;
		g->first_ino = es->s_first_ino;
		g->feature_compat = es->s_feature_compat;
		g->feature_incompat = es->s_feature_incompat;
		g->feature_ro_compat = es->s_feature_ro_compat;
	}
	if (g->inode_size < EXT2_GOOD_OLD_INODE_SIZE || g->inode_size > g->block_size ||
	    (g->inode_size & (g->inode_size - 1)))
		return bad(why, "bad inode size");
	g->blocks_count = es->s_blocks_count;
	g->inodes_count = es->s_inodes_count;
	g->first_data_block = es->s_first_data_block;
	g->blocks_per_group = es->s_blocks_per_group;
	g->inodes_per_group = es->s_inodes_per_group;
	if (g->first_data_block != (g->block_size == 1024 ? 1U : 0U))
		return bad(why, "bad first data block");
	if (!g->blocks_per_group || g->blocks_per_group > 8 * g->block_size)
		return bad(why, "bad blocks per group");
	if (!g->inodes_per_group || g->inodes_per_group > 8 * g->block_size)
		return bad(why, "bad inodes per group");
	if (g->blocks_count <= g->first_data_block)
		return bad(why, "bad block count");
	if ((u64)g->blocks_count * g->block_size > dev_bytes)
		return bad(why, "filesystem is larger than the device");
	groups = DIV_ROUND_UP((u64)g->blocks_count - g->first_data_block, g->blocks_per_group);
	g->groups = groups;
	if ((u64)g->inodes_per_group * groups != g->inodes_count)
		return bad(why, "inode count does not match the groups");
	if (g->first_ino <= EXT2_ROOT_INO || g->first_ino >= g->inodes_count)
		return bad(why, "bad first inode");
	g->desc_per_block = g->block_size / sizeof(struct ext2_group_desc);
	g->desc_blocks = DIV_ROUND_UP(g->groups, g->desc_per_block);
	g->itb_per_group = DIV_ROUND_UP(g->inodes_per_group * g->inode_size, g->block_size);
	if (g->itb_per_group >= g->blocks_per_group)
		return bad(why, "inode table larger than a group");
	if (g->first_data_block + 1 + g->desc_blocks >= g->blocks_count)
		return bad(why, "group descriptors past the end");
	return 0;
}

int ext2_check_features(const struct ext2_geom *g, bool readonly, const char **why)
{
	if (g->feature_incompat & ~EXT2_FEATURE_INCOMPAT_SUPP)
		return *why = "unsupported incompatible features", -EINVAL;
	if (!readonly && (g->feature_ro_compat & ~EXT2_FEATURE_RO_COMPAT_SUPP))
		return *why = "unsupported read-only-compatible features: mount read-only", -EROFS;
	return 0;
}

void ext2_group_desc_pos(const struct ext2_geom *g, u32 group, u32 *block, u32 *offset)
{
	*block = g->first_data_block + 1 + group / g->desc_per_block;
	*offset = (group % g->desc_per_block) * sizeof(struct ext2_group_desc);
}

u32 ext2_group_first_block(const struct ext2_geom *g, u32 group)
{
	return g->first_data_block + group * g->blocks_per_group;
}

u32 ext2_group_blocks(const struct ext2_geom *g, u32 group)
{
	u32 first = ext2_group_first_block(g, group);

	return min_t(u32, g->blocks_per_group, g->blocks_count - first);
}

int ext2_check_group_desc(const struct ext2_geom *g, u32 group,
			  const struct ext2_group_desc *gd, const char **why)
{
	u32 first = ext2_group_first_block(g, group);
	u32 last = first + ext2_group_blocks(g, group) - 1;

	if (gd->bg_block_bitmap < first || gd->bg_block_bitmap > last)
		return bad(why, "block bitmap not in its group");
	if (gd->bg_inode_bitmap < first || gd->bg_inode_bitmap > last)
		return bad(why, "inode bitmap not in its group");
	if (gd->bg_inode_table < first || gd->bg_inode_table > last ||
	    (u64)gd->bg_inode_table + g->itb_per_group - 1 > last)
		return bad(why, "inode table not in its group");
	if (gd->bg_free_inodes_count > g->inodes_per_group ||
	    gd->bg_free_blocks_count > ext2_group_blocks(g, group))
		return bad(why, "free counts larger than the group");
	return 0;
}

bool ext2_block_valid(const struct ext2_geom *g, u32 block)
{
	return block > g->first_data_block && block < g->blocks_count;
}

bool ext2_block_is_group_meta(const struct ext2_geom *g, const struct ext2_group_desc *gd,
			      u32 block)
{
	return block == gd->bg_block_bitmap || block == gd->bg_inode_bitmap ||
	       (block >= gd->bg_inode_table && block < gd->bg_inode_table + g->itb_per_group);
}

int ext2_inode_pos(const struct ext2_geom *g, u32 ino, u32 *group, u32 *index)
{
	if (ino < 1 || ino > g->inodes_count)
		return -EINVAL;
	*group = (ino - 1) / g->inodes_per_group;
	*index = (ino - 1) % g->inodes_per_group;
	return 0;
}

static bool size_has_high(const struct ext2_geom *g, u16 mode)
{
	return S_ISREG(mode) && g->rev >= EXT2_DYNAMIC_REV;
}

void ext2_inode_decode(const struct ext2_geom *g, const void *raw, struct ext2_inode_fields *f)
{
	const struct ext2_inode *ri = raw;

	f->mode = ri->i_mode;
	f->uid = ri->i_uid | (u32)ri->l_i_uid_high << 16;
	f->gid = ri->i_gid | (u32)ri->l_i_gid_high << 16;
	f->size = ri->i_size;
	if (size_has_high(g, f->mode))
		f->size |= (u64)ri->i_size_high << 32;
	f->atime = ri->i_atime;
	f->ctime = ri->i_ctime;
	f->mtime = ri->i_mtime;
	f->dtime = ri->i_dtime;
	f->links = ri->i_links_count;
	f->blocks = ri->i_blocks;
	f->flags = ri->i_flags;
	memcpy(f->block, ri->i_block, sizeof(f->block));
	f->generation = ri->i_generation;
	f->file_acl = ri->i_file_acl;
}

void ext2_inode_encode(const struct ext2_geom *g, const struct ext2_inode_fields *f, void *raw)
{
	struct ext2_inode *ri = raw;

	ri->i_mode = f->mode;
	ri->i_uid = f->uid;
	ri->l_i_uid_high = f->uid >> 16;
	ri->i_gid = f->gid;
	ri->l_i_gid_high = f->gid >> 16;
	ri->i_size = f->size;
	if (size_has_high(g, f->mode))
		ri->i_size_high = f->size >> 32;
	ri->i_atime = f->atime;
	ri->i_ctime = f->ctime;
	ri->i_mtime = f->mtime;
	ri->i_dtime = f->dtime;
	ri->i_links_count = f->links;
	ri->i_blocks = f->blocks;
	ri->i_flags = f->flags;
	memcpy(ri->i_block, f->block, sizeof(f->block));
	ri->i_generation = f->generation;
	ri->i_file_acl = f->file_acl;
}

int ext2_check_inode(const struct ext2_geom *g, const struct ext2_inode_fields *f,
		     const char **why)
{
	switch (f->mode & S_IFMT) {
	case S_IFREG: case S_IFDIR: case S_IFLNK: case S_IFCHR: case S_IFBLK:
	case S_IFIFO: case S_IFSOCK:
		break;
	default:
		return bad(why, "bad file type");
	}
	if (!f->links)
		return bad(why, "deleted inode");
	if (f->size > ext2_max_size(g))
		return bad(why, "size beyond the block map");
	if (S_ISDIR(f->mode) && f->size % g->block_size)
		return bad(why, "directory size not a whole number of blocks");
	if (f->file_acl && !ext2_block_valid(g, f->file_acl))
		return bad(why, "bad extended attribute block");
	return 0;
}

int ext2_block_to_path(const struct ext2_geom *g, u64 iblock, u32 offsets[4])
{
	u64 per = g->block_size / 4;

	if (iblock < EXT2_NDIR_BLOCKS) {
		offsets[0] = iblock;
		return 1;
	}
	iblock -= EXT2_NDIR_BLOCKS;
	if (iblock < per) {
		offsets[0] = EXT2_IND_BLOCK;
		offsets[1] = iblock;
		return 2;
	}
	iblock -= per;
	if (iblock < per * per) {
		offsets[0] = EXT2_DIND_BLOCK;
		offsets[1] = iblock / per;
		offsets[2] = iblock % per;
		return 3;
	}
	iblock -= per * per;
	if (iblock < per * per * per) {
		offsets[0] = EXT2_TIND_BLOCK;
		offsets[1] = iblock / (per * per);
		offsets[2] = (iblock / per) % per;
		offsets[3] = iblock % per;
		return 4;
	}
	return 0;
}

u64 ext2_max_size(const struct ext2_geom *g)
{
	u64 per = g->block_size / 4;
	u64 blocks = EXT2_NDIR_BLOCKS + per + per * per + per * per * per;
	/* i_blocks (512-byte units, 32 bits) bounds it too, data and map. */
	u64 by_iblocks = ((1ULL << 32) - 1) / (g->block_size / 512) * g->block_size;
	u64 size = min_t(u64, blocks * g->block_size, by_iblocks);

	if (g->rev == EXT2_GOOD_OLD_REV)
		size = min_t(u64, size, (1ULL << 31) - 1);
	return min_t(u64, size, (1ULL << 32) * g->block_size - 1);
}

int ext2_dirent_get(const void *block, u32 block_size, u32 off, u32 inodes_count,
		    struct ext2_dirent *de, const char **why)
{
	const struct ext2_dir_entry_2 *d;

	if (off % 4 || off + 8 > block_size)
		return bad(why, "directory entry past the block");
	d = (const void *)((const char *)block + off);
	de->inode = d->inode;
	de->rec_len = d->rec_len;
	de->name_len = d->name_len;
	de->file_type = d->file_type;
	de->name = d->name;
	if (de->rec_len < EXT2_DIR_REC_LEN(1))
		return bad(why, "directory entry too short");
	if (de->rec_len % 4)
		return bad(why, "unaligned directory entry");
	if (de->rec_len < EXT2_DIR_REC_LEN(de->name_len))
		return bad(why, "directory entry shorter than its name");
	if (off + de->rec_len > block_size)
		return bad(why, "directory entry past the block");
	if (de->inode > inodes_count)
		return bad(why, "inode number out of range");
	if (de->inode && !de->name_len)
		return bad(why, "directory entry without a name");
	return 0;
}

void ext2_dirent_put(void *block, u32 off, u32 inode, u32 rec_len, const char *name,
		     u32 name_len, u32 file_type)
{
	struct ext2_dir_entry_2 *d = (void *)((char *)block + off);

	d->inode = inode;
	d->rec_len = rec_len;
	d->name_len = name_len;
	d->file_type = file_type;
	memcpy(d->name, name, name_len);
}

u8 ext2_mode_to_ftype(u16 mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG: return EXT2_FT_REG_FILE;
	case S_IFDIR: return EXT2_FT_DIR;
	case S_IFCHR: return EXT2_FT_CHRDEV;
	case S_IFBLK: return EXT2_FT_BLKDEV;
	case S_IFIFO: return EXT2_FT_FIFO;
	case S_IFSOCK: return EXT2_FT_SOCK;
	case S_IFLNK: return EXT2_FT_SYMLINK;
	}
	return EXT2_FT_UNKNOWN;
}

u32 ext2_find_zero_bit(const u8 *bitmap, u32 nbits, u32 start)
{
	for (u32 i = start; i < nbits; i++) {
		if (!(i & 7) && bitmap[i / 8] == 0xff && i + 8 <= nbits) {
			i += 7;
			continue;
		}
		if (!(bitmap[i / 8] & (1U << (i % 8))))
			return i;
	}
	return nbits;
}

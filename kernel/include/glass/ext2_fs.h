/*
 * ext2's on-disk format (Linux's include/linux/ext2_fs.h and
 * fs/ext2/ext2.h) and the pure code that reads and writes it
 * (kernel/fs/ext2/format.c): the superblock, group descriptors, inodes,
 * directory entries and the block-map walk. No host call, no allocation:
 * every function works on the caller's buffers, so the unit tests and the
 * fuzzer drive it without a kernel. Every field is little-endian on disk;
 * Glass runs only on x86-64, so the structures are read in place.
 */
#ifndef GLASS_EXT2_FS_H
#define GLASS_EXT2_FS_H

#include <glass/types.h>

#define EXT2_SUPER_MAGIC 0xEF53
#define EXT2_SUPER_OFFSET 1024          /* bytes from the start of the device */
#define EXT2_SUPER_SIZE 1024
#define EXT2_MIN_BLOCK_SIZE 1024
#define EXT2_MAX_BLOCK_SIZE 4096        /* a block fits in a page */
#define EXT2_GOOD_OLD_REV 0
#define EXT2_DYNAMIC_REV 1
#define EXT2_GOOD_OLD_INODE_SIZE 128
#define EXT2_GOOD_OLD_FIRST_INO 11
#define EXT2_ROOT_INO 2
#define EXT2_NDIR_BLOCKS 12
#define EXT2_IND_BLOCK 12
#define EXT2_DIND_BLOCK 13
#define EXT2_TIND_BLOCK 14
#define EXT2_N_BLOCKS 15
#define EXT2_NAME_LEN 255
#define EXT2_LINK_MAX 32000

/* s_state */
#define EXT2_VALID_FS 0x0001
#define EXT2_ERROR_FS 0x0002

/* Features. */
#define EXT2_FEATURE_COMPAT_DIR_PREALLOC 0x0001
#define EXT2_FEATURE_COMPAT_EXT_ATTR 0x0008
#define EXT2_FEATURE_COMPAT_RESIZE_INO 0x0010
#define EXT2_FEATURE_COMPAT_DIR_INDEX 0x0020
#define EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER 0x0001
#define EXT2_FEATURE_RO_COMPAT_LARGE_FILE 0x0002
#define EXT2_FEATURE_INCOMPAT_FILETYPE 0x0002
/* What Glass reads and writes correctly; anything else in ro_compat
 * makes the mount read-only, anything else in incompat refuses it. */
#define EXT2_FEATURE_RO_COMPAT_SUPP \
	(EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER | EXT2_FEATURE_RO_COMPAT_LARGE_FILE)
#define EXT2_FEATURE_INCOMPAT_SUPP EXT2_FEATURE_INCOMPAT_FILETYPE

/* i_flags */
#define EXT2_INDEX_FL 0x00001000        /* hashed directory (dir_index) */

/* Directory entry file types (incompat filetype). */
enum {
	EXT2_FT_UNKNOWN, EXT2_FT_REG_FILE, EXT2_FT_DIR, EXT2_FT_CHRDEV,
	EXT2_FT_BLKDEV, EXT2_FT_FIFO, EXT2_FT_SOCK, EXT2_FT_SYMLINK, EXT2_FT_MAX
};

struct ext2_super_block {
	u32 s_inodes_count;
	u32 s_blocks_count;
	u32 s_r_blocks_count;
	u32 s_free_blocks_count;
	u32 s_free_inodes_count;
	u32 s_first_data_block;
	u32 s_log_block_size;
	u32 s_log_frag_size;
	u32 s_blocks_per_group;
	u32 s_frags_per_group;
	u32 s_inodes_per_group;
	u32 s_mtime;
	u32 s_wtime;
	u16 s_mnt_count;
	u16 s_max_mnt_count;
	u16 s_magic;
	u16 s_state;
	u16 s_errors;
	u16 s_minor_rev_level;
	u32 s_lastcheck;
	u32 s_checkinterval;
	u32 s_creator_os;
	u32 s_rev_level;
	u16 s_def_resuid;
	u16 s_def_resgid;
	/* EXT2_DYNAMIC_REV */
	u32 s_first_ino;
	u16 s_inode_size;
	u16 s_block_group_nr;
	u32 s_feature_compat;
	u32 s_feature_incompat;
	u32 s_feature_ro_compat;
	u8 s_uuid[16];
	char s_volume_name[16];
	char s_last_mounted[64];
	u32 s_algorithm_usage_bitmap;
	u8 s_prealloc_blocks;
	u8 s_prealloc_dir_blocks;
	u16 s_padding1;
	u32 s_reserved[204];
} __attribute__((packed));

struct ext2_group_desc {
	u32 bg_block_bitmap;
	u32 bg_inode_bitmap;
	u32 bg_inode_table;
	u16 bg_free_blocks_count;
	u16 bg_free_inodes_count;
	u16 bg_used_dirs_count;
	u16 bg_pad;
	u32 bg_reserved[3];
} __attribute__((packed));

struct ext2_inode {
	u16 i_mode;
	u16 i_uid;
	u32 i_size;
	u32 i_atime;
	u32 i_ctime;
	u32 i_mtime;
	u32 i_dtime;
	u16 i_gid;
	u16 i_links_count;
	u32 i_blocks;                   /* 512-byte units */
	u32 i_flags;
	u32 i_reserved1;
	u32 i_block[EXT2_N_BLOCKS];
	u32 i_generation;
	u32 i_file_acl;
	u32 i_size_high;                /* i_dir_acl before large_file */
	u32 i_faddr;
	u8 l_i_frag, l_i_fsize;
	u16 i_pad1;
	u16 l_i_uid_high;
	u16 l_i_gid_high;
	u32 l_i_reserved2;
} __attribute__((packed));

struct ext2_dir_entry_2 {
	u32 inode;
	u16 rec_len;
	u8 name_len;
	u8 file_type;
	char name[];
} __attribute__((packed));

/* Bytes a directory entry with a name of len needs (4-byte aligned). */
#define EXT2_DIR_REC_LEN(len) (((len) + 8 + 3) & ~3U)

/* The geometry of a filesystem, decoded and checked once at mount. */
struct ext2_geom {
	u32 block_size;
	u32 blocks_count;
	u32 inodes_count;
	u32 first_data_block;
	u32 blocks_per_group;
	u32 inodes_per_group;
	u32 groups;
	u32 inode_size;
	u32 first_ino;
	u32 desc_per_block;
	u32 desc_blocks;                /* blocks of group descriptors */
	u32 itb_per_group;              /* inode table blocks per group */
	u32 rev;
	u32 feature_compat, feature_incompat, feature_ro_compat;
};

/*
 * Decode and check the superblock (EXT2_SUPER_SIZE bytes at sb) of a
 * device of dev_bytes bytes. 0, or -EINVAL with *why naming what is wrong.
 */
int ext2_parse_super(const void *sb, u64 dev_bytes, struct ext2_geom *g, const char **why);
/* 0 if the features allow a mount (read-only or not); -EINVAL (incompat:
 * no mount at all) or -EROFS (ro_compat: read-only only), *why names them. */
int ext2_check_features(const struct ext2_geom *g, bool readonly, const char **why);
/* The block holding the group descriptor of group, and its offset in it. */
void ext2_group_desc_pos(const struct ext2_geom *g, u32 group, u32 *block, u32 *offset);
/* Check a group descriptor: its bitmaps and inode table lie inside its group. */
int ext2_check_group_desc(const struct ext2_geom *g, u32 group,
			  const struct ext2_group_desc *gd, const char **why);
/* First and last block of group (the last group may be short). */
u32 ext2_group_first_block(const struct ext2_geom *g, u32 group);
u32 ext2_group_blocks(const struct ext2_geom *g, u32 group);
/* Is block a valid data block number (inside the filesystem, after the
 * superblock)? */
bool ext2_block_valid(const struct ext2_geom *g, u32 block);
/* Does block belong to group's metadata (bitmaps, inode table)? */
bool ext2_block_is_group_meta(const struct ext2_geom *g, const struct ext2_group_desc *gd,
			      u32 block);
/* Where inode ino lives: its group and index; -EINVAL if out of range. */
int ext2_inode_pos(const struct ext2_geom *g, u32 ino, u32 *group, u32 *index);

/* An inode's fields as the kernel uses them. */
struct ext2_inode_fields {
	u16 mode;
	u32 uid, gid;
	u64 size;
	u32 atime, ctime, mtime, dtime;
	u16 links;
	u32 blocks;
	u32 flags;
	u32 block[EXT2_N_BLOCKS];
	u32 generation;
	u32 file_acl;
};
/* Decode raw (g->inode_size bytes) into f. Regular files of a large_file
 * filesystem take the size's high half from i_size_high. */
void ext2_inode_decode(const struct ext2_geom *g, const void *raw, struct ext2_inode_fields *f);
/* Encode f into raw, leaving the fields Glass does not keep as they are. */
void ext2_inode_encode(const struct ext2_geom *g, const struct ext2_inode_fields *f, void *raw);
/* Check a decoded inode (its type, size and, for a directory, its size a
 * whole number of blocks): 0 or -EINVAL with *why. */
int ext2_check_inode(const struct ext2_geom *g, const struct ext2_inode_fields *f,
		     const char **why);

/*
 * The block map: file block iblock is reached through offsets[0..depth)
 * (offsets[0] an index of i_block, the others indexes in indirect blocks).
 * Returns depth (1 direct, 2 indirect, 3 double, 4 triple) or 0 if
 * iblock is past what a triple-indirect map reaches.
 */
int ext2_block_to_path(const struct ext2_geom *g, u64 iblock, u32 offsets[4]);
/* The largest file size the block map allows. */
u64 ext2_max_size(const struct ext2_geom *g);

/* One directory entry, decoded. */
struct ext2_dirent {
	u32 inode;
	u32 rec_len;
	u32 name_len;
	u32 file_type;
	const char *name;
};
/*
 * The entry at off in a directory block of block_size bytes: checks that
 * it lies inside the block, its record holds its name, it is aligned and
 * names an inode in range. 0, or -EINVAL with *why.
 */
int ext2_dirent_get(const void *block, u32 block_size, u32 off, u32 inodes_count,
		    struct ext2_dirent *de, const char **why);
/* Write an entry's header and name at off (rec_len as given). */
void ext2_dirent_put(void *block, u32 off, u32 inode, u32 rec_len, const char *name,
		     u32 name_len, u32 file_type);
/* The directory file type of a mode (S_IF*). */
u8 ext2_mode_to_ftype(u16 mode);
/* The first clear bit in bitmap[start, nbits), or nbits if none. */
u32 ext2_find_zero_bit(const u8 *bitmap, u32 nbits, u32 start);

#endif

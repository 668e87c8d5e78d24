/* ext2: what its files share (the format itself is glass/ext2_fs.h). */
#ifndef FS_EXT2_H
#define FS_EXT2_H

#include <glass/buffer_head.h>
#include <glass/ext2_fs.h>
#include <glass/fs.h>

/* In sb->s_fs_info. */
struct ext2_sb_info {
	struct block_device *s_bdev;
	struct ext2_geom g;
	struct buffer_head *s_sbh;      /* the block holding the superblock */
	struct ext2_super_block *s_es;  /* the superblock inside s_sbh */
	struct buffer_head **s_group_desc;
	u16 s_mount_state;              /* s_state as found at mount */
	bool s_readonly;
};

/* In inode->i_private: what struct inode has no field for. */
struct ext2_inode_info {
	u32 i_data[EXT2_N_BLOCKS];
	u32 i_flags;
	u32 i_file_acl;
	u32 i_dtime;
	u32 i_generation;
	u32 i_block_group;
	u32 i_next_goal;                /* where its next block should go */
};

static inline struct ext2_sb_info *EXT2_SB(struct super_block *sb)
{
	return sb->s_fs_info;
}
static inline struct ext2_inode_info *EXT2_I(struct inode *inode)
{
	return inode->i_private;
}
static inline u32 ext2_bs(struct super_block *sb)
{
	return EXT2_SB(sb)->g.block_size;
}

/* Corrupt metadata: Linux's EFSCORRUPTED. */
#define EFSCORRUPTED EUCLEAN

/* super.c */
/* Log an inconsistency naming the device and inode (0: none) and mark
 * the filesystem as having errors; the caller returns -EFSCORRUPTED. */
__printf(4, 5) void ext2_error(struct super_block *sb, const char *func, unsigned long ino,
			       const char *fmt, ...);
struct buffer_head *ext2_bread(struct super_block *sb, u32 block);
/* The group descriptor of group (inside its buffer, which stays cached). */
struct ext2_group_desc *ext2_get_group_desc(struct super_block *sb, u32 group,
					    struct buffer_head **bhp);
/* The superblock or a group descriptor changed. */
void ext2_mark_super_dirty(struct super_block *sb);

/* balloc.c */
/* The block or inode ("what") bitmap at block of group; NULL, reported. */
struct buffer_head *ext2_read_bitmap(struct super_block *sb, u32 group, u32 block,
				     const char *what);
/* A free block near goal, marked used: the number, or 0 with *err. */
u32 ext2_new_block(struct inode *inode, u32 goal, int *err);
void ext2_free_blocks(struct inode *inode, u32 block, u32 count);

/* ialloc.c */
/* A new inode of mode in dir's filesystem, written out; ERR_PTR. */
struct inode *ext2_new_inode(struct inode *dir, umode_t mode);
void ext2_free_inode(struct inode *inode);

/* inode.c */
/* A struct inode for ext2 inode ino (info attached, nothing read); NULL. */
struct inode *ext2_alloc_inode(struct super_block *sb, u32 ino, umode_t mode);
/* The buffer of ino's inode-table block and the record's offset in it; ERR_PTR. */
struct buffer_head *ext2_inode_buffer(struct super_block *sb, u32 ino, u32 *off);
struct inode *ext2_iget(struct super_block *sb, u32 ino);
int ext2_write_inode(struct inode *inode);
/* The device block of file block iblock; with create, allocated (zeroed)
 * if missing. 0 in *out for a hole. */
int ext2_get_block(struct inode *inode, u64 iblock, bool create, u32 *out);
int ext2_truncate(struct inode *inode, loff_t size);
void ext2_evict_inode(struct inode *inode);
void ext2_set_ops(struct inode *inode);
int ext2_setattr(struct dentry *d, struct iattr *attr);
extern const struct file_operations ext2_file_operations, ext2_dir_operations;
extern const struct inode_operations ext2_file_inode_operations, ext2_dir_inode_operations,
	ext2_symlink_inode_operations, ext2_special_inode_operations;
extern const struct address_space_operations ext2_aops;

/* dir.c */
/* Find name in dir: 0 with the entry's inode number, block buffer and
 * offset (brelse it), -ENOENT, or an error. */
int ext2_find_entry(struct inode *dir, const char *name, int len, u32 *ino,
		    struct buffer_head **bhp, u32 *offp);
int ext2_add_link(struct inode *dir, const char *name, int len, struct inode *inode);
int ext2_delete_entry(struct inode *dir, struct buffer_head *bh, u32 off);
/* Point the entry at (bh, off) to inode. */
void ext2_set_link(struct inode *dir, struct buffer_head *bh, u32 off, struct inode *inode);
int ext2_make_empty(struct inode *inode, struct inode *parent);
/* 1 if empty, 0 if not, -errno. */
int ext2_empty_dir(struct inode *inode);
/* A directory was changed: it is no longer hashed. */
void ext2_dir_changed(struct inode *dir);

/* file.c */
int ext2_readpage(struct inode *inode, struct page *page);
/* fsync of files and directories: the whole device's dirty buffers. */
int ext2_fsync(struct file *f);

#endif

/*
 * ext2: mounting, the superblock and group descriptors, statfs, sync and
 * umount, and the error report. The superblock and the descriptor blocks
 * stay in the buffer cache (referenced) while mounted; their counts are
 * changed in place there and written with the other dirty buffers.
 * As Linux's ext2, a read-write mount clears EXT2_VALID_FS on disk and
 * umount sets it back, so an image of a filesystem that was not unmounted
 * is checked by e2fsck. CPU thread, task context.
 */
#include <glass/init.h>
#include <glass/mm.h>
#include <glass/timer.h>
#include "ext2.h"

static u32 now_sec(void)
{
	return ktime_get_real_ns() / NSEC_PER_SEC;
}

void ext2_error(struct super_block *sb, const char *func, unsigned long ino,
		const char *fmt, ...)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	vscnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (ino)
		pr_err("EXT2-fs error (device %s): %s: inode %lu: %s\n", sbi->s_bdev->bd_name,
		       func, ino, msg);
	else
		pr_err("EXT2-fs error (device %s): %s: %s\n", sbi->s_bdev->bd_name, func, msg);
	/* errors=continue (mke2fs's default): note it for e2fsck and go on. */
	sbi->s_mount_state |= EXT2_ERROR_FS;
	if (!sbi->s_readonly) {
		sbi->s_es->s_state |= EXT2_ERROR_FS;
		ext2_mark_super_dirty(sb);
	}
}

struct buffer_head *ext2_bread(struct super_block *sb, u32 block)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);

	return __bread(sbi->s_bdev, block, sbi->g.block_size);
}

struct ext2_group_desc *ext2_get_group_desc(struct super_block *sb, u32 group,
					    struct buffer_head **bhp)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	u32 block, off;

	BUG_ON(group >= sbi->g.groups);
	ext2_group_desc_pos(&sbi->g, group, &block, &off);
	*bhp = sbi->s_group_desc[block - sbi->g.first_data_block - 1];
	return (void *)((*bhp)->b_data + off);
}

void ext2_mark_super_dirty(struct super_block *sb)
{
	mark_buffer_dirty(EXT2_SB(sb)->s_sbh);
}

static int ext2_statfs(struct dentry *d, struct kstatfs *buf)
{
	struct ext2_sb_info *sbi = EXT2_SB(d->d_sb);
	struct ext2_super_block *es = sbi->s_es;

	memset(buf, 0, sizeof(*buf));
	buf->f_type = EXT2_SUPER_MAGIC;
	buf->f_bsize = buf->f_frsize = sbi->g.block_size;
	buf->f_blocks = es->s_blocks_count - es->s_first_data_block;
	buf->f_bfree = es->s_free_blocks_count;
	buf->f_bavail = buf->f_bfree > es->s_r_blocks_count ? buf->f_bfree - es->s_r_blocks_count : 0;
	buf->f_files = es->s_inodes_count;
	buf->f_ffree = es->s_free_inodes_count;
	buf->f_namelen = EXT2_NAME_LEN;
	return 0;
}

/* Everything of this filesystem to the device (and the host's disk). */
static int ext2_sync_fs(struct super_block *sb)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);

	if (sbi->s_readonly)
		return 0;
	sbi->s_es->s_wtime = now_sec();
	ext2_mark_super_dirty(sb);
	return sync_blockdev(sbi->s_bdev);
}

/* Start writing: the filesystem is not clean on disk until umount. */
static int ext2_setup_rw(struct super_block *sb)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	struct ext2_super_block *es = sbi->s_es;
	const char *why;
	int err;

	if (ext2_check_features(&sbi->g, false, &why)) {
		pr_err("EXT2-fs (%s): couldn't mount read-write: %s (%#x)\n", sbi->s_bdev->bd_name,
		       why, sbi->g.feature_ro_compat & ~EXT2_FEATURE_RO_COMPAT_SUPP);
		return -EROFS;
	}
	/* A read-only mount opened the device read-only. */
	err = blkdev_reopen_rw(sbi->s_bdev);
	if (err)
		return err;
	sbi->s_mount_state = es->s_state;
	if (!(es->s_state & EXT2_VALID_FS))
		pr_warn("EXT2-fs (%s): warning: mounting unchecked fs, running e2fsck is recommended\n",
			sbi->s_bdev->bd_name);
	else if (es->s_state & EXT2_ERROR_FS)
		pr_warn("EXT2-fs (%s): warning: mounting fs with errors, running e2fsck is recommended\n",
			sbi->s_bdev->bd_name);
	es->s_state &= ~EXT2_VALID_FS;
	es->s_mnt_count++;
	es->s_mtime = now_sec();
	sbi->s_readonly = false;
	ext2_mark_super_dirty(sb);
	return sync_dirty_buffer(sbi->s_sbh);
}

/* Stop writing: sync, and the state as found at mount (clean if it was). */
static int ext2_stop_rw(struct super_block *sb)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);

	sbi->s_es->s_state = sbi->s_mount_state;
	sbi->s_es->s_wtime = now_sec();
	ext2_mark_super_dirty(sb);
	sbi->s_readonly = true;
	return sync_blockdev(sbi->s_bdev);
}

static int ext2_remount(struct super_block *sb, unsigned long flags)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	bool ro = flags & MS_RDONLY;

	if (ro == sbi->s_readonly)
		return 0;
	return ro ? ext2_stop_rw(sb) : ext2_setup_rw(sb);
}

static void release_sbi(struct ext2_sb_info *sbi)
{
	if (sbi->s_group_desc)
		for (u32 i = 0; i < sbi->g.desc_blocks; i++)
			brelse(sbi->s_group_desc[i]);
	kfree(sbi->s_group_desc);
	brelse(sbi->s_sbh);
	invalidate_bdev(sbi->s_bdev);
	blkdev_put(sbi->s_bdev);
	kfree(sbi);
}

static void ext2_put_super(struct super_block *sb)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);

	if (!sbi->s_readonly)
		ext2_stop_rw(sb);
	release_sbi(sbi);
	sb->s_fs_info = NULL;
}

static const struct super_operations ext2_sops = {
	.evict_inode = ext2_evict_inode,
	.statfs = ext2_statfs,
	.put_super = ext2_put_super,
	.sync_fs = ext2_sync_fs,
	.remount_fs = ext2_remount,
};

/* The superblock: read its 1 KiB to learn the block size, then keep the
 * block holding it. */
static int read_super(struct super_block *sb, struct ext2_sb_info *sbi)
{
	struct block_device *bdev = sbi->s_bdev;
	char *raw = kmalloc(EXT2_SUPER_SIZE, GFP_KERNEL);
	const char *why;
	u32 bs;
	int err = -ENOMEM;

	if (!raw)
		return err;
	err = blkdev_rw(bdev, raw, EXT2_SUPER_OFFSET, EXT2_SUPER_SIZE, false);
	if (!err && ext2_parse_super(raw, bdev->bd_size, &sbi->g, &why)) {
		/* A bad magic number is someone else's filesystem: quiet,
		 * so probing of types (mount, root=) stays quiet too. */
		if (((struct ext2_super_block *)raw)->s_magic == EXT2_SUPER_MAGIC)
			pr_err("EXT2-fs (%s): error: corrupt superblock: %s\n", bdev->bd_name, why);
		err = -EINVAL;
	}
	kfree(raw);
	if (err)
		return err;
	bs = sbi->g.block_size;
	sbi->s_sbh = __bread(bdev, EXT2_SUPER_OFFSET / bs, bs);
	if (!sbi->s_sbh)
		return -EIO;
	sbi->s_es = (void *)(sbi->s_sbh->b_data + EXT2_SUPER_OFFSET % bs);
	if (ext2_check_features(&sbi->g, true, &why)) {
		pr_err("EXT2-fs (%s): error: couldn't mount: %s (%#x)\n", bdev->bd_name, why,
		       sbi->g.feature_incompat & ~EXT2_FEATURE_INCOMPAT_SUPP);
		return -EINVAL;
	}
	return 0;
}

static int read_group_descs(struct ext2_sb_info *sbi)
{
	const struct ext2_geom *g = &sbi->g;
	const char *why;

	sbi->s_group_desc = kcalloc(g->desc_blocks, sizeof(*sbi->s_group_desc), GFP_KERNEL);
	if (!sbi->s_group_desc)
		return -ENOMEM;
	for (u32 i = 0; i < g->desc_blocks; i++) {
		sbi->s_group_desc[i] = __bread(sbi->s_bdev, g->first_data_block + 1 + i,
					       g->block_size);
		if (!sbi->s_group_desc[i])
			return -EIO;
	}
	for (u32 grp = 0; grp < g->groups; grp++) {
		u32 block, off;
		struct ext2_group_desc *gd;

		ext2_group_desc_pos(g, grp, &block, &off);
		gd = (void *)(sbi->s_group_desc[block - g->first_data_block - 1]->b_data + off);
		if (ext2_check_group_desc(g, grp, gd, &why)) {
			pr_err("EXT2-fs (%s): error: group descriptor %u corrupted: %s\n",
			       sbi->s_bdev->bd_name, grp, why);
			return -EINVAL;
		}
	}
	return 0;
}

static int ext2_fill_super(struct super_block *sb, const char *dev, void *data)
{
	bool readonly = sb->s_flags & MS_RDONLY;
	struct ext2_sb_info *sbi;
	struct block_device *bdev;
	struct inode *root;
	int err;

	if (!sb->s_bdev)
		return -EINVAL;
	bdev = blkdev_get(sb->s_bdev, dev);
	if (IS_ERR(bdev))
		return PTR_ERR(bdev);
	sbi = kzalloc(sizeof(*sbi), GFP_KERNEL);
	if (!sbi) {
		blkdev_put(bdev);
		return -ENOMEM;
	}
	sbi->s_bdev = bdev;
	sbi->s_readonly = true;
	sb->s_fs_info = sbi;
	err = read_super(sb, sbi);
	if (!err)
		err = read_group_descs(sbi);
	if (err)
		goto fail;
	sb->s_magic = EXT2_SUPER_MAGIC;
	sb->s_op = &ext2_sops;
	sbi->s_mount_state = sbi->s_es->s_state;
	root = ext2_iget(sb, EXT2_ROOT_INO);
	if (IS_ERR(root)) {
		err = PTR_ERR(root);
		goto fail;
	}
	if (!S_ISDIR(root->i_mode)) {
		ext2_error(sb, __func__, EXT2_ROOT_INO, "root is not a directory");
		iput(root);
		err = -EFSCORRUPTED;
		goto fail;
	}
	sb->s_root = d_make_root(root);
	err = -ENOMEM;
	if (!sb->s_root)
		goto fail;
	if (!readonly) {
		err = ext2_setup_rw(sb);
		if (err)
			goto fail_root;
	}
	return 0;
fail_root:
	dput(sb->s_root);
	sb->s_root = NULL;
fail:
	sb->s_op = NULL;
	release_sbi(sbi);
	sb->s_fs_info = NULL;
	return err;
}

static struct file_system_type ext2_fs_type = {
	.name = "ext2",
	.fill_super = ext2_fill_super,
};

static int ext2_init(void)
{
	return register_filesystem(&ext2_fs_type);
}
fs_initcall(ext2_init);

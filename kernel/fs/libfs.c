/*
 * Helpers for simple filesystems whose whole tree lives in the dcache
 * (tmpfs, procfs and devfs directories): lookup, readdir, llseek
 * variants, reading from a kernel buffer, statfs. CPU thread.
 */
#include <glass/export.h>
#include "internal.h"

/* Everything is in the dcache already: a miss is a negative entry. */
struct dentry *simple_lookup(struct inode *dir, struct dentry *d)
{
	(void)dir;
	(void)d;
	return NULL;
}

/*
 * ".", "..", then each positive child in creation order. f_pos is 0 for
 * ".", 1 for "..", else a child's d_pos: positions stay valid while
 * entries are removed during the listing (rm -r).
 */
bool dir_emit_dots(struct file *f, struct dir_context *ctx)
{
	struct dentry *dir = f->f_path.dentry;

	if (ctx->pos == 0) {
		if (!dir_emit(ctx, ".", 1, dir->d_inode->i_ino, DT_DIR))
			return false;
		ctx->pos = 1;
	}
	if (ctx->pos == 1) {
		struct inode *pi = dir->d_parent->d_inode ? dir->d_parent->d_inode
							  : dir->d_inode;

		if (!dir_emit(ctx, "..", 2, pi->i_ino, DT_DIR))
			return false;
		ctx->pos = 2;
	}
	return true;
}

int dcache_readdir(struct file *f, struct dir_context *ctx)
{
	struct dentry *dir = f->f_path.dentry, *d;

	if (!dir_emit_dots(f, ctx))
		return 0;
	list_for_each_entry(d, &dir->d_subdirs, d_child) {
		if (d->d_pos < (unsigned long)ctx->pos || !d->d_inode ||
		    (d->d_flags & DCACHE_UNHASHED))
			continue;
		if (!ctx->actor(ctx, d->d_name, strlen(d->d_name), d->d_pos + 1,
				d->d_inode->i_ino, dt_type(d->d_inode)))
			return 0;
		ctx->pos = d->d_pos + 1;
	}
	return 0;
}

const struct file_operations simple_dir_operations = {
	.llseek = generic_file_llseek,
	.iterate = dcache_readdir,
};

const struct inode_operations simple_dir_inode_operations = {
	.lookup = simple_lookup,
};

static int simple_attr_setattr(struct dentry *d, struct iattr *attr)
{
	attr->ia_valid &= ~ATTR_SIZE;
	setattr_copy(d->d_inode, attr);
	return 0;
}

const struct inode_operations simple_attr_inode_operations = {
	.setattr = simple_attr_setattr,
};

/* SEEK_SET/CUR/END (and DATA/HOLE: all data) within [0, LONG_MAX]. */
loff_t generic_file_llseek(struct file *f, loff_t off, int whence)
{
	loff_t size = f->f_inode ? f->f_inode->i_size : 0;

	switch (whence) {
	case SEEK_SET:
		break;
	case SEEK_CUR:
		if (off == 0)
			return f->f_pos;
		off += f->f_pos;
		break;
	case SEEK_END:
		off += size;
		break;
	case 3: /* SEEK_DATA */
		if (off < 0 || off >= size)
			return -ENXIO;
		break;
	case 4: /* SEEK_HOLE */
		if (off < 0 || off >= size)
			return -ENXIO;
		off = size;
		break;
	default:
		return -EINVAL;
	}
	if (off < 0)
		return -EINVAL;
	f->f_pos = off;
	return off;
}
EXPORT_SYMBOL(generic_file_llseek);

/* Seeking succeeds and does nothing (/dev/null, /dev/zero). */
loff_t noop_llseek(struct file *f, loff_t off, int whence)
{
	(void)off;
	(void)whence;
	return f->f_pos;
}
EXPORT_SYMBOL(noop_llseek);

/* Not seekable (pipes, ttys): lseek gives ESPIPE. */
loff_t no_llseek(struct file *f, loff_t off, int whence)
{
	(void)f;
	(void)off;
	(void)whence;
	return -ESPIPE;
}
EXPORT_SYMBOL(no_llseek);

/* Copy from a kernel buffer of `available` bytes at *pos to the guest. */
ssize_t simple_read_from_buffer(char __user *to, size_t count, loff_t *pos,
				const void *from, size_t available)
{
	loff_t p = *pos;
	size_t n;

	if (p < 0)
		return -EINVAL;
	if ((size_t)p >= available || !count)
		return 0;
	n = min(count, available - (size_t)p);
	if (copy_to_user(to, (const char *)from + p, n))
		return -EFAULT;
	*pos = p + n;
	return n;
}
EXPORT_SYMBOL(simple_read_from_buffer);

/* statfs for filesystems without sizes. */
int simple_statfs(struct dentry *d, struct kstatfs *buf)
{
	memset(buf, 0, sizeof(*buf));
	buf->f_type = d->d_sb ? (long)d->d_sb->s_magic : 0;
	buf->f_bsize = PAGE_SIZE;
	buf->f_frsize = PAGE_SIZE;
	buf->f_namelen = NAME_MAX;
	return 0;
}

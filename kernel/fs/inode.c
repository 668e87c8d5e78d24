/*
 * Inodes: reference-counted file objects. No inode cache: an inode lives
 * while a dentry, file or lookup holds it and is evicted (page cache
 * dropped, ->evict_inode called, freed) at the last iput. CPU thread.
 */
#include "internal.h"

/* A fresh inode on sb with one reference, a new number and times now. */
struct inode *new_inode(struct super_block *sb)
{
	struct inode *inode = kzalloc(sizeof(*inode), GFP_KERNEL);

	if (!inode)
		return NULL;
	inode->i_count = 1;
	inode->i_nlink = 1;
	inode->i_sb = sb;
	inode->i_ino = sb ? ++sb->s_next_ino : 0;
	INIT_LIST_HEAD(&inode->i_sb_list);
	INIT_LIST_HEAD(&inode->i_wb_list);
	if (sb)
		list_add_tail(&inode->i_sb_list, &sb->s_inodes);
	inode_set_now(inode, TIME_A | TIME_M | TIME_C);
	return inode;
}

struct inode *igrab(struct inode *i)
{
	if (i)
		i->i_count++;
	return i;
}

/* Drop all page-cache pages of inode (eviction). */
static void drop_page_cache(struct inode *inode)
{
	for (unsigned long i = 0; i < inode->i_npages_cap; i++) {
		struct page *p = inode->i_pages[i];

		if (!p)
			continue;
		inode->i_pages[i] = NULL;
		p->mapping = NULL;
		put_page(p);
		inode->i_sb->s_pages--;
	}
	kfree(inode->i_pages);
	inode->i_pages = NULL;
	inode->i_npages_cap = 0;
}

/* Drop a reference; the last one evicts and frees the inode. */
void iput(struct inode *inode)
{
	if (!inode)
		return;
	BUG_ON(inode->i_count <= 0);
	if (--inode->i_count > 0)
		return;
	/* Nothing maps it any more: what shared mappings dirtied goes back. */
	filemap_write_inode(inode);
	if (inode->i_sb && inode->i_sb->s_op && inode->i_sb->s_op->evict_inode)
		inode->i_sb->s_op->evict_inode(inode);
	drop_page_cache(inode);
	if (inode->i_pipe)
		free_pipe_info(inode->i_pipe);
	list_del(&inode->i_sb_list);
	kfree(inode);
}

struct timespec64 current_time(struct inode *inode)
{
	u64 ns = ktime_get_real_ns();

	(void)inode;
	return (struct timespec64){ .tv_sec = ns / NSEC_PER_SEC,
				    .tv_nsec = ns % NSEC_PER_SEC };
}

/* Set some of atime/mtime/ctime (TIME_* bits) to now. */
void inode_set_now(struct inode *inode, unsigned int which)
{
	struct timespec64 now = current_time(inode);

	if (which & TIME_A)
		inode->i_atime = now;
	if (which & TIME_M)
		inode->i_mtime = now;
	if (which & TIME_C)
		inode->i_ctime = now;
}

/* Device nodes open through the char/block driver table, FIFOs through
 * the pipe code, sockets not at all. */
void init_special_inode(struct inode *inode, umode_t mode, dev_t rdev)
{
	inode->i_mode = mode;
	if (S_ISCHR(mode)) {
		inode->i_fop = &def_chr_fops;
		inode->i_rdev = rdev;
	} else if (S_ISBLK(mode)) {
		inode->i_fop = &def_blk_fops;
		inode->i_rdev = rdev;
	} else if (S_ISFIFO(mode)) {
		inode->i_fop = &pipefifo_fops;
	}
}

/* Copy the attributes in attr into inode (everything but the size). */
void setattr_copy(struct inode *inode, const struct iattr *attr)
{
	unsigned int v = attr->ia_valid;

	if (v & ATTR_UID)
		inode->i_uid = attr->ia_uid;
	if (v & ATTR_GID)
		inode->i_gid = attr->ia_gid;
	if (v & ATTR_MODE)
		inode->i_mode = (inode->i_mode & S_IFMT) | (attr->ia_mode & 07777);
	if (v & ATTR_ATIME)
		inode->i_atime = (struct timespec64){ attr->ia_atime_sec, attr->ia_atime_nsec };
	if (v & ATTR_MTIME)
		inode->i_mtime = (struct timespec64){ attr->ia_mtime_sec, attr->ia_mtime_nsec };
	if (v & ATTR_CTIME)
		inode_set_now(inode, TIME_C);
}

/* Apply attr to d's inode through the filesystem; the ctime moves. */
int notify_change(struct dentry *d, struct iattr *attr)
{
	struct inode *inode = d->d_inode;

	attr->ia_valid |= ATTR_CTIME;
	if (inode->i_op && inode->i_op->setattr)
		return inode->i_op->setattr(d, attr);
	if (attr->ia_valid & ATTR_SIZE)
		return -EPERM;
	setattr_copy(inode, attr);
	return 0;
}

/* Fill st from the inode's fields (the default ->getattr). */
void generic_fillattr(struct inode *inode, struct kstat *st)
{
	memset(st, 0, sizeof(*st));
	st->ino = inode->i_ino;
	st->dev = inode->i_sb ? inode->i_sb->s_dev : 0;
	st->mode = inode->i_mode;
	st->nlink = inode->i_nlink;
	st->uid = inode->i_uid;
	st->gid = inode->i_gid;
	st->rdev = inode->i_rdev;
	st->size = inode->i_size;
	st->blksize = PAGE_SIZE;
	st->blocks = inode->i_blocks;
	st->atime_sec = inode->i_atime.tv_sec;
	st->atime_nsec = inode->i_atime.tv_nsec;
	st->mtime_sec = inode->i_mtime.tv_sec;
	st->mtime_nsec = inode->i_mtime.tv_nsec;
	st->ctime_sec = inode->i_ctime.tv_sec;
	st->ctime_nsec = inode->i_ctime.tv_nsec;
}

/* Attributes of the file at p, through ->getattr if the fs has one. */
int vfs_getattr(const struct path *p, struct kstat *st)
{
	struct inode *inode = p->dentry->d_inode;

	if (inode->i_op && inode->i_op->getattr)
		return inode->i_op->getattr(p, st);
	generic_fillattr(inode, st);
	return 0;
}

/* Exec permission: a regular file with an x bit (guests run as root). */
int may_exec(struct inode *inode)
{
	if (!S_ISREG(inode->i_mode))
		return -EACCES;
	if (!(inode->i_mode & 0111))
		return -EACCES;
	return 0;
}

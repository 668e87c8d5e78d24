/*
 * Directory listing: getdents64 and the old getdents, through
 * f_op->iterate and a dir_context whose actor packs records into the
 * guest's buffer. Task context on the CPU thread.
 */
#include <glass/syscalls.h>
#include "internal.h"

/* List f from f_pos into ctx, advancing f_pos. */
int iterate_dir(struct file *f, struct dir_context *ctx)
{
	struct inode *inode = f->f_inode;
	int err;

	if (!inode || !S_ISDIR(inode->i_mode))
		return -ENOTDIR;
	if (!f->f_op->iterate)
		return -ENOTDIR;
	if (!inode->i_nlink)
		return 0;               /* a removed directory lists nothing */
	ctx->pos = f->f_pos;
	err = f->f_op->iterate(f, ctx);
	f->f_pos = ctx->pos;
	return err;
}

struct getdents_ctx {
	struct dir_context ctx;
	char __user *buf;
	int count;              /* bytes left */
	int used;
	int error;
	bool old;               /* struct linux_dirent */
};

static bool filldir(struct dir_context *ctx, const char *name, int namlen,
		    loff_t next_pos, u64 ino, unsigned int d_type)
{
	struct getdents_ctx *g = container_of(ctx, struct getdents_ctx, ctx);
	size_t hdr = g->old ? offsetof(struct linux_dirent, d_name)
			    : offsetof(struct linux_dirent64, d_name);
	/* old form: name, NUL, then d_type in the last byte */
	int reclen = ALIGN(hdr + namlen + 1 + (g->old ? 1 : 0), sizeof(long));
	char rec[sizeof(struct linux_dirent64) + NAME_MAX + 16];

	if (namlen > NAME_MAX) {
		g->error = -EOVERFLOW;
		return false;
	}
	if (reclen > g->count) {
		if (!g->used)
			g->error = -EINVAL;
		return false;
	}
	memset(rec, 0, reclen);
	if (g->old) {
		struct linux_dirent *d = (struct linux_dirent *)rec;

		d->d_ino = ino;
		d->d_off = next_pos;
		d->d_reclen = reclen;
		memcpy(d->d_name, name, namlen);
		rec[reclen - 1] = d_type;
	} else {
		struct linux_dirent64 *d = (struct linux_dirent64 *)rec;

		d->d_ino = ino;
		d->d_off = next_pos;
		d->d_reclen = reclen;
		d->d_type = d_type;
		memcpy(d->d_name, name, namlen);
	}
	if (copy_to_user(g->buf + g->used, rec, reclen)) {
		g->error = -EFAULT;
		return false;
	}
	g->used += reclen;
	g->count -= reclen;
	return true;
}

static long do_getdents(unsigned int fd, void __user *dirent, unsigned int count,
			bool old)
{
	struct getdents_ctx g = { .ctx.actor = filldir, .buf = dirent,
				  .count = (int)min_t(unsigned int, count, INT_MAX),
				  .old = old };
	struct file *f = fget(fd);
	int err;

	if (!f)
		return -EBADF;
	err = iterate_dir(f, &g.ctx);
	fput(f);
	if (err)
		return err;
	if (g.used)
		return g.used;
	return g.error;
}

SYSCALL_DEFINE3(getdents64, unsigned int, fd, struct linux_dirent64 __user *, dirent,
		unsigned int, count)
{
	return do_getdents(fd, dirent, count, false);
}

SYSCALL_DEFINE3(getdents, unsigned int, fd, struct linux_dirent __user *, dirent,
		unsigned int, count)
{
	return do_getdents(fd, dirent, count, true);
}

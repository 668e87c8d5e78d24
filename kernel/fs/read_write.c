/*
 * read, write and seek: read, write, readv, writev, pread64, pwrite64,
 * preadv, pwritev, lseek, sendfile, plus kernel_read/kernel_write for
 * kernel callers (exec, initramfs). Task context; ->read and ->write may
 * sleep (pipes, ttys).
 */
#include <glass/syscalls.h>
#include "internal.h"

loff_t vfs_llseek(struct file *f, loff_t off, int whence)
{
	umode_t mode = f->f_inode ? f->f_inode->i_mode : 0;

	if (f->f_op->llseek)
		return f->f_op->llseek(f, off, whence);
	if (S_ISREG(mode) || S_ISDIR(mode) || S_ISBLK(mode) || S_ISLNK(mode))
		return generic_file_llseek(f, off, whence);
	return -ESPIPE;
}

ssize_t vfs_read(struct file *f, char __user *buf, size_t count, loff_t *pos)
{
	if (!(f->f_mode & FMODE_READ))
		return -EBADF;
	if (!f->f_op->read)
		return f->f_inode && S_ISDIR(f->f_inode->i_mode) ? -EISDIR : -EINVAL;
	if (count > MAX_RW_COUNT)
		count = MAX_RW_COUNT;
	if (!get_fs().kernel && count && !access_ok(buf, count))
		return -EFAULT;
	return f->f_op->read(f, buf, count, pos);
}

ssize_t vfs_write(struct file *f, const char __user *buf, size_t count, loff_t *pos)
{
	if (!(f->f_mode & FMODE_WRITE))
		return -EBADF;
	if (!f->f_op->write)
		return -EINVAL;
	if (count > MAX_RW_COUNT)
		count = MAX_RW_COUNT;
	if (!get_fs().kernel && count && !access_ok(buf, count))
		return -EFAULT;
	return f->f_op->write(f, buf, count, pos);
}

/* vfs_read into a kernel buffer. */
ssize_t kernel_read(struct file *f, void *buf, size_t count, loff_t *pos)
{
	mm_segment_t old = get_fs();
	ssize_t ret;

	set_fs(KERNEL_DS);
	ret = vfs_read(f, (char __user *)buf, count, pos);
	set_fs(old);
	return ret;
}

ssize_t kernel_write(struct file *f, const void *buf, size_t count, loff_t *pos)
{
	mm_segment_t old = get_fs();
	ssize_t ret;

	set_fs(KERNEL_DS);
	ret = vfs_write(f, (const char __user *)buf, count, pos);
	set_fs(old);
	return ret;
}

SYSCALL_DEFINE3(read, unsigned int, fd, char __user *, buf, size_t, count)
{
	struct file *f = fget(fd);
	loff_t pos;
	ssize_t ret;

	if (!f)
		return -EBADF;
	pos = f->f_pos;
	ret = vfs_read(f, buf, count, &pos);
	if (ret >= 0)
		f->f_pos = pos;
	fput(f);
	return ret;
}

SYSCALL_DEFINE3(write, unsigned int, fd, const char __user *, buf, size_t, count)
{
	struct file *f = fget(fd);
	loff_t pos;
	ssize_t ret;

	if (!f)
		return -EBADF;
	pos = f->f_pos;
	ret = vfs_write(f, buf, count, &pos);
	if (ret >= 0)
		f->f_pos = pos;
	fput(f);
	return ret;
}

/* pread/pwrite need a seekable file. */
static bool positional_ok(struct file *f)
{
	umode_t mode = f->f_inode ? f->f_inode->i_mode : 0;

	return !S_ISFIFO(mode) && !S_ISSOCK(mode) && f->f_op->llseek != no_llseek;
}

/* pread64 and pwrite64: one transfer at pos, the file offset untouched. */
static ssize_t do_positional(unsigned int fd, char __user *buf, size_t count,
			     long pos, bool write)
{
	struct file *f = fget(fd);
	loff_t p = pos;
	ssize_t ret;

	if (!f)
		return -EBADF;
	if (pos < 0)
		ret = -EINVAL;
	else if (!positional_ok(f))
		ret = -ESPIPE;
	else
		ret = write ? vfs_write(f, buf, count, &p) : vfs_read(f, buf, count, &p);
	fput(f);
	return ret;
}

SYSCALL_DEFINE4(pread64, unsigned int, fd, char __user *, buf, size_t, count,
		long, pos)
{
	return do_positional(fd, buf, count, pos, false);
}

SYSCALL_DEFINE4(pwrite64, unsigned int, fd, const char __user *, buf,
		size_t, count, long, pos)
{
	return do_positional(fd, (char __user *)buf, count, pos, true);
}

/* Read or write an iovec array at *pos; short transfers stop the loop. */
static ssize_t do_iter_rw(struct file *f, const struct linux_iovec __user *uvec,
			  unsigned long vlen, loff_t *pos, bool write)
{
	struct linux_iovec *iov;
	ssize_t total = 0, ret = 0;
	size_t sum = 0;

	if (vlen > UIO_MAXIOV)
		return -EINVAL;
	if (!vlen)
		return 0;
	iov = kmalloc(vlen * sizeof(*iov), GFP_KERNEL);
	if (!iov)
		return -ENOMEM;
	if (copy_from_user(iov, uvec, vlen * sizeof(*iov))) {
		ret = -EFAULT;
		goto out;
	}
	for (unsigned long i = 0; i < vlen; i++) {
		if ((long)iov[i].iov_len < 0 || sum + iov[i].iov_len < sum) {
			ret = -EINVAL;
			goto out;
		}
		sum += iov[i].iov_len;
	}
	for (unsigned long i = 0; i < vlen; i++) {
		size_t len = iov[i].iov_len;

		if (!len)
			continue;
		if (total + len > MAX_RW_COUNT)
			len = MAX_RW_COUNT - total;
		ret = write ? vfs_write(f, iov[i].iov_base, len, pos)
			    : vfs_read(f, iov[i].iov_base, len, pos);
		if (ret < 0)
			break;
		total += ret;
		if ((size_t)ret < len || total >= MAX_RW_COUNT)
			break;
	}
out:
	kfree(iov);
	return total ? total : ret;
}

static ssize_t do_readv_writev(unsigned long fd, const struct linux_iovec __user *vec,
			       unsigned long vlen, long pos, bool write, bool positional)
{
	struct file *f = fget(fd);
	loff_t p;
	ssize_t ret;

	if (!f)
		return -EBADF;
	if (!(f->f_mode & (write ? FMODE_WRITE : FMODE_READ))) {
		ret = -EBADF;
	} else if (positional && pos < 0) {
		ret = -EINVAL;
	} else if (positional && !positional_ok(f)) {
		ret = -ESPIPE;
	} else {
		p = positional ? pos : f->f_pos;
		ret = do_iter_rw(f, vec, vlen, &p, write);
		if (!positional && ret >= 0)
			f->f_pos = p;
	}
	fput(f);
	return ret;
}

SYSCALL_DEFINE3(readv, unsigned long, fd, const struct linux_iovec __user *, vec,
		unsigned long, vlen)
{
	return do_readv_writev(fd, vec, vlen, 0, false, false);
}

SYSCALL_DEFINE3(writev, unsigned long, fd, const struct linux_iovec __user *, vec,
		unsigned long, vlen)
{
	return do_readv_writev(fd, vec, vlen, 0, true, false);
}

/* On x86-64 the whole offset is in pos_l (pos_h shifts out). */
SYSCALL_DEFINE5(preadv, unsigned long, fd, const struct linux_iovec __user *, vec,
		unsigned long, vlen, unsigned long, pos_l, unsigned long, pos_h)
{
	return do_readv_writev(fd, vec, vlen, (long)pos_l, false, true);
}

SYSCALL_DEFINE5(pwritev, unsigned long, fd, const struct linux_iovec __user *, vec,
		unsigned long, vlen, unsigned long, pos_l, unsigned long, pos_h)
{
	return do_readv_writev(fd, vec, vlen, (long)pos_l, true, true);
}

SYSCALL_DEFINE3(lseek, unsigned int, fd, long, offset, unsigned int, whence)
{
	struct file *f = fget(fd);
	loff_t ret;

	if (!f)
		return -EBADF;
	ret = whence > 4 ? -EINVAL : vfs_llseek(f, offset, whence);
	fput(f);
	return ret;
}

/* sendfile(2) as a read/write loop through a kernel page. */
SYSCALL_DEFINE4(sendfile, int, out_fd, int, in_fd, long __user *, offset,
		size_t, count)
{
	struct file *in = fget(in_fd), *out = fget(out_fd);
	loff_t pos, opos;
	ssize_t total = 0, ret = 0;
	char *buf = NULL;

	if (!in || !out) {
		ret = -EBADF;
		goto out;
	}
	if (!(in->f_mode & FMODE_READ) || !(out->f_mode & FMODE_WRITE)) {
		ret = -EBADF;
		goto out;
	}
	if (out->f_flags & O_APPEND) {
		ret = -EINVAL;
		goto out;
	}
	if (offset) {
		if (copy_from_user(&pos, offset, sizeof(pos))) {
			ret = -EFAULT;
			goto out;
		}
		if (pos < 0) {
			ret = -EINVAL;
			goto out;
		}
	} else {
		pos = in->f_pos;
	}
	buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!buf) {
		ret = -ENOMEM;
		goto out;
	}
	if (count > MAX_RW_COUNT)
		count = MAX_RW_COUNT;
	while ((size_t)total < count) {
		size_t chunk = min_t(size_t, count - total, PAGE_SIZE);
		ssize_t n = kernel_read(in, buf, chunk, &pos), w = 0;

		if (n <= 0) {
			ret = n;
			break;
		}
		while (w < n) {
			opos = out->f_pos;
			ret = kernel_write(out, buf + w, n - w, &opos);
			if (ret <= 0)
				break;
			out->f_pos = opos;
			w += ret;
		}
		total += w;
		if (w < n) {
			/* Give back what was read but not written. */
			pos -= n - w;
			break;
		}
		if ((size_t)n < chunk)
			break;
	}
	if (offset) {
		if (copy_to_user(offset, &pos, sizeof(pos)) && !total)
			ret = -EFAULT;
	} else {
		in->f_pos = pos;
	}
out:
	kfree(buf);
	fput(in);
	fput(out);
	return total ? total : ret;
}

/*
 * ubd: the block device, major 98, minor unit << 4. Reads and writes at
 * any offset and length go straight to the host file with pread/pwrite
 * (no page cache), so a write the guest saw complete is in the host file
 * and survives halt, a panic or SIGKILL of glass. With a COW file, a
 * sector whose bitmap bit is clear is read from the backing file; a write
 * goes to the COW file in whole sectors (a partial sector is read first
 * and merged), then its bits are set and the bitmap bytes written, in
 * that order, so a crash between the two leaves the old data visible.
 * CPU thread, in the calling task; host calls block, nothing sleeps.
 */
#include <glass/errno.h>
#include <glass/mm.h>
#include <glass/os.h>
#include <glass/string.h>
#include <glass/uaccess.h>
#include "ubd.h"

#define SECTOR COW_SECTOR_SIZE
#define CHUNK_SECTORS 128               /* 64 KiB per host transfer */
#define CHUNK_BYTES (CHUNK_SECTORS * SECTOR)

/* Linux's block ioctls (uapi/linux/fs.h). */
#define BLKROGET 0x125e
#define BLKGETSIZE 0x1260
#define BLKFLSBUF 0x1261
#define BLKSSZGET 0x1268
#define BLKBSZGET 0x80081270
#define BLKGETSIZE64 0x80081272
#define BLKPBSZGET 0x127b

/* pread n bytes at off; the part past the end of the file reads as zeros. */
static int read_zeroed(int fd, char *buf, size_t n, u64 off)
{
	long r = os_pread_all(fd, buf, n, off);

	if (r < 0)
		return r;
	memset(buf + r, 0, n - r);
	return 0;
}

/* The bitmap bits of sectors [first, first + n), n <= CHUNK_SECTORS, into
 * map: bit (s - ALIGN_DOWN(first, 8)) is sector s's. */
static int read_bits(struct ubd *d, u64 first, u64 n, u8 *map)
{
	u64 pos;
	size_t len;

	cow_bitmap_span(d->cow, first, n, &pos, &len);
	return read_zeroed(d->fd, (char *)map, len, pos);
}

/* Bytes [pos, pos + n) of a COW device into buf, n within one chunk. */
static int cow_read(struct ubd *d, char *buf, u64 pos, size_t n)
{
	u64 first = pos / SECTOR, last = (pos + n - 1) / SECTOR, base = ALIGN_DOWN(first, 8);
	u8 map[CHUNK_SECTORS / 8 + 2];
	int err = read_bits(d, first, last - first + 1, map);

	while (!err && n) {
		u64 s = pos / SECTOR, run_end = s + 1;
		bool in_cow = cow_test_bit(map, s - base);
		size_t len;

		while (run_end <= last && cow_test_bit(map, run_end - base) == in_cow)
			run_end++;
		len = min_t(u64, n, run_end * SECTOR - pos);
		if (in_cow)
			err = read_zeroed(d->fd, buf, len, cow_data_pos(d->cow, 0) + pos);
		else
			err = read_zeroed(d->backing_fd, buf, len, pos);
		buf += len;
		pos += len;
		n -= len;
	}
	return err;
}

/* Whole sectors [first, first + n) from buf into the COW file, then
 * their bits. */
static int cow_write(struct ubd *d, const char *buf, u64 first, u64 n)
{
	u64 base = ALIGN_DOWN(first, 8), pos;
	u8 map[CHUNK_SECTORS / 8 + 2];
	size_t len;
	bool changed = false;
	int err;

	err = os_pwrite_all(d->fd, buf, n * SECTOR, cow_data_pos(d->cow, first));
	if (!err)
		err = read_bits(d, first, n, map);
	if (err)
		return err;
	for (u64 s = first; s < first + n; s++) {
		changed |= !cow_test_bit(map, s - base);
		cow_set_bit(map, s - base);
	}
	if (!changed)
		return 0;
	cow_bitmap_span(d->cow, first, n, &pos, &len);
	return os_pwrite_all(d->fd, map, len, pos);
}

/* Clamp a transfer of n bytes at pos to the disk or partition; -ENOSPC
 * past the end for writes, as Linux's block devices. */
static ssize_t clamp_io(struct ubd_part *part, loff_t pos, size_t n, bool write)
{
	if (pos < 0)
		return -EINVAL;
	if ((u64)pos >= part->size)
		return write && n ? -ENOSPC : 0;
	return min_t(u64, n, part->size - pos);
}

/* One chunk of a transfer: len bytes at device offset pos, between the
 * guest's ubuf and the bounce buffer buf (CHUNK_BYTES). */
typedef int (*chunk_fn)(struct ubd *d, char *buf, char __user *ubuf, u64 pos, size_t len);

static int read_chunk(struct ubd *d, char *buf, char __user *ubuf, u64 pos, size_t len)
{
	int err = d->cow ? cow_read(d, buf, pos, len) : read_zeroed(d->fd, buf, len, pos);

	if (!err && copy_to_user(ubuf, buf, len))
		err = -EFAULT;
	return err;
}

/* A COW chunk is written in whole sectors, merged with the current
 * contents where the write covers a sector only in part. */
static int write_chunk(struct ubd *d, char *buf, char __user *ubuf, u64 pos, size_t len)
{
	u64 first = pos / SECTOR, end = DIV_ROUND_UP(pos + len, SECTOR);
	size_t head = pos % SECTOR;
	int err = 0;

	if (!d->cow) {
		if (copy_from_user(buf, ubuf, len))
			return -EFAULT;
		return os_pwrite_all(d->fd, buf, len, pos);
	}
	if (head)
		err = cow_read(d, buf, first * SECTOR, SECTOR);
	if (!err && (pos + len) % SECTOR && (end - 1 > first || !head))
		err = cow_read(d, buf + (end - 1 - first) * SECTOR, (end - 1) * SECTOR, SECTOR);
	if (err)
		return err;
	if (copy_from_user(buf + head, ubuf, len))
		return -EFAULT;
	return cow_write(d, buf, first, end - first);
}

/* n bytes (already clamped to the partition) at *ppos in it, chunk by
 * chunk; the count done, or the error if none was. */
static ssize_t ubd_transfer(struct ubd_part *part, char __user *ubuf, ssize_t n, loff_t *ppos,
			    chunk_fn fn)
{
	struct ubd *d = part->disk;
	ssize_t done = 0;
	char *buf;
	int err = 0;

	if (n <= 0)
		return n;
	buf = kmalloc(CHUNK_BYTES, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	while (done < n) {
		u64 pos = part->start + *ppos + done;
		/* Chunks end on chunk boundaries, so a COW chunk's bits fit map. */
		size_t len = min_t(u64, n - done, CHUNK_BYTES - pos % CHUNK_BYTES);

		err = fn(d, buf, ubuf + done, pos, len);
		if (err)
			break;
		done += len;
	}
	kfree(buf);
	*ppos += done;
	return done ? done : err;
}

static ssize_t ubd_read(struct file *f, char __user *ubuf, size_t count, loff_t *ppos)
{
	struct ubd_part *part = f->private_data;

	return ubd_transfer(part, ubuf, clamp_io(part, *ppos, count, false), ppos, read_chunk);
}

static ssize_t ubd_write(struct file *f, const char __user *ubuf, size_t count,
			 loff_t *ppos)
{
	struct ubd_part *part = f->private_data;

	if (part->disk->readonly)
		return -EROFS;
	/* write_chunk only reads from ubuf. */
	return ubd_transfer(part, (char __user *)ubuf, clamp_io(part, *ppos, count, true), ppos,
			    write_chunk);
}

static loff_t ubd_llseek(struct file *f, loff_t off, int whence)
{
	struct ubd_part *d = f->private_data;
	loff_t pos;

	switch (whence) {
	case SEEK_SET: pos = off; break;
	case SEEK_CUR: pos = f->f_pos + off; break;
	case SEEK_END: pos = d->size + off; break;
	default: return -EINVAL;
	}
	if (pos < 0)
		return -EINVAL;
	f->f_pos = pos;
	return pos;
}

static long ubd_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	struct ubd_part *d = f->private_data;

	switch (cmd) {
	case BLKGETSIZE64:
		return put_user((u64)d->size, (u64 __user *)arg);
	case BLKGETSIZE:
		return put_user((unsigned long)(d->size / SECTOR), (unsigned long __user *)arg);
	case BLKSSZGET:
	case BLKPBSZGET:
		return put_user((int)SECTOR, (int __user *)arg);
	case BLKBSZGET:
		return put_user((int)PAGE_SIZE, (int __user *)arg);
	case BLKROGET:
		return put_user((int)d->disk->readonly, (int __user *)arg);
	case BLKFLSBUF:
		return 0;       /* nothing is cached */
	}
	return -ENOTTY;
}

/* Writes are already in the host file; fsync asks the host for its disk. */
static int ubd_fsync(struct file *f)
{
	struct ubd_part *part = f->private_data;

	return os_fsync(part->disk->fd);
}

static int ubd_release(struct inode *inode, struct file *f)
{
	struct ubd_part *part = f->private_data;

	part->disk->count--;
	return 0;
}

static const struct file_operations ubd_file_fops = {
	.llseek = ubd_llseek,
	.read = ubd_read,
	.write = ubd_write,
	.ioctl = ubd_ioctl,
	.fsync = ubd_fsync,
	.release = ubd_release,
};

/* Opening /dev/ubdX or /dev/ubdXN: a configured unit's disk, or one of
 * the partitions its table had. */
static int ubd_open(struct inode *inode, struct file *f)
{
	unsigned int minor = iminor(inode), unit = minor >> UBD_SHIFT;
	unsigned int p = minor & ((1U << UBD_SHIFT) - 1);
	struct ubd *d;

	if (unit >= MAX_DEV || !ubd_devs[unit].file || p > MBR_PARTS ||
	    !ubd_devs[unit].parts[p].disk)
		return -ENXIO;
	d = &ubd_devs[unit];
	if (d->readonly && (f->f_mode & FMODE_WRITE))
		return -EROFS;
	d->count++;
	f->private_data = &d->parts[p];
	f->f_op = &ubd_file_fops;
	return 0;
}

void ubd_scan_partitions(struct ubd *d)
{
	struct ubd_part *whole = &d->parts[0];
	struct mbr_part mbr[MBR_PARTS];
	mm_segment_t old = get_fs();
	u8 *sector = kmalloc(MBR_SECTOR_SIZE, GFP_KERNEL);
	const char *why;
	loff_t pos = 0;
	ssize_t n;

	memset(d->parts, 0, sizeof(d->parts));
	*whole = (struct ubd_part){ d, 0, d->size };
	if (!sector)
		return;
	set_fs(KERNEL_DS);
	n = ubd_transfer(whole, (char __user *)sector, clamp_io(whole, 0, MBR_SECTOR_SIZE, false),
			 &pos, read_chunk);
	set_fs(old);
	if (n == MBR_SECTOR_SIZE && !mbr_parse(sector, d->size / SECTOR, mbr, &why))
		for (int i = 0; i < MBR_PARTS; i++)
			if (mbr[i].sectors)
				d->parts[i + 1] = (struct ubd_part){ d, mbr[i].start * SECTOR,
								    mbr[i].sectors * SECTOR };
	kfree(sector);
}

const struct file_operations ubd_fops = {
	.open = ubd_open,
};

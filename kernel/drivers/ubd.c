/*
 * ubd: UML's block devices, configured as UML's are: `ubdN[flags]=FILE`,
 * `ubdN[flags]=COW,BACKING` (COW in UML's format, glass/cow.h) on the
 * command line or with mconsole `config`, reported by `config ubdN`,
 * dropped by `remove ubdN`. This file holds the configuration; ubd_io.c
 * the block device. CPU thread only (boot, or a safe point); host calls
 * block the CPU thread briefly, nothing sleeps.
 */
#include <glass/errno.h>
#include <glass/init.h>
#include <glass/mc_device.h>
#include <glass/mm.h>
#include <glass/os.h>
#include <glass/string.h>
#include "ubd.h"

struct ubd ubd_devs[MAX_DEV];

/* What the user typed, taken apart. */
struct ubd_spec {
	int unit;
	bool readonly;
	bool no_cow;            /* 'd': never read FILE as a COW file */
	bool shared;            /* 'c': take no lock on the files */
	char file[PATH_MAX];
	char backing[PATH_MAX];
};

static __printf(2, 3) void ubd_error(struct cmd_out *out, const char *fmt, ...)
{
	char msg[CMD_OUT_CHUNK + 1];
	va_list ap;

	va_start(ap, fmt);
	vscnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cmd_error(out, msg);
}

/* The unit number at *p (decimal, as UML's parse_unit), or -1. */
static int parse_unit(const char **p)
{
	int n = 0;

	if (**p < '0' || **p > '9')
		return -1;
	while (**p >= '0' && **p <= '9' && n < 1000)
		n = n * 10 + *(*p)++ - '0';
	return n;
}

/* Copy up to the next ',' or ':' (UML accepts both) into dst. */
static int take_field(const char **p, char *dst, size_t size)
{
	size_t n = 0;

	while (**p && **p != ',' && **p != ':') {
		if (n + 1 >= size)
			return -ENAMETOOLONG;
		dst[n++] = *(*p)++;
	}
	dst[n] = '\0';
	if (**p)
		(*p)++;
	return 0;
}

/* "0r=cow,backing" as UML's ubd_setup_common, with its messages. */
static int parse_spec(const char *str, struct ubd_spec *s, struct cmd_out *out)
{
	const char *p = str;

	s->unit = parse_unit(&p);
	if (s->unit < 0) {
		cmd_error(out, "Couldn't parse device number");
		return -EINVAL;
	}
	if (s->unit >= MAX_DEV) {
		cmd_error(out, "Device number out of range");
		return -EINVAL;
	}
	for (; *p != '='; p++) {
		switch (*p) {
		case 'r':
			s->readonly = true;
			break;
		case 'd':
			s->no_cow = true;
			break;
		case 'c':
			s->shared = true;
			break;
		case 's':       /* O_SYNC: writes are synchronous anyway */
		case 't':       /* no trim: Glass has no discard */
			break;
		case '\0':
			cmd_error(out, "Missing '='");
			return -EINVAL;
		default:
			cmd_error(out, "Expected '=' or flag letter (r, s, c, t or d)");
			return -EINVAL;
		}
	}
	p++;
	if (take_field(&p, s->file, sizeof(s->file)) ||
	    take_field(&p, s->backing, sizeof(s->backing))) {
		cmd_error(out, "File name too long");
		return -EINVAL;
	}
	if (!s->file[0]) {
		cmd_error(out, "Missing file name");
		return -EINVAL;
	}
	if (s->backing[0] && s->no_cow) {
		cmd_error(out, "Can't specify both 'd' and a cow file");
		return -EINVAL;
	}
	return 0;
}

/* Open path as a regular file: an fd or -errno, with the error told. */
static int open_regular(const char *path, int flags, struct cmd_out *out)
{
	struct os_stat st;
	int fd = os_open(path, flags, 0);

	if (fd == -EISDIR || (fd >= 0 && !os_fstat(fd, &st) && !S_ISREG(st.mode))) {
		if (fd >= 0)
			os_close(fd);
		ubd_error(out, "'%s' is not a regular file", path);
		return -EINVAL;
	}
	if (fd < 0)
		ubd_error(out, "Couldn't open '%s': %s", path, err_text(fd));
	return fd;
}

/* UML refuses a COW file whose backing file changed since (size, mtime). */
static int check_backing(const struct cow_header *h, const char *backing,
			 struct cmd_out *out)
{
	struct os_stat st;
	int err = os_stat(backing, &st, true);

	if (err) {
		ubd_error(out, "Couldn't stat backing file '%s': %s", backing, err_text(err));
		return err;
	}
	if (st.size != h->size) {
		ubd_error(out, "Size mismatch (%llu vs %llu) of COW header vs backing file '%s'",
			  (unsigned long long)h->size, (unsigned long long)st.size, backing);
		return -EINVAL;
	}
	if ((u32)st.mtime_sec != h->mtime) {
		ubd_error(out, "mtime mismatch (%u vs %lld) of COW header vs backing file '%s'",
			  h->mtime, (long long)st.mtime_sec, backing);
		return -EINVAL;
	}
	return 0;
}

static bool same_file(const char *a, const char *b)
{
	struct os_stat sa, sb;

	return !os_stat(a, &sa, true) && !os_stat(b, &sb, true) &&
	       sa.dev == sb.dev && sa.ino == sb.ino;
}

/* Read fd's COW header into h: 0, -ENOEXEC (not a COW file) or -errno
 * with the error told. */
static int read_header(int fd, const char *file, struct cow_header *h,
		       struct cmd_out *out)
{
	char *buf = kmalloc(COW_HEADER_SIZE_BROKEN, GFP_KERNEL);
	const char *why = NULL;
	long n;
	int err;

	if (!buf)
		return -ENOMEM;
	n = os_pread_all(fd, buf, COW_HEADER_SIZE_BROKEN, 0);
	err = n < 0 ? (int)n : cow_header_decode(buf, n, h, &why);
	if (err == -EINVAL)
		ubd_error(out, "'%s': %s", file, why);
	else if (err < 0 && err != -ENOEXEC)
		ubd_error(out, "Couldn't read '%s': %s", file, err_text(err));
	kfree(buf);
	return err;
}

static int write_header(int fd, const struct cow_header *h)
{
	char *buf = kmalloc(COW_HEADER_SIZE, GFP_KERNEL);
	int err;

	if (!buf)
		return -ENOMEM;
	cow_header_encode(h, buf);
	err = os_pwrite_all(fd, buf, COW_HEADER_SIZE, 0);
	kfree(buf);
	return err;
}

/* A new COW file for backing, as UML's create_cow_file and uml_mkcow: the
 * header naming the backing file by its absolute path, and the file
 * extended (sparse) to the end of its data, so the bitmap reads as zeros. */
static int create_cow(const char *file, const char *backing, struct cow_header *h,
		      struct cmd_out *out)
{
	char *abs = kmalloc(PATH_MAX, GFP_KERNEL);
	const char *why;
	struct os_stat st;
	int fd = -ENOMEM, err;

	if (!abs)
		goto out;
	err = os_realpath(backing, abs, PATH_MAX);
	if (!err)
		err = os_stat(abs, &st, true);
	if (err) {
		ubd_error(out, "Couldn't use backing file '%s': %s", backing, err_text(err));
		fd = err;
		goto out;
	}
	if (!S_ISREG(st.mode)) {
		ubd_error(out, "Backing file '%s' is not a regular file", backing);
		fd = -EINVAL;
		goto out;
	}
	if (cow_header_init(h, abs, st.mtime_sec, st.size, COW_ALIGN, &why)) {
		ubd_error(out, "'%s': %s", backing, why);
		fd = -EINVAL;
		goto out;
	}
	fd = os_open(file, O_RDWR | O_CREAT | O_EXCL, 0644);
	if (fd < 0) {
		ubd_error(out, "Couldn't create COW file '%s': %s", file, err_text(fd));
		goto out;
	}
	err = write_header(fd, h);
	if (!err)
		err = os_ftruncate(fd, h->data_offset + h->size);
	if (err) {
		ubd_error(out, "Couldn't write COW file '%s': %s", file, err_text(err));
		os_close(fd);
		os_unlink(file);
		fd = err;
		goto out;
	}
	pr_info("Creating \"%s\" as COW file for \"%s\"\n", file, backing);
out:
	kfree(abs);
	return fd;
}

/*
 * As UML does, so two instances never write one image: the image is
 * locked exclusively (shared when read-only), a backing file shared.
 */
static int lock_file(int fd, const char *path, bool excl, bool shared, struct cmd_out *out)
{
	int err = shared ? 0 : os_lock_file(fd, excl);

	if (err == -EAGAIN)
		ubd_error(out, "'%s' is in use by another instance (locked); flag 'c' shares it", path);
	else if (err)
		ubd_error(out, "Couldn't lock '%s': %s", path, err_text(err));
	return err;
}

/*
 * Open the COW side of d: its header in d->cow, the backing file checked
 * and open. backing is the user's, or "" to take the header's. A user's
 * backing file that is not the header's is switched to, as UML does, if
 * it matches the recorded size and mtime.
 */
static int open_cow(struct ubd *d, const char *backing, bool shared, struct cmd_out *out)
{
	struct cow_header *h = d->cow;
	int err;

	if (!backing[0]) {
		backing = h->backing_file;
	} else if (strcmp(backing, h->backing_file) && !same_file(backing, h->backing_file)) {
		err = check_backing(h, backing, out);
		if (err)
			return err;
		if (strlen(backing) >= sizeof(h->backing_file)) {
			cmd_error(out, "Backing file name too long");
			return -ENAMETOOLONG;
		}
		strscpy(h->backing_file, backing, sizeof(h->backing_file));
		err = d->readonly ? -EROFS : write_header(d->fd, h);
		if (err) {
			ubd_error(out, "Couldn't switch '%s' to backing file '%s': %s",
				  d->file, backing, err_text(err));
			return err;
		}
		pr_info("ubd: switching backing file of %s to '%s'\n", d->file, backing);
	}
	err = check_backing(h, backing, out);
	if (err)
		return err;
	d->backing = kstrdup(backing, GFP_KERNEL);
	if (!d->backing)
		return -ENOMEM;
	d->backing_fd = open_regular(backing, O_RDONLY, out);
	if (d->backing_fd < 0)
		return d->backing_fd;
	err = lock_file(d->backing_fd, backing, false, shared, out);
	if (err)
		return err;
	d->size = cow_sectors(h) * COW_SECTOR_SIZE;
	return 0;
}

static void ubd_close(struct ubd *d)
{
	if (d->fd >= 0)
		os_close(d->fd);
	if (d->backing_fd >= 0)
		os_close(d->backing_fd);
	kfree(d->file);
	kfree(d->backing);
	kfree(d->cow);
	*d = (struct ubd){ .fd = -1, .backing_fd = -1 };
}

/* Open the files of spec s into d (all or nothing). */
static int ubd_open_files(struct ubd *d, const struct ubd_spec *s, struct cmd_out *out)
{
	struct os_stat st;
	int err = -ENOMEM;

	*d = (struct ubd){ .fd = -1, .backing_fd = -1, .readonly = s->readonly };
	d->file = kstrdup(s->file, GFP_KERNEL);
	d->cow = kmalloc(sizeof(*d->cow), GFP_KERNEL);
	if (!d->file || !d->cow)
		goto fail;
	/* A COW file that does not exist yet is made, as UML does. */
	if (s->backing[0] && os_stat(s->file, &st, true) == -ENOENT)
		d->fd = create_cow(s->file, s->backing, d->cow, out);
	else
		d->fd = open_regular(s->file, s->readonly ? O_RDONLY : O_RDWR, out);
	err = d->fd;
	if (err < 0)
		goto fail;
	err = lock_file(d->fd, s->file, !s->readonly, s->shared, out);
	if (err)
		goto fail;
	err = s->no_cow ? -ENOEXEC : read_header(d->fd, s->file, d->cow, out);
	if (err == -ENOEXEC && s->backing[0]) {
		ubd_error(out, "'%s' is not a COW file (no COW header) but a backing file was given",
			  s->file);
		err = -EINVAL;
	}
	if (!err)
		return open_cow(d, s->backing, s->shared, out);
	if (err != -ENOEXEC)
		goto fail;
	/* A plain file: UML rounds its size up to whole sectors (reads past
	 * the end of the file are zeros). */
	kfree(d->cow);
	d->cow = NULL;
	err = os_fstat(d->fd, &st);
	if (err)
		goto fail;
	d->size = ALIGN(st.size, (u64)COW_SECTOR_SIZE);
	return 0;
fail:
	return err;
}

static void ubd_node_name(int unit, bool letter, char *buf, size_t size)
{
	if (letter)
		scnprintf(buf, size, "ubd%c", 'a' + unit);
	else
		scnprintf(buf, size, "ubd%d", unit);
}

static void ubd_node(const char *name, dev_t dev, bool add)
{
	if (!add)
		devtmpfs_delete_node(name, dev);
	else if (devtmpfs_create_node(name, S_IFBLK | 0660, dev))
		pr_warn("ubd: no /dev/%s\n", name);
}

/* /dev/ubdN and /dev/ubdX (UML's disk name) for unit, and /dev/ubdXP for
 * each partition P it has, or remove them. */
static void ubd_nodes(int unit, bool add)
{
	dev_t dev = MKDEV(UBD_MAJOR, unit << UBD_SHIFT);
	char name[8];

	for (int letter = 0; letter < 2; letter++) {
		ubd_node_name(unit, letter, name, sizeof(name));
		ubd_node(name, dev, add);
	}
	for (int p = 1; p <= MBR_PARTS; p++) {
		if (!ubd_devs[unit].parts[p].disk)
			continue;
		scnprintf(name, sizeof(name), "ubd%c%d", 'a' + unit, p);
		ubd_node(name, dev + p, add);
	}
}

static int ubd_config(const char *str, struct cmd_out *out)
{
	struct ubd_spec *s = kzalloc(sizeof(*s), GFP_KERNEL);
	struct ubd *d;
	int err;

	if (!s) {
		cmd_error(out, "Failed to allocate memory");
		return -ENOMEM;
	}
	err = parse_spec(str, s, out);
	if (err)
		goto out;
	d = &ubd_devs[s->unit];
	if (d->file) {
		cmd_error(out, "Device is already configured");
		err = -EBUSY;
		goto out;
	}
	err = ubd_open_files(d, s, out);
	if (err) {
		if (!out->err)
			ubd_error(out, "Couldn't set up ubd%d: %s", s->unit, err_text(err));
		ubd_close(d);
		goto out;
	}
	ubd_scan_partitions(d);
	ubd_nodes(s->unit, true);
	pr_info("ubd%d: %s%s%s, %llu bytes%s\n", s->unit, d->file, d->backing ? "," : "",
		d->backing ? d->backing : "", (unsigned long long)d->size,
		d->readonly ? ", read-only" : "");
	for (int p = 1; p <= MBR_PARTS; p++)
		if (d->parts[p].disk)
			pr_info(" ubd%c%d: %llu bytes at %llu\n", 'a' + s->unit, p,
				(unsigned long long)d->parts[p].size,
				(unsigned long long)d->parts[p].start);
out:
	kfree(s);
	return err;
}

/* `config ubdN`: UML's answer, "FILE" or "COW,BACKING", "" if unset. */
static int ubd_get_config(const char *str, struct cmd_out *out)
{
	const char *p = str;
	int n = parse_unit(&p);
	struct ubd *d;

	if (n < 0 || n >= MAX_DEV || *p) {
		cmd_error(out, "ubd_get_config : device number out of range");
		return -EINVAL;
	}
	d = &ubd_devs[n];
	if (d->file) {
		cmd_puts(out, d->file);
		if (d->backing) {
			cmd_putc(out, ',');
			cmd_puts(out, d->backing);
		}
	}
	return 0;
}

static int ubd_remove(const char *str, struct cmd_out *out)
{
	const char *p = str;
	int n = parse_unit(&p);
	struct ubd *d;

	if (n < 0 || *p) {
		cmd_error(out, "Couldn't parse device number");
		return -EINVAL;
	}
	if (n >= MAX_DEV) {
		ubd_error(out, "Invalid device number - must be between %d and %d", 0,
			  MAX_DEV - 1);
		return -EINVAL;
	}
	d = &ubd_devs[n];
	if (!d->file) {
		cmd_error(out, "Device doesn't exist");
		return -ENODEV;
	}
	if (d->count) {
		cmd_error(out, "Device is currently open");
		return -EBUSY;
	}
	ubd_nodes(n, false);
	ubd_close(d);
	return 0;
}

static const struct mc_device ubd_mc_device = {
	.name = "ubd",
	.usage = "ubdN[r]=FILE[,BACKING]",
	.help = "block device /dev/ubdN (N 0-15) on FILE; with BACKING, FILE is a "
		"UML COW file over it (made if missing); r: read-only",
	.config = ubd_config,
	.get_config = ubd_get_config,
	.remove = ubd_remove,
};
MC_DEVICE(ubd_mc_device);

static int ubd_init(void)
{
	for (int i = 0; i < MAX_DEV; i++)
		ubd_devs[i] = (struct ubd){ .fd = -1, .backing_fd = -1 };
	return register_blkdev(UBD_MAJOR, "ubd", &ubd_fops);
}
device_initcall(ubd_init);

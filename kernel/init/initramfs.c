/*
 * Unpack the initramfs (newc cpio, optionally gzip-compressed, possibly
 * several archives concatenated with zero padding) into the root
 * filesystem, the way Linux's init/initramfs.c does: a byte-stream state
 * machine fed either straight from the buffer or from the gzip decoder's
 * output, so no decompressed copy of the archive is ever held. Runs once
 * at boot on the CPU thread, before init.
 */
#include <glass/fs.h>
#include <glass/cpio.h>
#include <glass/inflate.h>
#include <glass/mm.h>

#define HDR_BUF (CPIO_HDR_LEN + CPIO_NAME_MAX + 4)

enum unpack_state { ST_START, ST_HEADER, ST_DATA, ST_SYMLINK, ST_PAD };

struct hardlink {
	struct list_head list;
	u32 ino, major, minor, mode;
	char *path;
};

struct dir_time {
	struct list_head list;
	u64 mtime;
	char *path;
};

struct unpacker {
	enum unpack_state state;
	bool in_gzip;
	u64 offset;                     /* stream bytes consumed */
	u8 *hdr;                        /* header + name being collected */
	size_t hdr_len, need;
	struct cpio_entry e;
	char *path;                     /* "/" + entry name */
	size_t data_left, pad_left;
	struct file *wfile;
	loff_t wpos;
	char *link;                     /* symlink target being collected */
	size_t link_len;
	struct list_head links, dirs;
	unsigned long entries;          /* headers seen, trailers aside */
	const char *err;
};

static void set_times(const char *path, u64 mtime, bool follow)
{
	struct timespec64 t[2] = { { mtime, 0 }, { mtime, 0 } };
	struct path p;

	if (!kern_path(path, follow ? LOOKUP_FOLLOW : 0, &p)) {
		vfs_utimes(&p, t);
		path_put(&p);
	}
}

static void set_owner_mode(const char *path, const struct cpio_entry *e, bool follow)
{
	struct path p;

	if (kern_path(path, follow ? LOOKUP_FOLLOW : 0, &p))
		return;
	vfs_chown(&p, e->uid, e->gid);
	if (!S_ISLNK(e->mode))
		vfs_chmod(&p, e->mode & 07777);
	path_put(&p);
}

/* Remove whatever is at path if it is in the way of an entry of mode. */
static void clean_path(const char *path, u32 mode)
{
	struct path p;
	umode_t old;

	if (kern_path(path, 0, &p))
		return;
	old = p.dentry->d_inode->i_mode;
	path_put(&p);
	if (S_ISDIR(old) && S_ISDIR(mode))
		return;
	if (S_ISREG(old) && S_ISREG(mode))
		return;
	do_unlinkat(AT_FDCWD, path, S_ISDIR(old) ? AT_REMOVEDIR : 0);
}

/* A regular file: open it for the data, as a hard link if an earlier
 * entry had the same inode. */
static int start_file(struct unpacker *u)
{
	struct cpio_entry *e = &u->e;
	int flags = O_WRONLY | O_CREAT | O_TRUNC;
	struct hardlink *h;

	clean_path(u->path, e->mode);
	if (e->nlink >= 2) {
		bool found = false;

		list_for_each_entry(h, &u->links, list) {
			if (h->ino == e->ino && h->major == e->devmajor &&
			    h->minor == e->devminor && h->mode == e->mode) {
				do_unlinkat(AT_FDCWD, u->path, 0);
				if (do_linkat(AT_FDCWD, h->path, AT_FDCWD, u->path, 0) == 0)
					flags = O_WRONLY;
				found = true;
				break;
			}
		}
		if (!found) {
			h = kzalloc(sizeof(*h), GFP_KERNEL);
			if (!h || !(h->path = kstrdup(u->path, GFP_KERNEL))) {
				kfree(h);
				return -ENOMEM;
			}
			h->ino = e->ino;
			h->major = e->devmajor;
			h->minor = e->devminor;
			h->mode = e->mode;
			list_add_tail(&h->list, &u->links);
		}
	}
	u->wfile = filp_open(u->path, flags, e->mode & 07777);
	if (IS_ERR(u->wfile)) {
		int err = PTR_ERR(u->wfile);

		u->wfile = NULL;
		pr_warn("initramfs: cannot create %s: error %d\n", u->path, err);
		return 0;               /* skip its data, as Linux does */
	}
	u->wpos = 0;
	return 0;
}

static void finish_file(struct unpacker *u)
{
	if (!u->wfile)
		return;
	vfs_chown(&u->wfile->f_path, u->e.uid, u->e.gid);
	vfs_chmod(&u->wfile->f_path, u->e.mode & 07777);
	fput(u->wfile);
	u->wfile = NULL;
	set_times(u->path, u->e.mtime, false);
}

static void free_links(struct unpacker *u)
{
	struct hardlink *h, *n;

	list_for_each_entry_safe(h, n, &u->links, list) {
		list_del(&h->list);
		kfree(h->path);
		kfree(h);
	}
}

/* Header complete: create the entry, set the state for its data. */
static int start_entry(struct unpacker *u)
{
	struct cpio_entry *e = &u->e;
	const char *name = e->name;
	int err;

	u->data_left = e->size;
	u->state = ST_DATA;
	if (e->trailer) {
		free_links(u);
		u->state = ST_START;
		return 0;
	}
	u->entries++;
	while (name[0] == '.' && name[1] == '/')
		name += 2;
	while (name[0] == '/')
		name++;
	if (strcmp(name, ".") == 0)
		name = "";
	kfree(u->path);
	u->path = kmalloc(strlen(name) + 2, GFP_KERNEL);
	if (!u->path)
		return -ENOMEM;
	u->path[0] = '/';
	memcpy(u->path + 1, name, strlen(name) + 1);

	if (S_ISREG(e->mode))
		return start_file(u);
	if (S_ISLNK(e->mode)) {
		if (e->size >= PATH_MAX) {
			u->err = "symlink target too long";
			return -EINVAL;
		}
		u->link_len = 0;
		u->state = ST_SYMLINK;
		return 0;
	}
	if (S_ISDIR(e->mode)) {
		struct dir_time *dt;

		clean_path(u->path, e->mode);
		err = name[0] ? do_mkdirat(AT_FDCWD, u->path, e->mode & 07777) : 0;
		if (err && err != -EEXIST)
			pr_warn("initramfs: cannot create %s: error %d\n", u->path, err);
		set_owner_mode(u->path, e, false);
		dt = kzalloc(sizeof(*dt), GFP_KERNEL);
		if (dt && (dt->path = kstrdup(u->path, GFP_KERNEL))) {
			dt->mtime = e->mtime;
			list_add_tail(&dt->list, &u->dirs);
		} else {
			kfree(dt);
		}
		return 0;
	}
	if (S_ISCHR(e->mode) || S_ISBLK(e->mode) || S_ISFIFO(e->mode) ||
	    S_ISSOCK(e->mode)) {
		clean_path(u->path, e->mode);
		err = do_mknodat(AT_FDCWD, u->path, e->mode,
				 MKDEV(e->rdevmajor, e->rdevminor));
		if (err) {
			pr_warn("initramfs: cannot create %s: error %d\n", u->path, err);
			return 0;
		}
		set_owner_mode(u->path, e, false);
		set_times(u->path, e->mtime, false);
		return 0;
	}
	pr_warn("initramfs: %s: unknown file type %o, skipped\n", u->path, e->mode);
	return 0;
}

static void finish_symlink(struct unpacker *u)
{
	int err;

	u->link[u->link_len] = '\0';
	clean_path(u->path, u->e.mode);
	err = do_symlinkat(u->link, AT_FDCWD, u->path);
	if (err) {
		pr_warn("initramfs: cannot create %s: error %d\n", u->path, err);
		return;
	}
	set_owner_mode(u->path, &u->e, false);
	set_times(u->path, u->e.mtime, false);
}

static void end_data(struct unpacker *u)
{
	u->pad_left = ALIGN(u->offset, 4) - u->offset;
	u->state = ST_PAD;
}

/*
 * Feed stream bytes to the state machine. Returns how many it took: all
 * of them, or fewer when it stops between archives at a gzip header
 * (only outside compressed data) or on an error (u->err set).
 */
static size_t unpack_feed(struct unpacker *u, const u8 *buf, size_t len)
{
	size_t pos = 0;

	while (pos < len && !u->err) {
		size_t avail = len - pos, n;
		long r;

		switch (u->state) {
		case ST_START:
			if (buf[pos] == 0) {
				pos++;
				u->offset++;
				continue;
			}
			if (buf[pos] == 0x1f) {
				if (u->in_gzip)
					u->err = "junk within compressed archive";
				return pos;
			}
			u->state = ST_HEADER;
			u->hdr_len = 0;
			u->need = CPIO_HDR_LEN;
			continue;
		case ST_HEADER:
			n = min(avail, u->need - u->hdr_len);
			memcpy(u->hdr + u->hdr_len, buf + pos, n);
			u->hdr_len += n;
			pos += n;
			u->offset += n;
			if (u->hdr_len < u->need)
				continue;
			r = cpio_parse_header(u->hdr, u->hdr_len, &u->e, &u->need, &u->err);
			if (r < 0)
				return pos;
			if (r == 0)
				continue;       /* name not complete yet: need grew */
			if (start_entry(u)) {
				if (!u->err)
					u->err = "out of memory";
				return pos;
			}
			if (u->state == ST_DATA && !u->data_left) {
				finish_file(u);
				end_data(u);
			} else if (u->state == ST_SYMLINK && !u->e.size) {
				u->err = "empty symlink target";
			}
			continue;
		case ST_DATA:
			n = min(avail, u->data_left);
			if (u->wfile && kernel_write_bulk(u->wfile, buf + pos, n, &u->wpos) != (ssize_t)n) {
				pr_warn("initramfs: write error in %s\n", u->path);
				fput(u->wfile);
				u->wfile = NULL;
			}
			pos += n;
			u->offset += n;
			u->data_left -= n;
			if (!u->data_left) {
				finish_file(u);
				end_data(u);
			}
			continue;
		case ST_SYMLINK:
			n = min(avail, u->e.size - u->link_len);
			memcpy(u->link + u->link_len, buf + pos, n);
			u->link_len += n;
			pos += n;
			u->offset += n;
			if (u->link_len == u->e.size) {
				finish_symlink(u);
				end_data(u);
			}
			continue;
		case ST_PAD:
			n = min(avail, u->pad_left);
			pos += n;
			u->offset += n;
			u->pad_left -= n;
			if (!u->pad_left) {
				u->state = ST_HEADER;
				u->hdr_len = 0;
				u->need = CPIO_HDR_LEN;
			}
			continue;
		}
	}
	return pos;
}

static int unpack_flush(void *arg, const u8 *data, size_t len)
{
	struct unpacker *u = arg;

	unpack_feed(u, data, len);
	return u->err ? -EINVAL : 0;
}

static void apply_dir_times(struct unpacker *u)
{
	struct dir_time *dt, *n;

	list_for_each_entry_safe(dt, n, &u->dirs, list) {
		set_times(dt->path, dt->mtime, false);
		list_del(&dt->list);
		kfree(dt->path);
		kfree(dt);
	}
}

const char *unpack_to_rootfs(const void *buf, unsigned long len)
{
	struct unpacker *u = kzalloc(sizeof(*u), GFP_KERNEL);
	const u8 *p = buf;
	unsigned long pos = 0;
	const char *err = NULL;

	if (!u)
		return "out of memory";
	INIT_LIST_HEAD(&u->links);
	INIT_LIST_HEAD(&u->dirs);
	u->hdr = kmalloc(HDR_BUF, GFP_KERNEL);
	u->link = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!u->hdr || !u->link) {
		err = "out of memory";
		goto out;
	}
	while (pos < len && !u->err) {
		if (u->state == ST_START && is_gzip(p + pos, len - pos)) {
			struct inflate_state *s = kmalloc(sizeof(*s), GFP_KERNEL);
			const char *msg = NULL;
			long n;

			if (!s) {
				err = "out of memory";
				goto out;
			}
			u->in_gzip = true;
			n = gunzip(s, p + pos, len - pos, unpack_flush, u, &msg);
			kfree(s);
			u->in_gzip = false;
			if (n < 0) {
				err = u->err ? u->err : msg;
				goto out;
			}
			pos += n;
		} else {
			size_t n = unpack_feed(u, p + pos, len - pos);

			if (!n && !u->err)
				u->err = "junk in archive";
			pos += n;
		}
	}
	if (u->err)
		err = u->err;
	else if (u->state == ST_HEADER && u->hdr_len &&
		 memcmp(u->hdr, "07070", min(u->hdr_len, (size_t)5)))
		err = "not a newc cpio archive (bad magic)";  /* shorter than a header */
	else if (u->state != ST_START && !(u->state == ST_HEADER && u->hdr_len == 0) &&
		 !(u->state == ST_PAD))
		err = "truncated archive";
	else if (!u->entries)
		err = "empty archive";
out:
	if (u->wfile)
		fput(u->wfile);
	apply_dir_times(u);
	free_links(u);
	kfree(u->path);
	kfree(u->hdr);
	kfree(u->link);
	kfree(u);
	return err;
}

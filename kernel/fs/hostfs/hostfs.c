/*
 * hostfs: a host directory mounted in the guest, read-write, as UML's:
 *   mount none /mnt -t hostfs -o /host/dir[,allow_suid][,allow_dev]
 * Glass often runs as root, so what the guest makes on the host is the
 * host's root's: by default (nosuid,nodev for the host) setuid and setgid
 * bits are stripped from files created or chmod'ed, and mknod of device
 * nodes is refused (EPERM); allow_suid and allow_dev lift that.
 * Every lookup asks the host (no cached tree), so changes made on the host
 * show at once. With hostfs=DIR on the command line, only DIR and what is
 * below it can be mounted.
 *
 * Host paths are built from the mount's host root and the components the
 * guest's walk resolved; symlinks are never followed on the host (the
 * guest's walk follows them in the guest's namespace), and opens use
 * O_NOFOLLOW. Host file I/O is synchronous: regular files do not block.
 */
#include <glass/fs.h>
#include <glass/init.h>
#include <glass/mm.h>
#include <glass/os.h>
#include <glass/uaccess.h>

#define HOSTFS_SUPER_MAGIC 0x00c0ffee
#define HOST_O_RDONLY 0
#define HOST_O_WRONLY 1
#define HOST_O_RDWR 2
#define HOST_O_CREAT 0100
#define HOST_O_EXCL 0200
#define HOST_O_TRUNC 01000
#define HOST_O_APPEND 02000
#define HOST_O_NOFOLLOW 0400000
#define HOST_O_DIRECTORY 0200000

/* Mount options. */
#define HOSTFS_ALLOW_SUID 0x1UL
#define HOSTFS_ALLOW_DEV 0x2UL

#define HOSTFS_MAX_DEVS 32

/*
 * sb->s_fs_info. A mount of the host's / spans several host filesystems
 * (/, /boot, /sys...), whose inode numbers overlap: each gets a device
 * number of its own, as stat shows it (the root's host filesystem the
 * superblock's s_dev, others fresh anonymous ones, past HOSTFS_MAX_DEVS
 * s_dev again), so find -xdev and du -x stop where they stop on the host
 * and (st_dev, st_ino) stays unique.
 */
struct hostfs_sb_info {
	unsigned long opts;
	int ndevs;
	struct {
		u64 host;
		dev_t dev;
	} devs[HOSTFS_MAX_DEVS];
};

struct hostfs_file {
	int fd;
};

static struct hostfs_sb_info *HOSTFS_SB(struct super_block *sb)
{
	return sb->s_fs_info;
}

static bool allowed(struct inode *inode, unsigned long opt)
{
	return HOSTFS_SB(inode->i_sb)->opts & opt;
}

/* The guest's device number for host device host under sb. */
static dev_t hostfs_dev(struct super_block *sb, u64 host)
{
	struct hostfs_sb_info *info = HOSTFS_SB(sb);

	for (int i = 0; i < info->ndevs; i++)
		if (info->devs[i].host == host)
			return info->devs[i].dev;
	if (info->ndevs == HOSTFS_MAX_DEVS)
		return sb->s_dev;
	info->devs[info->ndevs].host = host;
	info->devs[info->ndevs].dev = info->ndevs ? new_anon_dev() : sb->s_dev;
	return info->devs[info->ndevs++].dev;
}

/* The permission bits a file created or chmod'ed on the host gets. */
static int host_mode(struct inode *inode, umode_t mode)
{
	if (!S_ISDIR(mode) && !allowed(inode, HOSTFS_ALLOW_SUID))
		mode &= ~(S_ISUID | S_ISGID);
	return mode & 07777;
}

static const struct inode_operations hostfs_dir_iops, hostfs_file_iops, hostfs_link_iops;
static const struct file_operations hostfs_dir_fops, hostfs_file_fops;
static const struct address_space_operations hostfs_aops;

static const char *host_path(struct inode *inode)
{
	return inode->i_private;
}

/* "<dir's host path>/<name>" in a new buffer; NULL when too long. */
static char *child_path(struct inode *dir, const char *name)
{
	const char *base = host_path(dir);
	size_t n = strlen(base) + 1 + strlen(name) + 1;
	char *p;

	if (n > PATH_MAX)
		return NULL;
	p = kmalloc(n, GFP_KERNEL);
	if (p)
		scnprintf(p, n, "%s%s%s", base, base[strlen(base) - 1] == '/' ? "" : "/", name);
	return p;
}

static void fill_inode(struct inode *inode, const struct os_stat *st)
{
	inode->i_ino = st->ino;
	inode->i_mode = st->mode;
	inode->i_nlink = st->nlink;
	inode->i_uid = st->uid;
	inode->i_gid = st->gid;
	inode->i_size = st->size;
	inode->i_blocks = st->blocks;
	inode->i_atime = (struct timespec64){ st->atime_sec, st->atime_nsec };
	inode->i_mtime = (struct timespec64){ st->mtime_sec, st->mtime_nsec };
	inode->i_ctime = (struct timespec64){ st->ctime_sec, st->ctime_nsec };
}

/* A new inode for the host file at path (consumed on success). */
static struct inode *hostfs_iget(struct super_block *sb, char *path, int *err)
{
	struct os_stat st;
	struct inode *inode;

	*err = os_stat(path, &st, false);
	if (*err)
		return NULL;
	inode = new_inode(sb);
	if (!inode) {
		*err = -ENOMEM;
		return NULL;
	}
	fill_inode(inode, &st);
	inode->i_private = path;
	if (S_ISDIR(st.mode)) {
		inode->i_op = &hostfs_dir_iops;
		inode->i_fop = &hostfs_dir_fops;
	} else if (S_ISLNK(st.mode)) {
		inode->i_op = &hostfs_link_iops;
	} else if (S_ISREG(st.mode)) {
		inode->i_op = &hostfs_file_iops;
		inode->i_fop = &hostfs_file_fops;
		inode->i_aops = &hostfs_aops;
	} else {
		/* Device nodes and FIFOs on the host act as Glass's own. */
		init_special_inode(inode, st.mode, new_decode_dev(st.rdev));
	}
	return inode;
}

static void hostfs_evict_inode(struct inode *inode)
{
	kfree(inode->i_private);
	inode->i_private = NULL;
}

static struct dentry *hostfs_lookup(struct inode *dir, struct dentry *d)
{
	char *path = child_path(dir, d->d_name);
	struct inode *inode;
	int err;

	if (!path)
		return ERR_PTR(-ENAMETOOLONG);
	inode = hostfs_iget(dir->i_sb, path, &err);
	if (!inode) {
		kfree(path);
		return err == -ENOENT ? NULL : ERR_PTR(err);
	}
	d_instantiate(d, inode);
	return NULL;
}

/* After a host create: look the new file up into d. */
static int instantiate_new(struct inode *dir, struct dentry *d, char *path)
{
	struct inode *inode;
	int err;

	inode = hostfs_iget(dir->i_sb, path, &err);
	if (!inode) {
		kfree(path);
		return err;
	}
	d_instantiate(d, inode);
	return 0;
}

static int hostfs_create(struct inode *dir, struct dentry *d, umode_t mode)
{
	char *path = child_path(dir, d->d_name);
	int fd;

	if (!path)
		return -ENAMETOOLONG;
	fd = os_open(path, HOST_O_WRONLY | HOST_O_CREAT | HOST_O_EXCL,
		     host_mode(dir, S_IFREG | mode));
	if (fd < 0) {
		kfree(path);
		return fd;
	}
	os_close(fd);
	return instantiate_new(dir, d, path);
}

static int hostfs_mkdir(struct inode *dir, struct dentry *d, umode_t mode)
{
	char *path = child_path(dir, d->d_name);
	int err;

	if (!path)
		return -ENAMETOOLONG;
	err = os_mkdir(path, mode & 07777);
	if (err) {
		kfree(path);
		return err;
	}
	return instantiate_new(dir, d, path);
}

static int hostfs_mknod(struct inode *dir, struct dentry *d, umode_t mode, dev_t rdev)
{
	char *path;
	int err;

	if ((S_ISCHR(mode) || S_ISBLK(mode)) && !allowed(dir, HOSTFS_ALLOW_DEV))
		return -EPERM;
	path = child_path(dir, d->d_name);
	if (!path)
		return -ENAMETOOLONG;
	err = os_mknod(path, (mode & S_IFMT) | host_mode(dir, mode), new_encode_dev(rdev));
	if (err) {
		kfree(path);
		return err;
	}
	return instantiate_new(dir, d, path);
}

static int hostfs_symlink(struct inode *dir, struct dentry *d, const char *target)
{
	char *path = child_path(dir, d->d_name);
	int err;

	if (!path)
		return -ENAMETOOLONG;
	err = os_symlink(target, path);
	if (err) {
		kfree(path);
		return err;
	}
	return instantiate_new(dir, d, path);
}

static int hostfs_link(struct dentry *old, struct inode *dir, struct dentry *d)
{
	char *path = child_path(dir, d->d_name);
	int err;

	if (!path)
		return -ENAMETOOLONG;
	err = os_link(host_path(old->d_inode), path);
	if (err) {
		kfree(path);
		return err;
	}
	return instantiate_new(dir, d, path);
}

static int hostfs_unlink(struct inode *dir, struct dentry *d)
{
	return os_unlink(host_path(d->d_inode));
}

static int hostfs_rmdir(struct inode *dir, struct dentry *d)
{
	return os_rmdir(host_path(d->d_inode));
}

static int hostfs_rename(struct inode *odir, struct dentry *od, struct inode *ndir,
			 struct dentry *nd)
{
	char *path = child_path(ndir, nd->d_name);
	int err;

	if (!path)
		return -ENAMETOOLONG;
	err = os_rename(host_path(od->d_inode), path);
	if (!err) {
		/* The moved inode now lives at its new host path. */
		kfree(od->d_inode->i_private);
		od->d_inode->i_private = path;
	} else {
		kfree(path);
	}
	return err;
}

static int hostfs_readlink(struct dentry *d, char *buf, int size)
{
	return (int)os_readlink(host_path(d->d_inode), buf, size);
}

static int hostfs_setattr(struct dentry *d, struct iattr *attr)
{
	struct inode *inode = d->d_inode;
	const char *path = host_path(inode);
	int err = 0;

	if (attr->ia_valid & ATTR_MODE)
		err = os_chmod(path, host_mode(inode, (inode->i_mode & S_IFMT) | attr->ia_mode));
	if (!err && (attr->ia_valid & ATTR_SIZE)) {
		err = os_truncate(path, attr->ia_size);
		if (!err)
			truncate_inode_pages(inode, attr->ia_size);
	}
	if (!err && (attr->ia_valid & (ATTR_ATIME | ATTR_MTIME))) {
		s64 as = attr->ia_valid & ATTR_ATIME ? attr->ia_atime_sec : 0;
		long an = attr->ia_valid & ATTR_ATIME ? attr->ia_atime_nsec : UTIME_OMIT;
		s64 ms = attr->ia_valid & ATTR_MTIME ? attr->ia_mtime_sec : 0;
		long mn = attr->ia_valid & ATTR_MTIME ? attr->ia_mtime_nsec : UTIME_OMIT;
		err = os_utimens(path, as, an, ms, mn);
	}
	if (!err) {
		struct os_stat st;
		if (!os_stat(path, &st, false))
			fill_inode(inode, &st);
	}
	return err;
}

/* stat asks the host again: the file may have changed there. */
static int hostfs_getattr(const struct path *p, struct kstat *st)
{
	struct inode *inode = p->dentry->d_inode;
	struct os_stat hs;

	int err = os_stat(host_path(inode), &hs, false);

	if (!err)
		fill_inode(inode, &hs);
	generic_fillattr(inode, st);
	if (!err)
		st->dev = hostfs_dev(inode->i_sb, hs.dev);
	return 0;
}

static const struct inode_operations hostfs_dir_iops = {
	.lookup = hostfs_lookup,
	.create = hostfs_create,
	.mkdir = hostfs_mkdir,
	.mknod = hostfs_mknod,
	.rmdir = hostfs_rmdir,
	.unlink = hostfs_unlink,
	.link = hostfs_link,
	.symlink = hostfs_symlink,
	.rename = hostfs_rename,
	.setattr = hostfs_setattr,
	.getattr = hostfs_getattr,
};

static const struct inode_operations hostfs_file_iops = {
	.setattr = hostfs_setattr,
	.getattr = hostfs_getattr,
};

static const struct inode_operations hostfs_link_iops = {
	.readlink = hostfs_readlink,
	.getattr = hostfs_getattr,
};

/* ---- regular files ---- */

static int hostfs_open(struct inode *inode, struct file *f)
{
	struct hostfs_file *hf = kzalloc(sizeof(*hf), GFP_KERNEL);
	int acc = f->f_flags & O_ACCMODE, flags = HOST_O_NOFOLLOW;

	if (!hf)
		return -ENOMEM;
	flags |= acc == O_RDONLY ? HOST_O_RDONLY : acc == O_WRONLY ? HOST_O_WRONLY : HOST_O_RDWR;
	if (f->f_flags & O_TRUNC)
		flags |= HOST_O_TRUNC;
	hf->fd = os_open(host_path(inode), flags, 0);
	if (hf->fd < 0) {
		int err = hf->fd;
		kfree(hf);
		return err;
	}
	f->private_data = hf;
	if (f->f_flags & O_TRUNC) {
		truncate_inode_pages(inode, 0);
		inode->i_size = 0;
	}
	return 0;
}

static int hostfs_release(struct inode *inode, struct file *f)
{
	struct hostfs_file *hf = f->private_data;

	if (hf) {
		os_close(hf->fd);
		kfree(hf);
	}
	return 0;
}

/*
 * read and write go to the host file; shared mappings use the page cache.
 * They stay coherent as Linux's page cache keeps them: what mappings
 * dirtied in the range is written back first, and a write refreshes the
 * cached pages it touched. A failed writeback is logged there and is not
 * this read's or write's error (as on Linux).
 */
static void write_back_span(struct inode *inode, loff_t pos, size_t count)
{
	filemap_write_range(inode, pos >> PAGE_SHIFT,
			    (pos + max_t(size_t, count, 1) - 1) >> PAGE_SHIFT);
}

static ssize_t hostfs_read(struct file *f, char __user *buf, size_t count, loff_t *pos)
{
	struct hostfs_file *hf = f->private_data;
	char *tmp;
	ssize_t done = 0;

	write_back_span(f->f_inode, *pos, count);
	tmp = get_free_pages(GFP_KERNEL, 0);
	if (!tmp)
		return -ENOMEM;
	while (done < (ssize_t)count) {
		long n = os_pread(hf->fd, tmp, min_t(size_t, count - done, PAGE_SIZE), *pos);
		if (n <= 0) {
			if (n < 0 && !done)
				done = n;
			break;
		}
		if (copy_to_user(buf + done, tmp, n)) {
			if (!done)
				done = -EFAULT;
			break;
		}
		done += n;
		*pos += n;
		if (n < (long)PAGE_SIZE)
			break;
	}
	free_pages(tmp, 0);
	return done;
}

/* Keep cached pages (mapped copies) equal to what was just written. */
static void refresh_cached_pages(struct inode *inode, int fd, loff_t start, loff_t end)
{
	for (unsigned long i = start >> PAGE_SHIFT;
	     i < inode->i_npages_cap && (loff_t)(i << PAGE_SHIFT) < end; i++) {
		struct page *p = inode->i_pages[i];
		if (!p)
			continue;
		memset(page_address(p), 0, PAGE_SIZE);
		os_pread(fd, page_address(p), PAGE_SIZE, (u64)i << PAGE_SHIFT);
	}
}

static ssize_t hostfs_write(struct file *f, const char __user *buf, size_t count, loff_t *pos)
{
	struct hostfs_file *hf = f->private_data;
	struct inode *inode = f->f_inode;
	char *tmp;
	loff_t start;
	ssize_t done = 0;

	if (f->f_flags & O_APPEND) {
		struct os_stat st;
		if (!os_fstat(hf->fd, &st))
			*pos = st.size;
	}
	start = *pos;
	/* The rest of the pages refresh_cached_pages re-reads must be on the host. */
	write_back_span(inode, start, count);
	tmp = get_free_pages(GFP_KERNEL, 0);
	if (!tmp)
		return -ENOMEM;
	while (done < (ssize_t)count) {
		size_t k = min_t(size_t, count - done, PAGE_SIZE);
		long n;

		if (copy_from_user(tmp, buf + done, k)) {
			if (!done)
				done = -EFAULT;
			break;
		}
		n = os_pwrite(hf->fd, tmp, k, *pos);
		if (n <= 0) {
			if (!done)
				done = n ? n : -EIO;
			break;
		}
		done += n;
		*pos += n;
	}
	free_pages(tmp, 0);
	if (*pos > inode->i_size)
		inode->i_size = *pos;
	if (done > 0)
		refresh_cached_pages(inode, hf->fd, start, *pos);
	return done;
}

static int hostfs_fsync(struct file *f)
{
	struct hostfs_file *hf = f->private_data;

	return os_fsync(hf->fd);
}

static const struct file_operations hostfs_file_fops = {
	.open = hostfs_open,
	.release = hostfs_release,
	.read = hostfs_read,
	.write = hostfs_write,
	.llseek = generic_file_llseek,
	.fsync = hostfs_fsync,
};

/* Page-cache fill for mmap and exec of host files. */
static int hostfs_readpage(struct inode *inode, struct page *page)
{
	int fd = os_open(host_path(inode), HOST_O_RDONLY | HOST_O_NOFOLLOW, 0);
	long n;

	if (fd < 0)
		return fd;
	memset(page_address(page), 0, PAGE_SIZE);
	n = os_pread(fd, page_address(page), PAGE_SIZE, (u64)page->index << PAGE_SHIFT);
	os_close(fd);
	return n < 0 ? (int)n : 0;
}

static int hostfs_writepage(struct inode *inode, struct page *page)
{
	int fd = os_open(host_path(inode), HOST_O_WRONLY | HOST_O_NOFOLLOW, 0);
	loff_t off = (loff_t)page->index << PAGE_SHIFT;
	long n = 0;

	if (fd < 0)
		return fd;
	if (off < inode->i_size)
		n = os_pwrite(fd, page_address(page), min_t(loff_t, PAGE_SIZE, inode->i_size - off),
			      off);
	os_close(fd);
	return n < 0 ? (int)n : 0;
}

static const struct address_space_operations hostfs_aops = {
	.readpage = hostfs_readpage,
	.writepage = hostfs_writepage,
};

/* ---- directories ---- */

struct readdir_ctx {
	struct dir_context *ctx;
	bool full;
};

static bool readdir_fill(void *arg, const char *name, u64 ino, unsigned type)
{
	struct readdir_ctx *rc = arg;

	if (!dir_emit(rc->ctx, name, strlen(name), ino, type)) {
		rc->full = true;
		return false;
	}
	rc->ctx->pos++;
	return true;
}

static int hostfs_iterate(struct file *f, struct dir_context *ctx)
{
	struct readdir_ctx rc = { ctx, false };
	long r = os_readdir(host_path(f->f_inode), ctx->pos, readdir_fill, &rc);

	return r < 0 ? (int)r : 0;
}

static const struct file_operations hostfs_dir_fops = {
	.iterate = hostfs_iterate,
	.llseek = generic_file_llseek,
};

/* ---- superblock ---- */

static int hostfs_statfs(struct dentry *d, struct kstatfs *buf)
{
	memset(buf, 0, sizeof(*buf));
	buf->f_type = HOSTFS_SUPER_MAGIC;
	buf->f_bsize = PAGE_SIZE;
	buf->f_namelen = NAME_MAX;
	return 0;
}

static int hostfs_show_options(char *buf, size_t size, struct super_block *sb)
{
	unsigned long opts = HOSTFS_SB(sb)->opts;

	return scnprintf(buf, size, "%s%s%s", opts & HOSTFS_ALLOW_SUID ? "allow_suid" : "",
			 opts == (HOSTFS_ALLOW_SUID | HOSTFS_ALLOW_DEV) ? "," : "",
			 opts & HOSTFS_ALLOW_DEV ? "allow_dev" : "");
}

static void hostfs_put_super(struct super_block *sb)
{
	kfree(sb->s_fs_info);
}

static const struct super_operations hostfs_sops = {
	.evict_inode = hostfs_evict_inode,
	.put_super = hostfs_put_super,
	.statfs = hostfs_statfs,
	.show_options = hostfs_show_options,
};

/* Take the options off the end of "DIR[,allow_suid][,allow_dev]" (so a
 * directory with a comma in its name still mounts); returns them. */
static unsigned long take_options(char *req)
{
	unsigned long opts = 0;
	char *comma;

	while ((comma = strrchr(req, ','))) {
		if (!strcmp(comma + 1, "allow_suid"))
			opts |= HOSTFS_ALLOW_SUID;
		else if (!strcmp(comma + 1, "allow_dev"))
			opts |= HOSTFS_ALLOW_DEV;
		else
			break;
		*comma = '\0';
	}
	return opts;
}

/* Is path the confinement directory or below it? Both are realpaths. */
static bool within(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (n == 1 && dir[0] == '/')
		return true;
	return !strncmp(path, dir, n) && (path[n] == '\0' || path[n] == '/');
}

static int hostfs_fill_super(struct super_block *sb, const char *dev, void *data)
{
	char *req = kstrdup(data ? data : "", GFP_KERNEL);
	char *root = kmalloc(PATH_MAX, GFP_KERNEL);
	char confine[PATH_MAX];
	struct inode *inode;
	int err = -ENOMEM;

	/* From here on a failure's deactivate_super frees s_fs_info. */
	sb->s_op = &hostfs_sops;
	sb->s_fs_info = kzalloc(sizeof(struct hostfs_sb_info), GFP_KERNEL);
	if (!root || !req || !sb->s_fs_info)
		goto out;
	HOSTFS_SB(sb)->opts = take_options(req);
	err = os_realpath(*req ? req : "/", root, PATH_MAX);
	if (err)
		goto out;
	if (boot.hostfs) {
		err = os_realpath(boot.hostfs, confine, sizeof(confine));
		if (!err && !within(root, confine))
			err = -EPERM;
		if (err) {
			pr_warn("hostfs: %s is outside hostfs=%s: refused\n", req, boot.hostfs);
			goto out;
		}
	}
	sb->s_magic = HOSTFS_SUPER_MAGIC;
	inode = hostfs_iget(sb, root, &err);
	if (!inode)
		goto out;
	root = NULL;                    /* the inode's now */
	if (!S_ISDIR(inode->i_mode)) {
		iput(inode);
		err = -ENOTDIR;
		goto out;
	}
	sb->s_root = d_make_root(inode);
	err = sb->s_root ? 0 : -ENOMEM;
out:
	kfree(req);
	kfree(root);
	return err;
}

static struct file_system_type hostfs_type = {
	.name = "hostfs",
	.fill_super = hostfs_fill_super,
	.nodev = true,
};

static int hostfs_init(void)
{
	return register_filesystem(&hostfs_type);
}
fs_initcall(hostfs_init);

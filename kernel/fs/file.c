/*
 * Open files and fd tables. A struct file is shared by every fd (and
 * process) that dup'ed or inherited it; an fd table (files_struct) by the
 * threads of a process; an fs_struct holds root, cwd and umask.
 * Tables start at 64 fds and double up to NR_OPEN_MAX. CPU thread.
 */
#include "internal.h"

#define BITS_PER_LONG 64
#define NR_OPEN_DEFAULT 64

static const struct file_operations empty_fops;

/* A file with one reference and no path yet. */
struct file *alloc_empty_file(int flags)
{
	struct file *f = kzalloc(sizeof(*f), GFP_KERNEL);

	if (!f)
		return NULL;
	f->f_count = 1;
	f->f_flags = flags;
	f->f_op = &empty_fops;
	return f;
}

/* A file on path with ops fop (no ->open call): pipes, anonymous files. */
struct file *alloc_file(const struct path *path, unsigned int flags,
			const struct file_operations *fop)
{
	struct file *f = alloc_empty_file(flags);

	if (!f)
		return ERR_PTR(-ENOMEM);
	f->f_path = *path;
	path_get(path);
	f->f_inode = path->dentry->d_inode;
	f->f_op = fop ? fop : &empty_fops;
	switch (flags & O_ACCMODE) {
	case O_RDONLY: f->f_mode = FMODE_READ; break;
	case O_WRONLY: f->f_mode = FMODE_WRITE; break;
	case O_RDWR: f->f_mode = FMODE_READ | FMODE_WRITE; break;
	}
	return f;
}

struct file *get_file(struct file *f)
{
	f->f_count++;
	return f;
}

/* Drop a reference; the last one calls ->release and frees the file. */
void fput(struct file *f)
{
	if (!f)
		return;
	BUG_ON(f->f_count <= 0);
	if (--f->f_count > 0)
		return;
	if (f->f_op && f->f_op->release)
		f->f_op->release(f->f_inode, f);
	fops_put(f->f_op);
	if (f->f_path.dentry)
		path_put(&f->f_path);
	kfree(f);
}

int filp_close(struct file *f)
{
	fput(f);
	return 0;
}

static struct files_struct *cur_files(void)
{
	return current ? current->files : NULL;
}

/* The file on fd with a reference, O_PATH files included; NULL if none. */
struct file *fget_raw(unsigned int fd)
{
	struct files_struct *files = cur_files();

	if (!files || fd >= files->max_fds || !files->fd[fd])
		return NULL;
	return get_file(files->fd[fd]);
}

/* The file on fd with a reference; NULL if none or an O_PATH file. */
struct file *fget(unsigned int fd)
{
	struct file *f = fget_raw(fd);

	if (f && (f->f_flags & O_PATH)) {
		fput(f);
		return NULL;
	}
	return f;
}

static size_t bitmap_bytes(unsigned int nr)
{
	return DIV_ROUND_UP(nr, BITS_PER_LONG) * sizeof(long);
}

/* Grow the table to hold fd `need`. */
static int expand_files(struct files_struct *files, unsigned int need)
{
	unsigned int nr = files->max_fds;
	struct file **fd;
	unsigned long *coe;

	if (need < nr)
		return 0;
	if (need >= NR_OPEN_MAX)
		return -EMFILE;
	while (nr <= need)
		nr *= 2;
	if (nr > NR_OPEN_MAX)
		nr = NR_OPEN_MAX;
	fd = kcalloc(nr, sizeof(*fd), GFP_KERNEL);
	coe = kzalloc(bitmap_bytes(nr), GFP_KERNEL);
	if (!fd || !coe) {
		kfree(fd);
		kfree(coe);
		return -ENOMEM;
	}
	memcpy(fd, files->fd, files->max_fds * sizeof(*fd));
	memcpy(coe, files->close_on_exec, bitmap_bytes(files->max_fds));
	kfree(files->fd);
	kfree(files->close_on_exec);
	files->fd = fd;
	files->close_on_exec = coe;
	files->max_fds = nr;
	return 0;
}

static void __set_cloexec(struct files_struct *files, unsigned int fd, bool on)
{
	unsigned long bit = 1UL << (fd % BITS_PER_LONG);

	if (on)
		files->close_on_exec[fd / BITS_PER_LONG] |= bit;
	else
		files->close_on_exec[fd / BITS_PER_LONG] &= ~bit;
}

void set_close_on_exec(unsigned int fd, bool on)
{
	struct files_struct *files = cur_files();

	if (files && fd < files->max_fds)
		__set_cloexec(files, fd, on);
}

bool get_close_on_exec(unsigned int fd)
{
	struct files_struct *files = cur_files();

	return files && fd < files->max_fds &&
	       (files->close_on_exec[fd / BITS_PER_LONG] >> (fd % BITS_PER_LONG)) & 1;
}

/* Lowest free fd >= start in current's table (grown as needed), marked
 * in use by a NULL slot until fd_install; -EMFILE when none is free
 * below RLIMIT_NOFILE (at most NR_OPEN_MAX: setrlimit's bound). */
static int alloc_fd(unsigned int start, unsigned int flags)
{
	struct files_struct *files = cur_files();
	unsigned int fd, end = rlimit(RLIMIT_NOFILE);
	int err;

	if (!files)
		return -EMFILE;
	for (fd = start; fd < end; fd++) {
		if (fd >= files->max_fds) {
			err = expand_files(files, fd);
			if (err)
				return err;
		}
		if (!files->fd[fd])
			break;
	}
	if (fd >= end)
		return -EMFILE;
	__set_cloexec(files, fd, flags & O_CLOEXEC);
	return fd;
}

/* A free fd number; nothing is reserved, so install before the next
 * allocation (no sleeping in between, as the callers do). */
int get_unused_fd_flags(unsigned int flags)
{
	return alloc_fd(0, flags);
}

/* Put f (its reference moves to the table) on a free fd. */
void fd_install(unsigned int fd, struct file *f)
{
	struct files_struct *files = cur_files();

	BUG_ON(!files || fd >= files->max_fds || files->fd[fd]);
	files->fd[fd] = f;
}

/* dup/F_DUPFD: f on the lowest free fd >= from (takes a new reference). */
int f_dupfd(unsigned int from, struct file *f, unsigned int flags)
{
	int fd;

	if (from >= rlimit(RLIMIT_NOFILE))
		return -EINVAL;
	fd = alloc_fd(from, flags);
	if (fd >= 0)
		fd_install(fd, get_file(f));
	return fd;
}

/* dup2/dup3: f on exactly fd, closing what was there. */
int replace_fd(unsigned int fd, struct file *f, unsigned int flags)
{
	struct files_struct *files = cur_files();
	struct file *old;
	int err;

	if (fd >= rlimit(RLIMIT_NOFILE))
		return -EBADF;
	if (!files)
		return -EBADF;
	err = expand_files(files, fd);
	if (err)
		return err;
	old = files->fd[fd];
	files->fd[fd] = get_file(f);
	__set_cloexec(files, fd, flags & O_CLOEXEC);
	if (old)
		fput(old);
	return fd;
}

/* close(2): -EBADF if fd is not open. */
int close_fd(unsigned int fd)
{
	struct files_struct *files = cur_files();
	struct file *f;

	if (!files || fd >= files->max_fds || !files->fd[fd])
		return -EBADF;
	f = files->fd[fd];
	files->fd[fd] = NULL;
	__set_cloexec(files, fd, false);
	return filp_close(f);
}

/* An empty table (init, kernel threads). */
struct files_struct *files_alloc(void)
{
	struct files_struct *files = kzalloc(sizeof(*files), GFP_KERNEL);

	if (!files)
		return NULL;
	files->count = 1;
	files->max_fds = NR_OPEN_DEFAULT;
	files->fd = kcalloc(NR_OPEN_DEFAULT, sizeof(*files->fd), GFP_KERNEL);
	files->close_on_exec = kzalloc(bitmap_bytes(NR_OPEN_DEFAULT), GFP_KERNEL);
	if (!files->fd || !files->close_on_exec) {
		kfree(files->fd);
		kfree(files->close_on_exec);
		kfree(files);
		return NULL;
	}
	return files;
}

/* fork without CLONE_FILES: a copy sharing the open files. */
struct files_struct *dup_fd(struct files_struct *old)
{
	struct files_struct *files = files_alloc();

	if (!files)
		return NULL;
	if (old->max_fds > files->max_fds && expand_files(files, old->max_fds - 1)) {
		put_files_struct(files);
		return NULL;
	}
	for (unsigned int i = 0; i < old->max_fds; i++)
		if (old->fd[i])
			files->fd[i] = get_file(old->fd[i]);
	memcpy(files->close_on_exec, old->close_on_exec, bitmap_bytes(old->max_fds));
	return files;
}

/* Drop a reference to a table; the last closes every file. */
void put_files_struct(struct files_struct *files)
{
	if (!files || --files->count > 0)
		return;
	for (unsigned int i = 0; i < files->max_fds; i++) {
		struct file *f = files->fd[i];

		if (f) {
			files->fd[i] = NULL;
			fput(f);
		}
	}
	kfree(files->fd);
	kfree(files->close_on_exec);
	kfree(files);
}

/* exec: close every fd marked close-on-exec. */
void do_close_on_exec(struct files_struct *files)
{
	for (unsigned int i = 0; i < files->max_fds; i++) {
		unsigned long word = files->close_on_exec[i / BITS_PER_LONG];
		struct file *f;

		if (!((word >> (i % BITS_PER_LONG)) & 1))
			continue;
		__set_cloexec(files, i, false);
		f = files->fd[i];
		files->fd[i] = NULL;
		if (f)
			fput(f);
	}
}

/* fork without CLONE_FS: a copy of root, cwd and umask. */
struct fs_struct *copy_fs_struct(struct fs_struct *old)
{
	struct fs_struct *fs = kzalloc(sizeof(*fs), GFP_KERNEL);

	if (!fs)
		return NULL;
	fs->users = 1;
	fs->umask = old->umask;
	fs->root = old->root;
	fs->pwd = old->pwd;
	if (fs->root.dentry)
		path_get(&fs->root);
	if (fs->pwd.dentry)
		path_get(&fs->pwd);
	return fs;
}

/* Drop a user of fs; the last frees it. */
void free_fs_struct(struct fs_struct *fs)
{
	if (!fs || --fs->users > 0)
		return;
	if (fs->root.dentry)
		path_put(&fs->root);
	if (fs->pwd.dentry)
		path_put(&fs->pwd);
	kfree(fs);
}

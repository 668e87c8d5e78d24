/*
 * Path walk: from a start directory (the root, the cwd or a dfd) through
 * each component, crossing mounts both ways, following symlinks (at most
 * MAXSYMLINKS per walk, counting nested ones) and magic links
 * (->get_link_path, for /proc/self/exe). Also the open path with
 * O_CREAT. Runs in task context on the CPU thread; it sleeps only where a
 * filesystem's ->lookup does.
 */
#include "internal.h"

struct nameidata {
	struct path path;       /* where the walk is */
	struct path root;       /* the process root: ".." stops here */
	const char *last;       /* the component being resolved */
	int last_len;
	int last_type;          /* LAST_NORM / LAST_ROOT / LAST_DOT / LAST_DOTDOT */
	bool trailing_slash;    /* last was followed by '/' */
	int total_links;
};

static inline bool d_is_dir(const struct dentry *d)
{
	return d->d_inode && S_ISDIR(d->d_inode->i_mode);
}

void path_get(const struct path *p)
{
	mntget(p->mnt);
	dget(p->dentry);
}

void path_put(const struct path *p)
{
	dput(p->dentry);
	mntput(p->mnt);
}

bool path_equal(const struct path *a, const struct path *b)
{
	return a->mnt == b->mnt && a->dentry == b->dentry;
}

/* The current process's root, with references; the global root when the
 * task has no fs_struct yet (early boot, kernel threads). */
void get_fs_root(struct path *root)
{
	if (current && current->fs && current->fs->root.dentry) {
		*root = current->fs->root;
	} else {
		root->mnt = root_mnt;
		root->dentry = root_mnt->mnt_root;
	}
	path_get(root);
}

void get_fs_pwd(struct path *pwd)
{
	if (current && current->fs && current->fs->pwd.dentry) {
		*pwd = current->fs->pwd;
		path_get(pwd);
	} else {
		get_fs_root(pwd);
	}
}

/* Where a walk of name starts: "/" → root, else cwd or dfd's directory.
 * With LOOKUP_EMPTY and an empty name, the dfd's file of any type. */
int path_init_at(int dfd, const char *name, unsigned int flags, struct path *start)
{
	struct file *f;

	if (name[0] == '/') {
		get_fs_root(start);
		return 0;
	}
	if (dfd == AT_FDCWD) {
		get_fs_pwd(start);
		return 0;
	}
	f = fget_raw(dfd);
	if (!f)
		return -EBADF;
	if (!(name[0] == '\0' && (flags & LOOKUP_EMPTY)) &&
	    !d_is_dir(f->f_path.dentry)) {
		fput(f);
		return -ENOTDIR;
	}
	*start = f->f_path;
	path_get(start);
	fput(f);
	return 0;
}

/* Replace path by the root of whatever is mounted on it, repeatedly. */
void follow_mounts(struct path *path)
{
	while (path->dentry->d_mounted) {
		struct vfsmount *m = lookup_mnt(path->mnt, path->dentry);
		struct path next;

		if (!m)
			break;
		next.mnt = mntget(m);
		next.dentry = dget(m->mnt_root);
		path_put(path);
		*path = next;
	}
}

/* "..": up one directory, never above the process root, leaving a mount
 * through its mountpoint. */
static void follow_dotdot(struct nameidata *nd)
{
	for (;;) {
		struct vfsmount *mnt = nd->path.mnt;
		struct path up;

		if (path_equal(&nd->path, &nd->root))
			break;
		if (nd->path.dentry != mnt->mnt_root) {
			struct dentry *parent = dget(nd->path.dentry->d_parent);

			dput(nd->path.dentry);
			nd->path.dentry = parent;
			break;
		}
		if (!mnt->mnt_parent)
			break;
		up.mnt = mntget(mnt->mnt_parent);
		up.dentry = dget(mnt->mnt_mountpoint);
		path_put(&nd->path);
		nd->path = up;
	}
	follow_mounts(&nd->path);
}

/* dir's child called name: cached, or asked of the filesystem. Positive
 * or negative, with a reference; ERR_PTR on error. */
struct dentry *lookup_one_len(const char *name, int len, struct dentry *dir)
{
	struct inode *di = dir->d_inode;
	struct dentry *d, *res;

	if (len > NAME_MAX)
		return ERR_PTR(-ENAMETOOLONG);
	d = d_lookup(dir, name, len);
	if (d)
		return d;
	d = d_alloc(dir, name, len);
	if (!d)
		return ERR_PTR(-ENOMEM);
	if (di->i_op && di->i_op->lookup) {
		res = di->i_op->lookup(di, d);
		if (IS_ERR(res)) {
			if (PTR_ERR(res) == -ENOENT)
				return d;
			dput(d);
			return res;
		}
		if (res) {
			dput(d);
			return res;
		}
	}
	return d;
}

static void set_last(struct nameidata *nd, const char *name, int len)
{
	nd->last = name;
	nd->last_len = len;
	if (len == 1 && name[0] == '.')
		nd->last_type = LAST_DOT;
	else if (len == 2 && name[0] == '.' && name[1] == '.')
		nd->last_type = LAST_DOTDOT;
	else
		nd->last_type = LAST_NORM;
}

/*
 * Start following the symlink at link (reference consumed). A magic link
 * moves nd->path to its target and sets *body NULL; a plain one returns
 * its target text in *body (kmalloc'd) with nd->path at the directory the
 * text is relative to.
 */
static int get_link(struct nameidata *nd, struct path *link, char **body)
{
	struct inode *inode = link->dentry->d_inode;
	char *buf;
	int len;

	*body = NULL;
	if (++nd->total_links > MAXSYMLINKS) {
		path_put(link);
		return -ELOOP;
	}
	if (inode->i_op && inode->i_op->get_link_path) {
		struct path target;
		int err = inode->i_op->get_link_path(link->dentry, &target);

		path_put(link);
		if (err)
			return err;
		path_put(&nd->path);
		nd->path = target;
		return 0;
	}
	if (!inode->i_op || !inode->i_op->readlink) {
		path_put(link);
		return -EINVAL;
	}
	buf = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!buf) {
		path_put(link);
		return -ENOMEM;
	}
	len = inode->i_op->readlink(link->dentry, buf, PATH_MAX - 1);
	path_put(link);
	if (len <= 0) {
		kfree(buf);
		return len < 0 ? len : -ENOENT;
	}
	buf[len] = '\0';
	if (buf[0] == '/') {
		path_put(&nd->path);
		nd->path = nd->root;
		path_get(&nd->path);
	}
	*body = buf;
	return 0;
}

static int link_path_walk(const char *name, struct nameidata *nd);

/*
 * Resolve nd->last in nd->path, moving nd->path onto it. A symlink is
 * followed when follow is set or a slash trails it. Recurses through
 * link_path_walk for the links' own intermediate components.
 */
static int walk_component(struct nameidata *nd, bool follow)
{
	bool must_dir = false;
	char *body = NULL;
	int err = 0;

	for (;;) {
		struct dentry *d;
		struct path next;

		must_dir |= nd->trailing_slash;
		if (!d_is_dir(nd->path.dentry)) {
			err = nd->last_type == LAST_ROOT ? 0 : -ENOTDIR;
			break;
		}
		if (nd->last_type == LAST_ROOT || nd->last_type == LAST_DOT)
			break;
		if (nd->last_type == LAST_DOTDOT) {
			follow_dotdot(nd);
			break;
		}
		d = lookup_one_len(nd->last, nd->last_len, nd->path.dentry);
		if (IS_ERR(d)) {
			err = PTR_ERR(d);
			break;
		}
		if (!d->d_inode) {
			dput(d);
			err = -ENOENT;
			break;
		}
		next.mnt = mntget(nd->path.mnt);
		next.dentry = d;
		follow_mounts(&next);
		if (S_ISLNK(next.dentry->d_inode->i_mode) && (follow || must_dir)) {
			char *nbody;

			err = get_link(nd, &next, &nbody);
			if (err)
				break;
			kfree(body);
			body = nbody;
			if (!body)
				break;
			err = link_path_walk(body, nd);
			if (err)
				break;
			continue;
		}
		path_put(&nd->path);
		nd->path = next;
		break;
	}
	kfree(body);
	if (!err && must_dir && !d_is_dir(nd->path.dentry))
		err = -ENOTDIR;
	return err;
}

/*
 * Walk every component of name but the last, which is left in nd->last
 * (LAST_ROOT for "/" or ""). Intermediate symlinks are followed.
 */
static int link_path_walk(const char *name, struct nameidata *nd)
{
	while (*name == '/')
		name++;
	nd->trailing_slash = false;
	if (!*name) {
		nd->last = name;
		nd->last_len = 0;
		nd->last_type = LAST_ROOT;
		return 0;
	}
	for (;;) {
		const char *comp = name;
		int len = 0, err;
		bool slash;

		while (name[len] && name[len] != '/')
			len++;
		if (len > NAME_MAX)
			return -ENAMETOOLONG;
		name += len;
		slash = *name == '/';
		while (*name == '/')
			name++;
		set_last(nd, comp, len);
		nd->trailing_slash = slash;
		if (!*name)
			return 0;
		nd->trailing_slash = false;
		err = walk_component(nd, true);
		if (err)
			return err;
		if (!d_is_dir(nd->path.dentry))
			return -ENOTDIR;
	}
}

/* Set up nd for name relative to dfd. */
static int nd_init(struct nameidata *nd, int dfd, const char *name,
		   unsigned int flags)
{
	int err;

	memset(nd, 0, sizeof(*nd));
	if (!*name && !(flags & LOOKUP_EMPTY))
		return -ENOENT;
	if (strnlen(name, PATH_MAX) >= PATH_MAX)
		return -ENAMETOOLONG;
	err = path_init_at(dfd, name, flags, &nd->path);
	if (err)
		return err;
	get_fs_root(&nd->root);
	return 0;
}

static void nd_done(struct nameidata *nd)
{
	if (nd->path.dentry)
		path_put(&nd->path);
	if (nd->root.dentry)
		path_put(&nd->root);
}

/* Resolve a kernel-space name relative to dfd; *path gets references. */
int filename_lookup(int dfd, const char *name, unsigned int flags, struct path *path)
{
	struct nameidata nd;
	int err = nd_init(&nd, dfd, name, flags);

	if (!err)
		err = link_path_walk(name, &nd);
	if (!err)
		err = walk_component(&nd, flags & LOOKUP_FOLLOW);
	if (!err && (flags & LOOKUP_DIRECTORY) && !d_is_dir(nd.path.dentry))
		err = -ENOTDIR;
	if (!err) {
		*path = nd.path;
		nd.path.dentry = NULL;
	}
	nd_done(&nd);
	return err;
}

/* Resolve all but the last component of name. *last points into name; a
 * trailing slash shows as last[last_len] == '/'. */
int filename_parentat(int dfd, const char *name, struct path *parent,
		      const char **last, int *last_len, int *last_type)
{
	struct nameidata nd;
	int err = nd_init(&nd, dfd, name, 0);

	if (!err)
		err = link_path_walk(name, &nd);
	if (!err && !d_is_dir(nd.path.dentry))
		err = -ENOTDIR;
	if (!err) {
		*parent = nd.path;
		nd.path.dentry = NULL;
		*last = nd.last;
		*last_len = nd.last_len;
		*last_type = nd.last_type;
	}
	nd_done(&nd);
	return err;
}

int kern_path(const char *name, unsigned int flags, struct path *path)
{
	return filename_lookup(AT_FDCWD, name, flags, path);
}

/* Copy a path name from the guest: kmalloc'd, or ERR_PTR. */
char *getname_flags(const char __user *uname, bool empty_ok)
{
	char *name = kmalloc(PATH_MAX, GFP_KERNEL);
	long n;

	if (!name)
		return ERR_PTR(-ENOMEM);
	n = strncpy_from_user(name, uname, PATH_MAX);
	if (n < 0) {
		kfree(name);
		return ERR_PTR(-EFAULT);
	}
	if (n >= PATH_MAX) {
		kfree(name);
		return ERR_PTR(-ENAMETOOLONG);
	}
	name[n] = '\0';
	if (!n && !empty_ok) {
		kfree(name);
		return ERR_PTR(-ENOENT);
	}
	return name;
}

void putname(char *name)
{
	if (!IS_ERR_OR_NULL(name))
		kfree(name);
}

int user_path_at(int dfd, const char __user *uname, unsigned int flags,
		 struct path *path)
{
	char *name = getname_flags(uname, flags & LOOKUP_EMPTY);
	int err;

	if (IS_ERR(name))
		return PTR_ERR(name);
	err = filename_lookup(dfd, name, flags, path);
	putname(name);
	return err;
}

static umode_t current_umask(void)
{
	return current && current->fs ? current->fs->umask : 0;
}

/*
 * The last component of an open: look it up, create it for O_CREAT,
 * follow a trailing symlink (also to create a dangling link's target, as
 * Linux does), and leave the result in *res with references.
 */
static int open_last(struct nameidata *nd, int flags, umode_t mode,
		     struct path *res, bool *created)
{
	bool must_dir = false;
	char *body = NULL;
	int err = 0;

	*created = false;
	for (;;) {
		struct dentry *dir = nd->path.dentry, *d;
		struct path path;

		must_dir |= nd->trailing_slash;
		if (nd->last_type != LAST_NORM) {
			if (flags & O_CREAT) {
				err = -EISDIR;
				break;
			}
			err = walk_component(nd, true);
			if (!err) {
				*res = nd->path;
				path_get(res);
			}
			break;
		}
		if (!d_is_dir(dir)) {
			err = -ENOTDIR;
			break;
		}
		d = lookup_one_len(nd->last, nd->last_len, dir);
		if (IS_ERR(d)) {
			err = PTR_ERR(d);
			break;
		}
		if (!d->d_inode) {
			err = -ENOENT;
			if ((flags & O_CREAT) && must_dir)
				err = -EISDIR;
			else if ((flags & O_CREAT) && dir->d_inode->i_nlink == 0)
				err = -ENOENT;
			else if ((flags & O_CREAT) && mnt_is_readonly(nd->path.mnt))
				err = -EROFS;
			else if (flags & O_CREAT)
				err = vfs_create(dir->d_inode, d,
						 S_IFREG | (mode & 07777 & ~current_umask()));
			if (err) {
				dput(d);
				break;
			}
			res->mnt = mntget(nd->path.mnt);
			res->dentry = d;
			*created = true;
			break;
		}
		if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL)) {
			dput(d);
			err = -EEXIST;
			break;
		}
		path.mnt = mntget(nd->path.mnt);
		path.dentry = d;
		follow_mounts(&path);
		if (S_ISLNK(path.dentry->d_inode->i_mode)) {
			char *nbody;

			if ((flags & O_NOFOLLOW) && !must_dir) {
				if (flags & O_PATH) {
					*res = path;
					break;
				}
				path_put(&path);
				err = -ELOOP;
				break;
			}
			err = get_link(nd, &path, &nbody);
			if (err)
				break;
			kfree(body);
			body = nbody;
			if (!body) {
				*res = nd->path;
				path_get(res);
				break;
			}
			err = link_path_walk(body, nd);
			if (err)
				break;
			continue;
		}
		*res = path;
		break;
	}
	kfree(body);
	if (!err && must_dir && !d_is_dir(res->dentry)) {
		path_put(res);
		err = -ENOTDIR;
	}
	return err;
}

/* open(2) on a kernel-space name; the file or ERR_PTR. */
struct file *do_filp_open(int dfd, const char *name, int flags, umode_t mode)
{
	struct nameidata nd;
	struct inode *inode;
	struct path path;
	struct file *f;
	bool created = false;
	int err = nd_init(&nd, dfd, name, 0);

	if (!err)
		err = link_path_walk(name, &nd);
	if (!err)
		err = open_last(&nd, flags, mode, &path, &created);
	nd_done(&nd);
	if (err)
		return ERR_PTR(err);
	inode = path.dentry->d_inode;
	err = 0;
	if ((flags & O_DIRECTORY) && !S_ISDIR(inode->i_mode))
		err = -ENOTDIR;
	else if (S_ISDIR(inode->i_mode) && !(flags & O_PATH) &&
		 ((flags & O_ACCMODE) != O_RDONLY || (flags & O_CREAT)))
		err = -EISDIR;
	else if (!(flags & O_PATH) && (flags & O_ACCMODE) != O_RDONLY &&
		 S_ISREG(inode->i_mode) && mnt_is_readonly(path.mnt))
		err = -EROFS;
	else if ((flags & O_TRUNC) && !(flags & O_PATH) && !created &&
		 S_ISREG(inode->i_mode))
		err = do_truncate(path.dentry, 0);
	f = err ? ERR_PTR(err) : vfs_open(&path, flags);
	path_put(&path);
	return f;
}

struct file *filp_open(const char *name, int flags, umode_t mode)
{
	return do_filp_open(AT_FDCWD, name, flags, mode);
}

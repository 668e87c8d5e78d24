/*
 * Names of paths: d_path (for /proc/PID/fd, /proc/mounts, getcwd) walks
 * up through dentries and mounts to the process root. CPU thread.
 */
#include <glass/syscalls.h>
#include "internal.h"

static bool prepend(char **p, char *buf, const char *s, int len)
{
	if (*p - buf < len)
		return false;
	*p -= len;
	memcpy(*p, s, len);
	return true;
}

/* Absolute name of p, as seen from the current root, at the end of buf
 * (returned pointer); " (deleted)" marks an unlinked file. Pseudo files
 * (pipes) give their name. ERR_PTR(-ENAMETOOLONG) if buf is too small. */
char *d_path(const struct path *p, char *buf, int buflen)
{
	char *end = buf + buflen, *s = end;
	struct dentry *d = p->dentry;
	struct vfsmount *mnt = p->mnt;
	struct path root;
	bool ok = true;

	if (buflen < 1)
		return ERR_PTR(-ENAMETOOLONG);
	*--s = '\0';
	if (d->d_flags & DCACHE_PSEUDO) {
		if (!prepend(&s, buf, d->d_name, strlen(d->d_name)))
			return ERR_PTR(-ENAMETOOLONG);
		return s;
	}
	if (d->d_flags & DCACHE_UNHASHED)
		ok = prepend(&s, buf, " (deleted)", 10);
	get_fs_root(&root);
	while (ok && !(d == root.dentry && mnt == root.mnt)) {
		if (d == mnt->mnt_root || d->d_parent == d) {
			if (!mnt->mnt_parent || d != mnt->mnt_root)
				break;
			d = mnt->mnt_mountpoint;
			mnt = mnt->mnt_parent;
			continue;
		}
		ok = prepend(&s, buf, d->d_name, strlen(d->d_name)) &&
		     prepend(&s, buf, "/", 1);
		d = d->d_parent;
	}
	path_put(&root);
	if (ok && (*s == '\0' || *s == ' '))
		ok = prepend(&s, buf, "/", 1);
	return ok ? s : ERR_PTR(-ENAMETOOLONG);
}

SYSCALL_DEFINE2(getcwd, char __user *, ubuf, unsigned long, size)
{
	struct path pwd;
	char *page, *p;
	long len;

	get_fs_pwd(&pwd);
	if (pwd.dentry->d_flags & DCACHE_UNHASHED) {
		path_put(&pwd);
		return -ENOENT;
	}
	page = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!page) {
		path_put(&pwd);
		return -ENOMEM;
	}
	p = d_path(&pwd, page, PATH_MAX);
	path_put(&pwd);
	if (IS_ERR(p)) {
		len = PTR_ERR(p);
		goto out;
	}
	len = page + PATH_MAX - p;
	if ((unsigned long)len > size)
		len = -ERANGE;
	else if (copy_to_user(ubuf, p, len))
		len = -EFAULT;
out:
	kfree(page);
	return len;
}

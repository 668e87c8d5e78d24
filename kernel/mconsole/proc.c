/*
 * proc FILE and mem, on the CPU thread at a safe point. proc reads
 * /proc/FILE through the VFS from an internal procfs mount made on first
 * use, as UML's does, so it works whether or not the guest mounted /proc.
 * The walk stays inside that mount and follows procfs's plain symlinks
 * (mounts -> self/mounts); "self" is whichever task the CPU thread was
 * running when the command came, usually the idle task.
 */
#include <glass/fs.h>
#include <glass/mm.h>
#include "internal.h"

#define PROC_MAX_LINKS 8

static struct vfsmount *proc_mnt;

static int proc_mount(void)
{
	struct file_system_type *fst;
	struct vfsmount *m;

	if (proc_mnt)
		return 0;
	fst = get_fs_type("proc");
	if (!fst)
		return -ENODEV;
	m = kern_mount(fst, NULL);
	if (IS_ERR(m))
		return PTR_ERR(m);
	proc_mnt = m;
	return 0;
}

/*
 * Walk name (relative to the proc root) to a dentry with a reference;
 * path is a scratch copy the walk rewrites when it follows a link.
 */
static struct dentry *proc_walk(char *path, size_t size)
{
	struct dentry *d = dget(proc_mnt->mnt_root);
	char *p = path;
	int links = 0;

	while (*p) {
		char *c = p, link[128];
		struct dentry *next;
		size_t len;
		int n;

		while (*p && *p != '/')
			p++;
		len = p - c;
		while (*p == '/')
			p++;
		if (!len || (len == 1 && c[0] == '.'))
			continue;
		if ((len == 2 && c[0] == '.' && c[1] == '.') || !d->d_inode ||
		    !S_ISDIR(d->d_inode->i_mode)) {
			dput(d);
			return ERR_PTR(-ENOENT);
		}
		next = lookup_one_len(c, len, d);
		if (IS_ERR(next) || !next->d_inode) {
			if (!IS_ERR(next))
				dput(next);
			dput(d);
			return IS_ERR(next) ? next : ERR_PTR(-ENOENT);
		}
		if (!S_ISLNK(next->d_inode->i_mode)) {
			dput(d);
			d = next;
			continue;
		}
		/* A plain link, relative to its directory d: splice it in. */
		n = vfs_readlink(next, link, sizeof(link) - 1);
		dput(next);
		if (n <= 0 || link[0] == '/' || ++links > PROC_MAX_LINKS ||
		    n + 1 + strlen(p) + 1 > size) {
			dput(d);
			return ERR_PTR(n < 0 ? n : links > PROC_MAX_LINKS ? -ELOOP : -EXDEV);
		}
		memmove(path + n + 1, p, strlen(p) + 1);
		memcpy(path, link, n);
		path[n] = '/';
		p = path;
	}
	return d;
}

static struct file *proc_open(const char *name)
{
	char path[256];
	struct path p;
	struct dentry *d;
	struct file *f;
	int err = proc_mount();

	if (err)
		return ERR_PTR(err);
	if (strlen(name) >= sizeof(path))
		return ERR_PTR(-ENAMETOOLONG);
	strscpy(path, name, sizeof(path));
	d = proc_walk(path, sizeof(path));
	if (IS_ERR(d))
		return (struct file *)d;
	if (!S_ISREG(d->d_inode->i_mode)) {
		err = S_ISDIR(d->d_inode->i_mode) ? -EISDIR : -EINVAL;
		dput(d);
		return ERR_PTR(err);
	}
	p.mnt = proc_mnt;
	p.dentry = d;
	f = dentry_open(&p, O_RDONLY);
	dput(d);
	return f;
}

/* Copy an open file into out and close it; 0 or -errno. */
static int stream_file(struct cmd_out *out, struct file *f)
{
	static char buf[4096];
	loff_t pos = 0;
	ssize_t n;

	while ((n = kernel_read(f, buf, sizeof(buf), &pos)) > 0)
		cmd_write(out, buf, n);
	filp_close(f);
	return n < 0 ? (int)n : 0;
}

void cmd_proc(struct cmd_out *out, const char *args)
{
	struct file *f;
	int err;

	if (!*args) {
		cmd_error(out, "Please specify a file: proc <file>, as in proc meminfo");
		return;
	}
	f = proc_open(args);
	if (IS_ERR(f)) {
		cmd_error(out, "Failed to open file");
		cmd_printf(out, " /proc/%s: error %ld", args, -PTR_ERR(f));
		return;
	}
	/* As UML: the file's text begins on a line of its own, in a packet
	 * of its own. */
	cmd_puts(out, "\n");
	cmd_flush(out);
	err = stream_file(out, f);
	if (err)
		cmd_printf(out, "\n(read of /proc/%s failed: error %d)\n", args, -err);
}

void cmd_mem(struct cmd_out *out, const char *args)
{
	static char buf[16 << 10];
	struct file *f = proc_open("meminfo");

	if (IS_ERR(f))
		cmd_printf(out, "(/proc/meminfo: error %ld)\n", -PTR_ERR(f));
	else
		stream_file(out, f);
	cmd_puts(out, "\nSlab caches:\n");
	cmd_write(out, buf, slab_info(buf, sizeof(buf)));
}

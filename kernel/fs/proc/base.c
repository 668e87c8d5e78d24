/*
 * /proc/PID: the per-process directories, their entries, the magic links
 * (exe, cwd, root, fd/N) and the fd directory. They are made at lookup
 * and carry the pid in their inode numbers (pid << 8). Task context.
 */
#include <glass/mm.h>
#include "internal.h"

static int show_mounts_file(struct task_struct *t, char *buf, size_t size)
{
	int n = show_mounts(buf, size);
	return n < (int)size ? n : (int)size - 1;
}

static int link_exe(struct task_struct *t, struct path *out)
{
	if (!t->mm || !t->mm->exe_file)
		return -ENOENT;
	*out = t->mm->exe_file->f_path;
	path_get(out);
	return 0;
}

static int link_cwd(struct task_struct *t, struct path *out)
{
	if (!t->fs)
		return -ENOENT;
	*out = t->fs->pwd;
	path_get(out);
	return 0;
}

static int link_root(struct task_struct *t, struct path *out)
{
	if (!t->fs)
		return -ENOENT;
	*out = t->fs->root;
	path_get(out);
	return 0;
}

/* ---- /proc/PID/mem ---- */

/* The process's memory at the file offset, as a debugger sees it
 * (FOLL_FORCE: writes reach read-only text, breaking copy-on-write).
 * The pid is looked up at each access: a dead process reads as EOF. */
static int mem_open(struct inode *inode, struct file *f)
{
	f->private_data = (void *)(long)(inode->i_ino >> 8);
	return find_task_by_pid((pid_t)(inode->i_ino >> 8)) ? 0 : -ESRCH;
}

static ssize_t mem_rw(struct file *f, char __user *buf, size_t count, loff_t *pos,
		      bool write)
{
	struct task_struct *t = find_task_by_pid((pid_t)(long)f->private_data);
	ssize_t done = 0, err = 0;
	char *page;

	if (!t || !t->mm)
		return 0;
	page = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!page)
		return -ENOMEM;
	while (count) {
		size_t n = min_t(size_t, count, PAGE_SIZE);
		long got;

		if (write && copy_from_user(page, buf + done, n)) {
			err = -EFAULT;
			break;
		}
		got = access_remote_vm(t->mm, *pos, page, n,
				       FOLL_FORCE | (write ? FOLL_WRITE : 0));
		if (got <= 0) {
			err = -EIO;
			break;
		}
		if (!write && copy_to_user(buf + done, page, got)) {
			err = -EFAULT;
			break;
		}
		done += got;
		*pos += got;
		count -= got;
		if ((size_t)got < n)
			break;
	}
	kfree(page);
	return done ? done : err;
}

static ssize_t mem_read(struct file *f, char __user *buf, size_t count, loff_t *pos)
{
	return mem_rw(f, buf, count, pos, false);
}

static ssize_t mem_write(struct file *f, const char __user *buf, size_t count, loff_t *pos)
{
	return mem_rw(f, (char __user *)buf, count, pos, true);
}

static const struct file_operations proc_mem_fops = {
	.open = mem_open,
	.read = mem_read,
	.write = mem_write,
	.llseek = generic_file_llseek,
};

static const struct proc_entry pid_entries[] = {
	{ "cmdline", S_IFREG | 0444, proc_pid_cmdline_show },
	{ "comm", S_IFREG | 0644, proc_pid_comm_show },
	{ "cwd", S_IFLNK | 0777, .link = link_cwd },
	{ "environ", S_IFREG | 0400, proc_pid_environ_show },
	{ "exe", S_IFLNK | 0777, .link = link_exe },
	{ "fd", S_IFDIR | 0500 },
	{ "maps", S_IFREG | 0444, proc_pid_maps_show },
	{ "mem", S_IFREG | 0600, .fops = &proc_mem_fops },
	{ "mounts", S_IFREG | 0444, show_mounts_file },
	{ "root", S_IFLNK | 0777, .link = link_root },
	{ "stat", S_IFREG | 0444, proc_pid_stat_show },
	{ "statm", S_IFREG | 0444, proc_pid_statm_show },
	{ "status", S_IFREG | 0444, proc_pid_status_show },
	{ "task", S_IFDIR | 0555 },
};

const struct proc_entry pid_dir_entry = {
	"", S_IFDIR | 0555, .children = pid_entries, .nchildren = ARRAY_SIZE(pid_entries)
};

/* ---- /proc/PID/fd ---- */

static int fd_link(struct task_struct *t, unsigned fd, struct path *out)
{
	struct file *f;

	if (!t->files || fd >= t->files->max_fds || !(f = t->files->fd[fd]))
		return -ENOENT;
	*out = f->f_path;
	path_get(out);
	return 0;
}

static int fd_readlink(struct dentry *d, char *buf, int size)
{
	struct task_struct *t = find_task_by_pid((pid_t)(d->d_inode->i_ino >> 8));
	unsigned fd = (unsigned)(unsigned long)d->d_inode->i_private;
	char tmp[PATH_MAX], *s;
	struct path p;
	int err;

	if (!t)
		return -ENOENT;
	err = fd_link(t, fd, &p);
	if (err)
		return err;
	s = d_path(&p, tmp, sizeof(tmp));
	path_put(&p);
	return IS_ERR(s) ? PTR_ERR(s) : scnprintf(buf, size, "%s", s);
}

static int fd_get_link_path(struct dentry *d, struct path *out)
{
	struct task_struct *t = find_task_by_pid((pid_t)(d->d_inode->i_ino >> 8));

	if (!t)
		return -ENOENT;
	return fd_link(t, (unsigned)(unsigned long)d->d_inode->i_private, out);
}

static const struct inode_operations proc_fd_link_iops = {
	.readlink = fd_readlink,
	.get_link_path = fd_get_link_path,
};

static struct dentry *proc_fd_lookup(struct inode *dir, struct dentry *d)
{
	struct task_struct *t = find_task_by_pid((pid_t)(dir->i_ino >> 8));
	unsigned long fd;
	struct inode *inode;

	if (!t || !proc_parse_uint(d->d_name, &fd) || !t->files || fd >= t->files->max_fds ||
	    !t->files->fd[fd])
		return NULL;
	inode = new_inode(dir->i_sb);
	if (!inode)
		return ERR_PTR(-ENOMEM);
	inode->i_ino = (dir->i_ino & ~0xffUL) | 0xff;
	inode->i_mode = S_IFLNK | 0700;
	inode->i_op = &proc_fd_link_iops;
	inode->i_private = (void *)fd;
	d_instantiate(d, inode);
	return NULL;
}

static int proc_fd_iterate(struct file *f, struct dir_context *ctx)
{
	pid_t pid = (pid_t)(f->f_inode->i_ino >> 8);
	struct task_struct *t = find_task_by_pid(pid);
	char name[16];

	if (ctx->pos == 0 && !dir_emit(ctx, ".", 1, f->f_inode->i_ino, DT_DIR))
		return 0;
	if (ctx->pos == 0)
		ctx->pos = 1;
	if (ctx->pos == 1 && !dir_emit(ctx, "..", 2, pid << 8, DT_DIR))
		return 0;
	if (ctx->pos == 1)
		ctx->pos = 2;
	for (unsigned fd = ctx->pos - 2; t && t->files && fd < t->files->max_fds; fd++) {
		ctx->pos = fd + 2;
		if (!t->files->fd[fd])
			continue;
		int n = scnprintf(name, sizeof(name), "%u", fd);
		if (!dir_emit(ctx, name, n, (pid << 8) | 0xff, DT_LNK))
			return 0;
	}
	ctx->pos = t && t->files ? t->files->max_fds + 2 : 2;
	return 0;
}

const struct file_operations proc_fd_fops = {
	.iterate = proc_fd_iterate,
	.llseek = generic_file_llseek,
};
const struct inode_operations proc_fd_iops = {
	.lookup = proc_fd_lookup,
};

/* ---- the pid directories in /proc ---- */

struct inode *proc_pid_lookup(struct inode *dir, const char *name)
{
	struct task_struct *t;
	unsigned long pid;

	if (!proc_parse_uint(name, &pid) || pid >= (1UL << 22))
		return NULL;
	t = find_task_by_pid((pid_t)pid);
	if (!t || (t->flags & PF_IDLE))
		return NULL;
	return proc_make_inode(dir->i_sb, &pid_dir_entry, pid << 8);
}

int proc_pid_readdir(struct dir_context *ctx, int nents)
{
	struct task_struct *t;
	char name[16];

	/* In pid order: pos = 2 + nents + pid. */
	for (;;) {
		pid_t next = 0, after = ctx->pos - 2 - nents;
		list_for_each_entry(t, &task_list, tasks)
			if (t->pid == t->tgid && t->pid > after && (!next || t->pid < next) &&
			    !(t->flags & PF_IDLE))
				next = t->pid;
		if (!next)
			return 0;
		int n = scnprintf(name, sizeof(name), "%d", next);
		if (!dir_emit(ctx, name, n, (unsigned long)next << 8, DT_DIR))
			return 0;
		ctx->pos = 2 + nents + next;
	}
}


/*
 * procfs: a pseudo-filesystem whose entries are made at lookup time and
 * dropped when unused (the dcache keeps nothing unpinned), so /proc/PID
 * appears and disappears with its process. File text is generated at
 * open into a buffer that reads then serve. This is the core: the file,
 * link and directory operations, the global entries and the mount; the
 * per-process directories are in base.c.
 *
 * Inode numbers: global entries 1..N, PID directories (pid << 8), and
 * their entries (pid << 8) + 1 + index.
 */
#include <glass/debug.h>
#include <glass/init.h>
#include <glass/mm.h>
#include <glass/module.h>
#include <glass/proc.h>
#include "internal.h"

#define PROC_SUPER_MAGIC 0x9fa0
#define PROC_BUF_MAX (256 << 10)

/* ---- generated files ---- */

struct proc_buf {
	char *text;
	size_t len;
};

static int proc_file_open(struct inode *inode, struct file *f)
{
	const struct proc_entry *e = inode->i_private;
	pid_t pid = (pid_t)(inode->i_ino >> 8);
	struct task_struct *t = NULL;
	struct proc_buf *pb;
	size_t size = 4096;

	if (pid) {
		t = find_task_by_pid(pid);
		if (!t)
			return -ESRCH;
	}
	pb = kzalloc(sizeof(*pb), GFP_KERNEL);
	if (!pb)
		return -ENOMEM;
	/* Grow until the text fits (show functions cut at size - 1). */
	for (;;) {
		pb->text = kmalloc(size, GFP_KERNEL);
		if (!pb->text) {
			kfree(pb);
			return -ENOMEM;
		}
		pb->len = e->show(t, pb->text, size);
		if (pb->len + 1 < size || size >= PROC_BUF_MAX)
			break;
		kfree(pb->text);
		size *= 4;
	}
	f->private_data = pb;
	return 0;
}

static ssize_t proc_file_read(struct file *f, char __user *buf, size_t count, loff_t *pos)
{
	struct proc_buf *pb = f->private_data;

	return simple_read_from_buffer(buf, count, pos, pb->text, pb->len);
}

static int proc_file_release(struct inode *inode, struct file *f)
{
	struct proc_buf *pb = f->private_data;

	if (pb) {
		kfree(pb->text);
		kfree(pb);
	}
	return 0;
}

/* A sysctl write: the whole value in one write, as Linux's for numbers. */
static ssize_t proc_file_write(struct file *f, const char __user *buf, size_t count,
			       loff_t *pos)
{
	const struct proc_entry *e = f->f_inode->i_private;
	char kbuf[32];
	int err;

	if (!e->store)
		return -EIO;
	if (count >= sizeof(kbuf))
		return -EINVAL;
	if (copy_from_user(kbuf, buf, count))
		return -EFAULT;
	kbuf[count] = '\0';
	if (count && kbuf[count - 1] == '\n')
		kbuf[count - 1] = '\0';
	err = e->store(kbuf);
	return err ? err : (ssize_t)count;
}

static const struct file_operations proc_file_fops = {
	.open = proc_file_open,
	.read = proc_file_read,
	.write = proc_file_write,
	.release = proc_file_release,
	.llseek = generic_file_llseek,
};

/* ---- global files that wrap other subsystems ---- */

static int show_filesystems_file(struct task_struct *t, char *buf, size_t size)
{
	int n = show_filesystems(buf, size);
	return n < (int)size ? n : (int)size - 1;
}

static int show_devices_file(struct task_struct *t, char *buf, size_t size)
{
	int n = show_devices(buf, size);
	return n < (int)size ? n : (int)size - 1;
}

static int show_modules(struct task_struct *t, char *buf, size_t size)
{
	return module_list_show(buf, size);
}

static int show_zero(struct task_struct *t, char *buf, size_t size)
{
	return scnprintf(buf, size, "0\n");
}

static int show_hostname(struct task_struct *t, char *buf, size_t size);

static const struct proc_entry sys_kernel_entries[] = {
	{ "hostname", S_IFREG | 0444, show_hostname },
	{ "hung_task_timeout_secs", S_IFREG | 0644, hung_task_timeout_show,
	  .store = hung_task_timeout_store },
	{ "sysrq", S_IFREG | 0644, sysrq_sysctl_show, .store = sysrq_sysctl_store },
	{ "tainted", S_IFREG | 0444, show_zero },
	{ "watchdog_thresh", S_IFREG | 0644, watchdog_thresh_show, .store = watchdog_thresh_store },
};
static const struct proc_entry sys_entries[] = {
	{ "kernel", S_IFDIR | 0555, .children = sys_kernel_entries,
	  .nchildren = ARRAY_SIZE(sys_kernel_entries) },
};
static const struct proc_entry glass_entries[] = {
	{ "stats", S_IFREG | 0444, proc_glass_stats_show },
};

static const struct proc_entry root_entries[] = {
	{ "cmdline", S_IFREG | 0444, proc_cmdline_show },
	{ "devices", S_IFREG | 0444, show_devices_file },
	{ "filesystems", S_IFREG | 0444, show_filesystems_file },
	{ "glass", S_IFDIR | 0555, .children = glass_entries, .nchildren = ARRAY_SIZE(glass_entries) },
	{ "loadavg", S_IFREG | 0444, proc_loadavg_show },
	{ "meminfo", S_IFREG | 0444, proc_meminfo_show },
	{ "modules", S_IFREG | 0444, show_modules },
	{ "mounts", S_IFLNK | 0777 },
	{ "self", S_IFLNK | 0777 },
	{ "stat", S_IFREG | 0444, proc_stat_show },
	{ "sys", S_IFDIR | 0555, .children = sys_entries, .nchildren = ARRAY_SIZE(sys_entries) },
	{ "thread-self", S_IFLNK | 0777 },
	{ "uptime", S_IFREG | 0444, proc_uptime_show },
	{ "version", S_IFREG | 0444, proc_version_show },
};

static int show_hostname(struct task_struct *t, char *buf, size_t size)
{
	return scnprintf(buf, size, "%s\n", uts_nodename());
}

/* ---- symlinks ---- */

static int proc_readlink(struct dentry *d, char *buf, int size)
{
	const struct proc_entry *e = d->d_inode->i_private;
	pid_t pid = (pid_t)(d->d_inode->i_ino >> 8);
	struct path p;
	char *s, tmp[PATH_MAX];
	int err;

	if (!strcmp(e->name, "self"))
		return scnprintf(buf, size, "%d", current->tgid);
	if (!strcmp(e->name, "thread-self"))
		return scnprintf(buf, size, "%d/task/%d", current->tgid, current->pid);
	if (!strcmp(e->name, "mounts"))
		return scnprintf(buf, size, "self/mounts");
	if (!e->link)
		return -EINVAL;
	struct task_struct *t = find_task_by_pid(pid);
	if (!t)
		return -ENOENT;
	err = e->link(t, &p);
	if (err)
		return err;
	s = d_path(&p, tmp, sizeof(tmp));
	path_put(&p);
	if (IS_ERR(s))
		return PTR_ERR(s);
	return scnprintf(buf, size, "%s", s);
}

static int proc_get_link_path(struct dentry *d, struct path *out)
{
	const struct proc_entry *e = d->d_inode->i_private;
	struct task_struct *t = find_task_by_pid((pid_t)(d->d_inode->i_ino >> 8));

	if (!e->link)
		return -EINVAL;         /* a plain symlink: use readlink */
	if (!t)
		return -ENOENT;
	return e->link(t, out);
}

static const struct inode_operations proc_link_iops = {
	.readlink = proc_readlink,
	.get_link_path = proc_get_link_path,
};

static const struct inode_operations proc_plain_link_iops = {
	.readlink = proc_readlink,
};

/* ---- directories of static entries ---- */

bool proc_parse_uint(const char *s, unsigned long *v)
{
	unsigned long long x;

	if (kstrtoull(s, 10, &x) || (s[0] == '0' && s[1]))
		return false;
	*v = x;
	return true;
}


static const struct proc_entry root_dir_entry = {
	"", S_IFDIR | 0555, .children = root_entries, .nchildren = ARRAY_SIZE(root_entries)
};

static struct dentry *proc_dir_lookup(struct inode *dir, struct dentry *d);
static int proc_dir_iterate(struct file *f, struct dir_context *ctx);

static const struct file_operations proc_dir_fops = {
	.iterate = proc_dir_iterate,
	.llseek = generic_file_llseek,
};
static const struct inode_operations proc_dir_iops = {
	.lookup = proc_dir_lookup,
};

struct inode *proc_make_inode(struct super_block *sb, const struct proc_entry *e, ino_t ino)
{
	struct inode *inode = new_inode(sb);

	if (!inode)
		return NULL;
	inode->i_ino = ino;
	inode->i_mode = e->mode;
	inode->i_private = (void *)e;
	inode->i_nlink = S_ISDIR(e->mode) ? 2 : 1;
	if (S_ISDIR(e->mode)) {
		if (e->children) {
			inode->i_op = &proc_dir_iops;
			inode->i_fop = &proc_dir_fops;
		} else if (!strcmp(e->name, "fd")) {
			inode->i_op = &proc_fd_iops;
			inode->i_fop = &proc_fd_fops;
		} else {
			/* task/: threads are listed by their pid directories */
			inode->i_op = &simple_dir_inode_operations;
			inode->i_fop = &simple_dir_operations;
		}
	} else if (S_ISLNK(e->mode)) {
		inode->i_op = e->link ? &proc_link_iops : &proc_plain_link_iops;
	} else {
		inode->i_fop = e->fops ? e->fops : &proc_file_fops;
		if (e->store)
			inode->i_op = &simple_attr_inode_operations;
	}
	return inode;
}

static bool is_root(struct inode *dir)
{
	return dir->i_private == &root_dir_entry;
}

static struct dentry *proc_dir_lookup(struct inode *dir, struct dentry *d)
{
	const struct proc_entry *de = dir->i_private;
	struct inode *inode = NULL;

	for (int i = 0; i < de->nchildren; i++) {
		if (strcmp(de->children[i].name, d->d_name))
			continue;
		/* Entries of a pid directory carry the pid in their number. */
		inode = proc_make_inode(dir->i_sb, &de->children[i],
					(dir->i_ino & ~0xffUL) + (de == &pid_dir_entry ? 1 : 16) + i);
		break;
	}
	if (!inode && is_root(dir))
		inode = proc_pde_lookup(dir->i_sb, d->d_name);
	if (!inode && is_root(dir))
		inode = proc_pid_lookup(dir, d->d_name);
	if (!inode)
		return NULL;    /* stays negative: ENOENT */
	d_instantiate(d, inode);
	return NULL;
}

static int proc_dir_iterate(struct file *f, struct dir_context *ctx)
{
	const struct proc_entry *de = f->f_inode->i_private;

	if (!dir_emit_dots(f, ctx))
		return 0;
	while (ctx->pos - 2 < de->nchildren) {
		const struct proc_entry *e = &de->children[ctx->pos - 2];
		if (!dir_emit(ctx, e->name, strlen(e->name), 100 + ctx->pos, (e->mode >> 12) & 15))
			return 0;
		ctx->pos++;
	}
	if (!is_root(f->f_inode) || !proc_pde_readdir(ctx, 2 + de->nchildren))
		return 0;
	return proc_pid_readdir(ctx, de->nchildren + PROC_PDE_SLOTS);
}

bool proc_static_name(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(root_entries); i++)
		if (!strcmp(root_entries[i].name, name))
			return true;
	return false;
}

static const struct super_operations proc_sops = {
	.evict_inode = proc_pde_evict,
};

static int proc_fill_super(struct super_block *sb, const char *dev, void *data)
{
	struct inode *root;

	sb->s_magic = PROC_SUPER_MAGIC;
	sb->s_op = &proc_sops;
	root = proc_make_inode(sb, &root_dir_entry, 1);
	if (!root)
		return -ENOMEM;
	sb->s_root = d_make_root(root);
	return sb->s_root ? 0 : -ENOMEM;
}

static struct file_system_type proc_fs_type = {
	.name = "proc",
	.fill_super = proc_fill_super,
	.nodev = true,
};

static int proc_init(void)
{
	return register_filesystem(&proc_fs_type);
}
fs_initcall(proc_init);

/*
 * sysfs, as far as modules need it: /sys/module/NAME/ with initstate,
 * refcnt, sections/SECTION (each section's address, "0x%016lx\n" as
 * Linux shows it to root) and parameters/PARAM (each parameter with a
 * nonzero perm, in that mode; a write sets it through its ops, one
 * trailing newline dropped, as `echo 3 >` writes it). Every level is computed at lookup from the
 * module list, nothing is cached (the dcache drops unpinned entries), so
 * a module's directory goes with it. File text is made at open. CPU
 * thread; lookups take module_mutex.
 */
#include <glass/errno.h>
#include <glass/fs.h>
#include <glass/init.h>
#include <glass/kernel.h>
#include <glass/mm.h>
#include <glass/string.h>
#include <glass/uaccess.h>
#include "internal.h"

#define SYSFS_MAGIC 0x62656572

/* What an inode is; in i_private. */
enum sysfs_kind { SYSFS_ROOT = 1, SYSFS_MODULES, SYSFS_MODULE, SYSFS_SECTIONS,
		  SYSFS_ATTR, SYSFS_SECTION, SYSFS_PARAMS, SYSFS_PARAM };

/* As Linux: sections/ shows the loaded sections that hold something
 * (mod->sections also has empty ones and .modinfo, for gdb). */
static bool section_shown(const struct module_section *sec)
{
	return sec && sec->addr && sec->size;       /* placed and not empty */
}

static const char *const module_attrs[] = { "initstate", "refcnt" };

/* A parameter shown in parameters/: Linux hides those of perm 0. */
static const struct kernel_param *module_find_param(const struct module *mod,
						      const char *name)
{
	for (unsigned int i = 0; i < mod->num_kp; i++)
		if (mod->kp[i].perm && !strcmp(mod->kp[i].name, name))
			return &mod->kp[i];
	return NULL;
}

static bool has_params(const struct module *mod)
{
	for (unsigned int i = 0; i < mod->num_kp; i++)
		if (mod->kp[i].perm)
			return true;
	return false;
}

static enum sysfs_kind kind_of(const struct inode *inode)
{
	return (enum sysfs_kind)(uintptr_t)inode->i_private;
}

/* The module a dentry at this kind of place belongs to, by name; caller
 * holds module_mutex. */
static struct module *dentry_module(struct dentry *d, enum sysfs_kind kind)
{
	switch (kind) {
	case SYSFS_MODULE:
		return find_module(d->d_name);
	case SYSFS_SECTIONS:
	case SYSFS_PARAMS:
	case SYSFS_ATTR:
		return find_module(d->d_parent->d_name);
	case SYSFS_SECTION:
	case SYSFS_PARAM:
		return find_module(d->d_parent->d_parent->d_name);
	default:
		return NULL;
	}
}

static size_t attr_show(const struct module *mod, const char *attr, char *buf, size_t size)
{
	static const char *const states[] = { "coming", "live", "going" };

	if (!strcmp(attr, "initstate"))
		return scnprintf(buf, size, "%s\n", states[mod->state]);
	return scnprintf(buf, size, "%d\n", mod->refcnt);
}

struct sysfs_text {
	size_t len;
	char text[PAGE_SIZE];   /* a parameter's get may fill a page */
};

/* A parameter's text; -EACCES for an access its perm does not give
 * (root too, as kernfs refuses an open its file cannot serve). */
static int param_open(const struct kernel_param *kp, struct file *f, struct sysfs_text *t)
{
	if (!kp)
		return -ENOENT;
	if (((f->f_mode & FMODE_WRITE) && !(kp->perm & 0222)) ||
	    ((f->f_mode & FMODE_READ) && !(kp->perm & 0444)))
		return -EACCES;
	t->len = kp->ops->get ? kp->ops->get(t->text, kp) : 0;
	return 0;
}

static int sysfs_file_open(struct inode *inode, struct file *f)
{
	struct dentry *d = f->f_path.dentry;
	const struct module_section *sec;
	struct sysfs_text *t;
	struct module *mod;
	int err = -ENOENT;

	if ((f->f_mode & FMODE_WRITE) && kind_of(inode) != SYSFS_PARAM)
		return -EACCES;
	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	mutex_lock(&module_mutex);
	mod = dentry_module(d, kind_of(inode));
	if (mod && kind_of(inode) == SYSFS_PARAM) {
		err = param_open(module_find_param(mod, d->d_name), f, t);
	} else if (mod && kind_of(inode) == SYSFS_ATTR) {
		t->len = attr_show(mod, d->d_name, t->text, sizeof(t->text));
		err = 0;
	} else if (mod && (sec = module_find_section(mod, d->d_name))) {
		t->len = scnprintf(t->text, sizeof(t->text), "0x%016lx\n", sec->addr);
		err = 0;
	}
	mutex_unlock(&module_mutex);
	if (err) {
		kfree(t);
		return err;
	}
	f->private_data = t;
	return 0;
}

static ssize_t sysfs_file_read(struct file *f, char __user *buf, size_t count, loff_t *pos)
{
	struct sysfs_text *t = f->private_data;

	return simple_read_from_buffer(buf, count, pos, t->text, t->len);
}

/* Set a parameter: the whole text at once, as sysfs takes a store. */
static ssize_t sysfs_file_write(struct file *f, const char __user *buf, size_t count,
				loff_t *pos)
{
	struct dentry *d = f->f_path.dentry;
	const struct kernel_param *kp;
	struct module *mod;
	char *val;
	int err;

	if (count >= PAGE_SIZE)
		return -EINVAL;
	val = kmalloc(count + 1, GFP_KERNEL);
	if (!val)
		return -ENOMEM;
	err = -EFAULT;
	if (copy_from_user(val, buf, count))
		goto out;
	val[count] = '\0';
	if (count && val[count - 1] == '\n')
		val[count - 1] = '\0';
	mutex_lock(&module_mutex);
	mod = dentry_module(d, SYSFS_PARAM);
	kp = mod ? module_find_param(mod, d->d_name) : NULL;
	err = kp ? kp->ops->set(val, kp) : -ENODEV;
	mutex_unlock(&module_mutex);
out:
	kfree(val);
	return err ? err : (ssize_t)count;
}

static int sysfs_file_release(struct inode *inode, struct file *f)
{
	kfree(f->private_data);
	return 0;
}

static const struct file_operations sysfs_file_fops = {
	.open = sysfs_file_open,
	.read = sysfs_file_read,
	.write = sysfs_file_write,
	.release = sysfs_file_release,
	.llseek = generic_file_llseek,
};

static struct dentry *sysfs_lookup(struct inode *dir, struct dentry *d);
static int sysfs_iterate(struct file *f, struct dir_context *ctx);

static const struct inode_operations sysfs_dir_iops = { .lookup = sysfs_lookup };
static const struct file_operations sysfs_dir_fops = {
	.iterate = sysfs_iterate,
	.llseek = generic_file_llseek,
};

/* A directory, or a file of mode perm. */
static struct inode *sysfs_inode(struct super_block *sb, enum sysfs_kind kind, umode_t perm)
{
	struct inode *inode = new_inode(sb);

	if (!inode)
		return NULL;
	inode->i_private = (void *)(uintptr_t)kind;
	if (perm) {
		inode->i_mode = S_IFREG | perm;
		inode->i_nlink = 1;
		inode->i_size = 4096;   /* Linux's sysfs size; reads end at the text */
		inode->i_op = &simple_attr_inode_operations;
		inode->i_fop = &sysfs_file_fops;
	} else {
		inode->i_mode = S_IFDIR | 0755;
		inode->i_nlink = 2;
		inode->i_op = &sysfs_dir_iops;
		inode->i_fop = &sysfs_dir_fops;
	}
	return inode;
}

/* The kind of dir's child called name, or 0 if it has none; a file's
 * mode bits into *perm (0 for a directory). */
static enum sysfs_kind child_kind(struct dentry *dir, enum sysfs_kind kind, const char *name,
				  umode_t *perm)
{
	const struct kernel_param *kp;
	struct module *mod;

	*perm = 0;
	switch (kind) {
	case SYSFS_ROOT:
		return strcmp(name, "module") ? 0 : SYSFS_MODULES;
	case SYSFS_MODULES:
		return find_module(name) ? SYSFS_MODULE : 0;
	case SYSFS_MODULE:
		if (!strcmp(name, "sections"))
			return SYSFS_SECTIONS;
		if (!strcmp(name, "parameters"))
			return (mod = find_module(dir->d_name)) && has_params(mod) ? SYSFS_PARAMS : 0;
		*perm = 0444;
		for (size_t i = 0; i < ARRAY_SIZE(module_attrs); i++)
			if (!strcmp(name, module_attrs[i]))
				return SYSFS_ATTR;
		return 0;
	case SYSFS_SECTIONS:
		/* Section addresses are root's only, as Linux's 0400. */
		*perm = 0400;
		mod = find_module(dir->d_parent->d_name);
		return mod && section_shown(module_find_section(mod, name)) ? SYSFS_SECTION : 0;
	case SYSFS_PARAMS:
		mod = find_module(dir->d_parent->d_name);
		kp = mod ? module_find_param(mod, name) : NULL;
		if (!kp)
			return 0;
		*perm = kp->perm & 0777;
		return SYSFS_PARAM;
	default:
		return 0;
	}
}

static struct dentry *sysfs_lookup(struct inode *dir, struct dentry *d)
{
	enum sysfs_kind kind;
	struct inode *inode;
	umode_t perm;

	mutex_lock(&module_mutex);
	kind = child_kind(d->d_parent, kind_of(dir), d->d_name, &perm);
	mutex_unlock(&module_mutex);
	if (!kind)
		return NULL;    /* negative: ENOENT */
	inode = sysfs_inode(dir->i_sb, kind, perm);
	if (!inode)
		return ERR_PTR(-ENOMEM);
	d_instantiate(d, inode);
	return NULL;
}

/* The name of dir's child number i into name; false past the last. */
static bool child_name(struct dentry *dir, enum sysfs_kind kind, unsigned long i,
		       char *name, size_t size)
{
	struct module *mod;

	switch (kind) {
	case SYSFS_ROOT:
		return !i && strscpy(name, "module", size);
	case SYSFS_MODULES:
		list_for_each_entry(mod, &modules, list)
			if (!i--)
				return strscpy(name, mod->name, size);
		return false;
	case SYSFS_MODULE:
		if (i < ARRAY_SIZE(module_attrs))
			return strscpy(name, module_attrs[i], size);
		if (i == ARRAY_SIZE(module_attrs))
			return strscpy(name, "sections", size);
		mod = find_module(dir->d_name);
		return i == ARRAY_SIZE(module_attrs) + 1 && mod && has_params(mod) &&
		       strscpy(name, "parameters", size);
	case SYSFS_SECTIONS:
		mod = find_module(dir->d_parent->d_name);
		for (unsigned int s = 0; mod && s < mod->nr_sections; s++)
			if (section_shown(&mod->sections[s]) && !i--)
				return strscpy(name, mod->sections[s].name, size);
		return false;
	case SYSFS_PARAMS:
		mod = find_module(dir->d_parent->d_name);
		for (unsigned int p = 0; mod && p < mod->num_kp; p++)
			if (mod->kp[p].perm && !i--)
				return strscpy(name, mod->kp[p].name, size);
		return false;
	default:
		return false;
	}
}

/* Sections' and parameters' entries and module attributes are files. */
static bool child_is_file(enum sysfs_kind kind, const char *name)
{
	if (kind == SYSFS_SECTIONS || kind == SYSFS_PARAMS)
		return true;
	return kind == SYSFS_MODULE && strcmp(name, "sections") && strcmp(name, "parameters");
}

static int sysfs_iterate(struct file *f, struct dir_context *ctx)
{
	struct dentry *dir = f->f_path.dentry;
	char name[MODULE_NAME_LEN + 64];

	if (!dir_emit_dots(f, ctx))
		return 0;
	for (;;) {
		bool more;

		mutex_lock(&module_mutex);
		more = child_name(dir, kind_of(f->f_inode), ctx->pos - 2, name, sizeof(name));
		mutex_unlock(&module_mutex);
		if (!more)
			return 0;
		if (!dir_emit(ctx, name, strlen(name), 1000 + ctx->pos,
			      child_is_file(kind_of(f->f_inode), name) ? DT_REG : DT_DIR))
			return 0;
		ctx->pos++;
	}
}

static int sysfs_fill_super(struct super_block *sb, const char *dev, void *data)
{
	struct inode *root;

	sb->s_magic = SYSFS_MAGIC;
	root = sysfs_inode(sb, SYSFS_ROOT, 0);
	if (!root)
		return -ENOMEM;
	sb->s_root = d_make_root(root);
	return sb->s_root ? 0 : -ENOMEM;
}

static struct file_system_type sysfs_fs_type = {
	.name = "sysfs",
	.fill_super = sysfs_fill_super,
	.nodev = true,
};

static int sysfs_init(void)
{
	return register_filesystem(&sysfs_fs_type);
}
fs_initcall(sysfs_init);

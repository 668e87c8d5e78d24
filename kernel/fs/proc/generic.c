/*
 * procfs entries made at run time (glass/proc_fs.h): /proc/NAME backed by
 * a driver's or module's proc_ops. Entries sit in a fixed table of slots
 * beside the static ones of root.c; an entry's inode calls the ops
 * through wrappers that count calls under way and remember open files,
 * so proc_remove can wait for the first and close the second, as Linux's
 * remove_proc_entry does. An entry's memory lives while its slot or an
 * inode refers to it.
 */
#include <glass/export.h>
#include <glass/mm.h>
#include <glass/proc_fs.h>
#include <glass/seq_file.h>
#include "internal.h"

#define PDE_NAME_LEN 32

struct pde_opener {
	struct file *file;
	struct list_head list;
};

struct proc_dir_entry {
	char name[PDE_NAME_LEN];
	umode_t mode;
	const struct proc_ops *proc_ops;
	void *data;
	int (*single_show)(struct seq_file *, void *);
	int slot;
	int count;                      /* the slot's reference, one per inode */
	int in_use;                     /* calls into proc_ops under way */
	bool removed;
	wait_queue_head_t wait;         /* proc_remove waits for in_use == 0 */
	struct list_head openers;       /* files open, for closing at removal */
};

static struct proc_dir_entry *pde_slots[PROC_PDE_SLOTS];

static void pde_put(struct proc_dir_entry *pde)
{
	if (!--pde->count)
		kfree(pde);
}

/* Enter the entry's ops: false once it is being removed. */
static bool use_pde(struct proc_dir_entry *pde)
{
	if (pde->removed)
		return false;
	pde->in_use++;
	return true;
}

static void unuse_pde(struct proc_dir_entry *pde)
{
	if (!--pde->in_use && pde->removed)
		wake_up(&pde->wait);
}

static struct proc_dir_entry *PDE(const struct inode *inode)
{
	return inode->i_private;
}

void *pde_data(const struct inode *inode)
{
	return PDE(inode)->data;
}
EXPORT_SYMBOL(pde_data);

/* ---- the wrappers every entry's inode uses ---- */

static int proc_reg_open(struct inode *inode, struct file *f)
{
	struct proc_dir_entry *pde = PDE(inode);
	struct pde_opener *op;
	int err = 0;

	if (!use_pde(pde))
		return -ENOENT;
	/* Before ->proc_open, so nothing can fail after it succeeded. */
	op = kmalloc(sizeof(*op), GFP_KERNEL);
	if (!op) {
		err = -ENOMEM;
		goto out;
	}
	if (pde->proc_ops->proc_open)
		err = pde->proc_ops->proc_open(inode, f);
	if (err) {
		kfree(op);
		goto out;
	}
	op->file = f;
	list_add(&op->list, &pde->openers);
out:
	unuse_pde(pde);
	return err;
}

static ssize_t proc_reg_read(struct file *f, char __user *buf, size_t n, loff_t *pos)
{
	struct proc_dir_entry *pde = PDE(f->f_inode);
	ssize_t ret = -EIO;

	if (!use_pde(pde))
		return -EIO;
	if (pde->proc_ops->proc_read)
		ret = pde->proc_ops->proc_read(f, buf, n, pos);
	unuse_pde(pde);
	return ret;
}

static ssize_t proc_reg_write(struct file *f, const char __user *buf, size_t n,
			      loff_t *pos)
{
	struct proc_dir_entry *pde = PDE(f->f_inode);
	ssize_t ret = -EIO;

	if (!use_pde(pde))
		return -EIO;
	if (pde->proc_ops->proc_write)
		ret = pde->proc_ops->proc_write(f, buf, n, pos);
	unuse_pde(pde);
	return ret;
}

static loff_t proc_reg_llseek(struct file *f, loff_t off, int whence)
{
	struct proc_dir_entry *pde = PDE(f->f_inode);
	loff_t ret;

	if (!use_pde(pde))
		return -EIO;
	if (pde->proc_ops->proc_lseek)
		ret = pde->proc_ops->proc_lseek(f, off, whence);
	else
		ret = generic_file_llseek(f, off, whence);
	unuse_pde(pde);
	return ret;
}

static long proc_reg_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	struct proc_dir_entry *pde = PDE(f->f_inode);
	long ret = -ENOTTY;

	if (!use_pde(pde))
		return -EIO;
	if (pde->proc_ops->proc_ioctl)
		ret = pde->proc_ops->proc_ioctl(f, cmd, arg);
	unuse_pde(pde);
	return ret;
}

static unsigned int proc_reg_poll(struct file *f, struct poll_table_struct *pt)
{
	struct proc_dir_entry *pde = PDE(f->f_inode);
	unsigned int mask = DEFAULT_POLLMASK;

	if (!use_pde(pde))
		return POLLERR;
	if (pde->proc_ops->proc_poll)
		mask = pde->proc_ops->proc_poll(f, pt);
	unuse_pde(pde);
	return mask;
}

/* The file's last close. After proc_remove closed it, nothing is left. */
static int proc_reg_release(struct inode *inode, struct file *f)
{
	struct proc_dir_entry *pde = PDE(inode);
	struct pde_opener *op;

	list_for_each_entry(op, &pde->openers, list) {
		if (op->file != f)
			continue;
		list_del(&op->list);
		kfree(op);
		if (pde->proc_ops->proc_release)
			pde->proc_ops->proc_release(inode, f);
		break;
	}
	return 0;
}

static const struct file_operations proc_reg_fops = {
	.open = proc_reg_open,
	.read = proc_reg_read,
	.write = proc_reg_write,
	.llseek = proc_reg_llseek,
	.ioctl = proc_reg_ioctl,
	.poll = proc_reg_poll,
	.release = proc_reg_release,
};

/* ---- creation and removal ---- */

struct proc_dir_entry *proc_create_data(const char *name, umode_t mode,
					struct proc_dir_entry *parent,
					const struct proc_ops *ops, void *data)
{
	struct proc_dir_entry *pde;
	int slot = -1;

	if (parent || strlen(name) >= PDE_NAME_LEN || strchr(name, '/'))
		return NULL;
	for (int i = PROC_PDE_SLOTS - 1; i >= 0; i--) {
		if (!pde_slots[i])
			slot = i;
		else if (!strcmp(pde_slots[i]->name, name))
			return NULL;
	}
	if (slot < 0 || proc_static_name(name))
		return NULL;
	pde = kzalloc(sizeof(*pde), GFP_KERNEL);
	if (!pde)
		return NULL;
	strscpy(pde->name, name, sizeof(pde->name));
	/* As Linux's: a regular file, readable by all unless told. */
	pde->mode = S_IFREG | ((mode & 07777) ? (mode & 07777) : 0444);
	pde->proc_ops = ops;
	pde->data = data;
	pde->slot = slot;
	pde->count = 1;
	init_waitqueue_head(&pde->wait);
	INIT_LIST_HEAD(&pde->openers);
	pde_slots[slot] = pde;
	return pde;
}
EXPORT_SYMBOL(proc_create_data);

struct proc_dir_entry *proc_create(const char *name, umode_t mode,
				   struct proc_dir_entry *parent,
				   const struct proc_ops *ops)
{
	return proc_create_data(name, mode, parent, ops, NULL);
}
EXPORT_SYMBOL(proc_create);

static int proc_single_open(struct inode *inode, struct file *f)
{
	return single_open(f, PDE(inode)->single_show, PDE(inode)->data);
}

static const struct proc_ops proc_single_ops = {
	.proc_open = proc_single_open,
	.proc_read = seq_read,
	.proc_lseek = seq_lseek,
	.proc_release = single_release,
};

struct proc_dir_entry *proc_create_single_data(const char *name, umode_t mode,
					       struct proc_dir_entry *parent,
					       int (*show)(struct seq_file *, void *),
					       void *data)
{
	struct proc_dir_entry *pde = proc_create_data(name, mode, parent,
						      &proc_single_ops, data);

	if (pde)
		pde->single_show = show;
	return pde;
}
EXPORT_SYMBOL(proc_create_single_data);

/* An open file keeps its dentry in the tree: take it out, so that
 * lookups of the name fail at once, as for an unlinked file. */
static void sb_unhash_pde(struct super_block *sb, void *arg)
{
	struct proc_dir_entry *pde = arg;
	struct dentry *d = d_lookup(sb->s_root, pde->name, strlen(pde->name));

	if (!d)
		return;
	if (d->d_inode && PDE(d->d_inode) == pde)
		d_delete(d);
	dput(d);
}

/* Unlist it, wait for calls asleep in its ops, close its open files. */
void proc_remove(struct proc_dir_entry *pde)
{
	struct pde_opener *op, *tmp;

	if (!pde)
		return;
	pde_slots[pde->slot] = NULL;
	iterate_supers_type(get_fs_type("proc"), sb_unhash_pde, pde);
	pde->removed = true;
	wait_event(pde->wait, !pde->in_use);
	list_for_each_entry_safe(op, tmp, &pde->openers, list) {
		list_del(&op->list);
		if (pde->proc_ops->proc_release)
			pde->proc_ops->proc_release(op->file->f_inode, op->file);
		kfree(op);
	}
	pde_put(pde);
}
EXPORT_SYMBOL(proc_remove);

void remove_proc_entry(const char *name, struct proc_dir_entry *parent)
{
	for (int i = 0; !parent && i < PROC_PDE_SLOTS; i++)
		if (pde_slots[i] && !strcmp(pde_slots[i]->name, name)) {
			proc_remove(pde_slots[i]);
			return;
		}
}
EXPORT_SYMBOL(remove_proc_entry);

/* ---- the hooks of root.c ---- */

struct inode *proc_pde_lookup(struct super_block *sb, const char *name)
{
	for (int i = 0; i < PROC_PDE_SLOTS; i++) {
		struct proc_dir_entry *pde = pde_slots[i];
		struct inode *inode;

		if (!pde || strcmp(pde->name, name))
			continue;
		inode = new_inode(sb);
		if (!inode)
			return NULL;
		inode->i_ino = PROC_PDE_INO + i;
		inode->i_mode = pde->mode;
		inode->i_nlink = 1;
		inode->i_op = &simple_attr_inode_operations;
		inode->i_fop = &proc_reg_fops;
		inode->i_private = pde;
		pde->count++;
		return inode;
	}
	return NULL;
}

bool proc_pde_readdir(struct dir_context *ctx, int first)
{
	for (; ctx->pos - first < PROC_PDE_SLOTS; ctx->pos++) {
		struct proc_dir_entry *pde = pde_slots[ctx->pos - first];

		if (pde && !dir_emit(ctx, pde->name, strlen(pde->name),
				     PROC_PDE_INO + pde->slot, DT_REG))
			return false;
	}
	return true;
}

void proc_pde_evict(struct inode *inode)
{
	if (inode->i_fop == &proc_reg_fops)
		pde_put(PDE(inode));
}

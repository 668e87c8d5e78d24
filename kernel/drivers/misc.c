/*
 * Miscellaneous character devices (glass/miscdevice.h): major 10 shared
 * by small drivers, each a minor and a /dev node, as Linux's
 * drivers/char/misc.c. Dynamic minors count down from 63, as Linux's
 * did, below the fixed ones drivers ask for by number.
 */
#include <glass/export.h>
#include <glass/init.h>
#include <glass/miscdevice.h>

#define DYNAMIC_MINORS 64

static LIST_HEAD(misc_list);

static struct miscdevice *find_misc(int minor, const char *name)
{
	struct miscdevice *c;

	list_for_each_entry(c, &misc_list, list)
		if (c->minor == minor || (name && !strcmp(c->name, name)))
			return c;
	return NULL;
}

/* ->open of major 10: hand the file to the driver of the minor, whose
 * module its operations pin while the file is open (fops_get). */
static int misc_open(struct inode *inode, struct file *f)
{
	struct miscdevice *c = find_misc(iminor(inode), NULL);
	const struct file_operations *fops = c ? fops_get(c->fops) : NULL;

	if (!fops)
		return -ENODEV;
	f->private_data = c;
	replace_fops(f, fops);
	return f->f_op->open ? f->f_op->open(inode, f) : 0;
}

static const struct file_operations misc_fops = {
	.open = misc_open,
};

int misc_register(struct miscdevice *misc)
{
	bool dynamic = misc->minor == MISC_DYNAMIC_MINOR;
	int err;

	if (dynamic) {
		int m = DYNAMIC_MINORS - 1;

		while (m >= 0 && find_misc(m, NULL))
			m--;
		if (m < 0)
			return -EBUSY;
		misc->minor = m;
	}
	if (find_misc(misc->minor, misc->name)) {
		err = -EBUSY;
		goto out;
	}
	err = devtmpfs_create_node(misc->name, S_IFCHR | (misc->mode ? misc->mode : 0600),
				   MKDEV(MISC_MAJOR, misc->minor));
	if (err)
		goto out;
	list_add(&misc->list, &misc_list);
	return 0;
out:
	if (dynamic)
		misc->minor = MISC_DYNAMIC_MINOR;
	return err;
}
EXPORT_SYMBOL(misc_register);

void misc_deregister(struct miscdevice *misc)
{
	list_del(&misc->list);
	devtmpfs_delete_node(misc->name, MKDEV(MISC_MAJOR, misc->minor));
}
EXPORT_SYMBOL(misc_deregister);

static int misc_init(void)
{
	return register_chrdev(MISC_MAJOR, "misc", &misc_fops) < 0 ? -EBUSY : 0;
}
device_initcall(misc_init);

/*
 * Character and block device drivers by major number. A device node's
 * inode gets def_chr_fops/def_blk_fops (init_special_inode); opening it
 * looks the major up here, installs the driver's file_operations in the
 * file and calls the driver's ->open, which dispatches on the minor
 * (iminor(inode)) and may install per-minor ops in file->f_op.
 * CPU thread only.
 */
#include <glass/export.h>
#include "internal.h"

#define MAX_DEVS 64
#define DYN_MAJOR_HI 254
#define DYN_MAJOR_LO 234

struct dev_entry {
	unsigned int major;
	bool blk;
	const char *name;
	const struct file_operations *fops;
};

static struct dev_entry devs[MAX_DEVS];
static int nr_devs;

static struct dev_entry *find_dev(unsigned int major, bool blk)
{
	for (int i = 0; i < nr_devs; i++)
		if (devs[i].major == major && devs[i].blk == blk)
			return &devs[i];
	return NULL;
}

static int register_dev(unsigned int major, const char *name,
			const struct file_operations *fops, bool blk)
{
	unsigned int m = major;

	if (nr_devs >= MAX_DEVS)
		return -EBUSY;
	if (!m) {
		for (m = DYN_MAJOR_HI; m >= DYN_MAJOR_LO && find_dev(m, blk); m--)
			;
		if (m < DYN_MAJOR_LO)
			return -EBUSY;
	} else if (find_dev(m, blk) || m >= 4096) {
		return -EBUSY;
	}
	devs[nr_devs++] = (struct dev_entry){ m, blk, name, fops };
	return major ? 0 : (int)m;
}

static void unregister_dev(unsigned int major, bool blk)
{
	struct dev_entry *d = find_dev(major, blk);

	if (d)
		*d = devs[--nr_devs];
}

int register_chrdev(unsigned int major, const char *name,
		    const struct file_operations *fops)
{
	return register_dev(major, name, fops, false);
}
EXPORT_SYMBOL(register_chrdev);

void unregister_chrdev(unsigned int major, const char *name)
{
	(void)name;
	unregister_dev(major, false);
}
EXPORT_SYMBOL(unregister_chrdev);

int register_blkdev(unsigned int major, const char *name,
		    const struct file_operations *fops)
{
	return register_dev(major, name, fops, true);
}

void unregister_blkdev(unsigned int major, const char *name)
{
	(void)name;
	unregister_dev(major, true);
}

/* ->open of every device node: hand over to the driver. */
static int dev_open(struct inode *inode, struct file *f, bool blk)
{
	struct dev_entry *d = find_dev(imajor(inode), blk);
	const struct file_operations *fops = d ? fops_get(d->fops) : NULL;

	/* No driver, or its module is going away (Linux: ENXIO). */
	if (!fops)
		return -ENXIO;
	replace_fops(f, fops);
	if (f->f_op->open)
		return f->f_op->open(inode, f);
	return 0;
}

int chrdev_open(struct inode *inode, struct file *f)
{
	return dev_open(inode, f, false);
}

static int blkdev_open(struct inode *inode, struct file *f)
{
	return dev_open(inode, f, true);
}

const struct file_operations def_chr_fops = { .open = chrdev_open };
const struct file_operations def_blk_fops = { .open = blkdev_open };

/* /proc/devices: "Character devices:" then "Block devices:" lists;
 * returns the length the whole text needs. */
int show_devices(char *buf, size_t size)
{
	size_t len = 0;

	if (size)
		buf[0] = '\0';
	for (int blk = 0; blk < 2; blk++) {
		len += ksnprintf(len < size ? buf + len : NULL, len < size ? size - len : 0,
				 "%s", blk ? "\nBlock devices:\n" : "Character devices:\n");
		for (unsigned int m = 0; m < 4096; m++) {
			struct dev_entry *d = find_dev(m, blk);

			if (d)
				len += ksnprintf(len < size ? buf + len : NULL,
						 len < size ? size - len : 0,
						 "%3u %s\n", m, d->name);
		}
	}
	return len;
}

/*
 * Miscellaneous character devices, as Linux's <linux/miscdevice.h>: a
 * driver fills a struct miscdevice (minor, name, fops) and
 * misc_register() gives it major 10, a minor (MISC_DYNAMIC_MINOR: the
 * next free one) and the node /dev/NAME in devtmpfs. Opening the node
 * installs the driver's fops with file->private_data pointing at the
 * miscdevice. CPU thread, task context.
 */
#ifndef GLASS_MISCDEVICE_H
#define GLASS_MISCDEVICE_H

#include <glass/fs.h>

#define MISC_MAJOR 10
#define MISC_DYNAMIC_MINOR 255

struct miscdevice {
	int minor;                      /* MISC_DYNAMIC_MINOR, or a fixed one */
	const char *name;               /* /dev/NAME; at most 15 characters */
	const struct file_operations *fops;
	umode_t mode;                   /* of the node; 0 means 0600 */
	struct list_head list;
};

/* 0, -EBUSY (the minor or name is taken, no minor left), or the error of
 * making the node. A dynamic minor is written back into misc->minor. */
int misc_register(struct miscdevice *misc);
void misc_deregister(struct miscdevice *misc);

#endif

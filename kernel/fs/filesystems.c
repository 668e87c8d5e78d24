/*
 * The table of filesystem types mount(2) knows (/proc/filesystems).
 * CPU thread only.
 */
#include "internal.h"

static LIST_HEAD(file_systems);

static struct file_system_type *find_filesystem(const char *name)
{
	struct file_system_type *fs;

	list_for_each_entry(fs, &file_systems, list)
		if (strcmp(fs->name, name) == 0)
			return fs;
	return NULL;
}

/* Make fs mountable by name; -EBUSY if the name is taken. */
int register_filesystem(struct file_system_type *fs)
{
	if (find_filesystem(fs->name))
		return -EBUSY;
	list_add_tail(&fs->list, &file_systems);
	return 0;
}

int unregister_filesystem(struct file_system_type *fs)
{
	if (find_filesystem(fs->name) != fs)
		return -EINVAL;
	list_del(&fs->list);
	return 0;
}

struct file_system_type *get_fs_type(const char *name)
{
	return find_filesystem(name);
}

struct file_system_type *next_filesystem(struct file_system_type *prev)
{
	struct list_head *next = prev ? prev->list.next : file_systems.next;

	return next == &file_systems ? NULL : list_entry(next, struct file_system_type, list);
}

/* /proc/filesystems: "nodev\ttmpfs\n" or "\text2\n" per type. */
int show_filesystems(char *buf, size_t size)
{
	struct file_system_type *fs;
	size_t len = 0;

	if (size)
		buf[0] = '\0';
	list_for_each_entry(fs, &file_systems, list)
		len += ksnprintf(len < size ? buf + len : NULL,
				 len < size ? size - len : 0, "%s\t%s\n",
				 fs->nodev ? "nodev" : "", fs->name);
	return len;
}

/*
 * glassproc: a procfs entry, /proc/glassproc. Reading it shows how many
 * times it was read, the jiffies count and who is reading (something
 * live); writing a number sets the counter (echo 0 > /proc/glassproc).
 * Its proc_ops use the seq_file helpers, so the text is one show
 * function.
 */
#include <glass/kernel.h>
#include <glass/module.h>
#include <glass/proc_fs.h>
#include <glass/sched.h>
#include <glass/seq_file.h>
#include <glass/timer.h>
#include <glass/uaccess.h>

static unsigned long reads;
static struct proc_dir_entry *glassproc_entry;

/* Runs at each read from offset 0 (and again if its text outgrew the
 * buffer, which these few lines never do). */
static int glassproc_show(struct seq_file *m, void *v)
{
	reads++;
	seq_printf(m, "reads: %lu\n", reads);
	seq_printf(m, "jiffies: %lu\n", jiffies);
	seq_printf(m, "reader: %s (pid %d)\n", current->comm, current->pid);
	return 0;
}

static int glassproc_open(struct inode *inode, struct file *f)
{
	return single_open(f, glassproc_show, NULL);
}

static ssize_t glassproc_write(struct file *f, const char __user *buf, size_t count,
			       loff_t *pos)
{
	unsigned long long v;
	int err = kstrtoull_from_user(buf, count, 10, &v);

	if (err)
		return err;
	reads = v;
	return count;
}

static const struct proc_ops glassproc_ops = {
	.proc_open = glassproc_open,
	.proc_read = seq_read,
	.proc_write = glassproc_write,
	.proc_lseek = seq_lseek,
	.proc_release = single_release,
};

static int glassproc_init(void)
{
	glassproc_entry = proc_create("glassproc", 0644, NULL, &glassproc_ops);
	if (!glassproc_entry)
		return -ENOMEM;
	pr_info("glassproc: /proc/glassproc created\n");
	return 0;
}

static void glassproc_exit(void)
{
	proc_remove(glassproc_entry);
	pr_info("glassproc: /proc/glassproc removed after %lu reads\n", reads);
}

module_init(glassproc_init);
module_exit(glassproc_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("A /proc entry with a counter");

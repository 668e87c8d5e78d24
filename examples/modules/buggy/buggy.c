/*
 * buggy: three classic kernel bugs, each set off by a word written to
 * /dev/buggy, for practising with the debugging tools:
 *
 *   echo null > /dev/buggy       a NULL pointer dereference: the stats
 *                                structure was never allocated
 *   echo bug > /dev/buggy        a BUG_ON whose condition holds
 *   echo deadlock > /dev/buggy   the writer takes buggy_lock, then calls
 *                                a helper that takes it again: it sleeps
 *                                forever, uninterruptibly
 *
 * What Glass does with each is in examples/modules/README.md.
 */
#include <glass/fs.h>
#include <glass/kernel.h>
#include <glass/miscdevice.h>
#include <glass/module.h>
#include <glass/mutex.h>
#include <glass/uaccess.h>

struct buggy_stats {
	unsigned long writes;
};

/* Never allocated: the bug behind `null`. volatile keeps gcc from seeing
 * that it is NULL and replacing the access with a trap of its own. */
static struct buggy_stats *volatile stats;
static DEFINE_MUTEX(buggy_lock);
static unsigned long logged;

/* Takes buggy_lock, which its caller in the `deadlock` path holds. */
static __attribute__((noinline)) void buggy_log(const char *what)
{
	mutex_lock(&buggy_lock);
	logged++;
	pr_info("buggy: %s\n", what);
	mutex_unlock(&buggy_lock);
}

static ssize_t buggy_write(struct file *f, const char __user *buf, size_t count,
			   loff_t *pos)
{
	char cmd[16];
	size_t n = min(count, sizeof(cmd) - 1);

	if (copy_from_user(cmd, buf, n))
		return -EFAULT;
	cmd[n] = '\0';
	if (n && cmd[n - 1] == '\n')
		cmd[n - 1] = '\0';

	if (!strcmp(cmd, "null")) {
		stats->writes++;
	} else if (!strcmp(cmd, "bug")) {
		BUG_ON(cmd[0] == 'b');
	} else if (!strcmp(cmd, "deadlock")) {
		mutex_lock(&buggy_lock);
		buggy_log("deadlock: taking buggy_lock again");
		mutex_unlock(&buggy_lock);
	} else {
		return -EINVAL;
	}
	return count;
}

static const struct file_operations buggy_fops = {
	.owner = THIS_MODULE,
	.write = buggy_write,
	.llseek = noop_llseek,
};

static struct miscdevice buggy_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "buggy",
	.fops = &buggy_fops,
	.mode = 0666,
};

static int buggy_init(void)
{
	return misc_register(&buggy_dev);
}

static void buggy_exit(void)
{
	misc_deregister(&buggy_dev);
}

module_init(buggy_init);
module_exit(buggy_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("A NULL dereference, a BUG_ON and a deadlock on demand");

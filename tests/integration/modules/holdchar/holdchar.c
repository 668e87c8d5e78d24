/* holdchar: a char device whose open file holds the module (fops.owner). */
#include <glass/fs.h>
#include <glass/kernel.h>
#include <glass/module.h>

static int major;

static ssize_t holdchar_read(struct file *f, char __user *buf, size_t n, loff_t *pos)
{
	return 0;
}

static const struct file_operations holdchar_fops = {
	.owner = THIS_MODULE,
	.read = holdchar_read,
};

static int holdchar_init(void)
{
	major = register_chrdev(0, "holdchar", &holdchar_fops);
	if (major < 0)
		return major;
	printk(KERN_INFO "holdchar: major %d\n", major);
	return 0;
}

static void holdchar_exit(void)
{
	unregister_chrdev(major, "holdchar");
}

module_init(holdchar_init);
module_exit(holdchar_exit);
MODULE_LICENSE("GPL");

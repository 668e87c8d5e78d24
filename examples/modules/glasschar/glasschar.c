/*
 * glasschar: a character device, /dev/glasschar, holding one buffer of
 * GLASSCHAR_SIZE bytes that writes append to and reads take from the
 * front, like a pipe without ends. A reader finding it empty sleeps on
 * a wait queue until a writer writes (O_NONBLOCK: EAGAIN); a writer
 * finding it full gets ENOSPC. A mutex guards the buffer; ioctls clear
 * it, tell its length and truncate it (glasschar.h).
 *
 * Try it: cat /dev/glasschar & echo hi > /dev/glasschar
 */
#include <glass/fs.h>
#include <glass/kernel.h>
#include <glass/miscdevice.h>
#include <glass/module.h>
#include <glass/mutex.h>
#include <glass/sched.h>
#include <glass/uaccess.h>
#include <glass/wait.h>

#include "glasschar.h"

static char buffer[GLASSCHAR_SIZE];
static size_t buffer_len;
static DEFINE_MUTEX(glasschar_lock);
static DECLARE_WAIT_QUEUE_HEAD(glasschar_wait);

static ssize_t glasschar_read(struct file *f, char __user *buf, size_t count, loff_t *pos)
{
	size_t n;

	if (mutex_lock_interruptible(&glasschar_lock))
		return -ERESTARTSYS;
	while (!buffer_len) {
		mutex_unlock(&glasschar_lock);
		if (f->f_flags & O_NONBLOCK)
			return -EAGAIN;
		/* Sleep without the lock: the writer needs it to fill the buffer. */
		if (wait_event_interruptible(glasschar_wait, buffer_len > 0))
			return -ERESTARTSYS;
		if (mutex_lock_interruptible(&glasschar_lock))
			return -ERESTARTSYS;
	}
	n = min(count, buffer_len);
	if (copy_to_user(buf, buffer, n)) {
		mutex_unlock(&glasschar_lock);
		return -EFAULT;
	}
	memmove(buffer, buffer + n, buffer_len - n);
	buffer_len -= n;
	mutex_unlock(&glasschar_lock);
	return n;
}

static ssize_t glasschar_write(struct file *f, const char __user *buf, size_t count,
			       loff_t *pos)
{
	size_t n;

	if (mutex_lock_interruptible(&glasschar_lock))
		return -ERESTARTSYS;
	n = min(count, sizeof(buffer) - buffer_len);
	if (count && !n) {
		mutex_unlock(&glasschar_lock);
		return -ENOSPC;
	}
	if (copy_from_user(buffer + buffer_len, buf, n)) {
		mutex_unlock(&glasschar_lock);
		return -EFAULT;
	}
	buffer_len += n;
	mutex_unlock(&glasschar_lock);
	wake_up_interruptible(&glasschar_wait);
	return n;
}

static long glasschar_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	int __user *argp = (int __user *)arg;
	long ret = 0;
	int len;

	if (_IOC_TYPE(cmd) != GLASSCHAR_IOC_MAGIC)
		return -ENOTTY;
	if (mutex_lock_interruptible(&glasschar_lock))
		return -ERESTARTSYS;
	switch (cmd) {
	case GLASSCHAR_IOC_CLEAR:
		buffer_len = 0;
		break;
	case GLASSCHAR_IOC_GETLEN:
		ret = put_user((int)buffer_len, argp);
		break;
	case GLASSCHAR_IOC_TRUNCATE:
		if (get_user(len, argp))
			ret = -EFAULT;
		else if (len < 0)
			ret = -EINVAL;
		else if ((size_t)len < buffer_len)
			buffer_len = len;
		break;
	default:
		ret = -ENOTTY;
	}
	mutex_unlock(&glasschar_lock);
	return ret;
}

static const struct file_operations glasschar_fops = {
	.owner = THIS_MODULE,
	.read = glasschar_read,
	.write = glasschar_write,
	.unlocked_ioctl = glasschar_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice glasschar_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "glasschar",
	.fops = &glasschar_fops,
	.mode = 0666,
};

static int glasschar_init(void)
{
	int err = misc_register(&glasschar_dev);

	if (err) {
		pr_err("glasschar: cannot register /dev/glasschar: %d\n", err);
		return err;
	}
	pr_info("glasschar: /dev/glasschar is 10:%d\n", glasschar_dev.minor);
	return 0;
}

static void glasschar_exit(void)
{
	misc_deregister(&glasschar_dev);
	pr_info("glasschar: removed\n");
}

module_init(glasschar_init);
module_exit(glasschar_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("A character device with a buffer, a mutex and a wait queue");

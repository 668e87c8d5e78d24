/* The memory character devices (major 1): null, zero, full, random, urandom. */
#include <glass/fs.h>
#include <glass/init.h>
#include <glass/os.h>
#include <glass/uaccess.h>

#define MEM_MAJOR 1

static ssize_t null_read(struct file *f, char __user *buf, size_t n, loff_t *pos)
{
	return 0;
}

static ssize_t null_write(struct file *f, const char __user *buf, size_t n, loff_t *pos)
{
	return n;
}

static ssize_t zero_read(struct file *f, char __user *buf, size_t n, loff_t *pos)
{
	unsigned long left = clear_user(buf, n);

	if (n && left == n)
		return -EFAULT;
	return n - left;
}

static ssize_t full_write(struct file *f, const char __user *buf, size_t n, loff_t *pos)
{
	return -ENOSPC;
}

static ssize_t random_read(struct file *f, char __user *buf, size_t n, loff_t *pos)
{
	char tmp[256];
	size_t done = 0;

	while (done < n) {
		size_t k = min(n - done, sizeof(tmp));
		os_random_bytes(tmp, k);
		if (copy_to_user(buf + done, tmp, k))
			return done ? (ssize_t)done : -EFAULT;
		done += k;
	}
	return done;
}

static loff_t mem_lseek(struct file *f, loff_t off, int whence)
{
	f->f_pos = 0;
	return 0;
}

static const struct file_operations null_fops = {
	.read = null_read, .write = null_write, .llseek = mem_lseek,
};
static const struct file_operations zero_fops = {
	.read = zero_read, .write = null_write, .llseek = mem_lseek,
};
static const struct file_operations full_fops = {
	.read = zero_read, .write = full_write, .llseek = mem_lseek,
};
static const struct file_operations random_fops = {
	.read = random_read, .write = null_write, .llseek = mem_lseek,
};

static int mem_open(struct inode *inode, struct file *f)
{
	switch (iminor(inode)) {
	case 3: f->f_op = &null_fops; return 0;
	case 5: f->f_op = &zero_fops; return 0;
	case 7: f->f_op = &full_fops; return 0;
	case 8:
	case 9: f->f_op = &random_fops; return 0;
	}
	return -ENXIO;
}

static const struct file_operations mem_fops = {
	.open = mem_open,
};

static int chr_mem_init(void)
{
	int r = register_chrdev(MEM_MAJOR, "mem", &mem_fops);
	return r < 0 ? r : 0;
}
device_initcall(chr_mem_init);

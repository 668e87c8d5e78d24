/*
 * init_module(2), finit_module(2) and delete_module(2). busybox insmod
 * tries finit_module first and falls back to init_module with the file
 * read into memory; rmmod calls delete_module with O_NONBLOCK (-f adds
 * O_TRUNC). The image is read into host memory (os_alloc_host): no
 * physmem for something the loader drops once the module is placed.
 * Kernel task context; may sleep.
 */
#include <glass/errno.h>
#include <glass/fs.h>
#include <glass/kernel.h>
#include <glass/module.h>
#include <glass/os.h>
#include <glass/syscalls.h>
#include <glass/uaccess.h>
#include <glass/layout.h>
#include <glass/mm.h>

static long load_from_buffer(void *image, unsigned long len, const char __user *uargs,
			     int flags)
{
	char *args = strndup_user(uargs, PAGE_SIZE);
	long err;

	if (IS_ERR(args)) {
		os_free_host(image);
		return PTR_ERR(args);
	}
	err = load_module(image, len, args, NULL, flags);
	kfree(args);
	os_free_host(image);
	return err;
}

SYSCALL_DEFINE3(init_module, void __user *, umod, unsigned long, len,
		const char __user *, uargs)
{
	void *image;

	if (len > MODULE_AREA_SIZE)
		return -ENOMEM;
	/* A short image too goes to load_module, which says why it is refused. */
	image = os_alloc_host(len ? len : 1);
	if (!image)
		return -ENOMEM;
	if (copy_from_user(image, umod, len)) {
		os_free_host(image);
		return -EFAULT;
	}
	return load_from_buffer(image, len, uargs, 0);
}

SYSCALL_DEFINE3(finit_module, int, fd, const char __user *, uargs, int, flags)
{
	struct file *f;
	void *image;
	loff_t pos = 0, size;
	long err = 0;

	if (flags & ~(MODULE_INIT_IGNORE_MODVERSIONS | MODULE_INIT_IGNORE_VERMAGIC))
		return -EINVAL;
	f = fget(fd);
	if (!f)
		return -EBADF;
	if (!(f->f_mode & FMODE_READ)) {
		err = -EBADF;
		goto out;
	}
	if (!S_ISREG(f->f_inode->i_mode)) {
		err = -EINVAL;
		goto out;
	}
	size = f->f_inode->i_size;
	if (size > (loff_t)MODULE_AREA_SIZE) {
		err = -EFBIG;
		goto out;
	}
	image = os_alloc_host(size ? size : 1);
	if (!image) {
		err = -ENOMEM;
		goto out;
	}
	while (pos < size) {
		ssize_t n = kernel_read(f, (char *)image + pos, size - pos, &pos);

		if (n <= 0) {
			err = n ? n : -EIO;
			os_free_host(image);
			goto out;
		}
	}
	fput(f);
	return load_from_buffer(image, size, uargs, flags);
out:
	fput(f);
	return err;
}

SYSCALL_DEFINE2(delete_module, const char __user *, name_user, unsigned int, flags)
{
	char name[MODULE_NAME_LEN];

	if (strncpy_from_user(name, name_user, MODULE_NAME_LEN - 1) < 0)
		return -EFAULT;
	name[MODULE_NAME_LEN - 1] = '\0';
	return unload_module(name, flags);
}

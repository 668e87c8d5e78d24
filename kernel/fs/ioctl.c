/*
 * ioctl(2): the generic fd commands (FIOCLEX, FIONCLEX, FIONBIO,
 * FIOASYNC, FIONREAD on regular files), then the file's ->ioctl, else
 * ENOTTY. Task context; a driver's ->ioctl may sleep.
 */
#include <glass/syscalls.h>
#include "internal.h"

SYSCALL_DEFINE3(ioctl, unsigned int, fd, unsigned int, cmd, unsigned long, arg)
{
	struct file *f = fget(fd);
	struct inode *inode;
	long err = 0;
	int on;

	if (!f)
		return -EBADF;
	inode = f->f_inode;
	switch (cmd) {
	case FIOCLEX:
		set_close_on_exec(fd, true);
		break;
	case FIONCLEX:
		set_close_on_exec(fd, false);
		break;
	case FIONBIO:
	case FIOASYNC:
		if (get_user(on, (int __user *)arg)) {
			err = -EFAULT;
			break;
		}
		if (cmd == FIONBIO)
			f->f_flags = on ? f->f_flags | O_NONBLOCK : f->f_flags & ~O_NONBLOCK;
		else
			f->f_flags = on ? f->f_flags | O_ASYNC : f->f_flags & ~O_ASYNC;
		break;
	case FIONREAD:
		if (inode && S_ISREG(inode->i_mode)) {
			on = inode->i_size > f->f_pos ? min_t(loff_t, inode->i_size - f->f_pos, INT_MAX) : 0;
			err = put_user(on, (int __user *)arg);
			break;
		}
		/* fall through */
	default:
		err = f->f_op->ioctl ? f->f_op->ioctl(f, cmd, arg) : -ENOTTY;
		break;
	}
	fput(f);
	return err;
}

/*
 * fcntl, dup, dup2, dup3 and flock. Locks are not kept: a guest is alone
 * with its files, so F_GETLK says F_UNLCK and F_SETLK(W) and flock
 * succeed. Task context on the CPU thread.
 */
#include <glass/syscalls.h>
#include "internal.h"

#define SETFL_MASK (O_APPEND | O_NONBLOCK | O_ASYNC | O_DIRECT | O_NOATIME)

static long setfl(struct file *f, unsigned long arg)
{
	f->f_flags = (f->f_flags & ~SETFL_MASK) | (arg & SETFL_MASK);
	return 0;
}

static long do_fcntl(int fd, unsigned int cmd, unsigned long arg, struct file *f)
{
	struct linux_flock fl;

	switch (cmd) {
	case F_DUPFD:
		return f_dupfd(arg, f, 0);
	case F_DUPFD_CLOEXEC:
		return f_dupfd(arg, f, O_CLOEXEC);
	case F_GETFD:
		return get_close_on_exec(fd) ? FD_CLOEXEC : 0;
	case F_SETFD:
		set_close_on_exec(fd, arg & FD_CLOEXEC);
		return 0;
	case F_GETFL:
		return f->f_flags;
	case F_SETFL:
		return setfl(f, arg);
	case F_GETLK:
	case F_OFD_GETLK:
		if (copy_from_user(&fl, (void __user *)arg, sizeof(fl)))
			return -EFAULT;
		if (fl.l_type != F_RDLCK && fl.l_type != F_WRLCK)
			return -EINVAL;
		fl.l_type = F_UNLCK;
		return copy_to_user((void __user *)arg, &fl, sizeof(fl)) ? -EFAULT : 0;
	case F_SETLK:
	case F_SETLKW:
	case F_OFD_SETLK:
	case F_OFD_SETLKW:
		if (copy_from_user(&fl, (void __user *)arg, sizeof(fl)))
			return -EFAULT;
		if (fl.l_type != F_RDLCK && fl.l_type != F_WRLCK && fl.l_type != F_UNLCK)
			return -EINVAL;
		return 0;
	case F_GETOWN:
	case F_SETOWN:
	case F_GETSIG:
	case F_SETSIG:
	case F_GETLEASE:
	case F_NOTIFY:
		return 0;
	case F_SETLEASE:
		return -EINVAL;
	case F_GETPIPE_SZ:
	case F_SETPIPE_SZ:
		return pipe_fcntl(f, cmd, arg);
	default:
		return -EINVAL;
	}
}

SYSCALL_DEFINE3(fcntl, unsigned int, fd, unsigned int, cmd, unsigned long, arg)
{
	struct file *f = fget_raw(fd);
	long err;

	if (!f)
		return -EBADF;
	/* O_PATH files allow only the fd-level commands. */
	if ((f->f_flags & O_PATH) && cmd != F_DUPFD && cmd != F_DUPFD_CLOEXEC &&
	    cmd != F_GETFD && cmd != F_SETFD && cmd != F_GETFL)
		err = -EBADF;
	else
		err = do_fcntl(fd, cmd, arg, f);
	fput(f);
	return err;
}

SYSCALL_DEFINE1(dup, unsigned int, fildes)
{
	struct file *f = fget_raw(fildes);
	long ret;

	if (!f)
		return -EBADF;
	ret = f_dupfd(0, f, 0);
	fput(f);
	return ret;
}

static long do_dup3(unsigned int oldfd, unsigned int newfd, int flags)
{
	struct file *f;
	long ret;

	if (flags & ~O_CLOEXEC)
		return -EINVAL;
	if (oldfd == newfd)
		return -EINVAL;
	if (newfd >= rlimit(RLIMIT_NOFILE))
		return -EBADF;
	f = fget_raw(oldfd);
	if (!f)
		return -EBADF;
	ret = replace_fd(newfd, f, flags);
	fput(f);
	return ret;
}

SYSCALL_DEFINE3(dup3, unsigned int, oldfd, unsigned int, newfd, int, flags)
{
	return do_dup3(oldfd, newfd, flags);
}

SYSCALL_DEFINE2(dup2, unsigned int, oldfd, unsigned int, newfd)
{
	if (oldfd == newfd) {
		struct file *f = fget_raw(oldfd);

		if (!f)
			return -EBADF;
		fput(f);
		return newfd;
	}
	return do_dup3(oldfd, newfd, 0);
}

SYSCALL_DEFINE2(flock, unsigned int, fd, unsigned int, cmd)
{
	struct file *f = fget(fd);
	unsigned int op = cmd & ~LOCK_NB;

	if (!f)
		return -EBADF;
	fput(f);
	if (op != LOCK_SH && op != LOCK_EX && op != LOCK_UN)
		return -EINVAL;
	return 0;
}

/*
 * File times: utimensat, utimes, futimesat, utime. Task context.
 */
#include <glass/syscalls.h>
#include "internal.h"

/* Set atime/mtime of p; NULL times means both now. */
int vfs_utimes(const struct path *p, const struct timespec64 *times)
{
	struct timespec64 now = current_time(p->dentry->d_inode);
	struct iattr attr = { 0 };

	if (mnt_is_readonly(p->mnt))
		return -EROFS;
	if (!times || times[0].tv_nsec != UTIME_OMIT) {
		struct timespec64 t = !times || times[0].tv_nsec == UTIME_NOW ? now : times[0];

		attr.ia_valid |= ATTR_ATIME;
		attr.ia_atime_sec = t.tv_sec;
		attr.ia_atime_nsec = t.tv_nsec;
	}
	if (!times || times[1].tv_nsec != UTIME_OMIT) {
		struct timespec64 t = !times || times[1].tv_nsec == UTIME_NOW ? now : times[1];

		attr.ia_valid |= ATTR_MTIME;
		attr.ia_mtime_sec = t.tv_sec;
		attr.ia_mtime_nsec = t.tv_nsec;
	}
	if (!attr.ia_valid)
		return 0;
	return notify_change(p->dentry, &attr);
}

static bool nsec_valid(long nsec)
{
	return (nsec >= 0 && nsec < (long)NSEC_PER_SEC) || nsec == UTIME_NOW ||
	       nsec == UTIME_OMIT;
}

/* Common tail: path NULL (futimens) operates on dfd itself. */
static long do_utimes(int dfd, const char __user *filename,
		      const struct timespec64 *times, int flags)
{
	struct path p;
	long err;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (times && (!nsec_valid(times[0].tv_nsec) || !nsec_valid(times[1].tv_nsec)))
		return -EINVAL;
	if (!filename) {
		struct file *f;

		if (dfd == AT_FDCWD)
			return -EFAULT;
		f = fget(dfd);
		if (!f)
			return -EBADF;
		err = vfs_utimes(&f->f_path, times);
		fput(f);
		return err;
	}
	err = user_path_at(dfd, filename,
			   ((flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW) |
			   ((flags & AT_EMPTY_PATH) ? LOOKUP_EMPTY : 0), &p);
	if (err)
		return err;
	err = vfs_utimes(&p, times);
	path_put(&p);
	return err;
}

SYSCALL_DEFINE4(utimensat, int, dfd, const char __user *, filename,
		struct linux_timespec __user *, utimes, int, flags)
{
	struct linux_timespec ut[2];
	struct timespec64 t[2];

	if (utimes) {
		if (copy_from_user(ut, utimes, sizeof(ut)))
			return -EFAULT;
		for (int i = 0; i < 2; i++)
			t[i] = (struct timespec64){ ut[i].tv_sec, ut[i].tv_nsec };
		if (t[0].tv_nsec == UTIME_OMIT && t[1].tv_nsec == UTIME_OMIT)
			return 0;
	}
	return do_utimes(dfd, filename, utimes ? t : NULL, flags);
}

static long do_futimesat(int dfd, const char __user *filename,
			 struct linux_timeval __user *utimes)
{
	struct linux_timeval tv[2];
	struct timespec64 t[2];

	if (utimes) {
		if (copy_from_user(tv, utimes, sizeof(tv)))
			return -EFAULT;
		for (int i = 0; i < 2; i++) {
			if (tv[i].tv_usec < 0 || tv[i].tv_usec >= 1000000)
				return -EINVAL;
			t[i] = (struct timespec64){ tv[i].tv_sec, tv[i].tv_usec * 1000 };
		}
	}
	return do_utimes(dfd, filename, utimes ? t : NULL, 0);
}

SYSCALL_DEFINE3(futimesat, int, dfd, const char __user *, filename,
		struct linux_timeval __user *, utimes)
{
	return do_futimesat(dfd, filename, utimes);
}

SYSCALL_DEFINE2(utimes, const char __user *, filename, struct linux_timeval __user *, utimes)
{
	return do_futimesat(AT_FDCWD, filename, utimes);
}

SYSCALL_DEFINE2(utime, const char __user *, filename, struct linux_utimbuf __user *, times)
{
	struct linux_utimbuf ub;
	struct timespec64 t[2];

	if (times) {
		if (copy_from_user(&ub, times, sizeof(ub)))
			return -EFAULT;
		t[0] = (struct timespec64){ ub.actime, 0 };
		t[1] = (struct timespec64){ ub.modtime, 0 };
	}
	return do_utimes(AT_FDCWD, filename, times ? t : NULL, 0);
}

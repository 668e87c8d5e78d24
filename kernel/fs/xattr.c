/*
 * Extended attributes: no Glass filesystem keeps any, so the xattr
 * syscalls answer as Linux does for a filesystem without xattr handlers:
 * get, set and remove fail with EOPNOTSUPP, a list is empty. The file is
 * still looked up, so a missing one is ENOENT. (ls -l asks for ACLs and
 * SELinux labels, cp -a copies them: both take EOPNOTSUPP as "none".)
 * Task context.
 */
#include <glass/syscalls.h>
#include "internal.h"

/* The file the path (following a last symlink or not) or fd names exists:
 * 0, else the lookup's error. */
static long xattr_path(const char __user *path, bool follow)
{
	struct path p;
	long err = user_path_at(AT_FDCWD, path, follow ? LOOKUP_FOLLOW : 0, &p);

	if (!err)
		path_put(&p);
	return err;
}

static long xattr_fd(int fd)
{
	struct file *f = fget(fd);

	if (!f)
		return -EBADF;
	fput(f);
	return 0;
}

/* What get, set and remove return once their file is found (a list is
 * empty: 0 bytes). */
#define NO_XATTR(err) ((err) ? (err) : -EOPNOTSUPP)

SYSCALL_DEFINE5(setxattr, const char __user *, path, const char __user *, name,
		const void __user *, value, size_t, size, int, flags)
{
	return NO_XATTR(xattr_path(path, true));
}

SYSCALL_DEFINE5(lsetxattr, const char __user *, path, const char __user *, name,
		const void __user *, value, size_t, size, int, flags)
{
	return NO_XATTR(xattr_path(path, false));
}

SYSCALL_DEFINE5(fsetxattr, int, fd, const char __user *, name,
		const void __user *, value, size_t, size, int, flags)
{
	return NO_XATTR(xattr_fd(fd));
}

SYSCALL_DEFINE4(getxattr, const char __user *, path, const char __user *, name,
		void __user *, value, size_t, size)
{
	return NO_XATTR(xattr_path(path, true));
}

SYSCALL_DEFINE4(lgetxattr, const char __user *, path, const char __user *, name,
		void __user *, value, size_t, size)
{
	return NO_XATTR(xattr_path(path, false));
}

SYSCALL_DEFINE4(fgetxattr, int, fd, const char __user *, name, void __user *, value,
		size_t, size)
{
	return NO_XATTR(xattr_fd(fd));
}

SYSCALL_DEFINE3(listxattr, const char __user *, path, char __user *, list, size_t, size)
{
	return xattr_path(path, true);
}

SYSCALL_DEFINE3(llistxattr, const char __user *, path, char __user *, list, size_t, size)
{
	return xattr_path(path, false);
}

SYSCALL_DEFINE3(flistxattr, int, fd, char __user *, list, size_t, size)
{
	return xattr_fd(fd);
}

SYSCALL_DEFINE2(removexattr, const char __user *, path, const char __user *, name)
{
	return NO_XATTR(xattr_path(path, true));
}

SYSCALL_DEFINE2(lremovexattr, const char __user *, path, const char __user *, name)
{
	return NO_XATTR(xattr_path(path, false));
}

SYSCALL_DEFINE2(fremovexattr, int, fd, const char __user *, name)
{
	return NO_XATTR(xattr_fd(fd));
}

/*
 * Host side of hostfs: path-based operations on the host's files. Paths
 * arrive already joined and confined by the kernel side; errors are
 * Linux's -errno, which guests see unchanged.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <glass/os.h>
#include "os_internal.h"

#define RET0(x) ((x) ? -errno : 0)

int os_mkdir(const char *path, int mode) { return RET0(mkdir(path, mode)); }
int os_rmdir(const char *path) { return RET0(rmdir(path)); }
int os_unlink(const char *path) { return RET0(unlink(path)); }
int os_rename(const char *from, const char *to) { return RET0(rename(from, to)); }
int os_link(const char *from, const char *to) { return RET0(link(from, to)); }
int os_symlink(const char *target, const char *path) { return RET0(symlink(target, path)); }
int os_chmod(const char *path, int mode) { return RET0(chmod(path, mode)); }
int os_truncate(const char *path, u64 size) { return RET0(truncate(path, size)); }
int os_ftruncate(int fd, u64 size) { return RET0(ftruncate(fd, size)); }
int os_fsync(int fd) { return RET0(fsync(fd)); }

int os_mknod(const char *path, int mode, u64 dev)
{
	return RET0(mknod(path, mode, dev));
}

long os_readlink(const char *path, char *buf, unsigned long size)
{
	long n = readlink(path, buf, size);
	return n < 0 ? -errno : n;
}

int os_utimens(const char *path, s64 asec, long ansec, s64 msec, long mnsec)
{
	struct timespec ts[2] = { { asec, ansec }, { msec, mnsec } };

	return RET0(utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW));
}

int os_realpath(const char *path, char *out, unsigned long size)
{
	char *r = realpath(path, NULL);

	if (!r)
		return -errno;
	if (strlen(r) >= size) {
		free(r);
		return -ENAMETOOLONG;
	}
	strcpy(out, r);
	free(r);
	return 0;
}

/*
 * Read directory entries from index `pos` on: calls fill(ctx, name, ino,
 * type) until it returns false. Returns the index after the last entry
 * accepted, or -errno.
 */
long os_readdir(const char *path, long pos,
		bool (*fill)(void *ctx, const char *name, u64 ino, unsigned type),
		void *ctx)
{
	DIR *d = opendir(path);
	struct dirent *e;
	long i = 0;

	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		if (i++ < pos)
			continue;
		if (!fill(ctx, e->d_name, e->d_ino, e->d_type)) {
			i--;
			break;
		}
	}
	closedir(d);
	return i;
}

/* Host files: console fds, the initrd image, hostfs and ubd backing files. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/random.h>
#include <termios.h>
#include <unistd.h>

#include <glass/monitor.h>
#include <glass/os.h>
#include "os_internal.h"

/* Host errno values are Linux's: no translation needed. */
#define RET(x) ((x) < 0 ? -errno : (x))

int os_open(const char *path, int flags, int mode)
{
	int fd = open(path, flags | O_CLOEXEC, mode);
	return RET(fd);
}

int os_close(int fd)
{
	return close(fd) ? -errno : 0;
}

long os_read(int fd, void *buf, unsigned long n)
{
	long r;

	do
		r = read(fd, buf, n);
	while (r < 0 && errno == EINTR);
	return RET(r);
}

/* Monitor text too: the trace file is written from the monitor thread
 * (kernel/trace/sink.c), write(2) only. */
long __monitor_text os_write(int fd, const void *buf, unsigned long n)
{
	const char *p = buf;
	unsigned long done = 0;

	while (done < n) {
		long r = write(fd, p + done, n - done);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return done ? (long)done : -errno;
		done += r;
	}
	return done;
}

long os_pread(int fd, void *buf, unsigned long n, u64 off)
{
	long r = pread(fd, buf, n, off);
	return RET(r);
}

long os_pwrite(int fd, const void *buf, unsigned long n, u64 off)
{
	long r = pwrite(fd, buf, n, off);
	return RET(r);
}

static void fill_stat(struct os_stat *o, const struct stat *s)
{
	o->dev = s->st_dev;
	o->ino = s->st_ino;
	o->nlink = s->st_nlink;
	o->size = s->st_size;
	o->blocks = s->st_blocks;
	o->mode = s->st_mode;
	o->uid = s->st_uid;
	o->gid = s->st_gid;
	o->rdev = s->st_rdev;
	o->atime_sec = s->st_atim.tv_sec;
	o->atime_nsec = s->st_atim.tv_nsec;
	o->mtime_sec = s->st_mtim.tv_sec;
	o->mtime_nsec = s->st_mtim.tv_nsec;
	o->ctime_sec = s->st_ctim.tv_sec;
	o->ctime_nsec = s->st_ctim.tv_nsec;
}

int os_fstat(int fd, struct os_stat *st)
{
	struct stat s;

	if (fstat(fd, &s))
		return -errno;
	fill_stat(st, &s);
	return 0;
}

int os_stat(const char *path, struct os_stat *st, bool follow)
{
	struct stat s;

	if ((follow ? stat(path, &s) : lstat(path, &s)))
		return -errno;
	fill_stat(st, &s);
	return 0;
}

int os_lock_file(int fd, bool excl)
{
	struct flock fl = { .l_type = excl ? F_WRLCK : F_RDLCK, .l_whence = SEEK_SET };

	if (!fcntl(fd, F_OFD_SETLK, &fl))
		return 0;
	return errno == EACCES ? -EAGAIN : -errno;
}

long os_read_file(const char *path, void **bufp)
{
	struct stat s;
	long n, done = 0;
	char *buf;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &s) || !S_ISREG(s.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	buf = malloc(s.st_size ? s.st_size : 1);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	while (done < s.st_size && (n = read(fd, buf + done, s.st_size - done)) > 0)
		done += n;
	close(fd);
	*bufp = buf;
	return done;
}

void os_random_bytes(void *buf, unsigned long n)
{
	char *p = buf;

	while (n) {
		long r = getrandom(p, n, 0);
		if (r <= 0)
			break;
		p += r;
		n -= r;
	}
}

int os_gethostname(char *buf, unsigned long len)
{
	return gethostname(buf, len) ? -errno : 0;
}

/* pread until n bytes or end of file: the count read, or -errno. */
long os_pread_all(int fd, void *buf, unsigned long n, u64 off)
{
	unsigned long done = 0;

	while (done < n) {
		long r = pread(fd, (char *)buf + done, n - done, off + done);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (!r)
			break;
		done += r;
	}
	return done;
}

/* pwrite all n bytes (a short write is retried): 0 or -errno. */
int os_pwrite_all(int fd, const void *buf, unsigned long n, u64 off)
{
	unsigned long done = 0;

	while (done < n) {
		long r = pwrite(fd, (const char *)buf + done, n - done, off + done);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (!r)
			return -EIO;
		done += r;
	}
	return 0;
}

/*
 * The host half of gcov (coverage/gcov.c): each record becomes a .gcda
 * stream through libgcov's __gcov_info_to_gcda, written here to a file.
 * A file is always written whole from the counters as they are, never
 * merged with an older one, so a dump after a reset holds exactly what
 * ran since. CPU thread at a safe point, or an exit path; the buffers are
 * static, so a panic with malloc's lock held still writes.
 */
#include <errno.h>
#include <fcntl.h>
#include <gcov.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glass/gcov.h>
#include <glass/os.h>
#include "os_internal.h"

/* Only COVERAGE=1 links libgcov (Makefile); elsewhere no record exists
 * and this is never called. */
#pragma weak __gcov_info_to_gcda

/* The build tree: where a record's path is cut when dumping under a
 * directory (Makefile). */
#ifndef GCOV_BUILD_DIR
#define GCOV_BUILD_DIR "/"
#endif

struct gcda_file {
	const char *dir;
	int fd;
	int err;                        /* first error of this file */
	char path[PATH_MAX];
	size_t len;
	char buf[64 << 10];
	size_t arena_used;              /* __gcov_info_to_gcda's scratch */
	char arena[16 << 10];
};

static struct gcda_file out;
static struct gcov_info *const *exit_root;
/* A dump is under way: a fault in it that ends in a panic must not
 * start another from the exit path (it would fault again). */
static volatile bool writing;

static void flush_buf(struct gcda_file *f)
{
	const char *p = f->buf;

	while (f->len && !f->err) {
		ssize_t n = write(f->fd, p, f->len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			f->err = n < 0 ? -errno : -EIO;
			break;
		}
		p += n;
		f->len -= n;
	}
	f->len = 0;
}

/* Where name goes: as it is, or under dir with the build tree cut off
 * (a module's object outside the tree keeps its whole path there). */
static void gcda_open(const char *name, void *arg)
{
	struct gcda_file *f = arg;
	size_t cut = strlen(GCOV_BUILD_DIR);
	char *slash;
	int n;

	if (!name) {
		f->err = -EINVAL;
		return;
	}
	if (!f->dir)
		n = snprintf(f->path, sizeof(f->path), "%s", name);
	else if (!strncmp(name, GCOV_BUILD_DIR, cut))
		n = snprintf(f->path, sizeof(f->path), "%s/%s", f->dir, name + cut);
	else
		n = snprintf(f->path, sizeof(f->path), "%s%s", f->dir, name);
	if (n < 0 || (size_t)n >= sizeof(f->path)) {
		f->err = -ENAMETOOLONG;
		return;
	}
	/* A new file, not the old one truncated: ext4 flushes a file
	 * rewritten after truncation at its close (auto_da_alloc), which
	 * made a dump over the build tree's files 10x slower. */
	if (unlink(f->path) && errno != ENOENT && errno != ENOTDIR) {
		f->err = -errno;
		return;
	}
	f->fd = open(f->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (f->fd < 0 && errno == ENOENT && (slash = strrchr(f->path, '/'))) {
		*slash = '\0';
		f->err = os_mkdir_p(f->path, 0755);
		*slash = '/';
		if (!f->err)
			f->fd = open(f->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	}
	if (f->fd < 0 && !f->err)
		f->err = -errno;
}

static void gcda_write(const void *data, unsigned int len, void *arg)
{
	struct gcda_file *f = arg;

	while (len && f->fd >= 0 && !f->err) {
		size_t n = sizeof(f->buf) - f->len;

		if (n > len)
			n = len;
		memcpy(f->buf + f->len, data, n);
		f->len += n;
		data = (const char *)data + n;
		len -= n;
		if (f->len == sizeof(f->buf))
			flush_buf(f);
	}
}

static void *gcda_alloc(unsigned int size, void *arg)
{
	struct gcda_file *f = arg;
	void *p;

	size = (size + 15) & ~15U;
	if (size > sizeof(f->arena) - f->arena_used)
		return NULL;
	p = f->arena + f->arena_used;
	f->arena_used += size;
	return p;
}

int os_gcov_dump(const struct gcov_info *root, const char *dir, char *failed,
		 size_t size)
{
	struct gcda_file *f = &out;
	int written = 0;

	writing = true;
	for (const struct gcov_info *info = root; info; info = info->next) {
		f->dir = dir;
		f->fd = -1;
		f->err = 0;
		f->len = 0;
		f->arena_used = 0;
		f->path[0] = '\0';
		__gcov_info_to_gcda(info, gcda_open, gcda_write, gcda_alloc, f);
		if (f->fd >= 0) {
			flush_buf(f);
			if (close(f->fd) && !f->err)
				f->err = -errno;
		}
		if (f->err) {
			snprintf(failed, size, "%s", f->path);
			written = f->err;
			break;
		}
		written++;
	}
	writing = false;
	return written;
}

void os_gcov_at_exit(struct gcov_info *const *root)
{
	exit_root = root;
}

/* The exits (main.c): what has not been dumped would be lost. Not
 * while a dump is under way: that is a panic inside it, or halt on the
 * monitor thread during a dump on the CPU thread, whose buffers these
 * are (its files may then be left half written). */
void os_gcov_exit(void)
{
	char failed[PATH_MAX];
	int n;

	if (!exit_root || !*exit_root || writing)
		return;
	n = os_gcov_dump(*exit_root, NULL, failed, sizeof(failed));
	if (n < 0)
		dprintf(2, "glass: gcov: cannot write %s: %s\n", failed, strerror(-n));
}

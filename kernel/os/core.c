/*
 * The host half of the ELF core (kernel/diag/core_dump.c): which parts of
 * the glass process's memory go into it (/proc/self/maps), and writing
 * them sparse. CPU thread; no allocation and no stdio, so a panic with
 * malloc's lock held still gets its core.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <glass/os.h>
#include "os_internal.h"

#define PAGE 4096UL

static unsigned long hex(const char **p)
{
	unsigned long v = 0;

	for (;; (*p)++) {
		char c = **p;

		if (c >= '0' && c <= '9')
			v = v * 16 + (c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v * 16 + (c - 'a' + 10);
		else
			return v;
	}
}

/* Is a mapping worth a core? Everything readable, but the code of host
 * files (gdb reads that from the files) and the kernel's vvar/vsyscall. */
static bool wanted(const char *perms, const char *path)
{
	if (perms[0] != 'r')
		return false;
	if (!strcmp(path, "[vvar]") || !strcmp(path, "[vsyscall]"))
		return false;
	if (perms[2] == 'x' && path[0] == '/')
		return false;
	return true;
}

int os_core_segments(struct os_mem_seg *segs, int max)
{
	static char buf[256 << 10];
	long len = 0, n;
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC), count = 0;
	const char *p;

	if (fd < 0)
		return -errno;
	while (len < (long)sizeof(buf) - 1 && (n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += n;
	close(fd);
	buf[len] = '\0';
	for (p = buf; *p && count < max;) {
		const char *eol = strchr(p, '\n'), *path;
		char perms[5] = { 0 }, name[64] = { 0 };
		unsigned long start = hex(&p), end;

		if (!eol)
			eol = p + strlen(p);
		p++;
		end = hex(&p);
		memcpy(perms, p + 1, 4);
		/* Fields: perms offset dev inode, then the path after spaces. */
		path = p + 1;
		for (int field = 0; field < 4 && path < eol; field++) {
			while (path < eol && *path != ' ')
				path++;
			while (path < eol && *path == ' ')
				path++;
		}
		if (eol - path < (long)sizeof(name))
			memcpy(name, path, eol - path);
		else
			memcpy(name, "/", 2);
		if (wanted(perms, name))
			segs[count++] = (struct os_mem_seg){
				.start = start, .end = end,
				.prot = 4 | (perms[1] == 'w' ? 2 : 0) | (perms[2] == 'x' ? 1 : 0),
				.shared = perms[3] == 's',
				.file = name[0] == '/',
			};
		p = *eol ? eol + 1 : eol;
	}
	return count;
}

static bool zero_page(const unsigned long *w)
{
	for (unsigned long i = 0; i < PAGE / sizeof(*w); i++)
		if (w[i])
			return false;
	return true;
}

/* Memory is read through /proc/self/mem (os_mem_read), so a page that
 * cannot be read (a file mapping past its end) is skipped, not a SIGBUS.
 * File and shared mappings (physmem, the stack area) read only resident
 * pages: a hole of the memfd is zero, and reading it would allocate it. */
int os_core_write_mem(int fd, u64 off, const struct os_mem_seg *s)
{
	static unsigned char vec[1024];
	static unsigned long buf[PAGE / sizeof(long)];
	u64 len = s->end - s->start;

	for (u64 done = 0; done < len;) {
		u64 chunk = len - done > sizeof(vec) * PAGE ? sizeof(vec) * PAGE : len - done;
		bool resident_known = (s->shared || s->file) &&
				      !mincore((void *)(s->start + done), chunk, vec);

		for (u64 i = 0; i < chunk; i += PAGE) {
			u64 addr = s->start + done + i;

			if (resident_known && !(vec[i / PAGE] & 1))
				continue;
			if (os_mem_read(addr, buf, PAGE) != (long)PAGE || zero_page(buf))
				continue;
			if (pwrite(fd, buf, PAGE, off + done + i) != (ssize_t)PAGE)
				return errno ? -errno : -EIO;
		}
		done += chunk;
	}
	return 0;
}

struct dirent64_head {
	u64 ino;
	s64 off;
	unsigned short reclen;
	unsigned char type;
	char name[];
};

/* /proc/self/task/<tid>/comm into comm (16 bytes, NUL-terminated). */
static void thread_comm(long tid, char *comm)
{
	char path[40] = "/proc/self/task/", digits[20];
	int n = 0, len = strlen(path), fd;
	ssize_t got;

	do
		digits[n++] = '0' + tid % 10;
	while ((tid /= 10) && n < (int)sizeof(digits));
	while (n)
		path[len++] = digits[--n];
	memcpy(path + len, "/comm", 6);
	memset(comm, 0, 16);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	got = read(fd, comm, 15);
	close(fd);
	if (got > 0 && comm[got - 1] == '\n')
		comm[got - 1] = '\0';
}

int os_host_threads(struct os_host_thread *t, int max)
{
	static char buf[8192];
	int fd = open("/proc/self/task", O_RDONLY | O_DIRECTORY | O_CLOEXEC), count = 0;
	long n;

	if (fd < 0)
		return -errno;
	while (count < max && (n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
		for (long off = 0; off < n && count < max;) {
			struct dirent64_head *d = (struct dirent64_head *)(buf + off);
			const char *c = d->name;
			long tid = 0;

			off += d->reclen;
			for (; *c >= '0' && *c <= '9'; c++)
				tid = tid * 10 + (*c - '0');
			if (*c || !tid)
				continue;
			t[count].tid = tid;
			thread_comm(tid, t[count].comm);
			count++;
		}
	}
	close(fd);
	return count;
}

/*
 * MAP_SHARED file mappings as Linux's page cache gives them: writes
 * through a mapping reach read() (after msync, and without), survive
 * munmap and close, do not overwrite a later pwrite; write() shows in an
 * existing mapping; ftruncate below a mapping gives SIGBUS (BUS_ADRERR)
 * past the new end; a fork child's writes reach the file too.
 *
 *   t_sharedmap [DIR]         the checks, on files in DIR ($TMPDIR or .)
 *   t_sharedmap synced FILE   map FILE, write "synced", msync, print SYNCED, wait
 *   t_sharedmap dirty FILE    map FILE, write "dirty", print DIRTY, wait
 *   t_sharedmap unmap FILE    map FILE, write "unmapped", munmap, close, exit
 *   t_sharedmap exit FILE     map FILE, write "at exit", exit without munmap
 *
 * The modes let hostfs.sh check the host file itself: after msync and a
 * SIGKILL of glass, after the writeback timer, after munmap and close and
 * after exit once glass has exited normally. FILE must be a page or more.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

#define PAGE 4096

static char dir[4096];

/* A fresh file of size bytes (zeros) in dir, open read-write. */
static int new_file(const char *name, off_t size, char *path, size_t n)
{
	int fd;

	snprintf(path, n, "%s/%s", dir, name);
	unlink(path);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0 && ftruncate(fd, size)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The bytes at off of the file at path, read through a new descriptor. */
static int read_back(const char *path, off_t off, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = pread(fd, buf, len, off);
	close(fd);
	return n == (ssize_t)len ? 0 : -1;
}

static void t_msync_and_read(void)
{
	char path[4200], buf[16] = "";
	int fd = new_file("sm_msync", 2 * PAGE, path, sizeof(path));
	char *m = fd < 0 ? MAP_FAILED : mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	if (m == MAP_FAILED) {
		FAIL("shared_map", "open/mmap: %s", strerror(errno));
		return;
	}
	memcpy(m + PAGE + 10, "unsynced", 8);
	CHECK("shared_write_seen_by_read", !read_back(path, PAGE + 10, buf, 8) && !memcmp(buf, "unsynced", 8),
	      "read() gave '%.8s'", buf);
	memcpy(m + 100, "synced", 6);
	CHECK("msync_sync", !msync(m, 2 * PAGE, MS_SYNC), "%s", strerror(errno));
	CHECK("msync_data_in_file", !read_back(path, 100, buf, 6) && !memcmp(buf, "synced", 6),
	      "read() gave '%.6s'", buf);
	/* Written again after writeback: the page must be caught dirty again. */
	memcpy(m + 200, "again", 5);
	CHECK("msync_async", !msync(m, PAGE, MS_ASYNC), "%s", strerror(errno));
	CHECK("rewrite_after_msync_in_file", !read_back(path, 200, buf, 5) && !memcmp(buf, "again", 5),
	      "read() gave '%.5s'", buf);
	/* write() through the descriptor shows in the mapping. */
	CHECK("write_seen_in_mapping", pwrite(fd, "by-write", 8, 300) == 8 && !memcmp(m + 300, "by-write", 8),
	      "mapping has '%.8s'", m + 300);
	memcpy(m + PAGE + 400, "fsynced", 7);
	CHECK("fsync_after_mapped_write", !fsync(fd) && !read_back(path, PAGE + 400, buf, 7) &&
	      !memcmp(buf, "fsynced", 7), "read() gave '%.7s'", buf);
	munmap(m, 2 * PAGE);
	close(fd);
	unlink(path);
}

static void t_munmap_close(void)
{
	char path[4200], buf[16] = "";
	int fd = new_file("sm_unmap", PAGE, path, sizeof(path));
	char *m = fd < 0 ? MAP_FAILED : mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	if (m == MAP_FAILED) {
		FAIL("munmap_close_keeps_data", "open/mmap: %s", strerror(errno));
		return;
	}
	memcpy(m + 64, "mapped", 6);
	munmap(m, PAGE);
	close(fd);
	CHECK("munmap_close_keeps_data", !read_back(path, 64, buf, 6) && !memcmp(buf, "mapped", 6),
	      "read() gave '%.6s'", buf);
	/* A pwrite after the mapping is gone is not overwritten by it. */
	fd = open(path, O_RDWR);
	CHECK("pwrite_after_munmap", fd >= 0 && pwrite(fd, "PWRITE", 6, 64) == 6 && !close(fd) &&
	      !read_back(path, 64, buf, 6) && !memcmp(buf, "PWRITE", 6), "read() gave '%.6s'", buf);
	unlink(path);
}

static void t_fork_child_writes(void)
{
	char path[4200], buf[16] = "";
	int fd = new_file("sm_fork", PAGE, path, sizeof(path)), st = -1;
	char *m = fd < 0 ? MAP_FAILED : mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	pid_t pid;

	if (m == MAP_FAILED) {
		FAIL("fork_child_write_in_file", "open/mmap: %s", strerror(errno));
		return;
	}
	m[0] = 'p';                     /* dirty in the parent before fork */
	msync(m, PAGE, MS_SYNC);        /* clean again, mapped in both */
	pid = fork();
	if (pid == 0) {
		memcpy(m + 8, "child", 5);
		_exit(0);
	}
	waitpid(pid, &st, 0);
	CHECK("fork_child_write_in_file", WIFEXITED(st) && !read_back(path, 8, buf, 5) &&
	      !memcmp(buf, "child", 5) && m[8] == 'c', "read() gave '%.5s', mapping '%c'", buf, m[8]);
	munmap(m, PAGE);
	close(fd);
	unlink(path);
}

static sigjmp_buf bus_jmp;
static volatile int bus_code;

static void on_bus(int sig, siginfo_t *si, void *uc)
{
	bus_code = si->si_code;
	siglongjmp(bus_jmp, 1);
}

static void t_truncate_sigbus(void)
{
	struct sigaction sa = { .sa_sigaction = on_bus, .sa_flags = SA_SIGINFO }, old;
	char path[4200];
	int fd = new_file("sm_trunc", 2 * PAGE, path, sizeof(path));
	volatile char *m = fd < 0 ? MAP_FAILED : mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	volatile int got = 0;

	if (m == MAP_FAILED) {
		FAIL("truncate_sigbus", "open/mmap: %s", strerror(errno));
		return;
	}
	m[PAGE] = 'x';                  /* the page is mapped before the truncate */
	sigaction(SIGBUS, &sa, &old);
	if (ftruncate(fd, PAGE) == 0 && !sigsetjmp(bus_jmp, 1))
		(void)m[PAGE];
	else
		got = 1;
	sigaction(SIGBUS, &old, NULL);
	CHECK("truncate_sigbus", got && bus_code == BUS_ADRERR, "got %d si_code %d", got, bus_code);
	CHECK("truncate_keeps_first_page", (m[0] = 'y') == 'y', "unreachable");
	munmap((void *)m, 2 * PAGE);
	close(fd);
	unlink(path);
}

/* The modes for the host-side checks. */
static int map_file(const char *path, char **m)
{
	int fd = open(path, O_RDWR);

	*m = fd < 0 ? MAP_FAILED : mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (*m == MAP_FAILED) {
		perror(path);
		return -1;
	}
	return fd;
}

/* Write a mode's word at the start of FILE, then act as the mode says. */
static int mode(const char *name, const char *path)
{
	static const char *const words[][2] = {
		{ "synced", "synced" }, { "dirty", "dirty" },
		{ "unmap", "unmapped" }, { "exit", "at exit" },
	};
	const char *word = NULL;
	char *m;
	int fd;

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcmp(name, words[i][0]))
			word = words[i][1];
	if (!word) {
		fprintf(stderr, "unknown mode %s\n", name);
		return 2;
	}
	fd = map_file(path, &m);
	if (fd < 0)
		return 1;
	memcpy(m, word, strlen(word));
	if (!strcmp(name, "exit"))
		return 0;
	if (!strcmp(name, "unmap"))
		return munmap(m, PAGE) || close(fd);
	if (!strcmp(name, "synced") && msync(m, PAGE, MS_SYNC)) {
		perror("msync");
		return 1;
	}
	printf("%s\n", !strcmp(name, "synced") ? "SYNCED" : "DIRTY");
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	if (argc == 3)
		return mode(argv[1], argv[2]);
	snprintf(dir, sizeof(dir), "%s",
		 argc > 1 ? argv[1] : getenv("TMPDIR") ? getenv("TMPDIR") : ".");
	t_msync_and_read();
	t_munmap_close();
	t_fork_child_writes();
	t_truncate_sigbus();
	return check_done();
}

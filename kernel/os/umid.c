/*
 * The umid directory <uml_dir>/<umid>/ and its locked pid file. Glass
 * deletes and changes nothing it did not make: it creates the directory
 * itself (mkdir fails if the name exists) or takes over a stale one of its
 * own (the pid file's lock is free, its pid is dead or our own before a
 * re-exec, and every entry has a name Glass gives its files); it works
 * through directory fds and never follows a symbolic link; it removes only
 * the names Glass gives its files. CPU thread.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <glass/os.h>
#include "os_internal.h"

/* UML's UMID_LEN is 64 with the terminating NUL. */
#define UMID_MAX 63

static char umid_dir[PATH_MAX];
static char leaf[UMID_MAX + 1];
static int base_fd = -1, dir_fd = -1, pid_fd = -1;
static bool keep_dir;
static pid_t owner_pid;

#pragma GCC diagnostic ignored "-Wformat-truncation"

/* module-NAME.ko: a loaded module's image (os_umid_save_module), NAME
 * being a module name (letters, digits, _ and -). */
static bool module_image_name(const char *name)
{
	size_t len = strlen(name), n;

	if (strncmp(name, "module-", 7) || len < 7 + 1 + 3 || strcmp(name + len - 3, ".ko"))
		return false;
	n = strspn(name + 7, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-");
	return n == len - 7 - 3;
}

/* PREFIX then digits: core.N, exe-PID. */
static bool numbered_name(const char *name, const char *prefix)
{
	size_t n = strlen(prefix);

	if (strncmp(name, prefix, n))
		return false;
	name += n;
	return *name && strspn(name, "0123456789") == strlen(name);
}

/* The names Glass gives files in the directory (mconsole's `core` makes
 * core.N too, modules module-NAME.ko, ptproxy exe-PID); nothing else is
 * ever removed. */
static bool glass_name(const char *name)
{
	static const char *const names[] = { "pid", "mconsole", "gdb", "core", "console.log",
					     "trace", "ptproxy" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i]))
			return true;
	if (module_image_name(name))
		return true;
	return numbered_name(name, "core.") || numbered_name(name, "exe-");
}

/*
 * Call fn on each entry of the umid directory but . and ..; stops at the
 * first nonzero return, which it returns. No allocation and a static
 * buffer: the fatal-signal handler's clean-up runs it too.
 */
static int for_each_entry(int (*fn)(const char *name, void *arg), void *arg)
{
	static char buf[4096] __attribute__((aligned(8)));
	ssize_t n = 0;
	int r = 0;

	if (lseek(dir_fd, 0, SEEK_SET) < 0)
		return -errno;
	while (!r && (n = getdents64(dir_fd, buf, sizeof(buf))) > 0) {
		for (ssize_t off = 0; !r && off < n;) {
			struct dirent64 *e = (struct dirent64 *)(buf + off);

			off += e->d_reclen;
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
				r = fn(e->d_name, arg);
		}
	}
	return n < 0 ? -errno : r;
}

/* Refuse an entry Glass would not have made; a name it uses on anything
 * but a file or socket (a directory called core) counts as foreign. The
 * name goes to arg, NAME_MAX + 1 bytes. */
static int check_entry(const char *name, void *arg)
{
	struct stat st;

	if (glass_name(name) && !fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) &&
	    (S_ISREG(st.st_mode) || S_ISSOCK(st.st_mode)))
		return 0;
	snprintf(arg, NAME_MAX + 1, "%s", name);
	return -ENOTEMPTY;
}

/* Remove a name Glass gives its files. */
static int remove_entry(const char *name, void *unused)
{
	(void)unused;
	if (glass_name(name))
		unlinkat(dir_fd, name, 0);
	return 0;
}

/* The files a reboot must not lose: the core and kernel log of the
 * panic that rebooted (panic=N), and the trace, which goes on. */
static bool record_name(const char *name)
{
	return !strcmp(name, "trace") || !strcmp(name, "console.log") ||
	       !strncmp(name, "core", 4);
}

/* Taking over a stale directory: the pid file stays (it is locked and
 * rewritten); after our own re-exec (kept not NULL) the records too, and
 * *kept says some were there. */
static int remove_stale(const char *name, void *kept)
{
	if (!strcmp(name, "pid"))
		return 0;
	if (kept && glass_name(name) && record_name(name)) {
		*(bool *)kept = true;
		return 0;
	}
	return remove_entry(name, NULL);
}

static void random_umid(char *buf, size_t len)
{
	static const char chars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	unsigned char r[6];

	os_random_bytes(r, sizeof(r));
	snprintf(buf, len, "glass-");
	for (int i = 0; i < 6; i++)
		buf[6 + i] = chars[r[i] % (sizeof(chars) - 1)];
	buf[12] = '\0';
}

/* A umid names one directory inside uml_dir, nothing else. */
static int check_umid(const char *umid, char *err, size_t errlen)
{
	size_t len = strlen(umid);

	if (len > UMID_MAX) {
		snprintf(err, errlen, "umid=%.16s...: too long (%zu bytes, at most %d)",
			 umid, len, UMID_MAX);
		return -ENAMETOOLONG;
	}
	if (!len || strchr(umid, '/') || !strcmp(umid, ".") || !strcmp(umid, "..")) {
		snprintf(err, errlen, "umid=%s: a umid names one directory in uml_dir: "
			 "not empty, not '.' or '..', no '/'", umid);
		return -EINVAL;
	}
	return 0;
}

/* path and its missing parents, made with mode (uml_dir's 0700, gcov dump
 * directories); existing ones stay as they are. */
int os_mkdir_p(const char *path, unsigned int mode)
{
	char tmp[PATH_MAX];

	if (strlen(path) >= sizeof(tmp))
		return -ENAMETOOLONG;
	strcpy(tmp, path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, mode) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(tmp, mode) && errno != EEXIST)
		return -errno;
	return 0;
}

static int write_pid(char *err, size_t errlen)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%d\n", getpid());

	/* Never truncated to 0 first: on ext4 that has the last close start
	 * the file's writeback (auto_da_alloc), which the unlinked file's
	 * eviction at exit then waited for, with a discard of its block:
	 * 1-2 ms of every boot's exit on a VM. */
	if (pwrite(pid_fd, buf, n, 0) != n || ftruncate(pid_fd, n)) {
		snprintf(err, errlen, "cannot write %s/pid: %s", umid_dir, strerror(errno));
		return -EIO;
	}
	return 0;
}

/*
 * The directory exists: take it over only if it is a stale one of Glass's
 * (see the top of the file). Anything else is refused untouched.
 */
static int take_over(char *err, size_t errlen)
{
	const char *why = NULL;
	char buf[NAME_MAX + 1];
	struct stat st;
	ssize_t n;
	long pid;
	char *end;
	int r;

	dir_fd = openat(base_fd, leaf, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dir_fd < 0) {
		int e = errno;

		why = !fstatat(base_fd, leaf, &st, AT_SYMLINK_NOFOLLOW) && S_ISLNK(st.st_mode) ?
		      "is a symbolic link" : e == ENOTDIR ? "is not a directory" : strerror(e);
		goto refuse;
	}
	if (fstat(dir_fd, &st) || st.st_uid != geteuid()) {
		why = "belongs to another user";
		goto refuse;
	}
	pid_fd = openat(dir_fd, "pid", O_RDWR | O_NOFOLLOW | O_CLOEXEC);
	if (pid_fd < 0 || fstat(pid_fd, &st) || !S_ISREG(st.st_mode)) {
		why = "has no pid file: not a running or stale Glass's (one kept after a "
		      "panic holds its core: move that away first)";
		goto refuse;
	}
	n = pread(pid_fd, buf, sizeof(buf) - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (flock(pid_fd, LOCK_EX | LOCK_NB)) {
		snprintf(err, errlen, "umid %s is in use by a running Glass (pid %s): choose another umid=",
			 leaf, buf[0] ? buf : "unknown");
		return -EBUSY;
	}
	pid = strtol(buf, &end, 10);
	if (end == buf || *end || pid <= 0 || pid > INT_MAX) {
		why = "has a pid file without a pid";
		goto refuse;
	}
	/* Our own pid: a reboot's re-exec of this process. */
	if (pid != getpid() && (!kill(pid, 0) || errno != ESRCH)) {
		snprintf(buf, sizeof(buf), "has a pid file naming process %ld, which is alive", pid);
		why = buf;
		goto refuse;
	}
	r = for_each_entry(check_entry, buf);
	if (r) {
		snprintf(err, errlen, "umid=%s: %s exists and holds '%s', which Glass did not make; "
			 "Glass leaves it alone: choose another umid=", leaf, umid_dir, buf);
		return r == -ENOTEMPTY ? -EEXIST : r;
	}
	/* A reboot keeps the records, and so the directory at exit. */
	for_each_entry(remove_stale, pid == getpid() ? &keep_dir : NULL);
	return write_pid(err, errlen);
refuse:
	snprintf(err, errlen, "umid=%s: %s exists and %s; Glass leaves it alone: choose another umid=",
		 leaf, umid_dir, why);
	return -EEXIST;
}

static void close_fds(void)
{
	if (pid_fd >= 0)
		close(pid_fd);
	if (dir_fd >= 0)
		close(dir_fd);
	if (base_fd >= 0)
		close(base_fd);
	pid_fd = dir_fd = base_fd = -1;
}

int os_umid_setup(const char *uml_dir, const char *umid, char *err, unsigned long errlen,
		  char *out_umid, unsigned long umidlen)
{
	char base[PATH_MAX];
	struct sockaddr_un sun;
	int r;

	if (uml_dir && *uml_dir) {
		snprintf(base, sizeof(base), "%s", uml_dir);
	} else {
		const char *home = getenv("HOME");
		snprintf(base, sizeof(base), "%s/.uml", home && *home ? home : "/tmp");
	}
	if (umid) {
		r = check_umid(umid, err, errlen);
		if (r)
			return r;
		snprintf(leaf, sizeof(leaf), "%s", umid);
	} else {
		random_umid(leaf, sizeof(leaf));
	}
	r = snprintf(umid_dir, sizeof(umid_dir), "%s/%s", base, leaf);
	/* Sockets live in the directory: "<dir>/mconsole" must fit sun_path. */
	if (r < 0 || (size_t)r + sizeof("/mconsole") > sizeof(sun.sun_path)) {
		snprintf(err, errlen,
			 "umid directory %s/%s is too long for a unix socket path (%zu bytes at most)",
			 base, leaf, sizeof(sun.sun_path) - sizeof("/mconsole"));
		r = -ENAMETOOLONG;
		goto fail;
	}
	r = os_mkdir_p(base, 0700);
	base_fd = r ? -1 : open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (base_fd < 0) {
		r = r ? r : -errno;
		snprintf(err, errlen, "cannot create uml_dir %s: %s", base, strerror(-r));
		goto fail;
	}
	if (!mkdirat(base_fd, leaf, 0700)) {
		/* Ours from here on, even if what follows fails. */
		owner_pid = getpid();
		dir_fd = openat(base_fd, leaf, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		pid_fd = dir_fd < 0 ? -1 : openat(dir_fd, "pid", O_RDWR | O_CREAT | O_EXCL |
						  O_NOFOLLOW | O_CLOEXEC, 0600);
		if (pid_fd < 0 || flock(pid_fd, LOCK_EX | LOCK_NB)) {
			r = -errno;
			snprintf(err, errlen, "cannot create %s/pid: %s", umid_dir, strerror(errno));
			goto fail;
		}
		r = write_pid(err, errlen);
	} else if (errno == EEXIST) {
		r = take_over(err, errlen);
		if (!r)
			owner_pid = getpid();
	} else {
		r = -errno;
		snprintf(err, errlen, "cannot create %s: %s", umid_dir, strerror(errno));
	}
	if (r)
		goto fail;
	snprintf(out_umid, umidlen, "%s", leaf);
	return 0;
fail:
	os_umid_cleanup();
	close_fds();
	umid_dir[0] = '\0';
	return r;
}

const char *os_umid_dir(void)
{
	return umid_dir;
}

int os_umid_save_module(const char *name, const void *image, unsigned long len,
			char *path, unsigned long pathlen)
{
	char leafname[NAME_MAX + 1];
	int fd, r;

	snprintf(leafname, sizeof(leafname), "module-%s.ko", name);
	if (dir_fd < 0 || !module_image_name(leafname))
		return -EINVAL;
	fd = openat(dir_fd, leafname, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	r = os_pwrite_all(fd, image, len, 0);
	close(fd);
	if (r) {
		unlinkat(dir_fd, leafname, 0);
		return r;
	}
	snprintf(path, pathlen, "%s/%s", umid_dir, leafname);
	return 0;
}

int os_umid_create_exe(int pid, char *path, unsigned long pathlen)
{
	char leafname[32];
	int fd;

	snprintf(leafname, sizeof(leafname), "exe-%d", pid);
	if (dir_fd < 0)
		return -EINVAL;
	/* A new file each time: a tool that has the old one open keeps it. */
	unlinkat(dir_fd, leafname, 0);
	fd = openat(dir_fd, leafname, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0700);
	if (fd < 0)
		return -errno;
	snprintf(path, pathlen, "%s/%s", umid_dir, leafname);
	return fd;
}

void os_umid_remove_module(const char *name)
{
	char leafname[NAME_MAX + 1];

	snprintf(leafname, sizeof(leafname), "module-%s.ko", name);
	if (dir_fd >= 0 && module_image_name(leafname))
		unlinkat(dir_fd, leafname, 0);
}

void os_umid_keep(void)
{
	keep_dir = true;
}

/*
 * On the way out; only the process that made the directory (not a forked
 * child). After a panic the core and console.log stay; the sockets and
 * the pid file go, nothing is behind them any more.
 */
void os_umid_cleanup(void)
{
	if (owner_pid != getpid() || dir_fd < 0)
		return;
	if (keep_dir) {
		unlinkat(dir_fd, "mconsole", 0);
		unlinkat(dir_fd, "gdb", 0);
		unlinkat(dir_fd, "ptproxy", 0);
		unlinkat(dir_fd, "pid", 0);
	} else {
		for_each_entry(remove_entry, NULL);
		unlinkat(base_fd, leaf, AT_REMOVEDIR);
	}
	owner_pid = 0;
}

/*
 * Before a reboot's exec of this same process. A directory kept after a
 * panic (panic=N) stays whole: exec drops the pid file's lock, and the
 * new image takes the directory over as a stale one naming its own pid.
 */
void os_umid_reexec(void)
{
	if (!keep_dir)
		os_umid_cleanup();
}

/*
 * A unix stream socket bound at <umid dir>/NAME with mode 0600 (only the
 * user running Glass may use it: gdb's and ptproxy's), not yet
 * listening; its path in path. The fd, or -errno.
 */
int os_umid_socket(const char *name, int flags, char *path, unsigned long len)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd, err;

	if (!os_umid_dir()[0])
		return -ENOENT;
	if ((size_t)snprintf(path, len, "%s/%s", os_umid_dir(), name) >= len ||
	    strlen(path) >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | flags, 0);
	if (fd < 0)
		return -errno;
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) || chmod(path, 0600)) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

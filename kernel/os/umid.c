/*
 * The umid directory <uml_dir>/<umid>/: mode 0700, a pid file held under
 * flock while Glass runs (a reused host pid cannot fool the check), reused
 * when its owner is dead, removed on exit.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <glass/os.h>
#include "os_internal.h"

static char umid_dir[PATH_MAX];

#pragma GCC diagnostic ignored "-Wformat-truncation"
static int pid_fd = -1;
static bool keep_dir;
static pid_t owner_pid;

static void remove_contents(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[PATH_MAX];

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(d);
}

static int mkdir_p(const char *path, mode_t mode)
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

int os_umid_setup(const char *uml_dir, const char *umid, char *err, unsigned long errlen,
		  char *out_umid, unsigned long umidlen)
{
	char base[PATH_MAX], name[64], pidbuf[32];
	struct sockaddr_un sun;
	int r, fd;

	if (uml_dir && *uml_dir) {
		snprintf(base, sizeof(base), "%s", uml_dir);
	} else {
		const char *home = getenv("HOME");
		snprintf(base, sizeof(base), "%s/.uml", home && *home ? home : "/tmp");
	}
	if (umid && *umid)
		snprintf(name, sizeof(name), "%s", umid);
	else
		random_umid(name, sizeof(name));
	if (strchr(name, '/')) {
		snprintf(err, errlen, "umid=%s: a umid may not contain '/'", name);
		return -EINVAL;
	}
	r = snprintf(umid_dir, sizeof(umid_dir), "%s/%s", base, name);
	/* Sockets live in the directory: "<dir>/mconsole" must fit sun_path. */
	if (r < 0 || (size_t)r + sizeof("/mconsole") > sizeof(sun.sun_path)) {
		snprintf(err, errlen,
			 "umid directory %s/%s is too long for a unix socket path (%zu bytes at most)",
			 base, name, sizeof(sun.sun_path) - sizeof("/mconsole"));
		umid_dir[0] = '\0';
		return -ENAMETOOLONG;
	}
	r = mkdir_p(base, 0700);
	if (r) {
		snprintf(err, errlen, "cannot create uml_dir %s: %s", base, strerror(-r));
		goto fail;
	}
	if (mkdir(umid_dir, 0700) && errno != EEXIST) {
		r = -errno;
		snprintf(err, errlen, "cannot create %s: %s", umid_dir, strerror(errno));
		goto fail;
	}
	chmod(umid_dir, 0700);
	snprintf(base, sizeof(base), "%s/pid", umid_dir);
	fd = open(base, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		r = -errno;
		snprintf(err, errlen, "cannot open %s: %s", base, strerror(errno));
		goto fail;
	}
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		ssize_t n = read(fd, pidbuf, sizeof(pidbuf) - 1);
		pidbuf[n > 0 ? n : 0] = '\0';
		pidbuf[strcspn(pidbuf, "\n")] = '\0';
		snprintf(err, errlen, "umid %s is in use by a running Glass (pid %s): choose another umid=",
			 name, pidbuf[0] ? pidbuf : "unknown");
		close(fd);
		umid_dir[0] = '\0';
		return -EBUSY;
	}
	/* A dead owner's leftovers: reuse the directory. */
	remove_contents(umid_dir);
	close(fd);
	fd = open(base, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB)) {
		r = -EBUSY;
		snprintf(err, errlen, "umid %s: lost the race for %s", name, base);
		goto fail;
	}
	r = snprintf(pidbuf, sizeof(pidbuf), "%d\n", getpid());
	if (ftruncate(fd, 0) || write(fd, pidbuf, r) != r) {
		r = -errno;
		snprintf(err, errlen, "cannot write %s", base);
		goto fail;
	}
	pid_fd = fd;
	owner_pid = getpid();
	snprintf(out_umid, umidlen, "%s", name);
	return 0;
fail:
	umid_dir[0] = '\0';
	return r;
}

const char *os_umid_dir(void)
{
	return umid_dir;
}

void os_umid_keep(void)
{
	keep_dir = true;
}

/* Only the process that made it (not a forked child) removes it. */
void os_umid_cleanup(void)
{
	if (!umid_dir[0] || owner_pid != getpid() || keep_dir)
		return;
	remove_contents(umid_dir);
	rmdir(umid_dir);
	umid_dir[0] = '\0';
	if (pid_fd >= 0)
		close(pid_fd);
	pid_fd = -1;
}

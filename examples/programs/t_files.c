/* Files on a tmpfs (/tmp): open/write/read/lseek/stat/rename/unlink/readdir. */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "check.h"

static char dir[200];

static char *path(const char *name)
{
	static char buf[2][300];
	static int i;
	i ^= 1;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void)
{
	char buf[64];
	struct stat st;

	snprintf(dir, sizeof(dir), "%s/t_files.%d", check_tmpdir(), getpid());
	CHECK("mkdir", mkdir(dir, 0755) == 0, "mkdir %s: %s", dir, strerror(errno));

	int fd = open(path("a"), O_RDWR | O_CREAT | O_EXCL, 0640);
	CHECK("open_creat", fd >= 0, "open: %s", strerror(errno));
	CHECK("open_excl_exists", open(path("a"), O_RDWR | O_CREAT | O_EXCL, 0640) == -1 && errno == EEXIST,
	      "errno %d", errno);
	CHECK("write", write(fd, "hello world", 11) == 11, "write: %s", strerror(errno));
	CHECK("lseek_set", lseek(fd, 6, SEEK_SET) == 6, "lseek");
	memset(buf, 0, sizeof(buf));
	CHECK("read", read(fd, buf, sizeof(buf)) == 5 && !strcmp(buf, "world"), "read '%s'", buf);
	CHECK("read_eof", read(fd, buf, sizeof(buf)) == 0, "read past end");
	CHECK("lseek_end", lseek(fd, 0, SEEK_END) == 11, "lseek end");
	CHECK("lseek_hole", lseek(fd, 100, SEEK_SET) == 100 && write(fd, "!", 1) == 1, "write past end");
	CHECK("pread_hole_zero", pread(fd, buf, 4, 50) == 4 && !memcmp(buf, "\0\0\0\0", 4), "hole not zero");
	CHECK("fstat", fstat(fd, &st) == 0 && st.st_size == 101 && S_ISREG(st.st_mode) &&
			       (st.st_mode & 07777) == 0640 && st.st_nlink == 1,
	      "size %ld mode %o", (long)st.st_size, st.st_mode);
	CHECK("ftruncate", ftruncate(fd, 5) == 0 && fstat(fd, &st) == 0 && st.st_size == 5,
	      "size %ld", (long)st.st_size);
	struct iovec iov[2] = { { "ab", 2 }, { "cd", 2 } };
	CHECK("writev", pwrite(fd, "", 0, 0) == 0 && lseek(fd, 0, SEEK_END) == 5 && writev(fd, iov, 2) == 4,
	      "writev");
	CHECK("pread", pread(fd, buf, 9, 0) == 9 && !memcmp(buf, "helloabcd", 9), "got %.9s", buf);
	int fd2 = dup(fd);
	CHECK("dup_shares_offset", fd2 > fd && lseek(fd2, 1, SEEK_SET) == 1 && lseek(fd, 0, SEEK_CUR) == 1,
	      "offset not shared");
	CHECK("dup2", dup2(fd, 20) == 20 && fcntl(20, F_GETFD) == 0, "dup2");
	CHECK("cloexec", fcntl(20, F_SETFD, FD_CLOEXEC) == 0 && fcntl(20, F_GETFD) == FD_CLOEXEC, "F_SETFD");
	close(20);
	close(fd2);
	close(fd);
	CHECK("close_ebadf", close(fd) == -1 && errno == EBADF, "errno %d", errno);

	fd = open(path("a"), O_WRONLY | O_APPEND);
	(void)!write(fd, "Z", 1);
	close(fd);
	CHECK("stat_append", stat(path("a"), &st) == 0 && st.st_size == 10, "size %ld", (long)st.st_size);

	CHECK("rename", rename(path("a"), path("b")) == 0, "rename: %s", strerror(errno));
	CHECK("rename_old_gone", stat(path("a"), &st) == -1 && errno == ENOENT, "errno %d", errno);
	CHECK("link", link(path("b"), path("c")) == 0 && stat(path("b"), &st) == 0 && st.st_nlink == 2,
	      "nlink %ld", (long)st.st_nlink);
	CHECK("symlink", symlink("b", path("s")) == 0, "symlink: %s", strerror(errno));
	ssize_t n = readlink(path("s"), buf, sizeof(buf));
	CHECK("readlink", n == 1 && buf[0] == 'b', "readlink %zd", n);
	CHECK("lstat_symlink", lstat(path("s"), &st) == 0 && S_ISLNK(st.st_mode), "mode %o", st.st_mode);
	CHECK("stat_follows", stat(path("s"), &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 10,
	      "mode %o", st.st_mode);
	CHECK("mkdir_sub", mkdir(path("sub"), 0700) == 0, "mkdir: %s", strerror(errno));
	CHECK("rmdir_notempty", rmdir(dir) == -1 && errno == ENOTEMPTY, "errno %d", errno);
	CHECK("open_dir_write_eisdir", open(path("sub"), O_WRONLY) == -1 && errno == EISDIR, "errno %d", errno);
	CHECK("enotdir", open(path("b/x"), O_RDONLY) == -1 && errno == ENOTDIR, "errno %d", errno);

	DIR *d = opendir(dir);
	char *names[16];
	int count = 0;
	struct dirent *de;
	while (d && (de = readdir(d)) && count < 16)
		names[count++] = strdup(de->d_name);
	if (d)
		closedir(d);
	qsort(names, count, sizeof(names[0]), cmp);
	buf[0] = 0;
	for (int i = 0; i < count; i++) {
		strncat(buf, names[i], sizeof(buf) - strlen(buf) - 2);
		strcat(buf, " ");
		free(names[i]);
	}
	CHECK("readdir", !strcmp(buf, ". .. b c s sub "), "entries '%s'", buf);

	CHECK("chdir_relative", chdir(dir) == 0 && access("sub", F_OK) == 0 && chdir("/") == 0, "chdir");
	CHECK("unlink", unlink(path("b")) == 0 && unlink(path("c")) == 0 && unlink(path("s")) == 0,
	      "unlink: %s", strerror(errno));
	CHECK("unlink_enoent", unlink(path("b")) == -1 && errno == ENOENT, "errno %d", errno);

	/* An unlinked file stays readable through an open fd. */
	fd = open(path("tmp"), O_RDWR | O_CREAT, 0600);
	(void)!write(fd, "kept", 4);
	unlink(path("tmp"));
	CHECK("unlinked_open_file", pread(fd, buf, 4, 0) == 4 && !memcmp(buf, "kept", 4), "lost data");
	close(fd);

	CHECK("rmdir", rmdir(path("sub")) == 0 && rmdir(dir) == 0, "rmdir: %s", strerror(errno));
	return check_done();
}

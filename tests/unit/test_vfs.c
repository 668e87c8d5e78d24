/*
 * Unit tests for the VFS (kernel/fs): path walk with symlinks, "..",
 * trailing slashes and mounts; tmpfs create/read/write/unlink/rename/
 * readdir; fd tables; pipes; the initramfs unpacker. Syscalls are called
 * directly (sys_*) with host pointers, which the fake uaccess accepts.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel_in_host.h"
#include "fs_fakes.h"

#define U(x) ((unsigned long)(x))
#define DECL(name) long sys_##name(unsigned long, unsigned long, unsigned long, \
				   unsigned long, unsigned long, unsigned long)
DECL(openat); DECL(close); DECL(read); DECL(write); DECL(lseek); DECL(mkdir);
DECL(rmdir); DECL(unlink); DECL(rename); DECL(symlink); DECL(link);
DECL(readlink); DECL(newfstatat); DECL(getdents64); DECL(chdir); DECL(getcwd);
DECL(dup); DECL(dup2); DECL(dup3); DECL(fcntl); DECL(pipe2); DECL(poll);
DECL(mount); DECL(umount2); DECL(ftruncate); DECL(mknod); DECL(pread64);
DECL(writev); DECL(access); DECL(chmod); DECL(fchdir); DECL(sendfile);
DECL(ioctl); DECL(renameat2); DECL(select); DECL(statfs); DECL(utimensat);
DECL(chroot);

static long k_open(const char *p, int flags, int mode)
{
	return sys_openat(U(AT_FDCWD), U(p), flags, mode, 0, 0);
}
static long k_close(int fd) { return sys_close(fd, 0, 0, 0, 0, 0); }
static long k_read(int fd, void *b, size_t n) { return sys_read(fd, U(b), n, 0, 0, 0); }
static long k_write(int fd, const void *b, size_t n) { return sys_write(fd, U(b), n, 0, 0, 0); }
static long k_mkdir(const char *p, int m) { return sys_mkdir(U(p), m, 0, 0, 0, 0); }
static long k_symlink(const char *t, const char *p) { return sys_symlink(U(t), U(p), 0, 0, 0, 0); }
static long k_stat(const char *p, struct linux_stat *st, int flags)
{
	return sys_newfstatat(U(AT_FDCWD), U(p), U(st), flags, 0, 0);
}
static long k_unlink(const char *p) { return sys_unlink(U(p), 0, 0, 0, 0, 0); }
static long k_rename(const char *a, const char *b) { return sys_rename(U(a), U(b), 0, 0, 0, 0); }

/* Write a whole file. */
static void write_file(const char *path, const char *text)
{
	long fd = k_open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(k_write(fd, text, strlen(text)), (long)strlen(text));
	ck_assert_int_eq(k_close(fd), 0);
}

static char *read_file(const char *path)
{
	static char buf[8192];
	long fd = k_open(path, O_RDONLY, 0), n;

	ck_assert_msg(fd >= 0, "open %s: %ld", path, fd);
	n = k_read(fd, buf, sizeof(buf) - 1);
	ck_assert_int_ge(n, 0);
	buf[n] = 0;
	k_close(fd);
	return buf;
}

/* Boot the VFS once; Check forks each test from this state. */
static void vfs_setup(void)
{
	vfs_init();
	current->fs = kzalloc(sizeof(*current->fs), 0);
	current->fs->users = 1;
	current->fs->umask = 022;
	mnt_init_root(current->fs);
	current->files = files_alloc();
}

START_TEST(test_create_read_write)
{
	struct linux_stat st;
	char buf[64];
	long fd;

	ck_assert_int_eq(k_mkdir("/tmp", 0777), 0);
	ck_assert_int_eq(k_mkdir("/tmp", 0777), -EEXIST);
	write_file("/tmp/a", "hello");
	ck_assert_str_eq(read_file("/tmp/a"), "hello");
	ck_assert_int_eq(k_stat("/tmp/a", &st, 0), 0);
	ck_assert_int_eq(st.st_size, 5);
	ck_assert_uint_eq(st.st_mode, S_IFREG | 0644);
	ck_assert_uint_eq(st.st_nlink, 1);
	ck_assert_int_eq(k_stat("/tmp", &st, 0), 0);
	ck_assert_uint_eq(st.st_mode, S_IFDIR | 0755);   /* umask 022 */

	fd = k_open("/tmp/a", O_WRONLY | O_APPEND, 0);
	ck_assert_int_eq(k_write(fd, " world", 6), 6);
	k_close(fd);
	ck_assert_str_eq(read_file("/tmp/a"), "hello world");

	/* sparse write: hole reads as zeros, across a page boundary */
	fd = k_open("/tmp/sparse", O_RDWR | O_CREAT, 0600);
	ck_assert_int_eq(sys_lseek(fd, 8190, SEEK_SET, 0, 0, 0), 8190);
	ck_assert_int_eq(k_write(fd, "xyz", 3), 3);
	ck_assert_int_eq(sys_pread64(fd, U(buf), 5, 8188, 0, 0), 5);
	ck_assert_int_eq(memcmp(buf, "\0\0xyz", 5), 0);
	ck_assert_int_eq(sys_pread64(fd, U(buf), 4, 100, 0, 0), 4);
	ck_assert_int_eq(memcmp(buf, "\0\0\0\0", 4), 0);
	ck_assert_int_eq(sys_lseek(fd, 0, SEEK_END, 0, 0, 0), 8193);
	ck_assert_int_eq(sys_ftruncate(fd, 8191, 0, 0, 0, 0), 0);
	ck_assert_int_eq(sys_pread64(fd, U(buf), 10, 8188, 0, 0), 3);
	ck_assert_int_eq(memcmp(buf, "\0\0x", 3), 0);
	ck_assert_int_eq(sys_ftruncate(fd, 0, 0, 0, 0, 0), 0);
	ck_assert_int_eq(k_read(fd, buf, 10), 0);
	k_close(fd);

	ck_assert_int_eq(k_open("/tmp/a", O_CREAT | O_EXCL | O_WRONLY, 0600), -EEXIST);
	ck_assert_int_eq(k_open("/tmp/nope", O_RDONLY, 0), -ENOENT);
	ck_assert_int_eq(k_open("/tmp", O_WRONLY, 0), -EISDIR);
	ck_assert_int_eq(k_open("/tmp/a", O_RDONLY | O_DIRECTORY, 0), -ENOTDIR);
	ck_assert_int_eq(k_open("/tmp/a/", O_RDONLY, 0), -ENOTDIR);
	ck_assert_int_eq(k_open("/tmp/new/", O_CREAT | O_WRONLY, 0600), -EISDIR);
	ck_assert_int_eq(k_open("", O_RDONLY, 0), -ENOENT);
	ck_assert_int_eq(k_open((const char *)16, O_RDONLY, 0), -EFAULT);

	fd = k_open("/tmp/a", O_RDONLY, 0);
	ck_assert_int_eq(k_write(fd, "x", 1), -EBADF);
	ck_assert_int_eq(sys_writev(fd, 0, 0, 0, 0, 0), -EBADF);
	k_close(fd);
	ck_assert_int_eq(k_close(fd), -EBADF);
}
END_TEST

START_TEST(test_path_walk)
{
	struct linux_stat st;
	char buf[256], name[300];
	long n;

	ck_assert_int_eq(k_mkdir("/d1", 0755), 0);
	ck_assert_int_eq(k_mkdir("/d1/d2", 0755), 0);
	write_file("/d1/d2/f", "F");
	ck_assert_str_eq(read_file("/d1/./d2/../d2//f"), "F");
	ck_assert_str_eq(read_file("/../../d1/d2/f"), "F");       /* .. at root */
	ck_assert_int_eq(k_stat("/d1/d2/f/x", &st, 0), -ENOTDIR);
	ck_assert_int_eq(k_stat("/d1/nope/f", &st, 0), -ENOENT);
	ck_assert_int_eq(k_stat("/d1/d2/", &st, 0), 0);

	/* symlinks: relative, absolute, to dirs, chains, dangling, loops */
	ck_assert_int_eq(k_symlink("d2/f", "/d1/rel"), 0);
	ck_assert_int_eq(k_symlink("/d1/d2", "/abs"), 0);
	ck_assert_int_eq(k_symlink("../rel", "/abs/chain"), 0);
	ck_assert_int_eq(k_symlink("nowhere", "/dangling"), 0);
	ck_assert_int_eq(k_symlink("loop2", "/loop1"), 0);
	ck_assert_int_eq(k_symlink("loop1", "/loop2"), 0);
	ck_assert_str_eq(read_file("/d1/rel"), "F");
	ck_assert_str_eq(read_file("/abs/f"), "F");
	ck_assert_str_eq(read_file("/abs/chain"), "F");
	ck_assert_str_eq(read_file("/abs/../d2/f"), "F");        /* .. of the target */
	ck_assert_int_eq(k_stat("/abs/", &st, 0), 0);
	ck_assert_uint_eq(st.st_mode & S_IFMT, S_IFDIR);
	ck_assert_int_eq(k_stat("/abs", &st, AT_SYMLINK_NOFOLLOW), 0);
	ck_assert_uint_eq(st.st_mode & S_IFMT, S_IFLNK);
	ck_assert_int_eq(k_stat("/abs/", &st, AT_SYMLINK_NOFOLLOW), 0);
	ck_assert_uint_eq(st.st_mode & S_IFMT, S_IFDIR);
	ck_assert_int_eq(k_stat("/dangling", &st, 0), -ENOENT);
	ck_assert_int_eq(k_stat("/loop1", &st, 0), -ELOOP);
	ck_assert_int_eq(k_stat("/loop1", &st, AT_SYMLINK_NOFOLLOW), 0);
	ck_assert_int_eq(k_open("/d1/rel", O_RDONLY | O_NOFOLLOW, 0), -ELOOP);
	n = sys_readlink(U("/abs/chain"), U(buf), sizeof(buf), 0, 0, 0);
	ck_assert_int_eq(n, 6);
	ck_assert_int_eq(memcmp(buf, "../rel", 6), 0);
	ck_assert_int_eq(sys_readlink(U("/d1"), U(buf), sizeof(buf), 0, 0, 0), -EINVAL);

	/* O_CREAT through a dangling symlink creates its target */
	write_file("/dangling", "made");
	ck_assert_str_eq(read_file("/nowhere"), "made");

	/* 40 links are fine, 41 are too many */
	ck_assert_int_eq(k_symlink("/d1/d2/f", "/s0"), 0);
	for (int i = 1; i <= 40; i++) {
		char t[16], l[16];

		snprintf(t, sizeof(t), "s%d", i - 1);
		snprintf(l, sizeof(l), "/s%d", i);
		ck_assert_int_eq(k_symlink(t, l), 0);
	}
	ck_assert_int_eq(k_stat("/s39", &st, 0), 0);
	ck_assert_int_eq(k_stat("/s40", &st, 0), -ELOOP);

	memset(name, 'a', sizeof(name));
	name[0] = '/';
	name[299] = 0;
	ck_assert_int_eq(k_stat(name, &st, 0), -ENAMETOOLONG);
	ck_assert_int_eq(k_mkdir(name, 0755), -ENAMETOOLONG);

	/* cwd, relative names, getcwd, fchdir */
	ck_assert_int_eq(sys_chdir(U("/abs"), 0, 0, 0, 0, 0), 0);
	ck_assert_str_eq(read_file("f"), "F");
	ck_assert_int_eq(sys_getcwd(U(buf), sizeof(buf), 0, 0, 0, 0), 7);
	ck_assert_str_eq(buf, "/d1/d2");
	ck_assert_int_eq(sys_getcwd(U(buf), 3, 0, 0, 0, 0), -ERANGE);
	ck_assert_int_eq(sys_chdir(U(".."), 0, 0, 0, 0, 0), 0);
	ck_assert_str_eq(read_file("rel"), "F");
	ck_assert_int_eq(sys_chdir(U("rel"), 0, 0, 0, 0, 0), -ENOTDIR);
	n = k_open("/", O_RDONLY | O_DIRECTORY, 0);
	ck_assert_int_eq(sys_fchdir(n, 0, 0, 0, 0, 0), 0);
	ck_assert_int_eq(sys_getcwd(U(buf), sizeof(buf), 0, 0, 0, 0), 2);
	ck_assert_str_eq(buf, "/");
	/* openat relative to a directory fd */
	ck_assert_int_ge(sys_openat(n, U("d1/rel"), O_RDONLY, 0, 0, 0), 0);
	ck_assert_int_eq(sys_openat(999, U("d1/rel"), O_RDONLY, 0, 0, 0), -EBADF);
}
END_TEST

START_TEST(test_chroot_dotdot)
{
	char buf[64];

	ck_assert_int_eq(k_mkdir("/jail", 0755), 0);
	write_file("/jail/inside", "in");
	write_file("/outside", "out");
	ck_assert_int_eq(sys_chroot(U("/jail"), 0, 0, 0, 0, 0), 0);
	ck_assert_str_eq(read_file("/inside"), "in");
	ck_assert_str_eq(read_file("/../../inside"), "in");
	ck_assert_int_eq(k_open("/outside", O_RDONLY, 0), -ENOENT);
	ck_assert_int_eq(sys_chdir(U("/"), 0, 0, 0, 0, 0), 0);
	ck_assert_int_eq(sys_getcwd(U(buf), sizeof(buf), 0, 0, 0, 0), 2);
}
END_TEST

START_TEST(test_mounts)
{
	struct linux_stat st, st2;
	char buf[2048];
	long fd;

	ck_assert_int_eq(k_mkdir("/mnt", 0755), 0);
	write_file("/mnt/under", "hidden");
	ck_assert_int_eq(sys_mount(U("none"), U("/mnt"), U("tmpfs"), 0, U("size=1m"), 0), 0);
	ck_assert_int_eq(k_open("/mnt/under", O_RDONLY, 0), -ENOENT);
	write_file("/mnt/over", "top");
	ck_assert_str_eq(read_file("/mnt/../mnt/over"), "top");
	ck_assert_int_eq(k_stat("/mnt", &st, 0), 0);
	ck_assert_uint_eq(st.st_mode, S_IFDIR | 01777);
	ck_assert_int_eq(k_stat("/", &st2, 0), 0);
	ck_assert_uint_ne(st.st_dev, st2.st_dev);
	ck_assert_int_eq(k_stat("/mnt/..", &st, 0), 0);          /* .. leaves the mount */
	ck_assert_uint_eq(st.st_ino, st2.st_ino);
	ck_assert_uint_eq(st.st_dev, st2.st_dev);

	ck_assert_int_gt(show_mounts(buf, sizeof(buf)), 0);
	ck_assert_ptr_nonnull(strstr(buf, "rootfs / rootfs rw 0 0\n"));
	ck_assert_ptr_nonnull(strstr(buf, "none /mnt tmpfs rw,size=1m 0 0\n"));
	ck_assert_int_gt(show_filesystems(buf, sizeof(buf)), 0);
	ck_assert_ptr_nonnull(strstr(buf, "nodev\ttmpfs\n"));

	ck_assert_int_eq(sys_mount(U("none"), U("/mnt"), U("nosuchfs"), 0, 0, 0), -ENODEV);
	ck_assert_int_eq(sys_mount(U("none"), U("/mnt/over"), U("tmpfs"), 0, 0, 0), -ENOTDIR);

	/* busy while a file is open, then unmountable */
	fd = k_open("/mnt/over", O_RDONLY, 0);
	ck_assert_int_eq(sys_umount2(U("/mnt"), 0, 0, 0, 0, 0), -EBUSY);
	k_close(fd);
	ck_assert_int_eq(sys_umount2(U("/mnt/over"), 0, 0, 0, 0, 0), -EINVAL);
	ck_assert_int_eq(sys_umount2(U("/mnt"), 0, 0, 0, 0, 0), 0);
	ck_assert_str_eq(read_file("/mnt/under"), "hidden");
	ck_assert_int_eq(sys_umount2(U("/"), 0, 0, 0, 0, 0), -EINVAL);

	/* lazy unmount with an open file; bind mounts */
	ck_assert_int_eq(sys_mount(U("t"), U("/mnt"), U("tmpfs"), 0, 0, 0), 0);
	write_file("/mnt/f", "lazy");
	fd = k_open("/mnt/f", O_RDONLY, 0);
	ck_assert_int_eq(sys_umount2(U("/mnt"), MNT_DETACH, 0, 0, 0, 0), 0);
	ck_assert_int_eq(k_read(fd, buf, 10), 4);
	k_close(fd);
	ck_assert_int_eq(k_mkdir("/b", 0755), 0);
	ck_assert_int_eq(sys_mount(U("/mnt"), U("/b"), 0, MS_BIND, 0, 0), 0);
	ck_assert_str_eq(read_file("/b/under"), "hidden");
	ck_assert_int_eq(sys_umount2(U("/b"), 0, 0, 0, 0, 0), 0);
	ck_assert_int_eq(sys_statfs(U("/"), U(buf), 0, 0, 0, 0), 0);
	ck_assert_int_eq(((struct kstatfs *)buf)->f_type, RAMFS_MAGIC);
}
END_TEST

/* Names listed by getdents64 on path, joined with spaces, sorted as listed. */
static char *list_dir(const char *path)
{
	static char out[4096];
	char buf[512];
	long fd = k_open(path, O_RDONLY | O_DIRECTORY, 0), n;

	ck_assert_int_ge(fd, 0);
	out[0] = 0;
	/* small buffer: several calls, positions carried in f_pos */
	while ((n = sys_getdents64(fd, U(buf), 64, 0, 0, 0)) > 0) {
		for (long off = 0; off < n;) {
			struct linux_dirent64 *d = (void *)(buf + off);

			strcat(out, d->d_name);
			strcat(out, " ");
			off += d->d_reclen;
		}
	}
	ck_assert_int_eq(n, 0);
	k_close(fd);
	return out;
}

START_TEST(test_readdir_rename_unlink)
{
	struct linux_stat st;

	ck_assert_int_eq(k_mkdir("/r", 0755), 0);
	write_file("/r/a", "A");
	write_file("/r/b", "B");
	ck_assert_int_eq(k_mkdir("/r/sub", 0755), 0);
	ck_assert_str_eq(list_dir("/r"), ". .. a b sub ");
	ck_assert_int_eq(k_stat("/r", &st, 0), 0);
	ck_assert_uint_eq(st.st_nlink, 3);

	ck_assert_int_eq(k_rename("/r/a", "/r/b"), 0);      /* over a file */
	ck_assert_str_eq(read_file("/r/b"), "A");
	ck_assert_str_eq(list_dir("/r"), ". .. sub b ");
	ck_assert_int_eq(k_rename("/r/b", "/r/sub/c"), 0);
	ck_assert_str_eq(read_file("/r/sub/c"), "A");
	ck_assert_int_eq(k_rename("/r/sub", "/r/sub/x"), -EINVAL);
	ck_assert_int_eq(k_mkdir("/r/e", 0755), 0);
	ck_assert_int_eq(k_rename("/r/sub", "/r/e"), 0);     /* over an empty dir */
	ck_assert_str_eq(list_dir("/r"), ". .. e ");
	ck_assert_int_eq(k_mkdir("/r/f", 0755), 0);
	ck_assert_int_eq(k_rename("/r/f", "/r/e"), -ENOTEMPTY);
	write_file("/r/g", "G");
	ck_assert_int_eq(k_rename("/r/g", "/r/e"), -EISDIR);
	ck_assert_int_eq(k_rename("/r/f", "/r/g"), -ENOTDIR);
	ck_assert_int_eq(sys_renameat2(U(AT_FDCWD), U("/r/g"), U(AT_FDCWD), U("/r/e/c"),
				       RENAME_NOREPLACE, 0), -EEXIST);
	ck_assert_int_eq(k_rename("/r/nope", "/r/x"), -ENOENT);

	ck_assert_int_eq(sys_rmdir(U("/r/e"), 0, 0, 0, 0, 0), -ENOTEMPTY);
	ck_assert_int_eq(k_unlink("/r/e"), -EISDIR);
	ck_assert_int_eq(sys_rmdir(U("/r/g"), 0, 0, 0, 0, 0), -ENOTDIR);
	ck_assert_int_eq(k_unlink("/r/e/c"), 0);
	ck_assert_int_eq(sys_rmdir(U("/r/e"), 0, 0, 0, 0, 0), 0);
	ck_assert_int_eq(sys_rmdir(U("/r/f/."), 0, 0, 0, 0, 0), -EINVAL);
	ck_assert_int_eq(k_unlink("/r/nope"), -ENOENT);

	/* hard links */
	ck_assert_int_eq(sys_link(U("/r/g"), U("/r/h"), 0, 0, 0, 0), 0);
	ck_assert_int_eq(k_stat("/r/h", &st, 0), 0);
	ck_assert_uint_eq(st.st_nlink, 2);
	ck_assert_int_eq(k_unlink("/r/g"), 0);
	ck_assert_str_eq(read_file("/r/h"), "G");
	ck_assert_int_eq(sys_link(U("/r/f"), U("/r/i"), 0, 0, 0, 0), -EPERM);
}
END_TEST

/* Removing entries while listing (rm -r) must not skip any. */
START_TEST(test_readdir_while_deleting)
{
	char buf[4096], name[32];
	long fd, n;
	int seen = 0;

	k_mkdir("/many", 0755);
	for (int i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "/many/f%d", i);
		write_file(name, "x");
	}
	fd = k_open("/many", O_RDONLY | O_DIRECTORY, 0);
	while ((n = sys_getdents64(fd, U(buf), 200, 0, 0, 0)) > 0) {
		for (long off = 0; off < n;) {
			struct linux_dirent64 *d = (void *)(buf + off);

			if (d->d_name[0] == 'f') {
				snprintf(name, sizeof(name), "/many/%s", d->d_name);
				ck_assert_int_eq(k_unlink(name), 0);
				ck_assert_uint_eq(d->d_type, DT_REG);
				seen++;
			}
			off += d->d_reclen;
		}
	}
	k_close(fd);
	ck_assert_int_eq(seen, 100);
	ck_assert_int_eq(sys_rmdir(U("/many"), 0, 0, 0, 0, 0), 0);
}
END_TEST

START_TEST(test_unlinked_open_file)
{
	long base = fake_kmalloc_live, pages = fake_pages_live, fd;
	char buf[8];

	write_file("/gone", "data");
	fd = k_open("/gone", O_RDONLY, 0);
	ck_assert_int_eq(k_unlink("/gone"), 0);
	ck_assert_int_eq(k_open("/gone", O_RDONLY, 0), -ENOENT);
	ck_assert_int_eq(k_read(fd, buf, 8), 4);
	k_close(fd);
	/* everything the file used is gone with the last reference */
	ck_assert_int_eq(fake_kmalloc_live, base);
	ck_assert_int_eq(fake_pages_live, pages);
}
END_TEST

START_TEST(test_fd_table)
{
	long fd = k_open("/", O_RDONLY, 0), fd2, fd3;

	ck_assert_int_eq(fd, 0);
	fd2 = sys_dup(fd, 0, 0, 0, 0, 0);
	ck_assert_int_eq(fd2, 1);
	ck_assert_int_eq(sys_dup2(fd, 7, 0, 0, 0, 0), 7);
	ck_assert_int_eq(sys_dup2(7, 7, 0, 0, 0, 0), 7);
	ck_assert_int_eq(sys_dup2(55, 7, 0, 0, 0, 0), -EBADF);
	ck_assert_int_eq(sys_dup3(7, 7, 0, 0, 0, 0), -EINVAL);
	ck_assert_int_eq(sys_dup3(fd, 8, O_CLOEXEC, 0, 0, 0), 8);
	ck_assert_int_eq(sys_fcntl(8, F_GETFD, 0, 0, 0, 0), FD_CLOEXEC);
	ck_assert_int_eq(sys_fcntl(7, F_GETFD, 0, 0, 0, 0), 0);
	fd3 = sys_fcntl(fd, F_DUPFD_CLOEXEC, 10, 0, 0, 0);
	ck_assert_int_eq(fd3, 10);
	ck_assert_int_eq(sys_fcntl(fd3, F_GETFD, 0, 0, 0, 0), FD_CLOEXEC);
	ck_assert_int_eq(sys_fcntl(fd, F_DUPFD, 200, 0, 0, 0), 200);    /* grows the table */
	ck_assert_int_eq(sys_fcntl(fd, F_DUPFD, 1024, 0, 0, 0), -EINVAL);
	ck_assert_int_eq(sys_dup2(fd, 1023, 0, 0, 0, 0), 1023);
	ck_assert_int_eq(sys_dup2(fd, 1024, 0, 0, 0, 0), -EBADF);
	ck_assert_int_eq(sys_fcntl(7, F_SETFD, FD_CLOEXEC, 0, 0, 0), 0);
	ck_assert_int_eq(sys_fcntl(fd, F_GETFL, 0, 0, 0, 0), O_RDONLY | O_LARGEFILE);
	ck_assert_int_eq(sys_fcntl(fd, F_SETFL, O_NONBLOCK | O_APPEND | O_TRUNC, 0, 0, 0), 0);
	ck_assert_int_eq(sys_fcntl(fd2, F_GETFL, 0, 0, 0, 0),
			 O_RDONLY | O_LARGEFILE | O_NONBLOCK | O_APPEND);   /* shared file */
	ck_assert_int_eq(sys_ioctl(fd, FIONCLEX, 0, 0, 0, 0), 0);
	ck_assert_int_eq(sys_ioctl(fd, 0x5401, 0, 0, 0, 0), -ENOTTY);

	/* fork-like copy, then exec closes the close-on-exec fds */
	struct files_struct *copy = dup_fd(current->files), *orig = current->files;

	current->files = copy;
	do_close_on_exec(copy);
	ck_assert_int_eq(sys_fcntl(7, F_GETFD, 0, 0, 0, 0), -EBADF);
	ck_assert_int_eq(sys_fcntl(8, F_GETFD, 0, 0, 0, 0), -EBADF);
	ck_assert_int_eq(sys_fcntl(10, F_GETFD, 0, 0, 0, 0), -EBADF);
	ck_assert_int_eq(sys_fcntl(200, F_GETFD, 0, 0, 0, 0), 0);
	put_files_struct(copy);
	current->files = orig;
	ck_assert_int_eq(sys_fcntl(7, F_GETFD, 0, 0, 0, 0), FD_CLOEXEC);
}
END_TEST

static int pipe_fds[2];
static char pipe_hook_data[] = "late";

/* "Another task" writes while the reader sleeps. */
static void writer_hook(void)
{
	fake_schedule_hook = NULL;
	ck_assert_int_eq(k_write(pipe_fds[1], pipe_hook_data, 4), 4);
}

START_TEST(test_pipes)
{
	struct linux_pollfd { int fd; short events, revents; } pfd[2];
	char buf[70000];
	long n;

	ck_assert_int_eq(sys_pipe2(U(pipe_fds), O_NONBLOCK, 0, 0, 0, 0), 0);
	ck_assert_int_eq(k_read(pipe_fds[0], buf, 10), -EAGAIN);
	ck_assert_int_eq(sys_lseek(pipe_fds[0], 0, SEEK_CUR, 0, 0, 0), -ESPIPE);
	pfd[0] = (struct linux_pollfd){ pipe_fds[0], POLLIN, 0 };
	pfd[1] = (struct linux_pollfd){ pipe_fds[1], POLLOUT, 0 };
	ck_assert_int_eq(sys_poll(U(pfd), 2, 0, 0, 0, 0), 1);
	ck_assert_int_eq(pfd[0].revents, 0);
	ck_assert_int_eq(pfd[1].revents, POLLOUT);
	ck_assert_int_eq(k_write(pipe_fds[1], "abc", 3), 3);
	ck_assert_int_eq(sys_poll(U(pfd), 2, 0, 0, 0, 0), 2);
	ck_assert_int_eq(pfd[0].revents, POLLIN);
	n = 0;
	ck_assert_int_eq(sys_ioctl(pipe_fds[0], FIONREAD, U(&n), 0, 0, 0), 0);
	ck_assert_int_eq((int)n, 3);
	ck_assert_int_eq(k_read(pipe_fds[0], buf, 10), 3);
	ck_assert_int_eq(memcmp(buf, "abc", 3), 0);

	/* fill to 64 KiB: then EAGAIN; PIPE_BUF writes are all-or-nothing */
	memset(buf, 'x', sizeof(buf));
	ck_assert_int_eq(k_write(pipe_fds[1], buf, sizeof(buf)), 65536);
	ck_assert_int_eq(k_write(pipe_fds[1], buf, 1), -EAGAIN);
	ck_assert_int_eq(k_read(pipe_fds[0], buf, 100), 100);
	ck_assert_int_eq(k_write(pipe_fds[1], buf, 200), -EAGAIN);   /* atomic: no room */
	ck_assert_int_eq(k_write(pipe_fds[1], buf, 100), 100);
	ck_assert_int_eq(sys_fcntl(pipe_fds[0], F_GETPIPE_SZ, 0, 0, 0, 0), 65536);
	while (k_read(pipe_fds[0], buf, sizeof(buf)) > 0)
		;

	/* blocking read that waits for a writer */
	sys_fcntl(pipe_fds[0], F_SETFL, 0, 0, 0, 0);
	fake_schedule_hook = writer_hook;
	ck_assert_int_eq(k_read(pipe_fds[0], buf, 10), 4);
	ck_assert_int_eq(memcmp(buf, "late", 4), 0);
	/* blocking read interrupted by a signal */
	fake_schedule_hook = NULL;
	fake_signal_pending = false;
	ck_assert_int_eq(k_read(pipe_fds[0], buf, 10), -ERESTARTSYS);
	fake_signal_pending = false;

	/* EOF once the writers are gone; EPIPE and SIGPIPE once readers are */
	ck_assert_int_eq(k_write(pipe_fds[1], "z", 1), 1);
	k_close(pipe_fds[1]);
	ck_assert_int_eq(k_read(pipe_fds[0], buf, 10), 1);
	ck_assert_int_eq(k_read(pipe_fds[0], buf, 10), 0);
	pfd[0].revents = 0;
	ck_assert_int_eq(sys_poll(U(pfd), 1, 0, 0, 0, 0), 1);
	ck_assert_int_eq(pfd[0].revents, POLLHUP);
	k_close(pipe_fds[0]);

	ck_assert_int_eq(sys_pipe2(U(pipe_fds), 0, 0, 0, 0, 0), 0);
	k_close(pipe_fds[0]);
	ck_assert_int_eq(k_write(pipe_fds[1], "a", 1), -EPIPE);
	ck_assert_int_eq(fake_sigpipe_count, 1);
	k_close(pipe_fds[1]);
	ck_assert_int_eq(sys_pipe2(U(pipe_fds), O_TRUNC, 0, 0, 0, 0), -EINVAL);
}
END_TEST

START_TEST(test_fifo_and_select)
{
	unsigned long rset[16] = { 0 }, wset[16] = { 0 };
	struct linux_timeval tv = { 0, 0 };
	long r, w;

	ck_assert_int_eq(sys_mknod(U("/fifo"), S_IFIFO | 0644, 0, 0, 0, 0), 0);
	/* nonblocking writer without a reader: ENXIO */
	ck_assert_int_eq(k_open("/fifo", O_WRONLY | O_NONBLOCK, 0), -ENXIO);
	r = k_open("/fifo", O_RDONLY | O_NONBLOCK, 0);
	ck_assert_int_ge(r, 0);
	w = k_open("/fifo", O_WRONLY, 0);     /* a reader exists: no wait */
	ck_assert_int_ge(w, 0);
	rset[0] = 1UL << r;
	wset[0] = 1UL << w;
	ck_assert_int_eq(sys_select(w + 1, U(rset), U(wset), 0, U(&tv), 0), 1);
	ck_assert_uint_eq(rset[0], 0);
	ck_assert_uint_eq(wset[0], 1UL << w);
	ck_assert_int_eq(k_write(w, "fifo", 4), 4);
	rset[0] = 1UL << r;
	ck_assert_int_eq(sys_select(r + 1, U(rset), 0, 0, U(&tv), 0), 1);
	ck_assert_str_eq(read_file("/fifo") + 0, "fifo");       /* O_RDONLY open: writer exists */
	rset[0] = 1UL << 60;
	ck_assert_int_eq(sys_select(61, U(rset), 0, 0, U(&tv), 0), -EBADF);
	k_close(w);
	k_close(r);
}
END_TEST

START_TEST(test_misc_syscalls)
{
	struct linux_timespec ts[2] = { { 1000, 0 }, { 2000, 5 } };
	struct linux_stat st;
	char buf[32];
	long in, out, off = 1;

	write_file("/m", "0123456789");
	ck_assert_int_eq(sys_access(U("/m"), R_OK | W_OK, 0, 0, 0, 0), 0);
	ck_assert_int_eq(sys_access(U("/m"), X_OK, 0, 0, 0, 0), -EACCES);
	ck_assert_int_eq(sys_chmod(U("/m"), 0755, 0, 0, 0, 0), 0);
	ck_assert_int_eq(sys_access(U("/m"), X_OK, 0, 0, 0, 0), 0);
	ck_assert_int_eq(sys_utimensat(U(AT_FDCWD), U("/m"), U(ts), 0, 0, 0), 0);
	ck_assert_int_eq(k_stat("/m", &st, 0), 0);
	ck_assert_uint_eq(st.st_mode, S_IFREG | 0755);
	ck_assert_uint_eq(st.st_atime_sec, 1000);
	ck_assert_uint_eq(st.st_mtime_sec, 2000);
	ck_assert_uint_eq(st.st_mtime_nsec, 5);

	in = k_open("/m", O_RDONLY, 0);
	out = k_open("/m2", O_WRONLY | O_CREAT, 0644);
	ck_assert_int_eq(sys_sendfile(out, in, U(&off), 100, 0, 0), 9);
	ck_assert_int_eq(off, 10);
	k_close(out);
	k_close(in);
	ck_assert_str_eq(read_file("/m2"), "123456789");

	ck_assert_int_eq(sys_mknod(U("/null"), S_IFCHR | 0666, (1 << 8) | 3, 0, 0, 0), 0);
	ck_assert_int_eq(k_stat("/null", &st, 0), 0);
	ck_assert_uint_eq(st.st_rdev, (1 << 8) | 3);
	/* no driver registered for major 1 */
	ck_assert_int_eq(k_open("/null", O_RDWR, 0), -ENXIO);
	(void)buf;
}
END_TEST

/* A character driver registered by major; open dispatches to it. */
static ssize_t zero_read(struct file *f, char *buf, size_t n, loff_t *pos)
{
	(void)f; (void)pos;
	memset(buf, 0, n);
	return n;
}
static int zero_opened;
static int zero_open(struct inode *inode, struct file *f)
{
	(void)f;
	zero_opened = iminor(inode);
	return 0;
}
static const struct file_operations zero_fops = { .read = zero_read, .open = zero_open };

START_TEST(test_chrdev)
{
	char buf[8] = "abc";
	long fd;

	ck_assert_int_eq(register_chrdev(1, "mem", &zero_fops), 0);
	ck_assert_int_eq(register_chrdev(1, "mem", &zero_fops), -EBUSY);
	ck_assert_int_gt(register_chrdev(0, "dyn", &zero_fops), 200);
	ck_assert_int_eq(sys_mknod(U("/zero"), S_IFCHR | 0666, (1 << 8) | 5, 0, 0, 0), 0);
	fd = k_open("/zero", O_RDONLY, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(zero_opened, 5);
	ck_assert_int_eq(k_read(fd, buf, 3), 3);
	ck_assert_int_eq(buf[0], 0);
	k_close(fd);
	ck_assert_int_gt(show_devices((char *)buf, 0), 0);
}
END_TEST

/* newc entry writer for the initramfs tests. */
static void cpio_add(char *buf, size_t *len, const char *name, unsigned mode,
		     unsigned ino, unsigned nlink, const char *data, size_t size)
{
	size_t namesize = strlen(name) + 1;

	*len += sprintf(buf + *len, "070701%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X",
			ino, mode, 5, 6, nlink, 1000000, size, 0, 0, 4, 1, namesize, 0);
	memcpy(buf + *len, name, namesize);
	*len += namesize;
	while (*len % 4)
		buf[(*len)++] = 0;
	memcpy(buf + *len, data, size);
	*len += size;
	while (*len % 4)
		buf[(*len)++] = 0;
}

static size_t sample_archive(char *buf)
{
	size_t len = 0;

	cpio_add(buf, &len, ".", 040755, 1, 2, "", 0);
	cpio_add(buf, &len, "bin", 040711, 2, 2, "", 0);
	cpio_add(buf, &len, "bin/busybox", 0100755, 3, 2, "", 0);
	cpio_add(buf, &len, "bin/sh", 0120777, 4, 1, "busybox", 7);
	cpio_add(buf, &len, "bin/ash", 0100755, 3, 2, "#!ELF", 5);    /* hard link with the data */
	cpio_add(buf, &len, "dev", 040755, 5, 2, "", 0);
	cpio_add(buf, &len, "dev/tty1", 020620, 6, 1, "", 0);
	cpio_add(buf, &len, "TRAILER!!!", 0, 0, 1, "", 0);
	return len;
}

static void check_unpacked(void)
{
	struct linux_stat st, st2;

	ck_assert_str_eq(read_file("/bin/sh"), "#!ELF");
	ck_assert_int_eq(k_stat("/bin/busybox", &st, 0), 0);
	ck_assert_int_eq(k_stat("/bin/ash", &st2, 0), 0);
	ck_assert_uint_eq(st.st_ino, st2.st_ino);
	ck_assert_uint_eq(st.st_nlink, 2);
	ck_assert_uint_eq(st.st_uid, 5);
	ck_assert_uint_eq(st.st_gid, 6);
	ck_assert_uint_eq(st.st_mtime_sec, 1000000);
	ck_assert_int_eq(k_stat("/bin", &st, 0), 0);
	ck_assert_uint_eq(st.st_mode, S_IFDIR | 0711);
	ck_assert_uint_eq(st.st_mtime_sec, 1000000);
	ck_assert_int_eq(k_stat("/dev/tty1", &st, 0), 0);
	ck_assert_uint_eq(st.st_mode, S_IFCHR | 0620);
	ck_assert_uint_eq(st.st_rdev, (4 << 8) | 1);
}

START_TEST(test_initramfs_plain)
{
	char buf[8192];
	size_t len = sample_archive(buf);

	memset(buf + len, 0, 512);
	len += 512;
	len += sample_archive(buf + len);       /* concatenated: overwrites */
	ck_assert_ptr_null(unpack_to_rootfs(buf, len));
	check_unpacked();
	ck_assert_ptr_nonnull(unpack_to_rootfs(buf, 200));        /* truncated */
	buf[0] = 'X';
	ck_assert_ptr_nonnull(unpack_to_rootfs(buf, len));
	/* Shorter than a header: junk, not a cut archive; nothing at all. */
	ck_assert_str_eq(unpack_to_rootfs("hello\n", 6), "not a newc cpio archive (bad magic)");
	ck_assert_str_eq(unpack_to_rootfs(buf, 0), "empty archive");
}
END_TEST

START_TEST(test_initramfs_gzip)
{
	char buf[8192], *z = malloc(1 << 16), in[] = "/tmp/glass_ird_XXXXXX", cmd[128];
	size_t len = sample_archive(buf), zlen = 0, n;
	int fd = mkstemp(in);
	FILE *p;

	ck_assert_int_eq(write(fd, buf, len), (ssize_t)len);
	close(fd);
	/* two gzip members, then an uncompressed archive after zero padding */
	snprintf(cmd, sizeof(cmd), "gzip -c < %s; gzip -c < %s", in, in);
	p = popen(cmd, "r");
	while ((n = fread(z + zlen, 1, 65536 - zlen, p)) > 0)
		zlen += n;
	pclose(p);
	unlink(in);
	memset(z + zlen, 0, 16);
	zlen += 16;
	memcpy(z + zlen, buf, len);
	zlen += len;
	ck_assert_ptr_null(unpack_to_rootfs(z, zlen));
	check_unpacked();
	z[20] ^= 0xff;
	ck_assert_ptr_nonnull(unpack_to_rootfs(z, zlen));
	free(z);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("vfs");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_unchecked_fixture(tc, vfs_setup, NULL);
	tcase_add_test(tc, test_create_read_write);
	tcase_add_test(tc, test_path_walk);
	tcase_add_test(tc, test_chroot_dotdot);
	tcase_add_test(tc, test_mounts);
	tcase_add_test(tc, test_readdir_rename_unlink);
	tcase_add_test(tc, test_readdir_while_deleting);
	tcase_add_test(tc, test_unlinked_open_file);
	tcase_add_test(tc, test_fd_table);
	tcase_add_test(tc, test_pipes);
	tcase_add_test(tc, test_fifo_and_select);
	tcase_add_test(tc, test_misc_syscalls);
	tcase_add_test(tc, test_chrdev);
	tcase_add_test(tc, test_initramfs_plain);
	tcase_add_test(tc, test_initramfs_gzip);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}

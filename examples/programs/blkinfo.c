/*
 * blkinfo DEVICE: what a program learns about a block device, on one
 * line: its size by BLKGETSIZE64, by BLKGETSIZE (sectors), by
 * lseek(fd, 0, SEEK_END), its sector size (BLKSSZGET), read-only flag
 * (BLKROGET), and the st_rdev major:minor. Exit 1 on any failure. The ubd
 * test runs it in Glass and compares with the host file's size.
 */
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	unsigned long long size64 = 0;
	unsigned long sectors = 0;
	int ssz = 0, ro = -1, fd;
	struct stat st;
	off_t end;

	if (argc != 2) {
		fprintf(stderr, "usage: blkinfo DEVICE\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY);
	if (fd < 0 || fstat(fd, &st) || !S_ISBLK(st.st_mode)) {
		perror(argv[1]);
		return 1;
	}
	if (ioctl(fd, BLKGETSIZE64, &size64) || ioctl(fd, BLKGETSIZE, &sectors) ||
	    ioctl(fd, BLKSSZGET, &ssz) || ioctl(fd, BLKROGET, &ro)) {
		perror("ioctl");
		return 1;
	}
	end = lseek(fd, 0, SEEK_END);
	printf("size64=%llu sectors=%lu seek_end=%lld ssz=%d ro=%d rdev=%u:%u\n", size64,
	       sectors, (long long)end, ssz, ro, major(st.st_rdev), minor(st.st_rdev));
	return 0;
}

/* init_module FILE [ARGS]: load FILE with init_module(2), the syscall
 * busybox insmod falls back to when finit_module(2) fails; prints
 * "init_module: 0" or the errno's name. A static guest program. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	static char buf[4 << 20];
	FILE *f = fopen(argv[1], "rb");
	size_t len;

	if (!f) {
		perror(argv[1]);
		return 2;
	}
	len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	if (syscall(SYS_init_module, buf, len, argc > 2 ? argv[2] : "")) {
		printf("init_module: %s\n", strerrorname_np(errno));
		return 1;
	}
	printf("init_module: 0\n");
	return 0;
}

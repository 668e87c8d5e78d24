/*
 * sysloop NAME COUNT: make the system call NAME (getppid, getpid) COUNT
 * times and nothing else, as a workload whose kernel side is known
 * exactly: the gcov test (tests/integration/coverage.sh) counts the
 * handler's lines, the kcov test runs it beside a traced task.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long nr, count;

	if (argc != 3) {
		fprintf(stderr, "usage: sysloop getppid|getpid COUNT\n");
		return 2;
	}
	if (!strcmp(argv[1], "getppid"))
		nr = SYS_getppid;
	else if (!strcmp(argv[1], "getpid"))
		nr = SYS_getpid;
	else {
		fprintf(stderr, "sysloop: unknown system call %s\n", argv[1]);
		return 2;
	}
	count = atol(argv[2]);
	for (long i = 0; i < count; i++)
		syscall(nr);
	return 0;
}

/*
 * threadloop N: N threads that make getppid forever, the main thread
 * waiting for them: a threaded workload for strace -f -p and gdb -p
 * through glass-ptproxy (tests/integration/ptproxy.sh), the same natively.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

static void *loop(void *arg)
{
	for (;;)
		syscall(SYS_getppid);
	return arg;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 2;
	pthread_t t[16];

	if (n < 1 || n > 16) {
		fprintf(stderr, "usage: threadloop N (1 to 16 threads)\n");
		return 2;
	}
	for (int i = 0; i < n; i++)
		if (pthread_create(&t[i], NULL, loop, NULL)) {
			perror("threadloop: pthread_create");
			return 1;
		}
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	return 0;
}

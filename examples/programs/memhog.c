/*
 * memhog hog: mmap 1 MiB at a time and touch every page, without end. It
 * prints "memhog: pid N" first, then "memhog: N MiB" every 4 MiB; when mmap
 * is refused it says "memhog: refused: <error> after N MiB" and exits 0.
 * Under a hard memory limit it is either refused or killed.
 *
 * memhog hold MIB: touch MIB MiB, say "memhog: holding N MiB (pid P)",
 * then sleep without end (a large process that no longer grows).
 *
 * memhog touch MIB: touch MIB MiB, say "memhog: touched N MiB (pid P)"
 * and exit 0 (a newcomer that needs memory once).
 *
 * memhog survivor SECONDS: a bystander. It touches 4 MiB up front, then
 * for SECONDS keeps rewriting and checking that memory, sleeping 20 ms
 * between rounds, needing no new memory; at the end it prints "memhog:
 * survivor ok N rounds" (exit 0) or what went wrong (exit 1).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define MIB (1UL << 20)

/*
 * Map and touch mib MiB (without end if mib is 0), 1 MiB at a time, with
 * "memhog: N MiB" every 4 MiB if verbose. False when mmap is refused.
 */
static int touch(unsigned long mib, int verbose)
{
	for (unsigned long n = 0; !mib || n < mib;) {
		char *p = mmap(NULL, MIB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			printf("memhog: refused: %s after %lu MiB\n", strerror(errno), n);
			return 0;
		}
		for (unsigned long i = 0; i < MIB; i += 4096)
			p[i] = 1;
		if (++n % 4 == 0 && verbose)
			printf("memhog: %lu MiB\n", n);
	}
	return 1;
}

static int hog(void)
{
	printf("memhog: pid %d\n", getpid());
	touch(0, 1);
	return 0;
}

static int survivor(int seconds)
{
	size_t len = 4 * MIB;
	unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	struct timespec t0, now, nap = { 0, 20000000 };
	long rounds = 0;

	if (p == MAP_FAILED) {
		printf("memhog: survivor mmap: %s\n", strerror(errno));
		return 1;
	}
	memset(p, 0, len);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	printf("memhog: survivor running\n");
	do {
		unsigned char v = (unsigned char)rounds;
		for (size_t i = 0; i < len; i += 4096) {
			if (p[i] != v) {
				printf("memhog: survivor: byte %zu is %d, want %d\n", i, p[i], v);
				return 1;
			}
			p[i] = v + 1;
		}
		rounds++;
		if (nanosleep(&nap, NULL) < 0 && errno != EINTR) {
			printf("memhog: survivor: nanosleep: %s\n", strerror(errno));
			return 1;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while (now.tv_sec - t0.tv_sec < seconds);
	printf("memhog: survivor ok %ld rounds\n", rounds);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc > 1 && !strcmp(argv[1], "hog"))
		return hog();
	if (argc > 2 && !strcmp(argv[1], "hold")) {
		if (!touch(strtoul(argv[2], NULL, 0), 0))
			return 1;
		printf("memhog: holding %s MiB (pid %d)\n", argv[2], getpid());
		for (;;)
			pause();
	}
	if (argc > 2 && !strcmp(argv[1], "touch")) {
		if (!touch(strtoul(argv[2], NULL, 0), 0))
			return 1;
		printf("memhog: touched %s MiB (pid %d)\n", argv[2], getpid());
		return 0;
	}
	if (argc > 2 && !strcmp(argv[1], "survivor"))
		return survivor(atoi(argv[2]));
	fprintf(stderr, "usage: memhog hog | hold MIB | touch MIB | survivor SECONDS\n");
	return 2;
}

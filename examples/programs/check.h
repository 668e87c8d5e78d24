/*
 * Tiny self-check harness for the guest test programs: each check prints
 * one "PASS name" or "FAIL name: reason" line; the program exits 1 if any
 * check failed. stdout is unbuffered so fork never duplicates output.
 */
#ifndef GLASS_EXAMPLES_CHECK_H
#define GLASS_EXAMPLES_CHECK_H

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int check_failures;

__attribute__((constructor)) static void check_init(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
}

#define PASS(name) printf("PASS %s\n", name)
#define FAIL(name, ...)                               \
	do {                                          \
		printf("FAIL %s: ", name);            \
		printf(__VA_ARGS__);                  \
		printf("\n");                         \
		check_failures++;                     \
	} while (0)
/* CHECK(name, cond, reason-format, ...) */
#define CHECK(name, cond, ...)                        \
	do {                                          \
		if (cond)                             \
			PASS(name);                   \
		else                                  \
			FAIL(name, __VA_ARGS__);      \
	} while (0)

static inline int check_done(void)
{
	return check_failures ? 1 : 0;
}

/* Run fn in a child; its wait status. */
static inline int check_in_child(int (*fn)(void))
{
	int st = -1;
	pid_t pid = fork();

	if (pid == 0)
		_exit(fn());
	waitpid(pid, &st, 0);
	return st;
}

/* A scratch directory: $TMPDIR or /tmp. */
static inline const char *check_tmpdir(void)
{
	extern char *getenv(const char *);
	const char *t = getenv("TMPDIR");
	return t && *t ? t : "/tmp";
}

#endif

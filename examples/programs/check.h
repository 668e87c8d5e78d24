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

/* A scratch directory: $TMPDIR or /tmp. */
static inline const char *check_tmpdir(void)
{
	extern char *getenv(const char *);
	const char *t = getenv("TMPDIR");
	return t && *t ? t : "/tmp";
}

#endif

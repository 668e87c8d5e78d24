/*
 * libFuzzer target for the `profile start` arguments (profiling/args.c):
 * any bytes up to a NUL. Accepted arguments are in range and say so
 * again when parsed a second time; refused ones give a reason.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glass/errno.h>
#include <glass/profile_format.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[256];
	struct prof_args a, b;
	const char *why = NULL;
	size_t n = size < sizeof(s) - 1 ? size : sizeof(s) - 1;
	int r;

	memcpy(s, data, n);
	s[n] = 0;
	r = prof_parse_args(s, &a, &why);
	if (r == -EINVAL) {
		if (!why || !*why)
			abort();
		return 0;
	}
	if (r || a.hz < PROF_HZ_MIN || a.hz > PROF_HZ_MAX || a.scope > PROF_GUEST_ONLY)
		abort();
	if (prof_parse_args(s, &b, &why) || b.hz != a.hz || b.scope != a.scope)
		abort();
	return 0;
}

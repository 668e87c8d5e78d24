/*
 * The arguments of `profile start`: [hz=N] [kernel|guest|all], blank
 * separated, in any order, each at most once. Pure: no host call, no
 * allocation; fuzzed (tests/fuzz/fuzz_profile_args.c).
 */
#include <glass/errno.h>
#include <glass/profile_format.h>
#include <glass/string.h>

static bool word_is(const char *w, size_t n, const char *s)
{
	return strlen(s) == n && !strncmp(w, s, n);
}

/* hz=N: decimal, in [PROF_HZ_MIN, PROF_HZ_MAX]. */
static int parse_hz(const char *w, size_t n, unsigned int *hz, const char **why)
{
	unsigned long v = 0;

	if (n == 3) {
		*why = "hz= needs a number of samples per second";
		return -EINVAL;
	}
	for (size_t i = 3; i < n; i++) {
		if (w[i] < '0' || w[i] > '9') {
			*why = "hz= takes a decimal number";
			return -EINVAL;
		}
		v = v * 10 + (unsigned long)(w[i] - '0');
		if (v > PROF_HZ_MAX)
			break;
	}
	if (v < PROF_HZ_MIN || v > PROF_HZ_MAX) {
		*why = "hz= must be 1 to 10000 (samples per second)";
		return -EINVAL;
	}
	*hz = (unsigned int)v;
	return 0;
}

int prof_parse_args(const char *s, struct prof_args *a, const char **why)
{
	bool have_hz = false, have_scope = false;

	a->hz = PROF_HZ_DEFAULT;
	a->scope = PROF_ALL;
	for (;;) {
		const char *w;
		size_t n = 0;
		int err;

		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			return 0;
		w = s;
		while (w[n] && w[n] != ' ' && w[n] != '\t')
			n++;
		s = w + n;
		if (n >= 3 && !strncmp(w, "hz=", 3)) {
			if (have_hz) {
				*why = "hz= given twice";
				return -EINVAL;
			}
			err = parse_hz(w, n, &a->hz, why);
			if (err)
				return err;
			have_hz = true;
			continue;
		}
		if (have_scope && (word_is(w, n, "kernel") || word_is(w, n, "guest") ||
				   word_is(w, n, "all"))) {
			*why = "give one of kernel, guest, all";
			return -EINVAL;
		}
		if (word_is(w, n, "kernel"))
			a->scope = PROF_KERNEL_ONLY;
		else if (word_is(w, n, "guest"))
			a->scope = PROF_GUEST_ONLY;
		else if (word_is(w, n, "all"))
			a->scope = PROF_ALL;
		else {
			*why = "unknown argument (usage: profile start [hz=N] [kernel|guest|all])";
			return -EINVAL;
		}
		have_scope = true;
	}
}

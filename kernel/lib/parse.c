/* Number parsing for the command line and /proc writes. Pure. */
#include <glass/export.h>
#include <glass/kernel.h>

static int digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

unsigned long long simple_strtoull(const char *s, char **end, unsigned base)
{
	unsigned long long v = 0;

	if (!base) {
		base = 10;
		if (s[0] == '0') {
			base = 8;
			if ((s[1] == 'x' || s[1] == 'X') && digit(s[2]) < 16) {
				base = 16;
				s += 2;
			}
		}
	} else if (base == 16 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
	}
	for (; digit(*s) < (int)base; s++)
		v = v * base + digit(*s);
	if (end)
		*end = (char *)s;
	return v;
}

long long simple_strtoll(const char *s, char **end, unsigned base)
{
	if (*s == '-')
		return -(long long)simple_strtoull(s + 1, end, base);
	return simple_strtoull(s, end, base);
}

/* Strict: the whole string must be a number that fits; as Linux's, one
 * newline may end it (what `echo N >` writes). */
int kstrtoull(const char *s, unsigned base, unsigned long long *res)
{
	unsigned long long v = 0;
	const char *p = s;

	if (!base) {
		base = 10;
		if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
			base = 16;
			p += 2;
		} else if (p[0] == '0' && p[1]) {
			base = 8;
		}
	}
	if (!*p || (*p == '\n' && !p[1]))
		return -EINVAL;
	for (; *p && !(*p == '\n' && !p[1]); p++) {
		int d = digit(*p);
		if (d >= (int)base)
			return -EINVAL;
		if (v > (ULLONG_MAX_ - d) / base)
			return -ERANGE;
		v = v * base + d;
	}
	*res = v;
	return 0;
}
EXPORT_SYMBOL(kstrtoull);

int kstrtoint(const char *s, unsigned base, int *res)
{
	unsigned long long v;
	bool neg = *s == '-';
	int err = kstrtoull(s + neg, base, &v);

	if (err)
		return err;
	if (v > (unsigned long long)INT_MAX + neg)
		return -ERANGE;
	*res = neg ? -(int)(v - 1) - 1 : (int)v;
	return 0;
}
EXPORT_SYMBOL(kstrtoint);

int memparse_strict(const char *s, unsigned long long *res)
{
	unsigned long long v;
	char *end;
	int shift = 0;

	if (digit(*s) >= 10)
		return -EINVAL;
	v = simple_strtoull(s, &end, 0);
	switch (*end) {
	case 'G': case 'g': shift = 30; end++; break;
	case 'M': case 'm': shift = 20; end++; break;
	case 'K': case 'k': shift = 10; end++; break;
	}
	if (*end || v > (ULLONG_MAX_ >> shift))
		return -EINVAL;
	*res = v << shift;
	return 0;
}

/*
 * The kernel's printf: %d %i %u %x %X %o %c %s %p %% with flags "-0+ #",
 * width, precision, and the l, ll, z, h, hh, t length modifiers.
 * %pS prints a kernel text address as symbol+offset (via symbolize()).
 * Pure code: no host calls, usable from any context.
 */
#include <glass/export.h>
#include <glass/kernel.h>
#include <glass/symbols.h>

struct out {
	char *buf;
	size_t size;
	size_t len;     /* length the full output would have */
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_str(struct out *o, const char *s, int width, int prec, bool left)
{
	int n = 0;

	if (!s)
		s = "(null)";
	while ((prec < 0 || n < prec) && s[n])
		n++;
	if (!left)
		while (width-- > n)
			put(o, ' ');
	for (int i = 0; i < n; i++)
		put(o, s[i]);
	if (left)
		while (width-- > n)
			put(o, ' ');
}

static void put_num(struct out *o, unsigned long long v, bool neg, unsigned base,
		    bool upper, int width, int prec, char pad, bool left,
		    char sign, const char *prefix)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, plen = prefix ? (int)strlen(prefix) : 0;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	if (prec == 0 && n == 1 && tmp[0] == '0')
		n = 0;
	int zeros = prec > n ? prec - n : 0;
	int total = n + zeros + plen + (neg || sign ? 1 : 0);
	if (pad == '0' && !left && prec < 0 && width > total) {
		zeros += width - total;
		total = width;
	}
	if (!left)
		while (width-- > total)
			put(o, ' ');
	if (neg)
		put(o, '-');
	else if (sign)
		put(o, sign);
	for (int i = 0; i < plen; i++)
		put(o, prefix[i]);
	while (zeros--)
		put(o, '0');
	while (n--)
		put(o, tmp[n]);
	if (left)
		while (width-- > total)
			put(o, ' ');
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };

	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		bool left = false, alt = false;
		char pad = ' ', sign = 0;
		int width = -1, prec = -1, lng = 0;

		for (;; fmt++) {
			char f = fmt[1];
			if (f == '-')
				left = true;
			else if (f == '0')
				pad = '0';
			else if (f == '+')
				sign = '+';
			else if (f == ' ')
				sign = sign ? sign : ' ';
			else if (f == '#')
				alt = true;
			else
				break;
		}
		fmt++;
		if (*fmt == '*') {
			width = va_arg(ap, int);
			if (width < 0) {
				left = true;
				width = -width;
			}
			fmt++;
		} else {
			for (width = 0; *fmt >= '0' && *fmt <= '9'; fmt++)
				width = width * 10 + (*fmt - '0');
		}
		if (*fmt == '.') {
			fmt++;
			if (*fmt == '*') {
				prec = va_arg(ap, int);
				fmt++;
			} else {
				for (prec = 0; *fmt >= '0' && *fmt <= '9'; fmt++)
					prec = prec * 10 + (*fmt - '0');
			}
		}
		for (;; fmt++) {
			if (*fmt == 'l' || *fmt == 'z' || *fmt == 't')
				lng++;
			else if (*fmt == 'h')
				lng = lng > 0 ? lng : lng - 1;
			else
				break;
		}
		unsigned long long u;
		long long s;
		switch (*fmt) {
		case 'd':
		case 'i':
			s = lng >= 2 ? va_arg(ap, long long)
			    : lng == 1 ? va_arg(ap, long)
				       : va_arg(ap, int);
			if (lng == -1)
				s = (short)s;
			else if (lng <= -2)
				s = (signed char)s;
			put_num(&o, s < 0 ? -(unsigned long long)s : (unsigned long long)s,
				s < 0, 10, false, width, prec, pad, left, sign, NULL);
			break;
		case 'u':
		case 'x':
		case 'X':
		case 'o':
			u = lng >= 2 ? va_arg(ap, unsigned long long)
			    : lng == 1 ? va_arg(ap, unsigned long)
				       : va_arg(ap, unsigned int);
			if (lng == -1)
				u = (unsigned short)u;
			else if (lng <= -2)
				u = (unsigned char)u;
			{
				unsigned base = *fmt == 'o' ? 8 : *fmt == 'u' ? 10 : 16;
				const char *pre = NULL;
				if (alt && u && base == 16)
					pre = *fmt == 'X' ? "0X" : "0x";
				else if (alt && base == 8)
					pre = "0";
				put_num(&o, u, false, base, *fmt == 'X', width, prec,
					pad, left, 0, pre);
			}
			break;
		case 'c':
			if (!left)
				while (width-- > 1)
					put(&o, ' ');
			put(&o, (char)va_arg(ap, int));
			if (left)
				while (width-- > 1)
					put(&o, ' ');
			break;
		case 's':
			put_str(&o, va_arg(ap, const char *), width, prec, left);
			break;
		case 'p': {
			unsigned long p = (unsigned long)va_arg(ap, void *);
			if (fmt[1] == 'S' || fmt[1] == 's') {
				char sym[128];
				fmt++;
				symbolize(p, sym, sizeof(sym));
				put_str(&o, sym, width, prec, left);
			} else {
				put_num(&o, p, false, 16, false, width, prec, pad,
					left, 0, "0x");
			}
			break;
		}
		case '%':
			put(&o, '%');
			break;
		case '\0':
			fmt--;
			break;
		default:
			put(&o, '%');
			put(&o, *fmt);
			break;
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int vscnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	int n = kvsnprintf(buf, size, fmt, ap);

	if (!size)
		return 0;
	return n < (int)size ? n : (int)size - 1;
}

int scnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vscnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
EXPORT_SYMBOL(scnprintf);

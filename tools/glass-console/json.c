/*
 * JSON strings from arbitrary bytes. Reply text is whatever the kernel
 * printed (a /proc file, a log line from a guest), so it may hold control
 * bytes or invalid UTF-8; JSON allows neither raw, so control bytes are
 * escaped and every byte that does not start a valid UTF-8 sequence
 * becomes U+FFFD, as Python's errors="replace" does.
 */
#include <stdint.h>
#include <stdio.h>

#include "client.h"

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	uint32_t cp, min;
	size_t len;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f, min = 0x80;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f, min = 0x800;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07, min = 0x10000;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, UTF-16 surrogates and beyond U+10FFFF are invalid. */
	if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

static void put_escape(FILE *f, unsigned char c)
{
	switch (c) {
	case '"':  fputs("\\\"", f); break;
	case '\\': fputs("\\\\", f); break;
	case '\n': fputs("\\n", f); break;
	case '\r': fputs("\\r", f); break;
	case '\t': fputs("\\t", f); break;
	case '\b': fputs("\\b", f); break;
	case '\f': fputs("\\f", f); break;
	default:   fprintf(f, "\\u%04x", c); break;
	}
}

void json_put_string(FILE *f, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0; i < n;) {
		size_t len = utf8_len(p + i, n - i);

		if (!len) {
			fputs("\\ufffd", f);
			i++;
		} else if (len == 1 && (p[i] < 0x20 || p[i] == '"' || p[i] == '\\')) {
			put_escape(f, p[i++]);
		} else {
			fwrite(p + i, 1, len, f);
			i += len;
		}
	}
}

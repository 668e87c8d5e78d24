/* Bounded text buffers for the formatter and the export (no libc). */
#include "internal.h"

void tb_init(struct tbuf *b, char *p, size_t size)
{
	b->p = p;
	b->size = size;
	b->len = 0;
	if (size)
		p[0] = 0;
}

void tb_putc(struct tbuf *b, char c)
{
	if (b->len + 1 < b->size)
		b->p[b->len] = c;
	b->len++;
}

void tb_puts(struct tbuf *b, const char *s)
{
	while (*s)
		tb_putc(b, *s++);
}

void tb_putn(struct tbuf *b, const char *s, size_t n)
{
	while (n--)
		tb_putc(b, *s++);
}

static void put_digits(struct tbuf *b, u64 v, unsigned base, int width)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (n < width)
		tmp[n++] = '0';
	while (n)
		tb_putc(b, tmp[--n]);
}

void tb_udec(struct tbuf *b, u64 v)
{
	put_digits(b, v, 10, 0);
}

void tb_udec_w(struct tbuf *b, u64 v, int width)
{
	put_digits(b, v, 10, width);
}

void tb_dec(struct tbuf *b, s64 v)
{
	if (v < 0) {
		tb_putc(b, '-');
		put_digits(b, -(u64)v, 10, 0);
	} else {
		put_digits(b, v, 10, 0);
	}
}

void tb_hex(struct tbuf *b, u64 v)
{
	if (!v) {
		tb_putc(b, '0');
		return;
	}
	tb_puts(b, "0x");
	put_digits(b, v, 16, 0);
}

void tb_oct(struct tbuf *b, u64 v)
{
	tb_putc(b, '0');
	if (v)
		put_digits(b, v, 8, 0);
}

/* The length written (at most size - 1), NUL-terminated. */
size_t tb_done(struct tbuf *b)
{
	if (!b->size)
		return 0;
	if (b->len >= b->size)
		b->len = b->size - 1;
	b->p[b->len] = 0;
	return b->len;
}

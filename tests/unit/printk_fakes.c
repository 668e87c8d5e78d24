/*
 * printk, vprintk and panic for unit tests, recorded where a test can
 * check them (fakes.h), and symbolize() as "sym_<hex>" so %pS is
 * checkable. Host headers.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fakes.h"

char fake_printk[16384];
char fake_panic_msg[256];
jmp_buf *fake_panic_return;
int console_loglevel = 7;

int vprintk(const char *fmt, va_list ap)
{
	size_t len = strlen(fake_printk);

	if (fmt[0] == '<' && fmt[1] && fmt[2] == '>')
		fmt += 3;
	if (getenv("FAKES_VERBOSE")) {
		va_list copy;

		va_copy(copy, ap);
		vfprintf(stderr, fmt, copy);
		va_end(copy);
	}
	return vsnprintf(fake_printk + len, sizeof(fake_printk) - len, fmt, ap);
}

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}

__attribute__((noreturn)) void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(fake_panic_msg, sizeof(fake_panic_msg), fmt, ap);
	va_end(ap);
	if (fake_panic_return)
		longjmp(*fake_panic_return, 1);
	fprintf(stderr, "panic: %s\n", fake_panic_msg);
	abort();
}

void symbolize(unsigned long addr, char *buf, size_t size)
{
	snprintf(buf, size, "sym_%lx", addr);
}

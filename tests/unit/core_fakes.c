/* Host-side fakes for the pure core tests: captured output, plain symbols. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glass/types.h>

char fake_out[8192];
size_t fake_out_len;

long os_write(int fd, const void *buf, unsigned long n)
{
	(void)fd;
	if (fake_out_len + n < sizeof(fake_out)) {
		memcpy(fake_out + fake_out_len, buf, n);
		fake_out_len += n;
		fake_out[fake_out_len] = '\0';
	}
	return n;
}

void symbolize(unsigned long addr, char *buf, size_t size)
{
	snprintf(buf, size, "%#lx", addr);
}

int printk(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	os_write(2, buf, n < (int)sizeof(buf) ? n : (int)sizeof(buf) - 1);
	return n;
}

void os_exit(int status)
{
	exit(status);
}

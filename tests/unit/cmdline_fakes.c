/* Host-side fakes for test_cmdline: captured output (what --help writes),
 * exit. */
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

void os_exit(int status)
{
	exit(status);
}

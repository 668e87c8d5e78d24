/*
 * The host side of the ptproxy listener (kernel/proc/ptproxy.c): a unix
 * stream socket <umid dir>/ptproxy, mode 0600 (only the user running
 * Glass may trace its guests), non-blocking.
 */
#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glass/os.h>
#include "os_internal.h"

int os_ptproxy_listen(void)
{
	char path[4096];
	int fd = os_umid_socket("ptproxy", SOCK_NONBLOCK, path, sizeof(path)), err;

	if (fd < 0 || !listen(fd, 8))
		return fd;
	err = -errno;
	close(fd);
	return err;
}

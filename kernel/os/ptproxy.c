/*
 * The host side of the ptproxy listener (kernel/proc/ptproxy.c): a unix
 * stream socket <umid dir>/ptproxy, mode 0600 (only the user running
 * Glass may trace its guests), non-blocking.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <glass/os.h>

int os_ptproxy_listen(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd, err;

	if (!os_umid_dir()[0])
		return -ENOENT;
	if ((size_t)snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/ptproxy",
			     os_umid_dir()) >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	unlink(sun.sun_path);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) || chmod(sun.sun_path, 0600) ||
	    listen(fd, 8))
		goto fail;
	return fd;
fail:
	err = -errno;
	close(fd);
	return err;
}

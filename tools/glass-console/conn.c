/*
 * The client side of the wire: finding the socket, binding our own reply
 * address, one request out and its reply packets in.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client.h"

/* Our reply address lives in a directory of its own, so that nobody but
 * us can send to it or replace it; removed on exit, also on a signal. */
static char local_dir[sizeof(((struct sockaddr_un *)0)->sun_path) - 8];
static char local_path[sizeof(((struct sockaddr_un *)0)->sun_path)];

static void remove_local(void)
{
	if (local_path[0])
		unlink(local_path);
	if (local_dir[0])
		rmdir(local_dir);
	local_path[0] = local_dir[0] = '\0';
}

static void on_fatal_signal(int sig)
{
	remove_local();
	signal(sig, SIG_DFL);
	raise(sig);
}

int mc_resolve(const char *name, const char *uml_dir, char *out, size_t size,
	       char *err, size_t errlen)
{
	struct stat st;
	int n;

	if (!strchr(name, '/'))
		n = snprintf(out, size, "%s/%s/mconsole", uml_dir, name);
	else if (!stat(name, &st) && S_ISDIR(st.st_mode))
		n = snprintf(out, size, "%s/mconsole", name);
	else
		n = snprintf(out, size, "%s", name);
	if (n < 0 || (size_t)n >= size ||
	    (size_t)n >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
		snprintf(err, errlen, "socket path too long: %s", out);
		return -1;
	}
	return 0;
}

/* A fresh 0700 directory under $TMPDIR (or /tmp) holding socket "s". */
static int make_local_dir(void)
{
	const char *tmp = getenv("TMPDIR");

	if (!tmp || !*tmp || strlen(tmp) > sizeof(local_dir) - 32)
		tmp = "/tmp";
	snprintf(local_dir, sizeof(local_dir), "%s/glass-console.XXXXXX", tmp);
	if (!mkdtemp(local_dir)) {
		local_dir[0] = '\0';
		return -1;
	}
	snprintf(local_path, sizeof(local_path), "%s/s", local_dir);
	return 0;
}

static void set_addr(struct sockaddr_un *sun, const char *path)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	strcpy(sun->sun_path, path);
}

static int bind_local(int fd)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT };
	static bool hooked;
	struct sockaddr_un sun;

	if (make_local_dir())
		return -1;
	if (!hooked) {
		atexit(remove_local);
		for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
			signal(sigs[i], on_fatal_signal);
		hooked = true;
	}
	set_addr(&sun, local_path);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) || chmod(local_path, 0600))
		return -1;
	return 0;
}

static void describe_send_error(int e, const char *path, char *err, size_t errlen)
{
	if (e == ENOENT)
		snprintf(err, errlen, "no mconsole socket at %s (is Glass running?)", path);
	else if (e == ECONNREFUSED)
		snprintf(err, errlen, "nothing listens on %s (Glass has gone; a stale socket)",
			 path);
	else
		snprintf(err, errlen, "cannot reach %s: %s", path, strerror(e));
}

int mc_open(struct mc_conn *c, const char *path, int timeout_ms, char *err,
	    size_t errlen)
{
	struct stat st;

	c->fd = -1;
	c->timeout_ms = timeout_ms;
	snprintf(c->server, sizeof(c->server), "%s", path);
	if (stat(path, &st)) {
		describe_send_error(errno, path, err, errlen);
		return -1;
	}
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(err, errlen, "%s is not a socket", path);
		return -1;
	}
	c->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0 || bind_local(c->fd)) {
		snprintf(err, errlen, "cannot make a reply socket: %s", strerror(errno));
		mc_close(c);
		return -1;
	}
	return 0;
}

void mc_close(struct mc_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	remove_local();
}

/* Late packets of an earlier command that timed out are not this one's. */
static void drain(int fd)
{
	char buf[sizeof(struct mconsole_reply)];

	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) >= 0)
		;
}

static int send_request(struct mc_conn *c, const char *cmd, char *err, size_t errlen)
{
	struct mconsole_request req = {
		.magic = MCONSOLE_MAGIC, .version = MCONSOLE_VERSION,
	};
	struct sockaddr_un sun;
	size_t n = strlen(cmd);

	if (n >= MCONSOLE_MAX_DATA) {
		snprintf(err, errlen, "command too long: %zu bytes, at most %d", n,
			 MCONSOLE_MAX_DATA - 1);
		return -1;
	}
	req.len = n;
	memcpy(req.data, cmd, n);
	set_addr(&sun, c->server);
	/* As uml_mconsole: always the whole struct. */
	if (sendto(c->fd, &req, sizeof(req), 0, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		describe_send_error(errno, c->server, err, errlen);
		return -1;
	}
	return 0;
}

/* One datagram within the time-out: its size, or -1 with err set. */
static ssize_t recv_packet(struct mc_conn *c, void *buf, size_t size, char *err,
			   size_t errlen)
{
	struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
	ssize_t n;
	int r;

	do
		r = poll(&pfd, 1, c->timeout_ms);
	while (r < 0 && errno == EINTR);
	if (r == 0) {
		snprintf(err, errlen, "no reply from %s within %d s (Glass stopped, wedged, "
			 "or not reading its socket)", c->server, c->timeout_ms / 1000);
		return -1;
	}
	n = r < 0 ? -1 : recv(c->fd, buf, size, 0);
	if (n < 0)
		snprintf(err, errlen, "receiving from %s: %s", c->server, strerror(errno));
	return n;
}

enum mc_result mc_command(struct mc_conn *c, const char *cmd, mc_packet_fn fn,
			  void *ctx, char *err, size_t errlen)
{
	struct mconsole_reply r;
	bool first = true, is_err = false;
	ssize_t n;

	drain(c->fd);
	if (send_request(c, cmd, err, errlen))
		return MC_LOCAL_FAILURE;
	do {
		memset(&r, 0, sizeof(r));
		n = recv_packet(c, &r, sizeof(r), err, errlen);
		if (n < 0)
			return MC_LOCAL_FAILURE;
		/* UML's answer to a client without the magic is raw text. */
		if (n < MCONSOLE_REPLY_HDR || r.err > 1 || r.more > 1 || !r.len ||
		    r.len > MCONSOLE_MAX_DATA || (size_t)n != MCONSOLE_REPLY_HDR + r.len) {
			snprintf(err, errlen, "malformed reply packet (%zd bytes) from %s", n,
				 c->server);
			return MC_LOCAL_FAILURE;
		}
		if (first)
			is_err = r.err;
		fn(ctx, r.data, r.len - 1, is_err, first, r.more);
		first = false;
	} while (r.more);
	return is_err ? MC_ERROR_REPLY : MC_OK;
}

/*
 * glass-ptproxy's connection to the kernel's listener (<umid dir>/ptproxy,
 * kernel/proc/ptproxy.c): requests go one at a time, the reply is awaited;
 * a PTP_EV_STOP that arrives meanwhile is remembered for the caller.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "proxy.h"

static int fd = -1;
static u32 seq;
static bool stop_seen;
static size_t in_len;
static u8 in[PTP_HDR_LEN + PTP_MAX_PAYLOAD], out[PTP_HDR_LEN + PTP_MAX_PAYLOAD];
static size_t taken;            /* bytes of in the last reply occupies */
unsigned long kconn_calls;
FILE *kconn_log;                /* --log FILE: every message, both ways */

static void log_msg(const char *dir, const struct ptp_msg *m)
{
	if (!kconn_log)
		return;
	fprintf(kconn_log, "%s op %#x seq %u args %lld %lld %lld %lld %lld %lld len %u\n", dir,
		m->op, m->seq, (long long)m->args[0], (long long)m->args[1],
		(long long)m->args[2], (long long)m->args[3], (long long)m->args[4],
		(long long)m->args[5], m->len);
	fflush(kconn_log);
}

int kconn_fd(void)
{
	return fd;
}

/* The socket: UMID under uml_dir, a umid directory, or the socket's path. */
int kconn_open(const char *umid, const char *uml_dir)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct ptp_msg m = { .op = PTP_HELLO, .args = { PTP_VERSION } }, r;
	struct stat st;
	int n, err;

	if (!strchr(umid, '/'))
		n = snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/%s/ptproxy", uml_dir, umid);
	else if (!stat(umid, &st) && S_ISDIR(st.st_mode))
		n = snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/ptproxy", umid);
	else
		n = snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", umid);
	if (n < 0 || (size_t)n >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)))
		return -errno;
	err = kconn_call(&m, &r);
	return err ? err : r.args[0];
}

/* EV_STOPs already read behind the message at in[0..taken): noted and
 * dropped now, since poll() will not report bytes we hold. */
static void take_buffered_stops(void)
{
	struct ptp_msg m;
	long n;

	while ((n = ptp_decode(in + taken, in_len - taken, &m)) > 0 && m.op == PTP_EV_STOP) {
		log_msg("< (buffered)", &m);
		stop_seen = true;
		memmove(in + taken, in + taken + n, in_len - taken - n);
		in_len -= n;
	}
}

/* Drop the last reply, then read until a whole message is buffered. */
static int read_msg(struct ptp_msg *r)
{
	long n;

	memmove(in, in + taken, in_len - taken);
	in_len -= taken;
	taken = 0;
	while (!(n = ptp_decode(in, in_len, r))) {
		long got = read(fd, in + in_len, sizeof(in) - in_len);

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return got ? -errno : -ECONNRESET;
		in_len += got;
	}
	if (n < 0)
		return n;
	taken = n;
	log_msg("<", r);
	take_buffered_stops();
	return 0;
}

int kconn_call(struct ptp_msg *m, struct ptp_msg *r)
{
	long n;
	int err;

	m->seq = ++seq;
	n = ptp_encode(out, sizeof(out), m);
	if (n < 0)
		return n;
	kconn_calls++;
	log_msg(">", m);
	for (long done = 0; done < n; ) {
		long w = write(fd, out + done, n - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -errno;
		done += w;
	}
	for (;;) {
		if ((err = read_msg(r)))
			return err;
		if (r->op == PTP_EV_STOP)
			stop_seen = true;
		else if (r->op == (m->op | PTP_REPLY) && r->seq == m->seq)
			return 0;
	}
}

int kconn_poll(void)
{
	struct ptp_msg r;
	int err = read_msg(&r);

	if (err)
		return -1;
	if (r.op == PTP_EV_STOP)
		stop_seen = true;
	return 0;
}

bool kconn_take_stop(void)
{
	bool s = stop_seen;

	stop_seen = false;
	return s;
}

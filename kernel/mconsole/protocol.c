/*
 * The mconsole wire protocol, pure: validating a request datagram in the
 * order UML's mconsole_get_request() does (magic, length, version), the
 * command-word match, and framing one reply packet. Runs on the monitor
 * thread (and in tests and the fuzzer): no host call, no allocation, no
 * lock, no libc call.
 */
#include <glass/mconsole.h>

static __monitor_text void copy_bytes(void *dst, const void *src, size_t n)
{
	u8 *d = dst;
	const u8 *s = src;

	while (n--)
		*d++ = *s++;
}

static __monitor_text u32 get_u32(const u8 *p)
{
	u32 v;

	copy_bytes(&v, p, sizeof(v));
	return v;
}

enum mconsole_req_status __monitor_text
mconsole_parse_request(const void *buf, size_t n, struct mconsole_request *req)
{
	const u8 *p = buf;
	u32 len;

	/* Anything without the magic is an old (version 0) text client. */
	if (n < sizeof(u32) || get_u32(p) != MCONSOLE_MAGIC)
		return MC_REQ_BAD_MAGIC;
	if (n < MCONSOLE_REQ_HDR)
		return MC_REQ_TRUNCATED;
	len = get_u32(p + 8);
	if (len >= MCONSOLE_MAX_DATA)
		return MC_REQ_TOO_LARGE;
	if (get_u32(p + 4) != MCONSOLE_VERSION)
		return MC_REQ_BAD_VERSION;
	/* Clients send the whole struct; a shorter datagram must still hold
	 * the len bytes it announces. */
	if (n - MCONSOLE_REQ_HDR < len)
		return MC_REQ_TRUNCATED;
	req->magic = MCONSOLE_MAGIC;
	req->version = MCONSOLE_VERSION;
	req->len = len;
	copy_bytes(req->data, p + MCONSOLE_REQ_HDR, len);
	req->data[len] = '\0';
	return MC_REQ_OK;
}

const char *__monitor_text mconsole_req_error(enum mconsole_req_status st)
{
	switch (st) {
	case MC_REQ_OK:
		return "";
	case MC_REQ_BAD_MAGIC:
		return MC_V0_REPLY;
	case MC_REQ_TOO_LARGE:
		return "Request too large";
	case MC_REQ_BAD_VERSION:
		return "This driver only supports version 2 clients";
	case MC_REQ_TRUNCATED:
		return "Request truncated: shorter than its header or length";
	}
	return "Bad request";
}

/* Blanks between words; a newline is data (uml_mconsole's log sends one). */
static __monitor_text bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

bool __monitor_text mconsole_cmd_match(const char *name, const char *data)
{
	while (*name)
		if (*name++ != *data++)
			return false;
	return true;
}

const char *__monitor_text mconsole_cmd_args(const char *data)
{
	while (*data && !is_blank(*data))
		data++;
	while (is_blank(*data))
		data++;
	return data;
}

size_t __monitor_text mconsole_frame_reply(struct mconsole_reply *reply, const char *data,
					   size_t n, bool err, bool more)
{
	if (n > MCONSOLE_MAX_DATA - 1)
		n = MCONSOLE_MAX_DATA - 1;
	reply->err = err;
	reply->more = more;
	reply->len = n + 1;
	copy_bytes(reply->data, data, n);
	reply->data[n] = '\0';
	return MCONSOLE_REPLY_HDR + reply->len;
}

size_t __monitor_text mconsole_frame_notify(struct mconsole_notify *n,
					    enum mconsole_notify_type type, const char *msg)
{
	size_t len = 0;

	while (msg[len] && len < MCONSOLE_MAX_DATA - 1)
		len++;
	n->magic = MCONSOLE_MAGIC;
	n->version = MCONSOLE_VERSION;
	n->type = type;
	n->len = len + 1;
	copy_bytes(n->data, msg, len);
	n->data[len] = '\0';
	return sizeof(*n) - sizeof(n->data) + n->len;
}

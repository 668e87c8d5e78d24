/*
 * The ptproxy wire protocol's encoder and decoder (wire.h): pure, shared
 * by glass-ptproxy and the kernel's listener. The decoder is the only
 * thing between the host socket and ptrace_request, so it checks every
 * field a handler would otherwise trust.
 */
#include <glass/errno.h>
#include <ptproxy/wire.h>

#define PTP_PID_MAX 0x7fffffffLL

static void put_u32(u8 *p, u32 v)
{
	for (int i = 0; i < 4; i++)
		p[i] = v >> (8 * i);
}

static void put_u64(u8 *p, u64 v)
{
	for (int i = 0; i < 8; i++)
		p[i] = v >> (8 * i);
}

static u32 get_u32(const u8 *p)
{
	u32 v = 0;

	for (int i = 3; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static u64 get_u64(const u8 *p)
{
	u64 v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static bool in_range(s64 v, s64 lo, s64 hi)
{
	return v >= lo && v <= hi;
}

/* The arguments a request of op may carry (replies carry any). */
static bool request_valid(const struct ptp_msg *m)
{
	const s64 *a = m->args;

	switch (m->op) {
	case PTP_HELLO:
		return in_range(a[0], 1, 0xffff) && !m->len;
	case PTP_PTRACE:
		return in_range(a[0], 0, 0xffffffffLL) && in_range(a[1], 0, PTP_PID_MAX) &&
		       in_range(a[4], 0, PTP_MAX_PAYLOAD) && in_range(a[5], 0, PTP_IO_IOVEC) &&
		       m->len <= a[4];
	case PTP_WAIT:
		return in_range(a[0], -PTP_PID_MAX, PTP_PID_MAX) &&
		       in_range(a[1], 0, 0xffffffffLL) && !m->len;
	case PTP_WAITID:
		return in_range(a[0], 0, 3) && in_range(a[1], 0, PTP_PID_MAX) &&
		       in_range(a[2], 0, 0xffffffffLL) && !m->len;
	case PTP_VM_READ:
		return in_range(a[0], 1, PTP_PID_MAX) && in_range(a[2], 0, PTP_MAX_PAYLOAD) &&
		       !m->len;
	case PTP_VM_WRITE:
		return in_range(a[0], 1, PTP_PID_MAX);
	case PTP_KILL:
		return in_range(a[0], 0, PTP_PID_MAX) && in_range(a[1], 0, PTP_PID_MAX) &&
		       (a[0] || a[1]) && in_range(a[2], 0, 64) && !m->len;
	case PTP_PROC:
		return in_range(a[0], 1, PTP_PID_MAX) && in_range(a[1], 0, PTP_PID_MAX) &&
		       in_range(a[2], 1, PTP_PROC_MAX - 1) && !m->len;
	case PTP_EV_STOP:
		return !m->len;
	default:
		return false;
	}
}

static bool msg_valid(const struct ptp_msg *m)
{
	u32 op = m->op & ~PTP_REPLY;

	if (m->len > PTP_MAX_PAYLOAD || op < PTP_HELLO || op >= PTP_OP_MAX)
		return false;
	if (m->op & PTP_REPLY)
		return op != PTP_EV_STOP;
	return request_valid(m);
}

long ptp_encode(u8 *buf, size_t cap, const struct ptp_msg *m)
{
	if (m->len > PTP_MAX_PAYLOAD)
		return -EMSGSIZE;
	if (!msg_valid(m))
		return -EINVAL;
	if (cap < PTP_HDR_LEN + (size_t)m->len)
		return -ENOSPC;
	put_u32(buf, m->op);
	put_u32(buf + 4, m->seq);
	for (int i = 0; i < PTP_NARGS; i++)
		put_u64(buf + 8 + 8 * i, m->args[i]);
	put_u32(buf + 56, m->len);
	put_u32(buf + 60, 0);
	for (u32 i = 0; i < m->len; i++)
		buf[PTP_HDR_LEN + i] = m->payload[i];
	return PTP_HDR_LEN + m->len;
}

long ptp_decode(const u8 *buf, size_t len, struct ptp_msg *m)
{
	if (len < PTP_HDR_LEN)
		return 0;
	m->op = get_u32(buf);
	m->seq = get_u32(buf + 4);
	for (int i = 0; i < PTP_NARGS; i++)
		m->args[i] = get_u64(buf + 8 + 8 * i);
	m->len = get_u32(buf + 56);
	m->payload = buf + PTP_HDR_LEN;
	if (get_u32(buf + 60) || !msg_valid(m))
		return -EPROTO;
	if (len - PTP_HDR_LEN < m->len)
		return 0;
	return PTP_HDR_LEN + m->len;
}

/*
 * Hex digits and binary escaping for the gdb remote protocol. Pure code:
 * any context, including the monitor thread (rule monitor-never-blocks).
 */
#include <glass/kernel.h>
#include <glass/gdb_packet.h>

const char gdb_hex_chars[16] = "0123456789abcdef";

void gdb_hex_encode(char *out, const void *in, size_t n)
{
	const u8 *p = in;

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = gdb_hex_chars[p[i] >> 4];
		out[2 * i + 1] = gdb_hex_chars[p[i] & 15];
	}
}

long gdb_hex_decode(void *out, const char *in, size_t n)
{
	u8 *p = out;

	for (size_t i = 0; i < n; i++) {
		int hi = hex_to_bin(in[2 * i]);
		int lo = hex_to_bin(in[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		p[i] = hi << 4 | lo;
	}
	return n;
}

int gdb_parse_hex(const char *s, size_t len, u64 *val, size_t *used)
{
	u64 v = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		int d = hex_to_bin(s[i]);

		if (d < 0)
			break;
		if (v >> 60)
			return -EINVAL;         /* a 17th significant digit */
		v = v << 4 | d;
	}
	if (!i)
		return -EINVAL;
	*val = v;
	*used = i;
	return 0;
}

bool gdb_needs_escape(u8 c)
{
	return c == '#' || c == '$' || c == GDB_ESCAPE || c == '*';
}

size_t gdb_escape(u8 *out, size_t cap, const void *in, size_t len, size_t *consumed)
{
	const u8 *p = in;
	size_t i, o = 0;

	for (i = 0; i < len; i++) {
		if (gdb_needs_escape(p[i])) {
			if (cap - o < 2)
				break;
			out[o++] = GDB_ESCAPE;
			out[o++] = p[i] ^ 0x20;
		} else {
			if (cap - o < 1)
				break;
			out[o++] = p[i];
		}
	}
	*consumed = i;
	return o;
}

long gdb_unescape(u8 *out, size_t cap, const void *in, size_t len)
{
	const u8 *p = in;
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		u8 c = p[i];

		if (c == GDB_ESCAPE) {
			if (++i == len)
				return -EINVAL;
			c = p[i] ^ 0x20;
		}
		if (o == cap)
			return -E2BIG;
		out[o++] = c;
	}
	return o;
}

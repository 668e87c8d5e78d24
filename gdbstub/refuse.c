/*
 * A debugger turned away: Glass serves one debugger at a time, and a
 * second connection must not hang without a word. Its first packet
 * (gdb's qSupported) is answered with "E.<why>", which gdb 13 prints as
 * "warning: Remote failure reply: E.<why>". The transport closes the
 * connection at the next packet: gdb acks a reply before it prints it,
 * so an earlier close ends in a bare "Broken pipe".
 */
#include <glass/kernel.h>
#include <glass/gdbstub.h>

void gdb_refusal_init(struct gdb_refusal *r)
{
	gdb_rx_init(&r->rx);
	r->answered = false;
}

long gdb_refusal_input(struct gdb_refusal *r, const void *in, size_t len, const char *why,
		       u8 *out, size_t cap)
{
	const u8 *p = in;
	char reply[128] = "E.";
	size_t n = 2, framed;

	for (size_t i = 0; i < len; i++) {
		enum gdb_rx_event ev = gdb_rx_byte(&r->rx, p[i]);

		if (ev != GDB_RX_PACKET && ev != GDB_RX_BAD_CSUM && ev != GDB_RX_OVERLONG)
			continue;
		if (r->answered)
			return -EPIPE;
		r->answered = true;
		for (; *why && n < sizeof(reply); why++)
			reply[n++] = gdb_needs_escape(*why) ? '?' : *why;
		if (cap < 1)
			return -EPIPE;
		out[0] = '+';
		framed = gdb_frame(out + 1, cap - 1, reply, n);
		return framed ? (long)framed + 1 : -EPIPE;
	}
	return 0;
}

/*
 * gdb remote protocol framing: "$data#cs" received one byte at a time,
 * so the transport may hand over any chunking, and the frame encoder for
 * replies. Pure code: any context, including the monitor thread.
 */
#include <glass/kernel.h>
#include <glass/gdb_packet.h>

void gdb_rx_init(struct gdb_rx *rx)
{
	rx->state = GDB_RX_IDLE;
	rx->sum = 0;
	rx->csum_hi = 0;
	rx->csum_bad = false;
	rx->overflow = false;
	rx->len = 0;
	rx->buf[0] = '\0';
}

/* A '$': start a packet, dropping any partial one. */
static void rx_start(struct gdb_rx *rx)
{
	rx->state = GDB_RX_DATA;
	rx->sum = 0;
	rx->csum_bad = false;
	rx->overflow = false;
	rx->len = 0;
}

/* The second checksum digit arrived: say what the packet was. */
static enum gdb_rx_event rx_finish(struct gdb_rx *rx, int lo)
{
	rx->state = GDB_RX_IDLE;
	rx->buf[rx->len] = '\0';
	if (rx->csum_bad || lo < 0 || (u8)(rx->csum_hi << 4 | lo) != rx->sum)
		return GDB_RX_BAD_CSUM;
	if (rx->overflow)
		return GDB_RX_OVERLONG;
	return GDB_RX_PACKET;
}

enum gdb_rx_event gdb_rx_byte(struct gdb_rx *rx, u8 c)
{
	int d;

	switch (rx->state) {
	case GDB_RX_IDLE:
		switch (c) {
		case '$':
			rx_start(rx);
			return GDB_RX_NONE;
		case GDB_BREAK_IN:
			return GDB_RX_BREAK;
		case '+':
			return GDB_RX_ACK;
		case '-':
			return GDB_RX_NACK;
		default:
			return GDB_RX_NONE;     /* line noise before '$' */
		}
	case GDB_RX_DATA:
		if (c == '$') {
			rx_start(rx);           /* truncated packet: gdb restarted */
		} else if (c == '#') {
			rx->state = GDB_RX_CSUM1;
		} else {
			rx->sum += c;
			if (rx->len < GDB_RX_MAX)
				rx->buf[rx->len++] = c;
			else
				rx->overflow = true;
		}
		return GDB_RX_NONE;
	case GDB_RX_CSUM1:
		if (c == '$') {
			rx_start(rx);
			return GDB_RX_NONE;
		}
		d = hex_to_bin(c);
		rx->csum_bad = d < 0;
		rx->csum_hi = d < 0 ? 0 : d;
		rx->state = GDB_RX_CSUM2;
		return GDB_RX_NONE;
	case GDB_RX_CSUM2:
		if (c == '$') {
			rx_start(rx);
			return GDB_RX_NONE;
		}
		return rx_finish(rx, hex_to_bin(c));
	}
	gdb_rx_init(rx);
	return GDB_RX_NONE;
}

u8 gdb_checksum(const void *data, size_t len)
{
	const u8 *p = data;
	u8 sum = 0;

	for (size_t i = 0; i < len; i++)
		sum += p[i];
	return sum;
}

size_t gdb_frame(u8 *out, size_t cap, const void *data, size_t len)
{
	const u8 *p = data;
	u8 sum = 0;

	if (cap < 4 || len > cap - 4)
		return 0;
	out[0] = '$';
	for (size_t i = 0; i < len; i++) {
		out[1 + i] = p[i];
		sum += p[i];
	}
	out[1 + len] = '#';
	out[2 + len] = gdb_hex_chars[sum >> 4];
	out[3 + len] = gdb_hex_chars[sum & 15];
	return len + 4;
}

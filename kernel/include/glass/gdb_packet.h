/*
 * gdb remote protocol framing (gdbstub/packet.c, gdbstub/hex.c): a
 * byte-at-a-time receiver for "$data#cs", the frame encoder, hex and
 * binary escaping. Pure code: no allocation, no host calls, no locks;
 * usable from the monitor thread (rule monitor-never-blocks), tests and fuzzers.
 */
#ifndef GLASS_GDB_PACKET_H
#define GLASS_GDB_PACKET_H

#include <glass/types.h>

/*
 * PacketSize announced in qSupported: the largest packet the stub
 * accepts, counting '$', '#' and the two checksum digits. gdb sizes its
 * memory reads to it (an "m" of PacketSize/2 bytes).
 */
#define GDB_PACKET_SIZE 0x4000
#define GDB_RX_MAX (GDB_PACKET_SIZE - 4)        /* data bytes of one packet */
#define GDB_REPLY_MAX GDB_PACKET_SIZE           /* data bytes of one reply */

#define GDB_BREAK_IN 0x03       /* ^C from gdb, outside any packet */
#define GDB_ESCAPE 0x7d         /* '}': next byte is XORed with 0x20 */

enum gdb_rx_event {
	GDB_RX_NONE,            /* byte consumed, nothing to report */
	GDB_RX_PACKET,          /* complete packet, checksum good: rx->buf, rx->len */
	GDB_RX_BAD_CSUM,        /* complete packet, checksum wrong or not hex */
	GDB_RX_OVERLONG,        /* complete packet, checksum good, over GDB_RX_MAX */
	GDB_RX_BREAK,           /* 0x03 outside a packet */
	GDB_RX_ACK,             /* '+' outside a packet */
	GDB_RX_NACK,            /* '-' outside a packet */
};

enum gdb_rx_state { GDB_RX_IDLE, GDB_RX_DATA, GDB_RX_CSUM1, GDB_RX_CSUM2 };

struct gdb_rx {
	enum gdb_rx_state state;
	u8 sum;                 /* running checksum of the data bytes */
	u8 csum_hi;             /* first checksum digit's value */
	bool csum_bad;          /* a checksum digit was not hex */
	bool overflow;          /* more than GDB_RX_MAX data bytes */
	size_t len;             /* data bytes kept in buf */
	char buf[GDB_RX_MAX + 1];       /* data, NUL-terminated after a packet */
};

void gdb_rx_init(struct gdb_rx *rx);
/*
 * Feed one received byte. Bytes before '$' other than '+', '-' and 0x03
 * are ignored; a '$' inside a packet drops the partial one and starts
 * afresh (gdb restarted); a 0x03 inside a packet is data. No run-length
 * decoding ('*' is data: gdb never compresses what it sends) and no
 * unescaping ("X" data is unescaped by its handler).
 */
enum gdb_rx_event gdb_rx_byte(struct gdb_rx *rx, u8 c);

/* Checksum of a packet's data: the sum of its bytes mod 256. */
u8 gdb_checksum(const void *data, size_t len);
/*
 * Frame data as "$data#cs" into out[0..cap). The data must already be
 * escaped where it is binary. No run-length encoding is ever produced.
 * Returns the frame length, or 0 when it does not fit.
 */
size_t gdb_frame(u8 *out, size_t cap, const void *data, size_t len);

/* Hex (hex.c). */
extern const char gdb_hex_chars[16];    /* "0123456789abcdef" */
/* Two lower-case hex digits per byte into out (2 * n chars, no NUL). */
void gdb_hex_encode(char *out, const void *in, size_t n);
/*
 * Decode 2 * n hex digits from in into n bytes of out. Returns n, or
 * -EINVAL on a non-hex digit.
 */
long gdb_hex_decode(void *out, const char *in, size_t n);
/*
 * Parse a hex number (1-16 digits) at s[0..len); *used gets the digits
 * consumed. Returns 0, or -EINVAL when there is no digit or it overflows.
 */
int gdb_parse_hex(const char *s, size_t len, u64 *val, size_t *used);

/*
 * Binary escaping: '#', '$', '}' and '*' become '}' and the byte XOR
 * 0x20. gdb_escape copies as much of in[0..len) as fits in out[0..cap)
 * (never splitting an escape); *consumed gets the input bytes taken and
 * the return value is the output length.
 */
bool gdb_needs_escape(u8 c);
size_t gdb_escape(u8 *out, size_t cap, const void *in, size_t len, size_t *consumed);
/*
 * Undo the escaping of in[0..len) into out[0..cap). Returns the output
 * length, or -EINVAL for a '}' at the end, -E2BIG when out is too small.
 */
long gdb_unescape(u8 *out, size_t cap, const void *in, size_t len);

#endif

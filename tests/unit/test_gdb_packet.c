/*
 * gdbstub/packet.c and hex.c: the receive state machine fed byte by byte
 * and in every chunking, checksums, acks, break-in, overlong and
 * truncated packets, the frame encoder, hex and binary escaping.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#undef INT_MAX
#undef INT_MIN
#undef UINT_MAX
#undef LONG_MAX
#undef LONG_MIN
#undef ULONG_MAX
#include <glass/kernel.h>
#include <glass/gdb_packet.h>
#include <glass/gdbstub.h>

static struct gdb_rx rx;

/* Feed s[0..len) and return the last event other than NONE (NONE if none). */
static enum gdb_rx_event feed(const void *s, size_t len)
{
	const u8 *p = s;
	enum gdb_rx_event last = GDB_RX_NONE;

	for (size_t i = 0; i < len; i++) {
		enum gdb_rx_event e = gdb_rx_byte(&rx, p[i]);

		if (e != GDB_RX_NONE)
			last = e;
	}
	return last;
}

static enum gdb_rx_event feeds(const char *s)
{
	return feed(s, strlen(s));
}

START_TEST(simple_packet)
{
	gdb_rx_init(&rx);
	/* "g" sums to 0x67. */
	ck_assert_int_eq(feeds("$g#67"), GDB_RX_PACKET);
	ck_assert_uint_eq(rx.len, 1);
	ck_assert_str_eq(rx.buf, "g");
	/* Upper-case checksum digits are fine too. */
	ck_assert_int_eq(feeds("$qC#B4"), GDB_RX_PACKET);
	ck_assert_str_eq(rx.buf, "qC");
	/* Empty packet: checksum 00. */
	ck_assert_int_eq(feeds("$#00"), GDB_RX_PACKET);
	ck_assert_uint_eq(rx.len, 0);
}
END_TEST

START_TEST(bad_checksum)
{
	gdb_rx_init(&rx);
	ck_assert_int_eq(feeds("$g#68"), GDB_RX_BAD_CSUM);
	ck_assert_int_eq(feeds("$g#6z"), GDB_RX_BAD_CSUM);
	ck_assert_int_eq(feeds("$g#z7"), GDB_RX_BAD_CSUM);
	/* And the machine is ready for the next one. */
	ck_assert_int_eq(feeds("$g#67"), GDB_RX_PACKET);
}
END_TEST

START_TEST(acks_break_and_noise)
{
	gdb_rx_init(&rx);
	ck_assert_int_eq(feeds("+"), GDB_RX_ACK);
	ck_assert_int_eq(feeds("-"), GDB_RX_NACK);
	ck_assert_int_eq(feeds("\x03"), GDB_RX_BREAK);
	/* Garbage before '$' is ignored, including '#' and hex digits. */
	ck_assert_int_eq(feeds("hello#12 world\r\n"), GDB_RX_NONE);
	ck_assert_int_eq(feeds("xx$g#67"), GDB_RX_PACKET);
	/* '+', '-' and 0x03 inside a packet are data. */
	ck_assert_int_eq(feed("$+-\x03#5b", 7), GDB_RX_PACKET);
	ck_assert_uint_eq(rx.len, 3);
	ck_assert_int_eq(memcmp(rx.buf, "+-\x03", 3), 0);
}
END_TEST

START_TEST(truncated_packet_restarts)
{
	gdb_rx_init(&rx);
	/* A '$' in the middle drops the partial packet. */
	ck_assert_int_eq(feeds("$m1000,"), GDB_RX_NONE);
	ck_assert_int_eq(feeds("$g#67"), GDB_RX_PACKET);
	ck_assert_str_eq(rx.buf, "g");
	/* Also between '#' and the checksum digits. */
	ck_assert_int_eq(feeds("$m#"), GDB_RX_NONE);
	ck_assert_int_eq(feeds("$g#67"), GDB_RX_PACKET);
	ck_assert_int_eq(feeds("$m#6"), GDB_RX_NONE);
	ck_assert_int_eq(feeds("$g#67"), GDB_RX_PACKET);
	ck_assert_str_eq(rx.buf, "g");
}
END_TEST

/* Escaped binary data keeps '#' and '$' out of the frame; '*' is data. */
START_TEST(escaped_and_star_are_data)
{
	const char pkt[] = "X0,4:}\x03}\x04}]*";
	char frame[64];
	int n;

	gdb_rx_init(&rx);
	n = snprintf(frame, sizeof(frame), "$%s#%02x", pkt, gdb_checksum(pkt, strlen(pkt)));
	ck_assert_int_eq(feed(frame, n), GDB_RX_PACKET);
	ck_assert_uint_eq(rx.len, strlen(pkt));
	ck_assert_int_eq(memcmp(rx.buf, pkt, rx.len), 0);
}
END_TEST

/* A stream of packets, acks and a break-in gives each event in order. */
START_TEST(event_sequence)
{
	const char s[] = "+junk$qSupported:xmlRegisters=i386#c1\x03$g#67-$m1,2#fc";
	const enum gdb_rx_event want[] = { GDB_RX_ACK, GDB_RX_PACKET, GDB_RX_BREAK,
					   GDB_RX_PACKET, GDB_RX_NACK, GDB_RX_PACKET };
	const char *bufs[] = { "qSupported:xmlRegisters=i386", "g", "m1,2" };
	unsigned n = 0, pk = 0;

	gdb_rx_init(&rx);
	for (size_t i = 0; i < strlen(s); i++) {
		enum gdb_rx_event e = gdb_rx_byte(&rx, s[i]);

		if (e == GDB_RX_NONE)
			continue;
		ck_assert_uint_lt(n, 6);
		ck_assert_int_eq(e, want[n++]);
		if (e == GDB_RX_PACKET)
			ck_assert_str_eq(rx.buf, bufs[pk++]);
	}
	ck_assert_uint_eq(n, 6);
}
END_TEST

START_TEST(overlong_packet)
{
	static char frame[GDB_RX_MAX + 64];
	size_t n = GDB_RX_MAX + 1;
	u8 sum;

	gdb_rx_init(&rx);
	frame[0] = '$';
	memset(frame + 1, 'a', n);
	sum = gdb_checksum(frame + 1, n);
	sprintf(frame + 1 + n, "#%02x", sum);
	ck_assert_int_eq(feeds(frame), GDB_RX_OVERLONG);
	/* Overlong with a wrong checksum is a bad checksum. */
	sprintf(frame + 1 + n, "#%02x", (u8)(sum + 1));
	ck_assert_int_eq(feeds(frame), GDB_RX_BAD_CSUM);
	/* Exactly GDB_RX_MAX data bytes fit. */
	n = GDB_RX_MAX;
	sprintf(frame + 1 + n, "#%02x", gdb_checksum(frame + 1, n));
	ck_assert_int_eq(feeds(frame), GDB_RX_PACKET);
	ck_assert_uint_eq(rx.len, GDB_RX_MAX);
	/* And a normal packet afterwards. */
	ck_assert_int_eq(feeds("$g#67"), GDB_RX_PACKET);
	ck_assert_str_eq(rx.buf, "g");
}
END_TEST

START_TEST(frame_encoder)
{
	u8 out[32];

	ck_assert_uint_eq(gdb_frame(out, sizeof(out), "OK", 2), 6);
	ck_assert_int_eq(memcmp(out, "$OK#9a", 6), 0);
	ck_assert_uint_eq(gdb_frame(out, sizeof(out), "", 0), 4);
	ck_assert_int_eq(memcmp(out, "$#00", 4), 0);
	/* Too small: nothing. */
	ck_assert_uint_eq(gdb_frame(out, 5, "OK", 2), 0);
	ck_assert_uint_eq(gdb_frame(out, 3, "", 0), 0);
	/* Round trip through the receiver. */
	gdb_rx_init(&rx);
	ck_assert_uint_eq(gdb_frame(out, sizeof(out), "T05thread:1;", 12), 16);
	ck_assert_int_eq(feed(out, 16), GDB_RX_PACKET);
	ck_assert_str_eq(rx.buf, "T05thread:1;");
	/* Runs of one character are sent as they are, never as '*'. */
	ck_assert_uint_eq(gdb_frame(out, sizeof(out), "00000000", 8), 12);
	ck_assert_ptr_null(memchr(out, '*', 12));
}
END_TEST

START_TEST(hex_helpers)
{
	char s[16];
	u8 b[8];
	u64 v;
	size_t used;

	gdb_hex_encode(s, "\x00\x7f\xff\x10", 4);
	ck_assert_int_eq(memcmp(s, "007fff10", 8), 0);
	ck_assert_int_eq(gdb_hex_decode(b, "007FfF10", 4), 4);
	ck_assert_int_eq(memcmp(b, "\x00\x7f\xff\x10", 4), 0);
	ck_assert_int_eq(gdb_hex_decode(b, "0g", 1), -EINVAL);
	ck_assert_int_eq(hex_to_bin('f'), 15);
	ck_assert_int_eq(hex_to_bin('G'), -1);

	ck_assert_int_eq(gdb_parse_hex("1f,2", 4, &v, &used), 0);
	ck_assert_uint_eq(v, 0x1f);
	ck_assert_uint_eq(used, 2);
	ck_assert_int_eq(gdb_parse_hex("ffffffffffffffff", 16, &v, &used), 0);
	ck_assert_uint_eq(v, ~0ULL);
	ck_assert_int_eq(gdb_parse_hex("0000000000000000001", 19, &v, &used), 0);
	ck_assert_uint_eq(v, 1);
	ck_assert_int_eq(gdb_parse_hex("10000000000000000", 17, &v, &used), -EINVAL);
	ck_assert_int_eq(gdb_parse_hex(",1", 2, &v, &used), -EINVAL);
	ck_assert_int_eq(gdb_parse_hex("", 0, &v, &used), -EINVAL);
	/* Only len bytes are looked at. */
	ck_assert_int_eq(gdb_parse_hex("12", 1, &v, &used), 0);
	ck_assert_uint_eq(v, 1);
}
END_TEST

START_TEST(escape_unescape)
{
	const u8 raw[] = { 'a', '#', '$', '}', '*', 0, 0x03, 0xff };
	const u8 esc[] = { 'a', '}', 0x03, '}', 0x04, '}', 0x5d, '}', 0x0a, 0, 0x03, 0xff };
	u8 out[32], back[32];
	size_t used;

	ck_assert_uint_eq(gdb_escape(out, sizeof(out), raw, sizeof(raw), &used), sizeof(esc));
	ck_assert_uint_eq(used, sizeof(raw));
	ck_assert_int_eq(memcmp(out, esc, sizeof(esc)), 0);
	ck_assert_int_eq(gdb_unescape(back, sizeof(back), esc, sizeof(esc)), sizeof(raw));
	ck_assert_int_eq(memcmp(back, raw, sizeof(raw)), 0);
	/* An escape is never split: with room for 2 bytes only 'a' fits. */
	ck_assert_uint_eq(gdb_escape(out, 2, raw, sizeof(raw), &used), 1);
	ck_assert_uint_eq(used, 1);
	ck_assert_uint_eq(gdb_escape(out, 3, raw, sizeof(raw), &used), 3);
	ck_assert_uint_eq(used, 2);
	/* A trailing '}' is an error, so is too small an output. */
	ck_assert_int_eq(gdb_unescape(back, sizeof(back), "ab}", 3), -EINVAL);
	ck_assert_int_eq(gdb_unescape(back, 2, "abc", 3), -E2BIG);
	ck_assert_int_eq(gdb_unescape(back, 0, "", 0), 0);
}
END_TEST

/* A second debugger: its first packet is acked and refused with "E.why"
 * (in any chunking); its next one means close. */
START_TEST(refusal)
{
	static struct gdb_refusal r;
	const char *qs = "$qSupported:multiprocess+;xmlRegisters=i386#6a";
	u8 out[64];
	long n;

	gdb_refusal_init(&r);
	ck_assert_int_eq(gdb_refusal_input(&r, qs, 10, "busy", out, sizeof(out)), 0);
	n = gdb_refusal_input(&r, qs + 10, strlen(qs) - 10, "busy", out, sizeof(out));
	ck_assert_int_eq(n, 11);
	ck_assert_int_eq(memcmp(out, "+$E.busy#", 9), 0);
	ck_assert_int_eq(hex_to_bin(out[9]) << 4 | hex_to_bin(out[10]),
			 gdb_checksum("E.busy", 6));
	ck_assert_int_eq(gdb_refusal_input(&r, "+", 1, "busy", out, sizeof(out)), 0);
	ck_assert_int_eq(gdb_refusal_input(&r, "$vMustReplyEmpty#3a", 19, "busy", out,
					   sizeof(out)), -EPIPE);
	/* A bad checksum is answered too (nobody resends to us); a frame's
	 * special bytes in the reason are not passed on; no room: close. */
	gdb_refusal_init(&r);
	n = gdb_refusal_input(&r, "$?#00", 5, "a#b", out, sizeof(out));
	ck_assert_int_eq(n, 10);
	ck_assert_int_eq(memcmp(out, "+$E.a?b#", 8), 0);
	gdb_refusal_init(&r);
	ck_assert_int_eq(gdb_refusal_input(&r, "$?#3f", 5, "busy", out, 8), -EPIPE);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("gdb_packet");
	TCase *tc = tcase_create("packet");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, simple_packet);
	tcase_add_test(tc, bad_checksum);
	tcase_add_test(tc, acks_break_and_noise);
	tcase_add_test(tc, truncated_packet_restarts);
	tcase_add_test(tc, escaped_and_star_are_data);
	tcase_add_test(tc, event_sequence);
	tcase_add_test(tc, overlong_packet);
	tcase_add_test(tc, frame_encoder);
	tcase_add_test(tc, hex_helpers);
	tcase_add_test(tc, escape_unescape);
	tcase_add_test(tc, refusal);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

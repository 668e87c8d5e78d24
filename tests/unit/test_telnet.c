/* Telnet negotiation and the NVT stream (drivers/telnet.c), and the
 * channel syntax (drivers/chan.c): both pure code. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <glass/line.h>
#include <glass/telnet.h>
#include "check_run.h"

static struct telnet tn;
static u8 data[1024], reply[3 * 1024];
static size_t dlen, rlen;

static void start(void)
{
	u8 hello[TELNET_HELLO_MAX];

	telnet_init(&tn, hello);
}

/* Feed bytes; data and replies of this call in data/reply. */
static void feed(const void *in, size_t n)
{
	dlen = telnet_receive(&tn, in, n, data, reply, &rlen);
}

#define FEED(...) do { const u8 b_[] = { __VA_ARGS__ }; feed(b_, sizeof(b_)); } while (0)
#define REPLY_IS(...) do { const u8 r_[] = { __VA_ARGS__ }; \
	ck_assert_uint_eq(rlen, sizeof(r_)); \
	ck_assert(!memcmp(reply, r_, sizeof(r_))); } while (0)

START_TEST(hello_asks_for_character_mode)
{
	u8 hello[TELNET_HELLO_MAX];
	const u8 want[] = { TN_IAC, TN_WILL, TELOPT_ECHO, TN_IAC, TN_WILL, TELOPT_SGA,
			    TN_IAC, TN_DO, TELOPT_NAWS };

	ck_assert_uint_eq(telnet_init(&tn, hello), sizeof(want));
	ck_assert(!memcmp(hello, want, sizeof(want)));
}
END_TEST

START_TEST(agreements_are_not_answered_again)
{
	start();
	/* The client agrees to what we offered and asked: no answer. */
	FEED(TN_IAC, TN_DO, TELOPT_ECHO, TN_IAC, TN_DO, TELOPT_SGA, TN_IAC, TN_WILL, TELOPT_NAWS);
	ck_assert_uint_eq(rlen, 0);
	ck_assert_uint_eq(dlen, 0);
	ck_assert(tn.us[TELOPT_ECHO] && tn.us[TELOPT_SGA] && tn.him[TELOPT_NAWS]);
	/* Asked again for a mode in effect: still no answer (no loop). */
	FEED(TN_IAC, TN_DO, TELOPT_ECHO, TN_IAC, TN_WILL, TELOPT_NAWS);
	ck_assert_uint_eq(rlen, 0);
}
END_TEST

START_TEST(requests_are_answered)
{
	start();
	FEED(TN_IAC, TN_DONT, TELOPT_ECHO);     /* a refusal of our WILL: noted */
	ck_assert_uint_eq(rlen, 0);
	ck_assert(!tn.us[TELOPT_ECHO]);
	FEED(TN_IAC, TN_DO, TELOPT_ECHO);       /* asked later: agree */
	REPLY_IS(TN_IAC, TN_WILL, TELOPT_ECHO);
	FEED(TN_IAC, TN_DONT, TELOPT_ECHO);     /* turned off: acknowledged */
	REPLY_IS(TN_IAC, TN_WONT, TELOPT_ECHO);
	FEED(TN_IAC, TN_DONT, TELOPT_ECHO);     /* already off: silent */
	ck_assert_uint_eq(rlen, 0);
	FEED(TN_IAC, TN_DO, TELOPT_BINARY);     /* not ours */
	REPLY_IS(TN_IAC, TN_WONT, TELOPT_BINARY);
	FEED(TN_IAC, TN_WILL, 24);              /* TTYPE: refused */
	REPLY_IS(TN_IAC, TN_DONT, 24);
	FEED(TN_IAC, TN_WILL, TELOPT_SGA);      /* his SGA: agree once */
	REPLY_IS(TN_IAC, TN_DO, TELOPT_SGA);
	FEED(TN_IAC, TN_WILL, TELOPT_SGA);
	ck_assert_uint_eq(rlen, 0);
	FEED(TN_IAC, TN_WONT, TELOPT_SGA);      /* off: acknowledged */
	REPLY_IS(TN_IAC, TN_DONT, TELOPT_SGA);
	FEED(TN_IAC, TN_WONT, TELOPT_SGA);
	ck_assert_uint_eq(rlen, 0);
	FEED(TN_IAC, TN_WONT, TELOPT_NAWS);     /* refusal of our DO */
	ck_assert_uint_eq(rlen, 0);
}
END_TEST

START_TEST(data_escapes_and_line_ends)
{
	start();
	FEED('a', TN_IAC, TN_IAC, 'b', '\r', '\n', 'c', '\r', 0, 'd', '\r', 'e');
	ck_assert_uint_eq(dlen, 9);
	ck_assert(!memcmp(data, "a\xff" "b\rc\rd\re", 9));
	FEED(TN_IAC, TN_IP, TN_IAC, TN_NOP, TN_IAC, TN_AYT, TN_IAC, TN_DM, 'x');
	ck_assert_uint_eq(dlen, 2);
	ck_assert(!memcmp(data, "\x03x", 2));
	/* CR at the end of one read, LF at the start of the next. */
	FEED('\r');
	ck_assert_uint_eq(dlen, 1);
	FEED('\n', 'y');
	ck_assert_uint_eq(dlen, 1);
	ck_assert_int_eq(data[0], 'y');
}
END_TEST

START_TEST(naws_sets_the_window_size)
{
	start();
	FEED(TN_IAC, TN_SB, TELOPT_NAWS, 0, 132, 0, 43, TN_IAC, TN_SE, 'z');
	ck_assert(tn.winsize_changed);
	ck_assert_uint_eq(tn.cols, 132);
	ck_assert_uint_eq(tn.rows, 43);
	ck_assert_uint_eq(dlen, 1);
	/* 255 is sent doubled inside SB. */
	tn.winsize_changed = false;
	FEED(TN_IAC, TN_SB, TELOPT_NAWS, 0, TN_IAC, TN_IAC, 1, 0, TN_IAC, TN_SE);
	ck_assert(tn.winsize_changed);
	ck_assert_uint_eq(tn.cols, 255);
	ck_assert_uint_eq(tn.rows, 256);
	/* Too long, or another option: ignored; data after it still flows. */
	tn.winsize_changed = false;
	FEED(TN_IAC, TN_SB, TELOPT_NAWS, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
	     17, 18, TN_IAC, TN_SE, TN_IAC, TN_SB, 24, 0, 'v', 't', TN_IAC, TN_SE, 'q');
	ck_assert(!tn.winsize_changed);
	ck_assert_uint_eq(dlen, 1);
	ck_assert_int_eq(data[0], 'q');
	/* A command inside SB ends it and is obeyed. */
	FEED(TN_IAC, TN_SB, 24, 1, TN_IAC, TN_DO, TELOPT_BINARY, 'k');
	REPLY_IS(TN_IAC, TN_WONT, TELOPT_BINARY);
	ck_assert_uint_eq(dlen, 1);
}
END_TEST

/* Any split of the stream gives the same data and replies. */
START_TEST(splits_do_not_matter)
{
	const u8 in[] = { 'l', 's', TN_IAC, TN_DO, TELOPT_BINARY, '\r', '\n', TN_IAC, TN_IAC,
			  TN_IAC, TN_SB, TELOPT_NAWS, 0, 80, 0, 24, TN_IAC, TN_SE, '\r', 0, 'x',
			  TN_IAC, TN_WILL, 24, TN_IAC, TN_IP };
	u8 wd[64], wr[64], d2[64], r2[192];
	size_t wdl, wrl, d2l = 0, r2l = 0;

	start();
	feed(in, sizeof(in));
	memcpy(wd, data, dlen);
	memcpy(wr, reply, rlen);
	wdl = dlen;
	wrl = rlen;
	for (size_t cut = 1; cut < sizeof(in); cut++) {
		start();
		feed(in, cut);
		memcpy(d2, data, dlen);
		memcpy(r2, reply, rlen);
		d2l = dlen;
		r2l = rlen;
		feed(in + cut, sizeof(in) - cut);
		memcpy(d2 + d2l, data, dlen);
		memcpy(r2 + r2l, reply, rlen);
		d2l += dlen;
		r2l += rlen;
		ck_assert_uint_eq(d2l, wdl);
		ck_assert_uint_eq(r2l, wrl);
		ck_assert(!memcmp(d2, wd, wdl));
		ck_assert(!memcmp(r2, wr, wrl));
		ck_assert_uint_eq(tn.cols, 80);
	}
}
END_TEST

/* IAC BRK, then a key: a sysrq request, the key not taken as data, also
 * when the key comes in the next read. */
START_TEST(break_makes_a_sysrq_key)
{
	start();
	feed("ab\xff\xf3tc", 6);
	ck_assert_uint_eq(dlen, 3);
	ck_assert_mem_eq(data, "abc", 3);
	ck_assert_int_eq(tn.sysrq_key, 't');
	tn.sysrq_key = 0;
	feed("\xff\xf3", 2);
	ck_assert_uint_eq(dlen, 0);
	ck_assert_int_eq(tn.sysrq_key, 0);
	feed("wx", 2);
	ck_assert_int_eq(tn.sysrq_key, 'w');
	ck_assert_uint_eq(dlen, 1);
	ck_assert_int_eq(data[0], 'x');
}
END_TEST

START_TEST(output_is_escaped)
{
	u8 out[32];
	size_t n = telnet_escape((const u8 *)"a\xff" "b\r\nc\rd\r", 9, out);

	ck_assert_uint_eq(n, 12);
	ck_assert(!memcmp(out, "a\xff\xff" "b\r\nc\r\0d\r\0", 12));
}
END_TEST

START_TEST(channel_syntax)
{
	struct chan_spec s;

	ck_assert_int_eq(chan_parse("fd:0,fd:1", &s), 0);
	ck_assert_int_eq(s.type, CHAN_FD);
	ck_assert_int_eq(s.in, 0);
	ck_assert_int_eq(s.out, 1);
	ck_assert_int_eq(chan_parse("fd:7", &s), 0);
	ck_assert(s.in == 7 && s.out == 7);
	ck_assert_int_eq(chan_parse("pty", &s), 0);
	ck_assert_int_eq(s.type, CHAN_PTY);
	ck_assert_int_eq(chan_parse("xterm", &s), 0);
	ck_assert_int_eq(s.type, CHAN_XTERM);
	ck_assert_int_eq(chan_parse("null", &s), 0);
	ck_assert_int_eq(s.type, CHAN_NULL);
	ck_assert_int_eq(chan_parse("none", &s), 0);
	ck_assert_int_eq(s.type, CHAN_NONE);
	ck_assert_int_eq(chan_parse("port:9000", &s), 0);
	ck_assert_int_eq(s.type, CHAN_PORT);
	ck_assert_int_eq(s.port, 9000);
	const char *bad[] = { "", "fd:", "fd:x", "fd:1,", "fd:1,fd:", "fd:1,2", "fd:1x",
			      "port:", "port:0", "port:65536", "port:9x", "ptyx", "tty:/dev/x",
			      "fd:99999999999" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(chan_parse(bad[i], &s) == -EINVAL, "%s accepted", bad[i]);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("telnet");
	TCase *tc = tcase_create("telnet");

	tcase_add_test(tc, hello_asks_for_character_mode);
	tcase_add_test(tc, agreements_are_not_answered_again);
	tcase_add_test(tc, requests_are_answered);
	tcase_add_test(tc, data_escapes_and_line_ends);
	tcase_add_test(tc, naws_sets_the_window_size);
	tcase_add_test(tc, splits_do_not_matter);
	tcase_add_test(tc, output_is_escaped);
	tcase_add_test(tc, break_makes_a_sysrq_key);
	tcase_add_test(tc, channel_syntax);
	suite_add_tcase(s, tc);
	return check_run(s, CK_FORK_GETENV);
}

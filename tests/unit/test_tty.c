/*
 * The N_TTY line discipline (kernel/drivers/n_tty.c) on its own: Linux's
 * default termios, canonical editing, echo, ISIG, output processing and
 * the non-canonical VMIN/VTIME rules. Output is captured from the
 * driver's write(); signals from a fake kill_pgrp (sig_fakes.c).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "kernel_in_host.h"
#include <glass/tty.h>

#include "sig_fakes.h"
#include "check_run.h"

static char out[8192];
static size_t out_len;

static void cap_write(struct tty_struct *tty, const u8 *buf, size_t n)
{
	if (out_len + n < sizeof(out)) {
		memcpy(out + out_len, buf, n);
		out_len += n;
		out[out_len] = 0;
	}
}

static const struct tty_operations cap_ops = { .write = cap_write };
static struct tty_struct *tty;

static void setup(void)
{
	fake_reset_current();
	tty = calloc(1, sizeof(*tty));
	n_tty_init(tty);
	tty->ops = &cap_ops;
	tty->pgrp = 77;
	out_len = 0;
	out[0] = 0;
}

static void teardown(void)
{
	free(tty);
}

static void type(const char *s)
{
	n_tty_receive(tty, (const u8 *)s, strlen(s));
}

/* Read what is there into a string. */
static char *rd(void)
{
	static char buf[N_TTY_BUF_SIZE + 1];
	bool line_end;
	size_t n = n_tty_read(tty, (u8 *)buf, N_TTY_BUF_SIZE, &line_end);

	buf[n] = 0;
	return buf;
}

START_TEST(default_termios_is_linux_console)
{
	struct termios *t = &tty->termios;

	ck_assert_uint_eq(sizeof(struct termios), 36);
	ck_assert_uint_eq(sizeof(struct termios2), 44);
	ck_assert_uint_eq(sizeof(struct winsize), 8);
	ck_assert_uint_eq(t->c_iflag, ICRNL | IXON | IUTF8);
	ck_assert_uint_eq(t->c_oflag, OPOST | ONLCR);
	ck_assert_uint_eq(t->c_cflag, B38400 | CS8 | CREAD | HUPCL);
	ck_assert_uint_eq(t->c_lflag, ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL |
				      ECHOKE | IEXTEN);
	ck_assert_uint_eq(t->c_lflag, 0105073);      /* stty: as Linux's tty_std_termios */
	ck_assert_uint_eq(t->c_cc[VINTR], 3);
	ck_assert_uint_eq(t->c_cc[VQUIT], 034);
	ck_assert_uint_eq(t->c_cc[VERASE], 0177);
	ck_assert_uint_eq(t->c_cc[VKILL], 025);
	ck_assert_uint_eq(t->c_cc[VEOF], 4);
	ck_assert_uint_eq(t->c_cc[VSUSP], 032);
	ck_assert_uint_eq(t->c_cc[VWERASE], 027);
	ck_assert_uint_eq(t->c_cc[VLNEXT], 026);
	ck_assert_uint_eq(t->c_cc[VREPRINT], 022);
	ck_assert_uint_eq(t->c_cc[VSTART], 021);
	ck_assert_uint_eq(t->c_cc[VSTOP], 023);
	ck_assert_uint_eq(t->c_cc[VMIN], 1);
	ck_assert_uint_eq(t->c_cc[VTIME], 0);
	ck_assert_uint_eq(t->c_cc[VEOL], 0);
}
END_TEST

START_TEST(canonical_line_with_icrnl)
{
	type("hello");
	ck_assert(!n_tty_input_available(tty, 1));
	ck_assert_str_eq(out, "hello");
	type("\r");
	ck_assert(n_tty_input_available(tty, 1));
	ck_assert_str_eq(out, "hello\r\n");
	ck_assert_uint_eq(n_tty_inq(tty), 6);
	ck_assert_str_eq(rd(), "hello\n");
	ck_assert(!n_tty_input_available(tty, 1));
	ck_assert(fake_wake_count > 0);
}
END_TEST

START_TEST(one_line_per_read)
{
	bool line_end;
	char buf[16];

	type("ab\ncd\n");
	ck_assert_str_eq(rd(), "ab\n");
	/* a short read takes part of the line */
	ck_assert_uint_eq(n_tty_read(tty, (u8 *)buf, 1, &line_end), 1);
	ck_assert(!line_end);
	ck_assert_int_eq(buf[0], 'c');
	ck_assert_uint_eq(n_tty_read(tty, (u8 *)buf, 16, &line_end), 2);
	ck_assert(line_end);
}
END_TEST

START_TEST(erase_echoes_backspace_space_backspace)
{
	type("abc\x7f\x7f" "d\r");
	ck_assert_str_eq(out, "abc\b \b\b \bd\r\n");
	ck_assert_str_eq(rd(), "ad\n");
}
END_TEST

START_TEST(erase_at_line_start_does_nothing)
{
	type("\x7f\x7fx\n");
	ck_assert_str_eq(out, "x\r\n");
	ck_assert_str_eq(rd(), "x\n");
}
END_TEST

START_TEST(erase_control_char_under_echoctl)
{
	type("a\x01\x7f");
	ck_assert_str_eq(out, "a^A\b \b\b \b");
	type("\n");
	ck_assert_str_eq(rd(), "a\n");
}
END_TEST

START_TEST(erase_utf8_character)
{
	type("x\xc3\xa9\x7f\n");
	ck_assert_str_eq(out, "x\xc3\xa9\b \b\r\n");
	ck_assert_str_eq(rd(), "x\n");
}
END_TEST

START_TEST(erase_tab)
{
	type("a\tb\x7f\x7f");
	/* a, tab (to column 8), b; then b and the tab's 7 columns */
	ck_assert_str_eq(out, "a\tb\b \b\b\b\b\b\b\b\b");
	type("\n");
	ck_assert_str_eq(rd(), "a\n");
}
END_TEST

START_TEST(kill_erases_the_line)
{
	type("abc\x15xy\n");
	ck_assert_str_eq(out, "abc\b \b\b \b\b \bxy\r\n");
	ck_assert_str_eq(rd(), "xy\n");
}
END_TEST

START_TEST(kill_without_echoke)
{
	tty->termios.c_lflag &= ~ECHOKE;
	type("abc\x15");
	ck_assert_str_eq(out, "abc^U\r\n");
	type("z\n");
	ck_assert_str_eq(rd(), "z\n");
}
END_TEST

START_TEST(werase_erases_a_word)
{
	type("foo bar  \x17" "baz\n");
	ck_assert_str_eq(rd(), "foo baz\n");
	type("one,two\x17\x17x\n");
	ck_assert_str_eq(rd(), "x\n");
}
END_TEST

START_TEST(eof_ends_line_without_data)
{
	bool line_end;
	char buf[8];

	type("\x04");
	ck_assert(n_tty_input_available(tty, 1));
	ck_assert_uint_eq(n_tty_inq(tty), 0);
	ck_assert_uint_eq(n_tty_read(tty, (u8 *)buf, 8, &line_end), 0);
	ck_assert(line_end);
	ck_assert_str_eq(out, "");              /* ^D is not echoed */
	type("ab\x04");
	ck_assert_str_eq(rd(), "ab");
	ck_assert(!n_tty_input_available(tty, 1));
}
END_TEST

START_TEST(lnext_quotes_the_next_char)
{
	type("\x16\x03\n");
	ck_assert_int_eq(fake_kill_count, 0);
	ck_assert_str_eq(out, "^\b^C\r\n");
	ck_assert_str_eq(rd(), "\x03\n");
	type("\x16\x7f\n");
	ck_assert_str_eq(rd(), "\x7f\n");
}
END_TEST

START_TEST(reprint)
{
	type("ab\x12");
	ck_assert_str_eq(out, "ab^R\r\nab");
}
END_TEST

START_TEST(isig_signals_foreground_group)
{
	type("abc\x03");
	ck_assert_int_eq(fake_kill_count, 1);
	ck_assert_int_eq(fake_kills[0].pgrp, 77);
	ck_assert_int_eq(fake_kills[0].sig, 2);
	ck_assert_int_eq(fake_kills[0].priv, 1);
	ck_assert_str_eq(out, "abc^C");
	ck_assert(!n_tty_input_available(tty, 1));      /* input flushed */
	type("\n");
	ck_assert_str_eq(rd(), "\n");
	type("\x1c\x1a");
	ck_assert_int_eq(fake_kill_count, 3);
	ck_assert_int_eq(fake_kills[1].sig, 3);         /* SIGQUIT */
	ck_assert_int_eq(fake_kills[2].sig, 20);        /* SIGTSTP */
	ck_assert(strstr(out, "^\\^Z"));
}
END_TEST

START_TEST(isig_noflsh_keeps_input)
{
	tty->termios.c_lflag |= NOFLSH;
	type("ab\x03\n");
	ck_assert_str_eq(rd(), "ab\n");
}
END_TEST

START_TEST(isig_without_foreground_group)
{
	tty->pgrp = 0;
	type("\x03");
	ck_assert_int_eq(fake_kill_count, 0);
}
END_TEST

START_TEST(no_isig_means_data)
{
	tty->termios.c_lflag &= ~ISIG;
	type("\x03\n");
	ck_assert_int_eq(fake_kill_count, 0);
	ck_assert_str_eq(rd(), "\x03\n");
}
END_TEST

START_TEST(echo_off_stores_silently)
{
	tty->termios.c_lflag &= ~ECHO;
	type("secret\n");
	ck_assert_str_eq(out, "");
	ck_assert_str_eq(rd(), "secret\n");
	tty->termios.c_lflag |= ECHONL;
	type("x\n");
	ck_assert_str_eq(out, "\r\n");
}
END_TEST

START_TEST(igncr_and_inlcr)
{
	tty->termios.c_iflag |= IGNCR;
	type("a\rb\n");
	ck_assert_str_eq(rd(), "ab\n");
	tty->termios.c_iflag &= ~(IGNCR | ICRNL);
	tty->termios.c_iflag |= INLCR;
	struct termios old = tty->termios;
	tty->termios.c_lflag &= ~ICANON;
	n_tty_set_termios(tty, &old);
	type("\n");
	ck_assert_str_eq(rd(), "\r");
}
END_TEST

START_TEST(output_onlcr_and_opost)
{
	n_tty_write(tty, (const u8 *)"a\nb", 3);
	ck_assert_str_eq(out, "a\r\nb");
	out_len = 0;
	tty->termios.c_oflag &= ~OPOST;
	n_tty_write(tty, (const u8 *)"a\nb", 3);
	ck_assert_str_eq(out, "a\nb");
	out_len = 0;
	tty->termios.c_oflag = OPOST | ONLCR | XTABS;
	tty->column = 0;
	n_tty_write(tty, (const u8 *)"ab\tc", 4);
	ck_assert_str_eq(out, "ab      c");
	out_len = 0;
	tty->termios.c_oflag = OPOST | OCRNL;
	tty->column = 0;
	n_tty_write(tty, (const u8 *)"x\r", 2);
	ck_assert_str_eq(out, "x\n");
	ck_assert_uint_eq(tty->column, 1);
}
END_TEST

START_TEST(long_output_is_batched_whole)
{
	static char big[3000];

	memset(big, 'x', sizeof(big));
	n_tty_write(tty, (const u8 *)big, sizeof(big));
	ck_assert_uint_eq(out_len, sizeof(big));
}
END_TEST

START_TEST(noncanonical_reads_bytes)
{
	struct termios old = tty->termios;

	tty->termios.c_lflag &= ~(ICANON | ECHO);
	n_tty_set_termios(tty, &old);
	type("xy");
	ck_assert(n_tty_input_available(tty, 1));
	ck_assert(n_tty_input_available(tty, 2));
	ck_assert(!n_tty_input_available(tty, 3));
	ck_assert_uint_eq(n_tty_inq(tty), 2);
	ck_assert_str_eq(rd(), "xy");
	/* ^D and ^? are data; ^C still signals */
	type("\x04\x7f\x03");
	ck_assert_str_eq(rd(), "");
	ck_assert_int_eq(fake_kill_count, 1);
	type("\x04\x7f");
	ck_assert_str_eq(rd(), "\x04\x7f");
}
END_TEST

START_TEST(vmin_vtime_rules)
{
	struct termios t;
	size_t min;
	u64 first, inter;

	tty_init_termios(&t);
	n_tty_read_timing(&t, &min, &first, &inter);    /* canonical */
	ck_assert_uint_eq(min, 0);
	ck_assert_uint_eq(first, (u64)-1);
	t.c_lflag &= ~ICANON;
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;                               /* ash's raw mode */
	n_tty_read_timing(&t, &min, &first, &inter);
	ck_assert_uint_eq(min, 1);
	ck_assert_uint_eq(first, (u64)-1);
	ck_assert_uint_eq(inter, 0);
	t.c_cc[VMIN] = 4;
	t.c_cc[VTIME] = 5;                               /* inter-byte 0.5 s */
	n_tty_read_timing(&t, &min, &first, &inter);
	ck_assert_uint_eq(min, 4);
	ck_assert_uint_eq(first, (u64)-1);
	ck_assert_uint_eq(inter, 500000000ULL);
	t.c_cc[VMIN] = 0;
	t.c_cc[VTIME] = 3;                               /* up to 0.3 s for one */
	n_tty_read_timing(&t, &min, &first, &inter);
	ck_assert_uint_eq(min, 1);
	ck_assert_uint_eq(first, 300000000ULL);
	ck_assert_uint_eq(inter, 0);
	t.c_cc[VTIME] = 0;                               /* poll */
	n_tty_read_timing(&t, &min, &first, &inter);
	ck_assert_uint_eq(first, 0);
}
END_TEST

START_TEST(icanon_on_pushes_pending_bytes)
{
	struct termios old = tty->termios;

	tty->termios.c_lflag &= ~ICANON;
	n_tty_set_termios(tty, &old);
	type("abc");
	old = tty->termios;
	tty->termios.c_lflag |= ICANON;
	n_tty_set_termios(tty, &old);
	ck_assert(n_tty_input_available(tty, 1));
	ck_assert_str_eq(rd(), "abc");
}
END_TEST

START_TEST(hangup_makes_partial_line_readable)
{
	type("abc");
	ck_assert(!n_tty_input_available(tty, 1));
	n_tty_hangup(tty);
	ck_assert(tty->hung_up);
	ck_assert_str_eq(rd(), "abc");
	ck_assert(!n_tty_input_available(tty, 1));
}
END_TEST

START_TEST(full_buffer_keeps_room_for_newline)
{
	static char big[5000];
	char *line;

	tty->termios.c_lflag &= ~ECHO;
	memset(big, 'q', sizeof(big) - 1);
	type(big);
	type("\n");
	line = rd();
	ck_assert_uint_eq(strlen(line), N_TTY_BUF_SIZE);
	ck_assert_int_eq(line[N_TTY_BUF_SIZE - 1], '\n');
}
END_TEST

START_TEST(flow_control_stop_start)
{
	type("\x13");
	ck_assert(tty->stopped);
	type("\x11");
	ck_assert(!tty->stopped);
	ck_assert(!n_tty_input_available(tty, 1));
	type("\n");
	ck_assert_str_eq(rd(), "\n");
}
END_TEST

static Suite *tty_suite(void)
{
	Suite *s = suite_create("n_tty");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, default_termios_is_linux_console);
	tcase_add_test(tc, canonical_line_with_icrnl);
	tcase_add_test(tc, one_line_per_read);
	tcase_add_test(tc, erase_echoes_backspace_space_backspace);
	tcase_add_test(tc, erase_at_line_start_does_nothing);
	tcase_add_test(tc, erase_control_char_under_echoctl);
	tcase_add_test(tc, erase_utf8_character);
	tcase_add_test(tc, erase_tab);
	tcase_add_test(tc, kill_erases_the_line);
	tcase_add_test(tc, kill_without_echoke);
	tcase_add_test(tc, werase_erases_a_word);
	tcase_add_test(tc, eof_ends_line_without_data);
	tcase_add_test(tc, lnext_quotes_the_next_char);
	tcase_add_test(tc, reprint);
	tcase_add_test(tc, isig_signals_foreground_group);
	tcase_add_test(tc, isig_noflsh_keeps_input);
	tcase_add_test(tc, isig_without_foreground_group);
	tcase_add_test(tc, no_isig_means_data);
	tcase_add_test(tc, echo_off_stores_silently);
	tcase_add_test(tc, igncr_and_inlcr);
	tcase_add_test(tc, output_onlcr_and_opost);
	tcase_add_test(tc, long_output_is_batched_whole);
	tcase_add_test(tc, noncanonical_reads_bytes);
	tcase_add_test(tc, vmin_vtime_rules);
	tcase_add_test(tc, icanon_on_pushes_pending_bytes);
	tcase_add_test(tc, hangup_makes_partial_line_readable);
	tcase_add_test(tc, full_buffer_keeps_room_for_newline);
	tcase_add_test(tc, flow_control_stop_start);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(tty_suite(), CK_FORK_GETENV);
}

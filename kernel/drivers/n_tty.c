/*
 * The N_TTY line discipline, after Linux's drivers/tty/n_tty.c: input
 * processing (ISTRIP, IGNCR, ICRNL, INLCR, IXON), ISIG signals to the
 * foreground group, canonical line editing (ERASE, KILL, WERASE, LNEXT,
 * REPRINT, EOF, EOL), echo (ECHOCTL shows ^C; ECHOE/ECHOKE erase with
 * "\b \b"), and output post-processing (ONLCR, OCRNL, ONOCR, ONLRET,
 * XTABS) with column tracking.
 *
 * Pure code: no host calls, no sleeping. The only outside calls are
 * tty->ops->write and ->unthrottle, kill_pgrp and wake_up, so unit tests
 * drive it with fakes (tests/unit/test_tty.c). Readers and the sleeping
 * live in tty.c.
 *
 * The input buffer is a ring of N_TTY_BUF_SIZE bytes indexed by free
 * running counters: read_tail <= canon_head <= read_head. Bytes before
 * canon_head are complete lines; a set bit in read_flags marks a line's
 * last byte (newline, EOL, EOL2, or the EOF character stored as 0, which
 * a read consumes without copying, as Linux's __DISABLED_CHAR).
 */
#include <glass/kernel.h>
#include <glass/signal.h>
#include <glass/timer.h>
#include <glass/tty.h>

#define MASK(x) ((x) & (N_TTY_BUF_SIZE - 1))
#define DISABLED_CHAR 0

#define I_FLAG(tty, f) ((tty)->termios.c_iflag & (f))
#define O_FLAG(tty, f) ((tty)->termios.c_oflag & (f))
#define L_FLAG(tty, f) ((tty)->termios.c_lflag & (f))
#define CC(tty, i) ((tty)->termios.c_cc[i])

static bool tty_iscntrl(u8 c)
{
	return c < 32 || c == 127;
}

static bool tty_isalnum(u8 c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Is c (a special character's value) set and equal to byte? A c_cc of 0
 * is _POSIX_VDISABLE on Linux. */
static bool is_char(struct tty_struct *tty, int idx, u8 byte)
{
	return CC(tty, idx) != DISABLED_CHAR && CC(tty, idx) == byte;
}

static bool is_continuation(struct tty_struct *tty, u8 c)
{
	return I_FLAG(tty, IUTF8) && (c & 0xc0) == 0x80;
}

/* Linux's defaults for a fresh console (tty_std_termios, UTF-8 on). */
void tty_init_termios(struct termios *t)
{
	static const cc_t init_cc[NCCS] = {
		[VINTR] = 003, [VQUIT] = 034, [VERASE] = 0177, [VKILL] = 025,
		[VEOF] = 004, [VTIME] = 0, [VMIN] = 1, [VSWTC] = 0,
		[VSTART] = 021, [VSTOP] = 023, [VSUSP] = 032, [VEOL] = 0,
		[VREPRINT] = 022, [VDISCARD] = 017, [VWERASE] = 027,
		[VLNEXT] = 026, [VEOL2] = 0,
	};

	memset(t, 0, sizeof(*t));
	t->c_iflag = ICRNL | IXON | IUTF8;
	t->c_oflag = OPOST | ONLCR;
	t->c_cflag = B38400 | CS8 | CREAD | HUPCL;
	t->c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN;
	t->c_line = 0;
	memcpy(t->c_cc, init_cc, sizeof(init_cc));
}

void n_tty_init(struct tty_struct *tty)
{
	tty_init_termios(&tty->termios);
	init_waitqueue_head(&tty->read_wait);
	init_waitqueue_head(&tty->write_wait);
	tty->read_head = tty->read_tail = tty->canon_head = 0;
	memset(tty->read_flags, 0, sizeof(tty->read_flags));
	tty->lnext = tty->pushed = false;
	tty->column = tty->canon_column = 0;
	tty->olen = 0;
}

static unsigned int read_cnt(struct tty_struct *tty)
{
	return tty->read_head - tty->read_tail;
}

static u8 read_byte(struct tty_struct *tty, unsigned int i)
{
	return tty->read_buf[MASK(i)];
}

static void set_flag(struct tty_struct *tty, unsigned int i)
{
	tty->read_flags[MASK(i) / 64] |= 1UL << (MASK(i) % 64);
}

static void clear_flag(struct tty_struct *tty, unsigned int i)
{
	tty->read_flags[MASK(i) / 64] &= ~(1UL << (MASK(i) % 64));
}

static bool test_flag(struct tty_struct *tty, unsigned int i)
{
	return tty->read_flags[MASK(i) / 64] & (1UL << (MASK(i) % 64));
}

static void put_tty_queue(struct tty_struct *tty, u8 c)
{
	tty->read_buf[MASK(tty->read_head)] = c;
	clear_flag(tty, tty->read_head);
	tty->read_head++;
}

/* ---- output ---- */

static void flush_out(struct tty_struct *tty)
{
	if (tty->olen && tty->ops && tty->ops->write)
		tty->ops->write(tty, tty->obuf, tty->olen);
	tty->olen = 0;
}

static void put_out(struct tty_struct *tty, u8 c)
{
	if (tty->olen == N_TTY_OBUF_SIZE)
		flush_out(tty);
	tty->obuf[tty->olen++] = c;
}

/* One byte through OPOST processing (Linux's do_output_char). */
static void do_output_char(struct tty_struct *tty, u8 c)
{
	unsigned int spaces;

	if (!O_FLAG(tty, OPOST)) {
		put_out(tty, c);
		return;
	}
	switch (c) {
	case '\n':
		if (O_FLAG(tty, ONLRET))
			tty->column = 0;
		if (O_FLAG(tty, ONLCR)) {
			tty->canon_column = tty->column = 0;
			put_out(tty, '\r');
			put_out(tty, '\n');
			return;
		}
		tty->canon_column = tty->column;
		break;
	case '\r':
		if (O_FLAG(tty, ONOCR) && tty->column == 0)
			return;
		if (O_FLAG(tty, OCRNL)) {
			c = '\n';
			if (O_FLAG(tty, ONLRET))
				tty->canon_column = tty->column = 0;
			break;
		}
		tty->canon_column = tty->column = 0;
		break;
	case '\t':
		spaces = 8 - (tty->column & 7);
		tty->column += spaces;
		if ((tty->termios.c_oflag & TABDLY) == XTABS) {
			while (spaces--)
				put_out(tty, ' ');
			return;
		}
		break;
	case '\b':
		if (tty->column > 0)
			tty->column--;
		break;
	default:
		if (!tty_iscntrl(c)) {
			if (O_FLAG(tty, OLCUC) && c >= 'a' && c <= 'z')
				c -= 'a' - 'A';
			if (!is_continuation(tty, c))
				tty->column++;
		}
		break;
	}
	put_out(tty, c);
}

void n_tty_write(struct tty_struct *tty, const u8 *buf, size_t n)
{
	for (size_t i = 0; i < n; i++)
		do_output_char(tty, buf[i]);
	flush_out(tty);
}

/* ---- echo ---- */

static void echo_char_raw(struct tty_struct *tty, u8 c)
{
	do_output_char(tty, c);
}

/* Echo a typed character: control characters as ^X under ECHOCTL. */
static void echo_char(struct tty_struct *tty, u8 c)
{
	if (L_FLAG(tty, ECHOCTL) && tty_iscntrl(c) && c != '\t') {
		put_out(tty, '^');
		put_out(tty, c ^ 0100);
		tty->column += 2;
		return;
	}
	do_output_char(tty, c);
}

static void echo_erase_one(struct tty_struct *tty)
{
	echo_char_raw(tty, '\b');
	echo_char_raw(tty, ' ');
	echo_char_raw(tty, '\b');
}

/* Back over a tab: it filled up to the next multiple of 8 from where the
 * text before it (since the line start or a previous tab) ended. */
static void echo_erase_tab(struct tty_struct *tty)
{
	unsigned int num_chars = 0, num_bs, tail = tty->read_head;
	bool after_tab = false;

	while (MASK(tail) != MASK(tty->canon_head)) {
		u8 c = read_byte(tty, --tail);

		if (c == '\t') {
			after_tab = true;
			break;
		} else if (tty_iscntrl(c)) {
			if (L_FLAG(tty, ECHOCTL))
				num_chars += 2;
		} else if (!is_continuation(tty, c)) {
			num_chars++;
		}
	}
	if (!after_tab)
		num_chars += tty->canon_column;
	num_bs = 8 - (num_chars & 7);
	if (num_bs > tty->column)
		num_bs = tty->column;
	while (num_bs--)
		echo_char_raw(tty, '\b');
}

/* ---- canonical editing ---- */

enum { ERASE, WERASE, KILL };

/* ERASE, WERASE or KILL typed: take characters back off the line. */
static void eraser(struct tty_struct *tty, u8 c)
{
	int kill_type, seen_alnums = 0;

	if (tty->read_head == tty->canon_head)
		return;         /* nothing on the line */
	if (is_char(tty, VERASE, c)) {
		kill_type = ERASE;
	} else if (is_char(tty, VWERASE, c)) {
		kill_type = WERASE;
	} else {
		if (!L_FLAG(tty, ECHO)) {
			tty->read_head = tty->canon_head;
			return;
		}
		if (!L_FLAG(tty, ECHOK) || !L_FLAG(tty, ECHOKE) || !L_FLAG(tty, ECHOE)) {
			tty->read_head = tty->canon_head;
			echo_char(tty, c);
			if (L_FLAG(tty, ECHOK))
				echo_char_raw(tty, '\n');
			return;
		}
		kill_type = KILL;
	}

	while (tty->read_head != tty->canon_head) {
		unsigned int head = tty->read_head;

		/* One character, however many UTF-8 bytes it has. */
		do {
			c = read_byte(tty, --head);
		} while (is_continuation(tty, c) && MASK(head) != MASK(tty->canon_head));
		if (is_continuation(tty, c))
			break;
		if (kill_type == WERASE) {
			/* BSD's ALTWERASE: trailing punctuation, then a word. */
			if (tty_isalnum(c) || c == '_')
				seen_alnums++;
			else if (seen_alnums)
				break;
		}
		tty->read_head = head;
		if (L_FLAG(tty, ECHO)) {
			if (kill_type == ERASE && !L_FLAG(tty, ECHOE)) {
				echo_char(tty, CC(tty, VERASE));
			} else if (c == '\t') {
				echo_erase_tab(tty);
			} else {
				if (tty_iscntrl(c) && L_FLAG(tty, ECHOCTL))
					echo_erase_one(tty);
				if (!tty_iscntrl(c) || L_FLAG(tty, ECHOCTL))
					echo_erase_one(tty);
			}
		}
		if (kill_type == ERASE)
			break;
	}
}

/* End a line (newline, EOL, or EOF stored as DISABLED_CHAR). */
static void handle_newline(struct tty_struct *tty, u8 c)
{
	if (read_cnt(tty) >= N_TTY_BUF_SIZE)
		return;
	set_flag(tty, tty->read_head);
	tty->read_buf[MASK(tty->read_head)] = c;
	tty->read_head++;
	tty->canon_head = tty->read_head;
}

/* ---- input ---- */

/*
 * Room for input (Linux's receive_room): when the buffer is full the
 * driver leaves further input with the host until a reader makes room,
 * except that a canonical line filling the whole buffer keeps taking
 * bytes (dropped) so that its end can still come.
 */
size_t n_tty_receive_room(struct tty_struct *tty)
{
	unsigned int cnt = read_cnt(tty);

	if (cnt < N_TTY_BUF_SIZE - 1)
		return N_TTY_BUF_SIZE - 1 - cnt;
	return L_FLAG(tty, ICANON) && tty->canon_head == tty->read_tail;
}

/* Input was consumed or discarded: the driver may take more. */
static void check_unthrottle(struct tty_struct *tty)
{
	if (tty->ops && tty->ops->unthrottle)
		tty->ops->unthrottle(tty);
}

void n_tty_flush_input(struct tty_struct *tty)
{
	tty->read_tail = tty->read_head;
	tty->canon_head = tty->read_head;
	memset(tty->read_flags, 0, sizeof(tty->read_flags));
	tty->pushed = false;
	tty->lnext = false;
	check_unthrottle(tty);
}

/* ^C, ^\, ^Z: flush, signal the foreground group, echo. */
static void isig(struct tty_struct *tty, int sig, u8 c)
{
	flush_out(tty);         /* output is synchronous: nothing to discard */
	if (!L_FLAG(tty, NOFLSH))
		n_tty_flush_input(tty);
	if (tty->pgrp > 0)
		kill_pgrp(tty->pgrp, sig, 1);
	if (I_FLAG(tty, IXON))
		tty->stopped = false;
	if (L_FLAG(tty, ECHO))
		echo_char(tty, c);
}

/* An ordinary byte: into the buffer, echoed. */
static void receive_plain(struct tty_struct *tty, u8 c)
{
	if (L_FLAG(tty, ECHO)) {
		if (c == '\n') {
			echo_char_raw(tty, '\n');
		} else {
			if (tty->canon_head == tty->read_head)
				tty->canon_column = tty->column;
			echo_char(tty, c);
		}
	}
	/* Canonical mode keeps a byte free for the line's end. */
	if (read_cnt(tty) < N_TTY_BUF_SIZE - (L_FLAG(tty, ICANON) ? 1U : 0U))
		put_tty_queue(tty, c);
}

static void receive_char(struct tty_struct *tty, u8 c)
{
	if (I_FLAG(tty, ISTRIP))
		c &= 0x7f;
	if (I_FLAG(tty, IUCLC) && L_FLAG(tty, IEXTEN) && c >= 'A' && c <= 'Z')
		c += 'a' - 'A';
	if (tty->lnext) {
		tty->lnext = false;
		receive_plain(tty, c);
		return;
	}
	if (I_FLAG(tty, IXON)) {
		if (is_char(tty, VSTART, c)) {
			tty->stopped = false;
			wake_up(&tty->write_wait);
			return;
		}
		if (is_char(tty, VSTOP, c)) {
			tty->stopped = true;
			return;
		}
		if (tty->stopped && I_FLAG(tty, IXANY)) {
			tty->stopped = false;
			wake_up(&tty->write_wait);
		}
	}
	if (L_FLAG(tty, ISIG)) {
		int sig = is_char(tty, VINTR, c) ? SIGINT :
			  is_char(tty, VQUIT, c) ? SIGQUIT :
			  is_char(tty, VSUSP, c) ? SIGTSTP : 0;
		if (sig) {
			isig(tty, sig, c);
			return;
		}
	}
	if (c == '\r') {
		if (I_FLAG(tty, IGNCR))
			return;
		if (I_FLAG(tty, ICRNL))
			c = '\n';
	} else if (c == '\n' && I_FLAG(tty, INLCR)) {
		c = '\r';
	}
	if (L_FLAG(tty, ICANON)) {
		if (is_char(tty, VERASE, c) || is_char(tty, VKILL, c) ||
		    (is_char(tty, VWERASE, c) && L_FLAG(tty, IEXTEN))) {
			eraser(tty, c);
			return;
		}
		if (is_char(tty, VLNEXT, c) && L_FLAG(tty, IEXTEN)) {
			tty->lnext = true;
			if (L_FLAG(tty, ECHO) && L_FLAG(tty, ECHOCTL)) {
				/* "^" under the cursor until the next byte. */
				echo_char_raw(tty, '^');
				echo_char_raw(tty, '\b');
			}
			return;
		}
		if (is_char(tty, VREPRINT, c) && L_FLAG(tty, ECHO) && L_FLAG(tty, IEXTEN)) {
			echo_char(tty, c);
			echo_char_raw(tty, '\n');
			for (unsigned int t = tty->canon_head; t != tty->read_head; t++)
				echo_char(tty, read_byte(tty, t));
			return;
		}
		if (c == '\n') {
			if (L_FLAG(tty, ECHO) || L_FLAG(tty, ECHONL))
				echo_char_raw(tty, '\n');
			handle_newline(tty, c);
			return;
		}
		if (is_char(tty, VEOF, c)) {
			handle_newline(tty, DISABLED_CHAR);
			return;
		}
		if (is_char(tty, VEOL, c) || (is_char(tty, VEOL2, c) && L_FLAG(tty, IEXTEN))) {
			if (L_FLAG(tty, ECHO)) {
				if (tty->canon_head == tty->read_head)
					tty->canon_column = tty->column;
				echo_char(tty, c);
			}
			handle_newline(tty, c);
			return;
		}
	}
	receive_plain(tty, c);
}

/* Input from the driver (interrupt or pull): process, echo, wake readers. */
void n_tty_receive(struct tty_struct *tty, const u8 *buf, size_t n)
{
	for (size_t i = 0; i < n; i++)
		receive_char(tty, buf[i]);
	flush_out(tty);
	wake_up(&tty->read_wait);
}

/* ---- reading ---- */

bool n_tty_input_available(struct tty_struct *tty, unsigned int amt)
{
	if (L_FLAG(tty, ICANON))
		return tty->canon_head != tty->read_tail;
	return read_cnt(tty) >= (amt ? amt : 1);
}

/* Canonical: at most one line (or nr bytes of it; *line_end tells). The
 * EOF character ends its line without being copied, so ^D on an empty
 * line reads 0 bytes. */
static size_t canon_read(struct tty_struct *tty, u8 *kbuf, size_t nr, bool *line_end)
{
	unsigned int tail = tty->read_tail, avail = tty->canon_head - tail, i;
	size_t n = 0;
	bool found = false;

	if (nr > avail)
		nr = avail;
	for (i = 0; i < nr; i++) {
		if (test_flag(tty, tail + i)) {
			found = true;
			break;
		}
	}
	if (!found) {
		for (i = 0; i < nr; i++)
			kbuf[i] = read_byte(tty, tail + i);
		tty->read_tail += nr;
		check_unthrottle(tty);
		return nr;
	}
	/* i: index of the line's last byte. */
	for (unsigned int j = 0; j < i; j++)
		kbuf[n++] = read_byte(tty, tail + j);
	*line_end = true;
	if (read_byte(tty, tail + i) != DISABLED_CHAR || tty->pushed)
		kbuf[n++] = read_byte(tty, tail + i);
	clear_flag(tty, tail + i);
	tty->read_tail += i + 1;
	if (tty->read_tail == tty->canon_head)
		tty->pushed = false;
	check_unthrottle(tty);
	return n;
}

size_t n_tty_read(struct tty_struct *tty, u8 *kbuf, size_t nr, bool *line_end)
{
	unsigned int n;

	*line_end = false;
	if (L_FLAG(tty, ICANON))
		return canon_read(tty, kbuf, nr, line_end);
	n = min_t(unsigned int, read_cnt(tty), nr);
	for (unsigned int i = 0; i < n; i++)
		kbuf[i] = read_byte(tty, tty->read_tail + i);
	tty->read_tail += n;
	check_unthrottle(tty);
	return n;
}

/*
 * How a read waits, from VMIN and VTIME (Linux's n_tty_read): canonical
 * mode waits for a line. Otherwise MIN > 0 waits without limit for the
 * first byte and until MIN bytes, TIME then being an inter-byte timer
 * (0: none); MIN == 0 returns what there is, after waiting up to TIME
 * for the first byte. U64_MAX is "no limit".
 */
void n_tty_read_timing(const struct termios *t, size_t *minimum, u64 *first_ns,
		       u64 *inter_ns)
{
	*minimum = 0;
	*first_ns = U64_MAX;
	*inter_ns = 0;
	if (t->c_lflag & ICANON)
		return;
	*minimum = t->c_cc[VMIN];
	if (*minimum) {
		*inter_ns = t->c_cc[VTIME] * (NSEC_PER_SEC / 10);
	} else {
		*first_ns = t->c_cc[VTIME] * (NSEC_PER_SEC / 10);
		*minimum = 1;
	}
}

/* FIONREAD: canonical mode counts complete lines, less EOF markers. */
size_t n_tty_inq(struct tty_struct *tty)
{
	size_t nr;

	if (!L_FLAG(tty, ICANON))
		return read_cnt(tty);
	nr = tty->canon_head - tty->read_tail;
	for (unsigned int t = tty->read_tail; t != tty->canon_head; t++)
		if (test_flag(tty, t) && read_byte(tty, t) == DISABLED_CHAR)
			nr--;
	return nr;
}

/*
 * Switching ICANON: off, everything buffered is readable; on, what is
 * buffered becomes one pushed line, readable at once (Linux's push).
 */
void n_tty_set_termios(struct tty_struct *tty, const struct termios *old)
{
	if (!old || ((old->c_lflag ^ tty->termios.c_lflag) & (ICANON | EXTPROC))) {
		memset(tty->read_flags, 0, sizeof(tty->read_flags));
		if (!L_FLAG(tty, ICANON) || !read_cnt(tty)) {
			tty->canon_head = tty->read_tail;
			tty->pushed = false;
		} else {
			set_flag(tty, tty->read_head - 1);
			tty->canon_head = tty->read_head;
			tty->pushed = true;
		}
		tty->lnext = false;
	}
	if (!I_FLAG(tty, IXON) && tty->stopped) {
		tty->stopped = false;
		wake_up(&tty->write_wait);
	}
	wake_up(&tty->read_wait);
}

/* No more input will come: a partial line becomes readable. */
void n_tty_hangup(struct tty_struct *tty)
{
	if (L_FLAG(tty, ICANON) && tty->read_head != tty->canon_head) {
		set_flag(tty, tty->read_head - 1);
		tty->canon_head = tty->read_head;
		tty->pushed = true;
	}
	tty->hung_up = true;
	wake_up(&tty->read_wait);
	wake_up(&tty->write_wait);
}

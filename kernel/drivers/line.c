/*
 * Lines: a tty (tty.c, n_tty.c) joined to a host channel (chan.c), as
 * UML's line.c. The console (console.c) and the serial lines (ssl.c) are
 * line classes; config/remove reach them through mc_device.
 *
 * Input: the host fd is an interrupt (os_irq_add) whose handler feeds the
 * line discipline; when the tty's buffer is full the fd is unwatched
 * until a reader makes room (nothing is dropped). A host fd epoll refuses
 * (a regular file, /dev/null: console only) is read from the reader's path.
 * Output: written to the host after OPOST, synchronously; to a pty or a
 * socket with a bounded wait, so a peer that stops reading cannot stall
 * the kernel for more than a second per write.
 *
 * Peers: a pty, port or xterm line has a peer that may come and go. When
 * it goes (EOF or EIO on the host fd) the line hangs up: readers see end
 * of file, the session gets SIGHUP and loses its controlling tty. A new
 * peer (the pty slave opened again, the next telnet connection) clears
 * the hangup. A hung-up line whose files are all closed is un-hung on the
 * next open, so a respawned getty-less shell waits for the next peer
 * instead of reading end of file at once.
 *
 * CPU thread: config at boot or at a safe point (mconsole), interrupts
 * and timers from the event loop, the tty hooks from task context.
 */
#include <glass/debug.h>
#include <glass/command.h>
#include <glass/kernel.h>
#include <glass/line.h>
#include <glass/os.h>
#include <glass/string.h>

#define PEER_POLL_NS (100 * NSEC_PER_MSEC)
#define PEER_WRITE_MS 1000

static void line_interrupt(int fd, void *arg);

/* in_fd as an interrupt, or not; watched says which. */
static int watch(struct line *l)
{
	int err = os_irq_add(l->in_fd, line_interrupt, l);

	l->watched = !err;
	return err;
}

static void unwatch(struct line *l)
{
	if (l->watched)
		os_irq_del(l->in_fd);
	l->watched = false;
}

/* ---- output ---- */

static void write_fd(int fd, const u8 *buf, size_t n)
{
	int retries = 0;

	while (n && fd >= 0) {
		long w = os_write(fd, buf, n);

		if ((w == -EINTR || w == -EAGAIN) && retries++ < 1000)
			continue;
		if (w <= 0)
			return;         /* the host side is gone: drop it */
		buf += w;
		n -= w;
	}
}

static void line_write(struct tty_struct *tty, const u8 *buf, size_t n)
{
	struct line *l = tty->driver_data;
	u8 esc[2 * 256];

	if (!l->up || l->out_fd < 0)
		return;
	switch (l->spec.type) {
	case CHAN_FD:
		write_fd(l->out_fd, buf, n);
		return;
	case CHAN_PTY:
	case CHAN_XTERM:
		/* Before the slave was ever opened, the host pty keeps what
		 * fits in its buffer and the rest is dropped at once. */
		if (l->connected)
			os_write_wait(l->out_fd, buf, n, l->peer_seen ? PEER_WRITE_MS : 0);
		return;
	case CHAN_PORT:
		while (n && l->connected) {
			size_t chunk = min(n, sizeof(esc) / 2);
			size_t e = telnet_escape(buf, chunk, esc);

			if (os_write_wait(l->out_fd, esc, e, PEER_WRITE_MS) < (long)e)
				return;         /* the interrupt will see the end */
			buf += chunk;
			n -= chunk;
		}
		return;
	default:
		return;
	}
}

/* ---- input ---- */

static void update_winsize(struct line *l)
{
	struct winsize ws = l->tty.winsize;

	/* A host pty that never had a size says 0x0: keep 24x80 then. */
	if (!os_tty_winsize(l->in_fd, &ws.ws_row, &ws.ws_col) && ws.ws_row && ws.ws_col)
		tty_set_winsize(&l->tty, &ws);
}

static void receive_telnet(struct line *l, const u8 *buf, size_t n)
{
	u8 data[256], reply[TELNET_REPLY_MAX * 256];
	size_t d, r;

	d = telnet_receive(&l->tn, buf, n, data, reply, &r);
	if (r)
		os_write_wait(l->out_fd, reply, r, PEER_WRITE_MS);
	if (l->tn.winsize_changed) {
		struct winsize ws = l->tty.winsize;

		l->tn.winsize_changed = false;
		if (l->tn.rows && l->tn.cols) {
			ws.ws_row = l->tn.rows;
			ws.ws_col = l->tn.cols;
			tty_set_winsize(&l->tty, &ws);
		}
	}
	if (l->tn.sysrq_key) {
		u8 key = l->tn.sysrq_key;

		l->tn.sysrq_key = 0;
		sysrq_console(key);
	}
	if (d)
		n_tty_receive(&l->tty, data, d);
}

/* Interrupt: the host says in_fd is readable (or its peer is gone). */
static void line_interrupt(int fd, void *arg)
{
	struct line *l = arg;
	size_t room = n_tty_receive_room(&l->tty);
	u8 buf[256];
	long n;

	if (!room) {
		/* Leave the rest with the host (a pipe writer waits, as at
		 * a terminal) until a reader makes room: line_unthrottle. */
		unwatch(l);
		l->throttled = true;
		return;
	}
	n = os_read(fd, buf, min(sizeof(buf), room));
	if (n > 0) {
		l->peer_seen = true;
		if (l->spec.type == CHAN_PORT) {
			receive_telnet(l, buf, n);
			return;
		}
		/* A resize of the host terminal shows up with the next key. */
		if (l->console && l->in_is_tty)
			update_winsize(l);
		n_tty_receive(&l->tty, buf, n);
		return;
	}
	if (n == -EAGAIN || n == -EINTR)
		return;
	/* End of input (0), or EIO from a pty whose slave was closed. */
	unwatch(l);
	if (l->spec.type == CHAN_FD)
		tty_hangup(&l->tty);
	else
		line_disconnect(l);
}

static void line_unthrottle(struct tty_struct *tty)
{
	struct line *l = tty->driver_data;

	if (!l->throttled || !n_tty_receive_room(tty))
		return;
	l->throttled = false;
	if (watch(l))
		tty_hangup(tty);        /* no slot left: cannot take input again */
}

/* A console fd epoll refuses: read it when a reader wants data. */
static long line_pull_input(struct tty_struct *tty)
{
	struct line *l = tty->driver_data;
	u8 buf[256];
	long n = l->in_fd >= 0 ? os_read(l->in_fd, buf, sizeof(buf)) : 0;

	if (n > 0) {
		n_tty_receive(tty, buf, n);
		return n;
	}
	tty_hangup(tty);
	return 0;
}

/*
 * A hung-up line gets a new peer or a new opener: a fresh terminal, as
 * a modem line after a call. A shell killed by the hang-up while editing
 * a line left the termios raw (busybox's line editing turns off ICANON,
 * ECHO and ISIG), which the next shell would take as the terminal's.
 */
static void line_reset(struct line *l)
{
	struct tty_struct *tty = &l->tty;
	struct termios old = tty->termios;

	n_tty_flush_input(tty);
	tty_init_termios(&tty->termios);
	n_tty_set_termios(tty, &old);
	tty->stopped = false;
	tty->hung_up = false;
}

/* First open of a hung-up line that can get a new peer: wait for it. */
static void line_open(struct tty_struct *tty)
{
	struct line *l = tty->driver_data;

	if (tty->count || !tty->hung_up || l->connected)
		return;
	if (l->spec.type == CHAN_PTY || l->spec.type == CHAN_PORT ||
	    l->spec.type == CHAN_XTERM)
		line_reset(l);
}

static const struct tty_operations line_ops_irq = {
	.write = line_write,
	.unthrottle = line_unthrottle,
	.open = line_open,
};

static const struct tty_operations line_ops_pull = {
	.write = line_write,
	.pull_input = line_pull_input,
	.open = line_open,
};

/* ---- peers ---- */

/* A peer is there: take its input; a telnet client gets our requests. */
void line_connect(struct line *l)
{
	int err;

	l->connected = true;
	l->throttled = false;
	if (l->tty.hung_up)
		line_reset(l);
	if (l->spec.type == CHAN_PORT) {
		u8 hello[TELNET_HELLO_MAX];
		size_t n = telnet_init(&l->tn, hello);

		os_write_wait(l->out_fd, hello, n, PEER_WRITE_MS);
	}
	err = watch(l);
	if (err)
		pr_warn("%s %d: cannot watch its input: error %d\n", l->kind, l->index, -err);
}

void line_disconnect(struct line *l)
{
	if (!l->connected)
		return;
	l->connected = false;
	unwatch(l);
	l->throttled = false;
	if (l->spec.type == CHAN_PORT)
		port_connection_closed(l);
	else
		mod_timer_ns(&l->peer_timer, ktime_get_ns() + PEER_POLL_NS);
	tty_vhangup(&l->tty);
}

/* pty/xterm without a peer: has the slave been opened again? */
static void peer_check(struct timer_list *t)
{
	struct line *l = container_of(t, struct line, peer_timer);

	if (!l->up || l->connected || l->in_fd < 0)
		return;
	if (os_fd_hung_up(l->in_fd)) {
		mod_timer_ns(t, ktime_get_ns() + PEER_POLL_NS);
		return;
	}
	l->peer_seen = true;
	line_connect(l);
}

/* ---- setting up and tearing down the host side ---- */

static int start_fd(struct line *l)
{
	int pollable = 0;

	l->in_fd = l->spec.in;
	l->out_fd = l->spec.out;
	pollable = os_fd_pollable(l->in_fd);
	if (pollable < 0)
		l->in_fd = -1;  /* closed: like /dev/null */
	l->tty.ops = pollable == 1 ? &line_ops_irq : &line_ops_pull;
	if (pollable == 1) {
		/* Raw mode is for the console's host terminal only: it is
		 * the one Glass restores at exit. */
		if (l->console && os_fd_is_tty(l->in_fd) == 1 && !os_tty_set_raw(l->in_fd)) {
			l->in_is_tty = true;
			printk_crlf = true;
			update_winsize(l);
		}
		if (watch(l)) {
			pr_warn("%s %d: cannot watch host fd %d for input\n", l->kind,
				l->index, l->in_fd);
			l->tty.ops = &line_ops_pull;
		}
	}
	if (l->in_fd < 0)
		l->tty.hung_up = true;
	return 0;
}

static int start_pty(struct line *l)
{
	char title[64];
	int fd = os_pty_open(l->pts, sizeof(l->pts));

	if (fd < 0)
		return fd;
	l->in_fd = l->out_fd = fd;
	if (l->spec.type == CHAN_XTERM) {
		scnprintf(title, sizeof(title), "Glass %s%d", l->dev_name, l->index);
		l->xterm_pid = os_xterm_start(title, l->pts);
		if (l->xterm_pid < 0) {
			int err = l->xterm_pid;

			os_close(fd);
			l->in_fd = l->out_fd = -1;
			l->xterm_pid = 0;
			return err;
		}
	} else {
		pr_info("%s %d assigned device '%s'\n", l->kind, l->index, l->pts);
	}
	/* A fresh master does not report a missing slave until one has been
	 * opened and closed, so take it as connected until it hangs up. */
	line_connect(l);
	return 0;
}

int line_start(struct line *l)
{
	int err = 0;

	if (l->up)
		return 0;
	l->tty.ops = &line_ops_irq;
	l->tty.hung_up = false;
	l->in_fd = l->out_fd = -1;
	l->connected = l->peer_seen = l->throttled = l->in_is_tty = false;
	l->pts[0] = '\0';
	switch (l->spec.type) {
	case CHAN_NONE:
	case CHAN_NULL:
		l->tty.hung_up = true;
		break;
	case CHAN_FD:
		err = start_fd(l);
		break;
	case CHAN_PTY:
	case CHAN_XTERM:
		err = start_pty(l);
		break;
	case CHAN_PORT:
		err = port_attach(l);
		break;
	}
	if (err) {
		l->tty.hung_up = true;
		return err;
	}
	l->up = true;
	if (!l->registered && (l->spec.type != CHAN_NONE || l->console)) {
		if (!tty_register_device(&l->tty, l->dev))
			l->registered = true;
	}
	return 0;
}

void line_stop(struct line *l)
{
	if (!l->up)
		return;
	del_timer(&l->peer_timer);
	unwatch(l);
	l->connected = false;
	l->throttled = false;
	switch (l->spec.type) {
	case CHAN_PORT:
		port_detach(l);
		break;
	case CHAN_PTY:
	case CHAN_XTERM:
		os_close(l->in_fd);
		if (l->xterm_pid > 0)
			os_kill_group(l->xterm_pid, 1 /* SIGHUP */);
		l->xterm_pid = 0;
		break;
	default:
		break;  /* fd: channels are the user's fds, left open */
	}
	l->in_fd = l->out_fd = -1;
	l->up = false;
	tty_vhangup(&l->tty);
	if (l->registered && !l->console) {
		tty_unregister_device(&l->tty);
		l->registered = false;
	}
}

void line_init(struct line *l, const char *kind, const char *dev_name, int index,
	       unsigned long dev)
{
	/* A line (6 KB, its tty's buffers in it) in .bss: every one of its
	 * pages is written below or by its neighbour's init. */
	os_populate(l, sizeof(*l));
	n_tty_init(&l->tty);
	l->kind = kind;
	l->dev_name = dev_name;
	l->index = index;
	l->dev = dev;
	l->tty.dev = dev;
	l->tty.driver_data = l;
	l->tty.ops = &line_ops_irq;
	l->tty.winsize.ws_row = 24;
	l->tty.winsize.ws_col = 80;
	l->tty.hung_up = true;
	l->in_fd = l->out_fd = -1;
	l->spec.type = CHAN_NONE;
	INIT_LIST_HEAD(&l->port_lines);
	timer_setup(&l->peer_timer, peer_check, 0);
}

void line_get_config(struct line *l, struct cmd_out *out)
{
	const struct chan_spec *s = &l->spec;

	switch (s->type) {
	case CHAN_NONE:
		cmd_puts(out, "none");
		return;
	case CHAN_NULL:
		cmd_puts(out, "null");
		return;
	case CHAN_FD:
		if (s->in == s->out)
			cmd_printf(out, "fd:%d", s->in);
		else
			cmd_printf(out, "fd:%d,fd:%d", s->in, s->out);
		return;
	case CHAN_PTY:
		cmd_printf(out, l->pts[0] ? "pty:%s" : "pty", l->pts);
		return;
	case CHAN_XTERM:
		cmd_printf(out, l->pts[0] ? "xterm:%s" : "xterm", l->pts);
		return;
	case CHAN_PORT:
		cmd_printf(out, "port:%d", s->port);
		return;
	}
}

/* ---- the class: con, ssl ---- */

/* "N" of "N=…" or "N": the line, or NULL with UML's error in out. */
static struct line *class_line(struct line_class *c, const char *str, const char **after,
			       struct cmd_out *out)
{
	int n = 0;
	const char *s = str;

	if (*s < '0' || *s > '9') {
		cmd_error(out, "Couldn't parse device number");
		return NULL;
	}
	while (*s >= '0' && *s <= '9' && n <= c->nr)
		n = n * 10 + (*s++ - '0');
	if ((*s >= '0' && *s <= '9') || n >= c->nr) {
		char msg[80];

		scnprintf(msg, sizeof(msg), "Invalid device number - must be between 0 and %d",
			  c->nr - 1);
		cmd_error(out, msg);
		return NULL;
	}
	*after = s;
	return &c->lines[n];
}

/* Give line l the channel spec: now if the class is running, else at
 * line_class_start. */
static int set_channel(struct line_class *c, struct line *l, const struct chan_spec *spec,
		       struct cmd_out *out)
{
	int err;

	if (l->up && l->tty.count) {
		cmd_error(out, "Device is already open");
		return -EBUSY;
	}
	if (!c->started) {
		l->spec = *spec;
		return 0;
	}
	line_stop(l);
	l->spec = *spec;
	err = line_start(l);
	if (err) {
		char msg[80];

		scnprintf(msg, sizeof(msg), "%s%d: cannot set up the channel: error %d",
			  c->name, l->index, -err);
		cmd_error(out, msg);
		l->spec.type = CHAN_NONE;
		line_start(l);
	}
	return err;
}

/* "N=CHANNEL" for one line, "=CHANNEL" for every line of the class that
 * has none (`con=` leaves con0 alone: see README, Decisions). */
int line_class_config(struct line_class *c, const char *str, struct cmd_out *out)
{
	struct chan_spec spec;
	struct line *l;
	const char *rest;
	int err = 0;

	if (*str == '=') {
		if (chan_parse(str + 1, &spec)) {
			cmd_error(out, "Bad channel: use fd:N, fd:IN,fd:OUT, pty, port:N, xterm, null or none");
			return -EINVAL;
		}
		for (int i = c->first_default; i < c->nr; i++) {
			l = &c->lines[i];
			if (l->spec.type == CHAN_NONE && !l->tty.count) {
				int r = set_channel(c, l, &spec, out);

				if (r && !err)
					err = r;
			}
		}
		return err;
	}
	l = class_line(c, str, &rest, out);
	if (!l)
		return -EINVAL;
	if (*rest != '=') {
		cmd_error(out, "Couldn't parse device number");
		return -EINVAL;
	}
	if (chan_parse(rest + 1, &spec)) {
		cmd_error(out, "Bad channel: use fd:N, fd:IN,fd:OUT, pty, port:N, xterm, null or none");
		return -EINVAL;
	}
	return set_channel(c, l, &spec, out);
}

/* "N" and nothing after it (config conN, remove conN). */
static struct line *class_line_only(struct line_class *c, const char *str,
				    struct cmd_out *out)
{
	const char *rest;
	struct line *l = class_line(c, str, &rest, out);

	if (l && *rest) {
		cmd_error(out, "Couldn't parse device number");
		return NULL;
	}
	return l;
}

int line_class_get_config(struct line_class *c, const char *str, struct cmd_out *out)
{
	struct line *l = class_line_only(c, str, out);

	if (!l)
		return -EINVAL;
	line_get_config(l, out);
	return 0;
}

int line_class_remove(struct line_class *c, const char *str, struct cmd_out *out)
{
	struct chan_spec none = { .type = CHAN_NONE, .in = -1, .out = -1 };
	struct line *l = class_line_only(c, str, out);

	if (!l)
		return -EINVAL;
	if (l->console) {
		cmd_error(out, "The console can not be removed");
		return -EBUSY;
	}
	if (l->spec.type == CHAN_NONE) {
		cmd_error(out, "Device doesn't exist");
		return -ENODEV;
	}
	if (l->tty.count) {
		cmd_error(out, "Device is currently open");
		return -EBUSY;
	}
	return set_channel(c, l, &none, out);
}

/* Boot: every line gets its channel once the command line was applied. */
void line_class_start(struct line_class *c)
{
	c->started = true;
	for (int i = 0; i < c->nr; i++) {
		struct line *l = &c->lines[i];
		int err = line_start(l);

		if (err) {
			pr_warn("%s%d: cannot set up its channel: error %d\n", c->name, i, -err);
			l->spec.type = CHAN_NONE;
			line_start(l);
		}
	}
}

/*
 * The console: the tty behind /dev/console, /dev/tty0 and /dev/tty1, and
 * its host channel, UML's con0= syntax: "fd:IN,fd:OUT" or "fd:N" (both
 * ways), "null" or "none" (output dropped, input at end of file). The
 * default is "fd:0,fd:1".
 *
 * Output goes to the host synchronously after OPOST processing, so
 * nothing is lost if Glass exits right after. Input: a pollable host fd
 * (tty, pipe, socket) is an interrupt (os_irq_add) whose handler feeds
 * the line discipline; a host tty is put in raw mode so ^C and ^Z reach
 * the guest's line discipline, and its window size is the console's. A
 * host fd epoll refuses (a regular file, /dev/null) is read on demand
 * from the reader's path; it never blocks. When the tty's input buffer
 * is full, the interrupt stops reading the host fd until a reader makes
 * room, so nothing is dropped. End of host input is a hangup:
 * readers see end of file once the buffered input is drained.
 *
 * CPU thread: console_init at boot, the interrupt handler from the event
 * loop, console_open_init_fds in pid 1 before it execs init.
 */
#include <glass/fs.h>
#include <glass/init.h>
#include <glass/os.h>
#include <glass/proc.h>
#include <glass/sched.h>
#include <glass/tty.h>

extern bool printk_crlf;

struct tty_struct *console_tty;
static struct tty_struct console_tty_struct;
static int con_in = -1, con_out = -1;
static bool con_in_is_tty;
static bool con_throttled;      /* con_in unwatched while the tty is full */

static void con_write(struct tty_struct *tty, const u8 *buf, size_t n)
{
	int retries = 0;

	while (n && con_out >= 0) {
		long w = os_write(con_out, buf, n);

		if ((w == -EINTR || w == -EAGAIN) && retries++ < 1000)
			continue;
		if (w <= 0)
			return;         /* the host side is gone: drop it */
		buf += w;
		n -= w;
	}
}

static void con_update_winsize(struct tty_struct *tty)
{
	struct winsize ws = tty->winsize;

	/* A host pty that never had a size says 0x0: keep 24x80 then. */
	if (con_in_is_tty && !os_tty_winsize(con_in, &ws.ws_row, &ws.ws_col) &&
	    ws.ws_row && ws.ws_col)
		tty_set_winsize(tty, &ws);
}

/* Interrupt: the host says con_in is readable. */
static void con_interrupt(int fd, void *arg)
{
	struct tty_struct *tty = arg;
	size_t room = n_tty_receive_room(tty);
	u8 buf[256];
	long n;

	if (!room) {
		/* Leave the rest with the host (a pipe writer waits, as at
		 * a terminal) until a reader makes room: con_unthrottle. */
		os_irq_del(fd);
		con_throttled = true;
		return;
	}
	n = os_read(fd, buf, min(sizeof(buf), room));
	if (n > 0) {
		/* A resize of the host terminal shows up with the next key. */
		con_update_winsize(tty);
		n_tty_receive(tty, buf, n);
		return;
	}
	if (n == -EAGAIN || n == -EINTR)
		return;
	os_irq_del(fd);
	tty_hangup(tty);
}

static void con_unthrottle(struct tty_struct *tty)
{
	if (!con_throttled || !n_tty_receive_room(tty))
		return;
	con_throttled = false;
	if (os_irq_add(con_in, con_interrupt, tty))
		tty_hangup(tty);        /* no slot left: cannot take input again */
}

/* A host file that cannot be polled: read it when a reader wants data. */
static long con_pull_input(struct tty_struct *tty)
{
	u8 buf[256];
	long n = con_in >= 0 ? os_read(con_in, buf, sizeof(buf)) : 0;

	if (n > 0) {
		n_tty_receive(tty, buf, n);
		return n;
	}
	tty_hangup(tty);
	return 0;
}

static const struct tty_operations con_ops_irq = {
	.write = con_write,
	.unthrottle = con_unthrottle,
};

static const struct tty_operations con_ops_pull = {
	.write = con_write,
	.pull_input = con_pull_input,
};

static int parse_fd(const char *s, const char **end)
{
	int fd = 0;

	if (strncmp(s, "fd:", 3))
		return -1;
	s += 3;
	if (*s < '0' || *s > '9')
		return -1;
	while (*s >= '0' && *s <= '9')
		fd = fd * 10 + (*s++ - '0');
	*end = s;
	return fd;
}

/* "fd:N", "fd:N,fd:M", "null", "none"; false if not understood. */
static bool parse_channel(const char *s, int *in, int *out)
{
	const char *end;

	if (!strcmp(s, "null") || !strcmp(s, "none")) {
		*in = *out = -1;
		return true;
	}
	*in = parse_fd(s, &end);
	if (*in < 0)
		return false;
	if (!*end) {
		*out = *in;
		return true;
	}
	if (*end != ',')
		return false;
	*out = parse_fd(end + 1, &end);
	return *out >= 0 && !*end;
}

void console_init(void)
{
	struct tty_struct *tty = &console_tty_struct;
	const char *chan = boot.con0 ? boot.con0 : "fd:0,fd:1";
	int pollable = 0;

	n_tty_init(tty);
	tty->name = "console";
	tty->dev = MKDEV(TTY_MAJOR, 1);
	tty->winsize.ws_row = 24;
	tty->winsize.ws_col = 80;
	if (!parse_channel(chan, &con_in, &con_out)) {
		pr_warn("console: channel \"%s\" is not supported; using fd:0,fd:1\n", chan);
		con_in = 0;
		con_out = 1;
	}
	if (con_in >= 0) {
		pollable = os_fd_pollable(con_in);
		if (pollable < 0)
			con_in = -1;    /* closed: like /dev/null */
	}
	tty->ops = pollable == 1 ? &con_ops_irq : &con_ops_pull;
	if (pollable == 1) {
		if (os_fd_is_tty(con_in) == 1 && !os_tty_set_raw(con_in)) {
			con_in_is_tty = true;
			printk_crlf = true;
			con_update_winsize(tty);
		}
		if (os_irq_add(con_in, con_interrupt, tty)) {
			pr_warn("console: cannot watch host fd %d for input\n", con_in);
			tty->ops = &con_ops_pull;
		}
	}
	if (con_in < 0)
		tty->hung_up = true;
	tty_register_device(tty, MKDEV(TTYAUX_MAJOR, 1));
	tty_register_device(tty, MKDEV(TTY_MAJOR, 0));
	tty_register_device(tty, MKDEV(TTY_MAJOR, 1));
	console_tty = tty;
}

/* pid 1 starts as a kernel thread sharing the idle task's tables. */
static void init_own_tables(void)
{
	struct task_struct *t = current;

	if (t->files == init_task.files) {
		struct files_struct *files = files_alloc();
		if (files) {
			put_files_struct(t->files);
			t->files = files;
		}
	}
	if (t->fs == init_task.fs) {
		struct fs_struct *fs = copy_fs_struct(init_task.fs);
		if (fs) {
			free_fs_struct(t->fs);
			t->fs = fs;
		}
	}
	if (t->signal == init_task.signal || t->sighand == init_task.sighand) {
		if (t->signal)
			t->signal->count--;
		if (t->sighand)
			t->sighand->count--;
		signals_init_task(t);
	}
	/* Linux protects init from signals it does not handle. */
	t->signal->flags |= SIGNAL_UNKILLABLE;
}

static struct file *open_console(void)
{
	struct file *f = filp_open("/dev/console", O_RDWR | O_LARGEFILE, 0);

	if (!IS_ERR(f))
		return f;
	/* No node in the initramfs: make one, as Linux's default rootfs. */
	do_mkdirat(AT_FDCWD, "/dev", 0755);
	do_mknodat(AT_FDCWD, "/dev/console", S_IFCHR | 0600, MKDEV(TTYAUX_MAJOR, 1));
	return filp_open("/dev/console", O_RDWR | O_LARGEFILE, 0);
}

/* In pid 1, before it execs init: /dev/console as fds 0, 1 and 2. */
void console_open_init_fds(void)
{
	struct file *f;

	init_own_tables();
	f = open_console();
	if (IS_ERR(f)) {
		pr_err("Warning: unable to open an initial console.\n");
		return;
	}
	for (int i = 0; i < 3; i++) {
		int fd = get_unused_fd_flags(0);
		if (fd >= 0)
			fd_install(fd, get_file(f));
	}
	fput(f);
}

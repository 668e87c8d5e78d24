/*
 * The tty layer: device nodes /dev/tty (5,0), /dev/console (5,1), tty0-7
 * (4,0-7) and ttyS0-3 (4,64-67), each backed by a line (line.c) when
 * registered; blocking reads with VMIN/VTIME, writes, poll, the termios
 * and job-control ioctls, controlling terminals and hang-ups.
 *
 * Job control follows Linux: a session leader that opens a tty without
 * O_NOCTTY, and that has none, acquires it (not through /dev/console or
 * /dev/tty0, which never become controlling ttys on open); TIOCSCTTY
 * does it explicitly. A background group reading its controlling tty
 * gets SIGTTIN, writing it with TOSTOP (or changing its settings) gets
 * SIGTTOU, unless it ignores or blocks them; files opened through
 * /dev/console are exempt from the read/write checks, as on Linux.
 *
 * Task context on the CPU thread; reads and writes may sleep.
 */
#include <glass/fs.h>
#include <glass/init.h>
#include <glass/proc.h>
#include <glass/sched.h>
#include <glass/tty.h>

#define MAX_TTY_DEVS 24

static struct {
	unsigned long dev;
	struct tty_struct *tty;
} tty_devs[MAX_TTY_DEVS];

const struct file_operations tty_console_fops;

int tty_register_device(struct tty_struct *tty, unsigned long dev)
{
	for (int i = 0; i < MAX_TTY_DEVS; i++) {
		if (!tty_devs[i].tty) {
			tty_devs[i].dev = dev;
			tty_devs[i].tty = tty;
			return 0;
		}
	}
	return -ENOSPC;
}

/* Every node of tty goes: opens get ENXIO (open files stay). */
int tty_unregister_device(struct tty_struct *tty)
{
	for (int i = 0; i < MAX_TTY_DEVS; i++)
		if (tty_devs[i].tty == tty)
			tty_devs[i].tty = NULL;
	return 0;
}

static struct tty_struct *tty_lookup(unsigned long dev)
{
	for (int i = 0; i < MAX_TTY_DEVS; i++)
		if (tty_devs[i].tty && tty_devs[i].dev == dev)
			return tty_devs[i].tty;
	return NULL;
}

unsigned long tty_devnum(struct tty_struct *tty)
{
	return new_encode_dev(tty->dev);
}

int tty_get_pgrp(struct tty_struct *tty)
{
	return tty->pgrp;
}

/* ---- controlling terminal ---- */

static void proc_set_tty(struct tty_struct *tty)
{
	struct signal_struct *sig = current->signal;

	tty->session = sig->session;
	tty->pgrp = sig->pgrp;
	sig->tty = tty;
}

/* Every process of the session forgets its controlling tty. */
static void session_clear_tty(pid_t session)
{
	struct task_struct *p;

	list_for_each_entry(p, &task_list, tasks)
		if (p->signal && !is_kthread(p) && p->signal->session == session)
			p->signal->tty = NULL;
}

/* Does the session still hold tty (its leader may be gone)? */
static bool tty_owned(struct tty_struct *tty)
{
	return tty->session && session_alive(tty->session);
}

/*
 * The session lost its leader (release of the leader) or the leader gave
 * the tty up (TIOCNOTTY): the foreground group gets SIGHUP (and SIGCONT
 * when it was not an exit), the tty is free for another session. Unlike
 * Linux, open files of the tty are not hung up: the console is the only
 * terminal and init keeps using it.
 */
static void disassociate_ctty(struct tty_struct *tty, pid_t session, bool on_exit)
{
	pid_t pgrp = tty->pgrp;

	if (tty->session != session)
		return;
	tty->session = 0;
	tty->pgrp = 0;
	session_clear_tty(session);
	if (pgrp > 0) {
		kill_pgrp(pgrp, SIGHUP, on_exit);
		if (!on_exit)
			kill_pgrp(pgrp, SIGCONT, on_exit);
	}
}

void tty_session_leader_exit(struct tty_struct *tty, pid_t session)
{
	disassociate_ctty(tty, session, true);
}

/*
 * May current act on tty as the foreground? For a background member of
 * the tty's session: -EIO if sig is ignored/blocked (SIGTTIN) or the
 * group is orphaned; else sig to its group and -ERESTARTSYS. An ignored
 * or blocked SIGTTOU lets the caller go ahead, as Linux.
 */
static int tty_check_change_sig(struct tty_struct *tty, int sig)
{
	struct signal_struct *s = current->signal;

	if (!s || s->tty != tty || !tty->pgrp || s->pgrp == tty->pgrp)
		return 0;
	if (sig_ignored_or_blocked(sig))
		return sig == SIGTTIN ? -EIO : 0;
	if (is_current_pgrp_orphaned())
		return -EIO;
	kill_pgrp(s->pgrp, sig, 1);
	return -ERESTARTSYS;
}

static int tty_check_change(struct tty_struct *tty)
{
	return tty_check_change_sig(tty, SIGTTOU);
}

/* ---- open and release ---- */

static int tty_open(struct inode *inode, struct file *f)
{
	unsigned long dev = inode->i_rdev;
	struct signal_struct *sig = current->signal;
	struct tty_struct *tty;
	bool noctty = f->f_flags & O_NOCTTY;

	if (dev == MKDEV(TTYAUX_MAJOR, 0)) {
		tty = sig ? sig->tty : NULL;
		if (!tty)
			return -ENXIO;
		noctty = true;
	} else {
		tty = tty_lookup(dev);
		if (!tty)
			return -ENXIO;
		if (dev == MKDEV(TTYAUX_MAJOR, 1) || dev == MKDEV(TTY_MAJOR, 0))
			noctty = true;
	}
	f->f_op = dev == MKDEV(TTYAUX_MAJOR, 1) ? &tty_console_fops : &tty_fops;
	f->private_data = tty;
	if (tty->ops && tty->ops->open)
		tty->ops->open(tty);
	tty->count++;
	if (!noctty && sig && sig->session == current->tgid && !sig->tty && !tty_owned(tty))
		proc_set_tty(tty);
	return 0;
}

static int tty_release(struct inode *inode, struct file *f)
{
	struct tty_struct *tty = f->private_data;

	if (tty)
		tty->count--;
	return 0;
}

/* ---- read, write, poll ---- */

static bool is_console_file(struct file *f)
{
	return f->f_op == &tty_console_fops;
}

/* Sleep on wq until woken, a signal, or *timeout ns (U64_MAX: none). */
static void tty_wait(wait_queue_head_t *wq, u64 *timeout, const char *wchan)
{
	struct wait_queue_entry we = { 0 };

	prepare_to_wait(wq, &we, TASK_INTERRUPTIBLE);
	current->wchan = wchan;
	if (*timeout == U64_MAX) {
		schedule();
	} else {
		u64 left = 0;

		schedule_timeout_ns(*timeout, true, &left);
		*timeout = left;
	}
	finish_wait(wq, &we);
}

/*
 * Canonical mode: one line (up to count). Otherwise Linux's VMIN/VTIME
 * (n_tty_read_timing). Ends early on hangup (0 = end of file).
 */
static ssize_t tty_read(struct file *f, char __user *buf, size_t count, loff_t *pos)
{
	struct tty_struct *tty = f->private_data;
	bool canon = tty->termios.c_lflag & ICANON;
	u64 timeout, time;
	size_t done = 0, minimum;
	u8 kbuf[256];
	int err = 0;

	if (!count)
		return 0;
	if (!is_console_file(f)) {
		err = tty_check_change_sig(tty, SIGTTIN);
		if (err)
			return err;
	}
	n_tty_read_timing(&tty->termios, &minimum, &timeout, &time);
	while (done < count) {
		bool line_end;
		size_t n;

		if (!n_tty_input_available(tty, 1)) {
			if (tty->ops->pull_input && !tty->hung_up &&
			    tty->ops->pull_input(tty) > 0)
				continue;
			if (tty->hung_up || !timeout)
				break;
			if (f->f_flags & O_NONBLOCK) {
				err = -EAGAIN;
				break;
			}
			if (signal_pending_current()) {
				err = -ERESTARTSYS;
				break;
			}
			tty_wait(&tty->read_wait, &timeout, "n_tty_read");
			continue;
		}
		n = n_tty_read(tty, kbuf, min(count - done, sizeof(kbuf)), &line_end);
		if (n && copy_to_user(buf + done, kbuf, n)) {
			err = -EFAULT;
			break;
		}
		done += n;
		if (canon) {
			if (line_end || !n)
				break;
			continue;
		}
		if (done >= minimum)
			break;
		if (time)
			timeout = time;
	}
	return done ? (ssize_t)done : err;
}

static ssize_t tty_write(struct file *f, const char __user *buf, size_t count, loff_t *pos)
{
	struct tty_struct *tty = f->private_data;
	size_t done = 0;
	u8 kbuf[512];
	int err;

	if ((tty->termios.c_lflag & TOSTOP) && !is_console_file(f)) {
		err = tty_check_change(tty);
		if (err)
			return err;
	}
	while (done < count) {
		size_t n = min(count - done, sizeof(kbuf));

		while (tty->stopped) {
			u64 forever = U64_MAX;

			if (f->f_flags & O_NONBLOCK)
				return done ? (ssize_t)done : -EAGAIN;
			if (signal_pending_current())
				return done ? (ssize_t)done : -ERESTARTSYS;
			tty_wait(&tty->write_wait, &forever, "n_tty_write");
		}
		if (copy_from_user(kbuf, buf + done, n))
			return done ? (ssize_t)done : -EFAULT;
		n_tty_write(tty, kbuf, n);
		done += n;
	}
	return done;
}

static unsigned int tty_poll(struct file *f, poll_table *pt)
{
	struct tty_struct *tty = f->private_data;
	struct termios *t = &tty->termios;
	unsigned int mask = 0, amt = 1;

	poll_wait(f, &tty->read_wait, pt);
	poll_wait(f, &tty->write_wait, pt);
	if (!(t->c_lflag & ICANON) && !t->c_cc[VTIME] && t->c_cc[VMIN])
		amt = t->c_cc[VMIN];
	if (!n_tty_input_available(tty, amt) && tty->ops->pull_input && !tty->hung_up)
		tty->ops->pull_input(tty);
	if (n_tty_input_available(tty, amt))
		mask |= POLLIN | POLLRDNORM;
	if (tty->hung_up)
		mask |= POLLIN | POLLRDNORM | POLLHUP;
	if (!tty->stopped)
		mask |= POLLOUT | POLLWRNORM;
	return mask;
}

/* ---- ioctls ---- */

static int set_termios(struct tty_struct *tty, unsigned int cmd, unsigned long arg)
{
	struct termios old = tty->termios, new;
	int err = tty_check_change(tty);
	bool t2 = cmd == TCSETS2 || cmd == TCSETSW2 || cmd == TCSETSF2;

	if (err)
		return err;
	if (copy_from_user(&new, (void __user *)arg, sizeof(new)))
		return -EFAULT;
	(void)t2;       /* termios2 only adds speeds, which we do not keep */
	if (cmd == TCSETSF || cmd == TCSETSF2)
		n_tty_flush_input(tty);
	tty->termios = new;
	n_tty_set_termios(tty, &old);
	return 0;
}

static int get_termios(struct tty_struct *tty, unsigned int cmd, unsigned long arg)
{
	struct termios2 t2;

	if (cmd == TCGETS)
		return copy_to_user((void __user *)arg, &tty->termios, sizeof(tty->termios))
			       ? -EFAULT : 0;
	memcpy(&t2, &tty->termios, sizeof(tty->termios));
	t2.c_ispeed = t2.c_ospeed = 38400;
	return copy_to_user((void __user *)arg, &t2, sizeof(t2)) ? -EFAULT : 0;
}

void tty_set_winsize(struct tty_struct *tty, const struct winsize *ws)
{
	if (!memcmp(&tty->winsize, ws, sizeof(*ws)))
		return;
	tty->winsize = *ws;
	if (tty->pgrp > 0)
		kill_pgrp(tty->pgrp, SIGWINCH, 1);
}

static bool is_current_tty(struct tty_struct *tty)
{
	return current->signal && current->signal->tty == tty;
}

static int tiocsctty(struct tty_struct *tty, unsigned long arg)
{
	struct signal_struct *sig = current->signal;

	if (sig->session == current->tgid && sig->tty == tty)
		return 0;
	if (sig->session != current->tgid || sig->tty)
		return -EPERM;
	if (tty_owned(tty)) {
		/* Another session's: only stolen on request (we are root). */
		if (arg != 1)
			return -EPERM;
		session_clear_tty(tty->session);
	}
	proc_set_tty(tty);
	return 0;
}

static int tiocspgrp(struct tty_struct *tty, unsigned long arg)
{
	struct signal_struct *sig = current->signal;
	pid_t pgrp;
	int err;

	if (!is_current_tty(tty) || tty->session != sig->session)
		return -ENOTTY;
	err = tty_check_change(tty);
	if (err == -EIO)
		return -ENOTTY;
	if (err)
		return err;
	if (get_user(pgrp, (pid_t __user *)arg))
		return -EFAULT;
	if (pgrp < 0)
		return -EINVAL;
	if (!pgrp_in_session(pgrp, sig->session))
		return -EPERM;
	tty->pgrp = pgrp;
	return 0;
}

static long tty_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	struct tty_struct *tty = f->private_data;
	void __user *p = (void __user *)arg;
	struct winsize ws;
	int err, v;
	u8 ch;

	switch (cmd) {
	case TCGETS:
	case TCGETS2:
		return get_termios(tty, cmd, arg);
	case TCSETS:
	case TCSETSW:
	case TCSETSF:
	case TCSETS2:
	case TCSETSW2:
	case TCSETSF2:
		return set_termios(tty, cmd, arg);
	case TIOCGWINSZ:
		return copy_to_user(p, &tty->winsize, sizeof(tty->winsize)) ? -EFAULT : 0;
	case TIOCSWINSZ:
		if (copy_from_user(&ws, p, sizeof(ws)))
			return -EFAULT;
		tty_set_winsize(tty, &ws);
		return 0;
	case TIOCGPGRP:
		if (!is_current_tty(tty))
			return -ENOTTY;
		return put_user(tty->pgrp, (pid_t __user *)p);
	case TIOCSPGRP:
		return tiocspgrp(tty, arg);
	case TIOCGSID:
		if (!is_current_tty(tty) || !tty->session)
			return -ENOTTY;
		return put_user(tty->session, (pid_t __user *)p);
	case TIOCSCTTY:
		return tiocsctty(tty, arg);
	case TIOCNOTTY:
		if (!is_current_tty(tty))
			return -ENOTTY;
		if (current->signal->session == current->tgid)
			disassociate_ctty(tty, current->signal->session, false);
		else
			current->signal->tty = NULL;
		return 0;
	case TIOCINQ:
		return put_user((int)n_tty_inq(tty), (int __user *)p);
	case TIOCOUTQ:
		return put_user(0, (int __user *)p);    /* output is synchronous */
	case TCFLSH:
		err = tty_check_change(tty);
		if (err)
			return err;
		switch (arg) {
		case TCIFLUSH:
		case TCIOFLUSH:
			n_tty_flush_input(tty);
			return 0;
		case TCOFLUSH:
			return 0;
		}
		return -EINVAL;
	case TCXONC:
		err = tty_check_change(tty);
		if (err)
			return err;
		switch (arg) {
		case TCOOFF:
			tty->stopped = true;
			return 0;
		case TCOON:
			tty->stopped = false;
			wake_up(&tty->write_wait);
			return 0;
		case TCIOFF:
		case TCION:
			return 0;
		}
		return -EINVAL;
	case TCSBRK:
	case TCSBRKP:
		return tty_check_change(tty);   /* nothing queued to drain */
	case TIOCSTI:
		if (get_user(ch, (u8 __user *)p))
			return -EFAULT;
		n_tty_receive(tty, &ch, 1);
		return 0;
	case TIOCGETD:
		return put_user(0, (int __user *)p);    /* N_TTY */
	case TIOCSETD:
		if (get_user(v, (int __user *)p))
			return -EFAULT;
		return v == 0 ? 0 : -EINVAL;
	case TIOCEXCL:
	case TIOCNXCL:
		return 0;
	case TIOCGDEV:
		return put_user((unsigned int)tty_devnum(tty), (unsigned int __user *)p);
	}
	return -ENOTTY;
}

#define TTY_FOPS_BODY                   \
	.llseek = no_llseek,            \
	.read = tty_read,               \
	.write = tty_write,             \
	.poll = tty_poll,               \
	.ioctl = tty_ioctl,             \
	.open = tty_open,               \
	.release = tty_release

const struct file_operations tty_fops = { TTY_FOPS_BODY };
/* Files opened through /dev/console: no background job checks. */
const struct file_operations tty_console_fops = { TTY_FOPS_BODY };

void tty_hangup(struct tty_struct *tty)
{
	n_tty_hangup(tty);
}

void tty_vhangup(struct tty_struct *tty)
{
	pid_t session = tty->session;

	n_tty_hangup(tty);
	if (!session)
		return;
	/* The leader first (its group is the session's id), then the
	 * foreground group, which disassociate_ctty signals. */
	if (session != tty->pgrp && session_alive(session)) {
		kill_pgrp(session, SIGHUP, 1);
		kill_pgrp(session, SIGCONT, 1);
	}
	disassociate_ctty(tty, session, false);
}

/* Majors 4 (tty0-7, ttyS0-3) and 5 (/dev/tty, /dev/console). */
static int tty_class_init(void)
{
	int err = register_chrdev(TTY_MAJOR, "tty", &tty_fops);

	if (err < 0)
		return err;
	err = register_chrdev(TTYAUX_MAJOR, "/dev/tty", &tty_fops);
	return err < 0 ? err : 0;
}
device_initcall(tty_class_init);

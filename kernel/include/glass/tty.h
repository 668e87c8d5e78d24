/*
 * Terminals: struct tty_struct, Linux's termios ABI, the line discipline
 * (drivers/n_tty.c, pure code), the tty file operations and job control
 * (drivers/tty.c) and the console (drivers/console.c).
 *
 * A driver supplies tty_operations: write() takes output after OPOST
 * processing; pull_input(), if set, fetches input on demand (a host file
 * that cannot be polled); unthrottle(), if set, is called when a reader
 * makes room in a full input buffer. Input arrives through n_tty_receive() (from an
 * interrupt handler or pull_input), which edits lines, echoes, raises
 * ISIG signals and wakes readers. All on the CPU thread.
 */
#ifndef GLASS_TTY_H
#define GLASS_TTY_H

#include <glass/types.h>
#include <glass/wait.h>

/* ---- termios, as the Linux x86-64 ioctls pass it ---- */
typedef unsigned char cc_t;
typedef unsigned int tcflag_t;
typedef unsigned int speed_t;

#define NCCS 19
struct termios {                /* TCGETS/TCSETS: 36 bytes */
	tcflag_t c_iflag;
	tcflag_t c_oflag;
	tcflag_t c_cflag;
	tcflag_t c_lflag;
	cc_t c_line;
	cc_t c_cc[NCCS];
};
struct termios2 {               /* TCGETS2/TCSETS2: 44 bytes */
	tcflag_t c_iflag;
	tcflag_t c_oflag;
	tcflag_t c_cflag;
	tcflag_t c_lflag;
	cc_t c_line;
	cc_t c_cc[NCCS];
	speed_t c_ispeed;
	speed_t c_ospeed;
};
struct winsize {
	unsigned short ws_row, ws_col, ws_xpixel, ws_ypixel;
};

/* c_cc indices */
#define VINTR 0
#define VQUIT 1
#define VERASE 2
#define VKILL 3
#define VEOF 4
#define VTIME 5
#define VMIN 6
#define VSWTC 7
#define VSTART 8
#define VSTOP 9
#define VSUSP 10
#define VEOL 11
#define VREPRINT 12
#define VDISCARD 13
#define VWERASE 14
#define VLNEXT 15
#define VEOL2 16

/* c_iflag */
#define IGNBRK 0000001
#define BRKINT 0000002
#define IGNPAR 0000004
#define PARMRK 0000010
#define INPCK 0000020
#define ISTRIP 0000040
#define INLCR 0000100
#define IGNCR 0000200
#define ICRNL 0000400
#define IUCLC 0001000
#define IXON 0002000
#define IXANY 0004000
#define IXOFF 0010000
#define IMAXBEL 0020000
#define IUTF8 0040000

/* c_oflag */
#define OPOST 0000001
#define OLCUC 0000002
#define ONLCR 0000004
#define OCRNL 0000010
#define ONOCR 0000020
#define ONLRET 0000040
#define OFILL 0000100
#define OFDEL 0000200
#define TABDLY 0014000
#define XTABS 0014000

/* c_cflag */
#define CBAUD 0010017
#define B9600 0000015
#define B38400 0000017
#define CSIZE 0000060
#define CS8 0000060
#define CSTOPB 0000100
#define CREAD 0000200
#define PARENB 0000400
#define PARODD 0001000
#define HUPCL 0002000
#define CLOCAL 0004000

/* c_lflag */
#define ISIG 0000001
#define ICANON 0000002
#define XCASE 0000004
#define ECHO 0000010
#define ECHOE 0000020
#define ECHOK 0000040
#define ECHONL 0000100
#define NOFLSH 0000200
#define TOSTOP 0000400
#define ECHOCTL 0001000
#define ECHOPRT 0002000
#define ECHOKE 0004000
#define FLUSHO 0010000
#define PENDIN 0040000
#define IEXTEN 0100000
#define EXTPROC 0200000

/* ioctls */
#define TCGETS 0x5401
#define TCSETS 0x5402
#define TCSETSW 0x5403
#define TCSETSF 0x5404
#define TCGETA 0x5405
#define TCSETA 0x5406
#define TCSETAW 0x5407
#define TCSETAF 0x5408
#define TCSBRK 0x5409
#define TCXONC 0x540A
#define TCFLSH 0x540B
#define TIOCEXCL 0x540C
#define TIOCNXCL 0x540D
#define TIOCSCTTY 0x540E
#define TIOCGPGRP 0x540F
#define TIOCSPGRP 0x5410
#define TIOCOUTQ 0x5411
#define TIOCSTI 0x5412
#define TIOCGWINSZ 0x5413
#define TIOCSWINSZ 0x5414
#define TIOCINQ 0x541B          /* = FIONREAD */
#define TIOCNOTTY 0x5422
#define TIOCSETD 0x5423
#define TIOCGETD 0x5424
#define TCSBRKP 0x5425
#define TIOCGSID 0x5429
#define TCGETS2 0x802C542A
#define TCSETS2 0x402C542B
#define TCSETSW2 0x402C542C
#define TCSETSF2 0x402C542D
#define TIOCGDEV 0x80045432
#define TCOOFF 0
#define TCOON 1
#define TCIOFF 2
#define TCION 3
#define TCIFLUSH 0
#define TCOFLUSH 1
#define TCIOFLUSH 2

/* Device numbers (kernel encoding, MKDEV in fs.h). */
#define TTY_MAJOR 4
#define TTYAUX_MAJOR 5

#define N_TTY_BUF_SIZE 4096     /* a power of two */
#define N_TTY_OBUF_SIZE 256

struct tty_struct;

struct tty_operations {
	/* Output bytes (already processed by the line discipline). */
	void (*write)(struct tty_struct *tty, const u8 *buf, size_t n);
	/* Fetch input now if the device cannot interrupt; bytes fed,
	 * 0 at end of input (the driver then calls tty_hangup). */
	long (*pull_input)(struct tty_struct *tty);
	/* A reader made room in the input buffer: a driver that stopped
	 * taking input when n_tty_receive_room() was 0 may take it again. */
	void (*unthrottle)(struct tty_struct *tty);
	/* A file is being opened (tty->count is the number open before). */
	void (*open)(struct tty_struct *tty);
};

struct tty_struct {
	const char *name;               /* "console" */
	unsigned long dev;              /* kernel dev_t, for stat and /proc */
	const struct tty_operations *ops;
	void *driver_data;
	struct termios termios;
	struct winsize winsize;
	pid_t pgrp;                     /* foreground process group, 0 none */
	pid_t session;                  /* session it controls, 0 none */
	int count;                      /* open files */
	bool hung_up;                   /* host side at end of input */
	bool stopped;                   /* output stopped by ^S / TCOOFF */
	wait_queue_head_t read_wait;
	wait_queue_head_t write_wait;

	/* ---- n_tty state ---- */
	u8 read_buf[N_TTY_BUF_SIZE];    /* ring; indexes run free */
	unsigned long read_flags[N_TTY_BUF_SIZE / 64];  /* line ends */
	unsigned int read_head;         /* next byte written */
	unsigned int read_tail;         /* next byte read */
	unsigned int canon_head;        /* end of the last complete line */
	bool lnext;                     /* next byte is literal (^V) */
	bool pushed;                    /* canonical data readable without a line end */
	unsigned int column;            /* output column, for tabs and erase */
	unsigned int canon_column;      /* column where the current line began */
	/* output batching: n_tty fills it, flushes to ops->write */
	u8 obuf[N_TTY_OBUF_SIZE];
	unsigned int olen;
};

/* n_tty.c: the line discipline (pure: no host calls) */
void n_tty_init(struct tty_struct *tty);
void tty_init_termios(struct termios *t);
/* Input from the device: edit, echo, signal, wake readers. */
void n_tty_receive(struct tty_struct *tty, const u8 *buf, size_t n);
/* Bytes n_tty_receive can take now without dropping any (0: full). */
size_t n_tty_receive_room(struct tty_struct *tty);
/* Output from a writer: OPOST processing, then ops->write. */
void n_tty_write(struct tty_struct *tty, const u8 *buf, size_t n);
/* Bytes a read can take now (canonical: of the complete lines). */
bool n_tty_input_available(struct tty_struct *tty, unsigned int amt);
/* Copy input to kbuf (kernel memory). Canonical mode copies from at most
 * one line and sets *line_end when that line's end was consumed (the EOF
 * character ends a line without being copied). */
size_t n_tty_read(struct tty_struct *tty, u8 *kbuf, size_t nr, bool *line_end);
size_t n_tty_inq(struct tty_struct *tty);          /* FIONREAD */
/* VMIN/VTIME for a non-canonical read: bytes to wait for, the wait for
 * the first byte and between bytes (U64_MAX: no limit, 0: none). */
void n_tty_read_timing(const struct termios *t, size_t *minimum, u64 *first_ns,
		       u64 *inter_ns);
void n_tty_flush_input(struct tty_struct *tty);
/* New termios in place; old is what it was (ICANON switches). */
void n_tty_set_termios(struct tty_struct *tty, const struct termios *old);
/* The end of input: canonical data becomes readable, then reads see 0. */
void n_tty_hangup(struct tty_struct *tty);

/* tty.c */
extern const struct file_operations tty_fops;
/* Make tty reachable through device dev (kernel encoding). */
int tty_register_device(struct tty_struct *tty, unsigned long dev);
int tty_unregister_device(struct tty_struct *tty);
/* Host input ended: readers get 0 once the buffer is drained. */
void tty_hangup(struct tty_struct *tty);
/* The peer went away (modem hang-up): tty_hangup, and the session gets
 * SIGHUP and SIGCONT and loses the tty, as Linux's tty_vhangup. */
void tty_vhangup(struct tty_struct *tty);
void tty_set_winsize(struct tty_struct *tty, const struct winsize *ws);
/* The session's leader is gone: SIGHUP to the foreground group, and the
 * session loses its controlling tty (Linux's disassociate_ctty). */
void tty_session_leader_exit(struct tty_struct *tty, pid_t session);
/* For /proc/PID/stat: tty_nr (user encoding) and the foreground group. */
unsigned long tty_devnum(struct tty_struct *tty);
int tty_get_pgrp(struct tty_struct *tty);

/* console.c */
extern struct tty_struct *console_tty;

#endif

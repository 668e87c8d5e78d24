/*
 * Console and serial lines, as UML's: each line (con0..7, ssl0..3) is a
 * tty with a host channel that config/remove can change at run time.
 * Channels: fd:N, fd:IN,fd:OUT, pty, port:N, xterm, null, none. See
 * kernel/drivers/README.md. All on the CPU thread.
 */
#ifndef GLASS_LINE_H
#define GLASS_LINE_H

#include <glass/list.h>
#include <glass/telnet.h>
#include <glass/timer.h>
#include <glass/tty.h>

struct cmd_out;

enum chan_type { CHAN_NONE, CHAN_NULL, CHAN_FD, CHAN_PTY, CHAN_PORT, CHAN_XTERM };

struct chan_spec {
	enum chan_type type;
	int in, out;            /* CHAN_FD: host fds */
	int port;               /* CHAN_PORT: TCP port on 127.0.0.1 */
};

/* chan.c (pure): parse UML's channel syntax; 0 or -EINVAL. */
int chan_parse(const char *s, struct chan_spec *spec);

struct port;

struct line {
	const char *kind;               /* "Virtual console", "Serial line" */
	const char *dev_name;           /* "con", "ssl" */
	int index;
	unsigned long dev;              /* its /dev node (kernel dev_t) */
	bool console;                   /* con0: /dev/console, raw host tty */
	struct tty_struct tty;
	struct chan_spec spec;
	bool up;                        /* host side set up (line_start) */
	bool registered;                /* reachable through dev */
	/* host side while up */
	int in_fd, out_fd;              /* -1: none */
	bool connected;                 /* a peer is there (pty, port, xterm) */
	bool peer_seen;                 /* pty: a peer has been there */
	bool watched;                   /* in_fd is an interrupt (os_irq_add) */
	bool throttled;                 /* in_fd unwatched while the tty is full */
	bool in_is_tty;                 /* console: in_fd is a host tty, raw */
	char pts[32];                   /* pty slave path */
	int xterm_pid;
	struct timer_list peer_timer;   /* pty/xterm: waiting for a peer */
	struct port *port;
	struct list_head port_lines;    /* on port->lines */
	struct telnet tn;
};

void line_init(struct line *l, const char *kind, const char *dev_name, int index,
	       unsigned long dev);
/* Set up (line_start) or tear down (line_stop) the host side. */
int line_start(struct line *l);
void line_stop(struct line *l);
/* The line's channel in config syntax: "pty:/dev/pts/5", "port:9000". */
void line_get_config(struct line *l, struct cmd_out *out);

/* A device class (con, ssl): the lines and the class-wide default. */
struct line_class {
	const char *name;
	struct line *lines;
	int nr;
	int first_default;              /* lines from here take `con=` */
	bool started;                   /* boot's line_class_start ran */
};
int line_class_config(struct line_class *c, const char *str, struct cmd_out *out);
int line_class_get_config(struct line_class *c, const char *str, struct cmd_out *out);
int line_class_remove(struct line_class *c, const char *str, struct cmd_out *out);
void line_class_start(struct line_class *c);

/* port.c: lines sharing a TCP port; a connection takes the next free one. */
int port_attach(struct line *l);
void port_detach(struct line *l);
/* The line's connection ended (port.c closes it). */
void port_connection_closed(struct line *l);

/* line.c, for port.c: a peer arrived on in/out. */
void line_connect(struct line *l);
/* The peer left: hang up the tty. */
void line_disconnect(struct line *l);

/* Boot (start_kernel): the console lines, the serial lines, and init's
 * stdin, stdout and stderr on /dev/console. */
void console_init(void);
void ssl_init(void);
void console_open_init_fds(void);

#endif

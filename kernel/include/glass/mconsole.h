/*
 * mconsole: UML's management-console wire protocol (docs/reference/mconsole.md)
 * and the pieces around it. Everything in the protocol part is pure code
 * (no host call, no allocation, no lock), so the monitor thread, the unit
 * tests and the fuzzer all run it. Integers are in host byte order.
 */
#ifndef GLASS_MCONSOLE_H
#define GLASS_MCONSOLE_H

#include <glass/types.h>
#include <glass/command.h>

#define MCONSOLE_MAGIC 0xcafebabeU
#define MCONSOLE_VERSION 2
#define MCONSOLE_MAX_DATA 512

struct mconsole_request {
	u32 magic;
	u32 version;
	u32 len;
	char data[MCONSOLE_MAX_DATA];
};

struct mconsole_reply {
	u32 err;
	u32 more;
	u32 len;                /* payload length + 1 (the NUL) */
	char data[MCONSOLE_MAX_DATA];
};

enum mconsole_notify_type {
	MCONSOLE_SOCKET = 0,    /* "ready": data is the mconsole socket path */
	MCONSOLE_PANIC = 1,
	MCONSOLE_HANG = 2,
	MCONSOLE_USER_NOTIFY = 3,
};

struct mconsole_notify {
	u32 magic;
	u32 version;
	u32 type;
	u32 len;
	char data[MCONSOLE_MAX_DATA];
};

#define MCONSOLE_REQ_HDR 12     /* magic, version, len */
#define MCONSOLE_REPLY_HDR 12   /* err, more, len */

/* ---- requests (kernel/mconsole/protocol.c) ---- */

enum mconsole_req_status {
	MC_REQ_OK,
	MC_REQ_BAD_MAGIC,       /* an old text client: answer MC_V0_REPLY raw */
	MC_REQ_TOO_LARGE,       /* len >= MCONSOLE_MAX_DATA */
	MC_REQ_BAD_VERSION,     /* version != 2 */
	MC_REQ_TRUNCATED,       /* datagram shorter than its header or len */
};

/* UML's answer to a request without the magic: sent as raw text, no
 * reply header, no NUL. */
#define MC_V0_REPLY "ERR Version 0 mconsole clients are not supported by this driver"

/*
 * Validate the datagram buf[0..n) and copy it into req with data
 * NUL-terminated at req->len. On anything but MC_REQ_OK, req holds
 * nothing useful; mconsole_req_error() is the error reply's text.
 */
enum mconsole_req_status mconsole_parse_request(const void *buf, size_t n,
						struct mconsole_request *req);
const char *mconsole_req_error(enum mconsole_req_status st);

/* UML's command match: name is a prefix of the request's first word
 * (so "versionx" runs version, as in UML; "ver" runs nothing). */
bool mconsole_cmd_match(const char *name, const char *data);
/* The arguments: after the first word and the blanks that follow it. */
const char *mconsole_cmd_args(const char *data);

/* Fill reply with one packet; returns its datagram size (12 + len).
 * n must be < MCONSOLE_MAX_DATA. */
size_t mconsole_frame_reply(struct mconsole_reply *reply, const char *data,
			    size_t n, bool err, bool more);

/* Fill n with a notification carrying msg and its NUL, as UML sends it
 * (cut to MCONSOLE_MAX_DATA - 1 bytes); returns its datagram size. */
size_t mconsole_frame_notify(struct mconsole_notify *n, enum mconsole_notify_type type,
			     const char *msg);

/* ---- statistics: every request the monitor saw (monitor-owned) ---- */

struct mconsole_stats {
	u64 requests;           /* datagrams received */
	u64 bad_magic;
	u64 too_large;
	u64 bad_version;
	u64 truncated;
	u64 unknown;            /* no such command */
	u64 no_address;         /* no reply address: answer dropped */
	u64 anywhere;           /* answered by the monitor thread */
	u64 queued;             /* handed to the CPU thread */
	u64 queue_full;
	u64 timed_out;          /* the CPU did not take them in time */
	u64 send_errors;        /* a reply packet could not be sent */
};
extern struct mconsole_stats mconsole_stats;

/* ---- the reply address of a client: an opaque sockaddr ---- */

struct mc_client {
	u32 len;                /* 0: the client gave no address */
	u8 addr[124];
};

/* ---- the queue to the CPU thread (kernel/mconsole/queue.c) ---- */

#define MC_QUEUE_SLOTS 8

enum mc_slot_state {
	MC_SLOT_FREE,           /* the monitor may fill it */
	MC_SLOT_QUEUED,         /* waiting for the CPU thread */
	MC_SLOT_TAKEN,          /* the CPU thread runs it and replies */
	MC_SLOT_EXPIRING,       /* the monitor answers its time-out */
};

struct mc_slot {
	int state;              /* enum mc_slot_state, atomic */
	u64 seq;                /* FIFO order */
	u64 deadline_ns;        /* host monotonic clock */
	const struct command *cmd;
	struct mc_client client;
	char data[MCONSOLE_MAX_DATA];
};

struct mc_queue {
	struct mc_slot slots[MC_QUEUE_SLOTS];
	u64 next_seq;           /* monitor only */
};

/* Monitor thread: queue a request; NULL when every slot is busy. */
struct mc_slot *mc_queue_push(struct mc_queue *q, const struct command *cmd,
			      const char *data, const struct mc_client *client,
			      u64 deadline_ns);
/* Monitor thread: claim the oldest queued slot whose deadline passed, or
 * NULL; the caller answers it and calls mc_queue_release(). */
struct mc_slot *mc_queue_expire(struct mc_queue *q, u64 now_ns);
/* Monitor thread: the earliest deadline of a queued slot, or 0 if none. */
u64 mc_queue_next_deadline(struct mc_queue *q);
/* CPU thread: claim the oldest queued slot, or NULL. */
struct mc_slot *mc_queue_take(struct mc_queue *q);
/* Whoever claimed the slot: give it back. */
void mc_queue_release(struct mc_slot *slot);

/* ---- the service (kernel/mconsole/mconsole.c) ---- */

#define MCONSOLE_TIMEOUT_DEFAULT 5      /* seconds */

/* CPU thread, at boot: socket, monitor thread, interrupt; prints the
 * "mconsole (version 2) initialized on PATH" line. With notify_socket
 * (mconsole=notify:SOCKET), then tells that socket the path
 * (MCONSOLE_SOCKET), as UML does. */
int mconsole_init(unsigned int timeout_secs, const char *notify_socket);
/*
 * Send a notification to the mconsole=notify: socket: MCONSOLE_PANIC from
 * panic(), MCONSOLE_HANG from a lockup detector. Any thread, the monitor
 * too: no lock, no allocation, no stdio; waits at most a second for room
 * at the listener. Returns 0, -ENOTCONN without a notify socket, or
 * -errno from the send.
 */
int mconsole_notify(enum mconsole_notify_type type, const char *msg);
/* gdb's monitor, on the monitor thread: queue a kernel-task command line
 * (insmod, rmmod) to run in the mconsole kernel thread once the kernel
 * continues, with no client to answer (the kernel log says what
 * happened). False when the queue is full. */
bool mconsole_queue_task(const struct command *cmd, const char *line);
/* The monitor thread's calls, mconsole_monitor_request and
 * mconsole_monitor_expire, are in glass/os_upcalls.h. */

/* One reply in the making: its client and its packet buffer. */
struct mc_reply_ctx {
	const struct mc_client *to;
	struct mconsole_reply pkt;
};

/*
 * A reply that goes on after its handler returned (trace follow): the
 * client, copied, and an output of its own, which the stream's owner
 * writes to (cmd_write, cmd_flush; more stays set) from the monitor
 * thread until a send fails (out.failed: the client went away) and ends
 * with cmd_finish. The handler's own output sends nothing more.
 */
struct mc_stream {
	struct mc_client client;
	struct mc_reply_ctx rc;
	struct cmd_out out;
};
/* Move the reply being written to from (an mconsole client's) into s:
 * what from holds goes out first. -EOPNOTSUPP when from is not an
 * mconsole reply (gdb's monitor) or its client gave no address. Monitor
 * thread (CMD_ANYWHERE handlers). */
int mconsole_stream_begin(struct cmd_out *from, struct mc_stream *s);
/*
 * From a CMD_ANYWHERE handler writing to out: have cmd (a CMD_SAFE_POINT
 * command of the handler's own, not in the table) run with args on the
 * CPU thread instead, which answers the client: queued for an mconsole
 * client, run in the park for gdb's monitor. 0, or -errno with the
 * reason written to out as an error (queue full, kernel stopped at an
 * arbitrary instruction). The handler writes nothing more to out.
 */
int mconsole_defer(struct cmd_out *out, const struct command *cmd, const char *args);

#endif

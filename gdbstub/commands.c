/*
 * gdb remote protocol: the command table and its dispatcher, the input
 * loop (acks, break-in, replies) and the small handlers that need no
 * file of their own. A table like QEMU's (prefix, argument schema parsed
 * once), handlers like kgdb's (one function per packet, one explicit
 * state). Pure code: runs wherever the transport calls gdb_input(),
 * which is the monitor thread; it allocates nothing and never blocks.
 */
#include "internal.h"

struct gdb_cmd {
	const char *prefix;
	const char *schema;     /* "" = the packet is exactly the prefix */
	gdb_handler handler;
};

/* ---- reply builders ---- */

void gdb_reply_reset(struct gdb_state *st)
{
	st->reply_len = 0;
	st->reply_overflow = false;
}

void gdb_reply_bytes(struct gdb_state *st, const void *p, size_t n)
{
	if (n > GDB_REPLY_MAX - st->reply_len) {
		st->reply_overflow = true;
		return;
	}
	gdb_memcpy(st->reply + st->reply_len, p, n);
	st->reply_len += n;
}

void gdb_reply_str(struct gdb_state *st, const char *s)
{
	gdb_reply_bytes(st, s, gdb_strlen(s));
}

void gdb_reply_hex(struct gdb_state *st, const void *p, size_t n)
{
	if (n > (GDB_REPLY_MAX - st->reply_len) / 2) {
		st->reply_overflow = true;
		return;
	}
	gdb_hex_encode(st->reply + st->reply_len, p, n);
	st->reply_len += 2 * n;
}

void gdb_reply_u64(struct gdb_state *st, u64 v)
{
	char d[16];
	int n = 0;

	do {
		d[15 - n++] = gdb_hex_chars[v & 15];
		v >>= 4;
	} while (v);
	gdb_reply_bytes(st, d + 16 - n, n);
}

void gdb_reply_tid(struct gdb_state *st, long tid)
{
	if (tid < 0)
		gdb_reply_str(st, "-1");
	else
		gdb_reply_u64(st, tid);
}

int gdb_reply_ok(struct gdb_state *st, int err)
{
	if (!err)
		gdb_reply_str(st, "OK");
	return err;
}

static void reply_error(struct gdb_state *st, int err)
{
	u8 e = -err;

	gdb_reply_reset(st);
	gdb_reply_bytes(st, "E", 1);
	gdb_reply_hex(st, &e, 1);
}

void gdb_send_packet(struct gdb_state *st, const void *data, size_t len)
{
	st->tx_len = gdb_frame(st->tx, sizeof(st->tx), data, len);
	if (st->tx_len)
		st->put(st->put_ctx, st->tx, st->tx_len);
}

static void send_ack(struct gdb_state *st, char c)
{
	st->put(st->put_ctx, &c, 1);
}

/* ---- threads and stops, shared by several handlers ---- */

long gdb_resolve_tid(struct gdb_state *st, long tid)
{
	if (tid > 0)
		return tid;
	return st->ops->current_thread(st->target);
}

int gdb_find_thread(struct gdb_state *st, long tid, struct gdb_thread *th)
{
	for (unsigned i = 0; st->ops->thread_at(st->target, i, th) == 0; i++)
		if (th->id == tid)
			return 0;
	return -ESRCH;
}

void gdb_reply_stop(struct gdb_state *st, const struct gdb_stop *stop)
{
	u8 sig = stop->sig;

	/* gdb takes the thread of a stop reply as the stub's selected one
	 * (remote.c record_currthread) and sends no Hg for it. */
	st->g_tid = stop->tid;
	gdb_reply_reset(st);
	if (stop->kind == GDB_STOP_EXITED) {
		gdb_reply_str(st, "W");
		gdb_reply_hex(st, &sig, 1);
		return;
	}
	gdb_reply_str(st, "T");
	gdb_reply_hex(st, &sig, 1);
	switch (stop->kind) {
	case GDB_STOP_SWBREAK:
		gdb_reply_str(st, "swbreak:;");
		break;
	case GDB_STOP_HWBREAK:
		gdb_reply_str(st, "hwbreak:;");
		break;
	case GDB_STOP_WATCH:
	case GDB_STOP_RWATCH:
	case GDB_STOP_AWATCH:
		gdb_reply_str(st, stop->kind == GDB_STOP_WATCH ? "watch:" :
			      stop->kind == GDB_STOP_RWATCH ? "rwatch:" : "awatch:");
		gdb_reply_u64(st, stop->addr);
		gdb_reply_str(st, ";");
		break;
	case GDB_STOP_LIBRARY:
		gdb_reply_str(st, "library:;");
		break;
	default:
		break;
	}
	gdb_reply_str(st, "thread:");
	gdb_reply_tid(st, gdb_resolve_tid(st, stop->tid));
	gdb_reply_str(st, ";");
}

/* ---- the small handlers ---- */

static int cmd_empty(struct gdb_state *st, const struct gdb_args *a)
{
	return 0;
}

static int cmd_ok(struct gdb_state *st, const struct gdb_args *a)
{
	gdb_reply_str(st, "OK");
	return 0;
}

static int cmd_supported(struct gdb_state *st, const struct gdb_args *a)
{
	/* gdb's own features (a->rest) need no answer: we offer ours. */
	gdb_reply_str(st, "PacketSize=");
	gdb_reply_u64(st, GDB_PACKET_SIZE);
	gdb_reply_str(st, ";QStartNoAckMode+;qXfer:features:read+;qXfer:threads:read+");
	if (st->ops->library_at)
		gdb_reply_str(st, ";qXfer:libraries:read+");
	if (st->ops->exec_file)
		gdb_reply_str(st, ";qXfer:exec-file:read+");
	gdb_reply_str(st, ";swbreak+;hwbreak+;vContSupported+");
	return 0;
}

static int cmd_no_ack(struct gdb_state *st, const struct gdb_args *a)
{
	st->after = GDB_AFTER_NO_ACK;   /* the OK itself still gets an ack */
	return cmd_ok(st, a);
}

/* qAttached: 1, so that gdb's quit detaches instead of killing. */
static int cmd_attached(struct gdb_state *st, const struct gdb_args *a)
{
	gdb_reply_str(st, "1");
	return 0;
}

int gdb_cmd_stop_reason(struct gdb_state *st, const struct gdb_args *a)
{
	struct gdb_stop stop = { .kind = GDB_STOP_SIGNAL, .sig = GDB_SIGTRAP };

	gdb_reply_stop(st, st->have_stop ? &st->stop : &stop);
	return 0;
}

static int cmd_detach(struct gdb_state *st, const struct gdb_args *a)
{
	st->after = GDB_AFTER_DETACH;
	return cmd_ok(st, a);
}

static int cmd_kill(struct gdb_state *st, const struct gdb_args *a)
{
	st->detached = true;
	st->ops->kill(st->target);
	return GDB_NO_REPLY;
}

static int cmd_vkill(struct gdb_state *st, const struct gdb_args *a)
{
	st->after = GDB_AFTER_KILL;
	return cmd_ok(st, a);
}

/* qRcmd,HEX: a monitor command; its output comes as "O" packets. */
static int cmd_monitor(struct gdb_state *st, const struct gdb_args *a)
{
	char *cmd = (char *)st->scratch;
	long n;
	int err;

	if (!st->ops->monitor)
		return 0;
	if (a->rest_len % 2 || a->rest_len / 2 >= sizeof(st->scratch))
		return -EINVAL;
	n = gdb_hex_decode(cmd, a->rest, a->rest_len / 2);
	if (n < 0)
		return n;
	cmd[n] = '\0';
	if (gdb_strnlen(cmd, n) != (size_t)n)
		return -EINVAL;                 /* a NUL inside the command */
	err = st->ops->monitor(st->target, cmd, st);
	if (err < 0)
		return err;
	return cmd_ok(st, a);
}

void gdb_console_output(struct gdb_state *st, const char *text, size_t len)
{
	/* "O" + hex must fit one reply; the reply buffer is free here. */
	const size_t chunk = (GDB_REPLY_MAX - 1) / 2;

	while (len) {
		size_t n = min(len, chunk);

		st->reply[0] = 'O';
		gdb_hex_encode(st->reply + 1, text, n);
		gdb_send_packet(st, st->reply, 1 + 2 * n);
		text += n;
		len -= n;
	}
	gdb_reply_reset(st);
}

/* ---- the table ---- */

static const struct gdb_cmd gdb_cmds[] = {
	{ "qSupported", "*", cmd_supported },
	{ "vMustReplyEmpty", "", cmd_empty },
	{ "QStartNoAckMode", "", cmd_no_ack },
	{ "?", "", gdb_cmd_stop_reason },
	{ "g", "", gdb_cmd_read_regs },
	{ "G", "*", gdb_cmd_write_regs },
	{ "p", "x", gdb_cmd_read_reg },
	{ "P", "x=*", gdb_cmd_write_reg },
	{ "m", "x,x", gdb_cmd_read_mem },
	{ "M", "x,x:*", gdb_cmd_write_mem },
	{ "X", "x,x:*", gdb_cmd_write_mem_bin },
	{ "Z", "x,x,x*", gdb_cmd_insert_bp },
	{ "z", "x,x,x*", gdb_cmd_remove_bp },
	{ "c", "*", gdb_cmd_continue },
	{ "C", "x*", gdb_cmd_continue_sig },
	{ "s", "*", gdb_cmd_step },
	{ "S", "x*", gdb_cmd_step_sig },
	{ "vCont?", "", gdb_cmd_vcont_query },
	{ "vCont;", "*", gdb_cmd_vcont },
	{ "Hg", "t", gdb_cmd_set_g_thread },
	{ "Hc", "t", gdb_cmd_set_c_thread },
	{ "T", "t", gdb_cmd_thread_alive },
	{ "qfThreadInfo", "", gdb_cmd_first_thread },
	{ "qsThreadInfo", "", gdb_cmd_next_thread },
	{ "qC", "", gdb_cmd_current_thread },
	{ "qThreadExtraInfo,", "t", gdb_cmd_thread_extra },
	{ "qAttached", "*", cmd_attached },
	{ "qOffsets", "", cmd_empty },          /* glass is not PIE */
	{ "qTStatus", "", cmd_empty },          /* no trace experiment */
	{ "qSymbol:", "*", cmd_ok },            /* no symbols wanted */
	{ "qXfer:features:read:", "a:x,x", gdb_cmd_xfer_features },
	{ "qXfer:threads:read:", "a:x,x", gdb_cmd_xfer_threads },
	{ "qXfer:libraries:read:", "a:x,x", gdb_cmd_xfer_libraries },
	{ "qXfer:exec-file:read:", "a:x,x", gdb_cmd_xfer_exec_file },
	{ "qRcmd,", "*", cmd_monitor },
	{ "D", "*", cmd_detach },
	{ "k", "", cmd_kill },
	{ "vKill;", "*", cmd_vkill },
};

/* Does the packet p[0..len) start with prefix? */
static bool has_prefix(const char *p, size_t len, const char *prefix)
{
	size_t n = gdb_strlen(prefix);

	if (n > len)
		return false;
	for (size_t i = 0; i < n; i++)
		if (p[i] != prefix[i])
			return false;
	return true;
}

/* Parse p[0..len) by schema into a. Returns 0, or -EINVAL. */
static int parse_args(const char *schema, const char *p, size_t len, struct gdb_args *a)
{
	size_t i = 0, used;
	int err;

	for (; *schema; schema++) {
		switch (*schema) {
		case 'x':
			if (a->nr_num == ARRAY_SIZE(a->num))
				return -EINVAL;
			err = gdb_parse_hex(p + i, len - i, &a->num[a->nr_num++], &used);
			if (err)
				return err;
			i += used;
			break;
		case 't':
			if (len - i >= 2 && p[i] == '-' && p[i + 1] == '1') {
				a->tid = -1;
				i += 2;
				break;
			} else {
				u64 v;

				err = gdb_parse_hex(p + i, len - i, &v, &used);
				if (err || v > LONG_MAX)
					return -EINVAL;
				a->tid = v;
				i += used;
			}
			break;
		case 'a':
			a->annex = p + i;
			while (i < len && p[i] != ':')
				i++;
			a->annex_len = p + i - a->annex;
			break;
		case '*':
			a->rest = p + i;
			a->rest_len = len - i;
			return 0;
		default:
			if (i == len || p[i] != *schema)
				return -EINVAL;
			i++;
			break;
		}
	}
	return i == len ? 0 : -EINVAL;
}

/*
 * Find the command for packet p[0..len), parse its arguments and run
 * it. Unknown packets get an empty reply; a known one with bad
 * arguments gets E16 (EINVAL).
 */
static int dispatch(struct gdb_state *st, const char *p, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(gdb_cmds); i++) {
		const struct gdb_cmd *c = &gdb_cmds[i];
		size_t n = gdb_strlen(c->prefix);
		struct gdb_args a = { .nr_num = 0 };

		if (!has_prefix(p, len, c->prefix))
			continue;
		if (!*c->schema && n != len)
			continue;               /* "qC" is not "qCRC:..." */
		if (parse_args(c->schema, p + n, len - n, &a))
			return -EINVAL;
		return c->handler(st, &a);
	}
	return 0;
}

/* One packet received intact: ack it, run it, reply, then any after-step. */
static void handle_packet(struct gdb_state *st, const char *p, size_t len)
{
	int ret;

	if (!st->no_ack)
		send_ack(st, '+');
	gdb_reply_reset(st);
	st->after = GDB_AFTER_NONE;
	ret = dispatch(st, p, len);
	if (ret == GDB_NO_REPLY)
		return;
	if (ret < 0)
		reply_error(st, ret);
	else if (st->reply_overflow)
		reply_error(st, -E2BIG);
	gdb_send_packet(st, st->reply, st->reply_len);

	switch (st->after) {
	case GDB_AFTER_NO_ACK:
		st->no_ack = true;
		break;
	case GDB_AFTER_DETACH:
		st->detached = true;
		st->running = false;
		st->ops->detach(st->target);
		break;
	case GDB_AFTER_KILL:
		st->detached = true;
		st->running = false;
		st->ops->kill(st->target);
		break;
	}
}

void gdb_input(struct gdb_state *st, const void *buf, size_t len)
{
	const u8 *p = buf;

	for (size_t i = 0; i < len; i++) {
		switch (gdb_rx_byte(&st->rx, p[i])) {
		case GDB_RX_PACKET:
			handle_packet(st, st->rx.buf, st->rx.len);
			break;
		case GDB_RX_BAD_CSUM:
			/* Ack mode: ask again. No-ack: nobody resends; fail it. */
			if (!st->no_ack) {
				send_ack(st, '-');
			} else {
				reply_error(st, -EIO);
				gdb_send_packet(st, st->reply, st->reply_len);
			}
			break;
		case GDB_RX_OVERLONG:
			/* Arrived intact, too long to keep: refuse it. */
			if (!st->no_ack)
				send_ack(st, '+');
			reply_error(st, -E2BIG);
			gdb_send_packet(st, st->reply, st->reply_len);
			break;
		case GDB_RX_BREAK:
			if (st->running)
				st->ops->stop(st->target);
			break;
		case GDB_RX_NACK:
			if (!st->no_ack && st->tx_len)
				st->put(st->put_ctx, st->tx, st->tx_len);
			break;
		case GDB_RX_ACK:
		case GDB_RX_NONE:
			break;
		}
	}
}

void gdb_stopped(struct gdb_state *st, const struct gdb_stop *stop)
{
	st->stop = *stop;
	st->have_stop = true;
	if (!st->running || st->detached)
		return;
	st->running = false;
	gdb_reply_stop(st, stop);
	gdb_send_packet(st, st->reply, st->reply_len);
}

void gdb_connect(struct gdb_state *st)
{
	gdb_rx_init(&st->rx);
	st->no_ack = false;
	st->running = false;
	st->detached = false;
	st->g_tid = 0;
	st->c_tid = 0;
	st->thread_iter = 0;
	st->after = GDB_AFTER_NONE;
	st->tx_len = 0;
	gdb_reply_reset(st);
}

void gdb_init(struct gdb_state *st, const struct gdb_target_ops *ops, void *target,
	      void (*put)(void *ctx, const void *buf, size_t len), void *put_ctx)
{
	st->ops = ops;
	st->target = target;
	st->put = put;
	st->put_ctx = put_ctx;
	st->have_stop = false;
	gdb_connect(st);
}

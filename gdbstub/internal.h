/*
 * Shared by the gdbstub files only: parsed packet arguments, the command
 * handlers, reply builders and the windowed XML writer. Everything here
 * is pure and runs wherever gdb_input() runs.
 */
#ifndef GDBSTUB_INTERNAL_H
#define GDBSTUB_INTERNAL_H

#include <glass/kernel.h>
#include <glass/gdbstub.h>

/*
 * The stub calls no libc function, not even memcpy, so that everything
 * the monitor thread runs can be kept where gdb never plants a breakpoint
 * (rule monitor-never-blocks in docs/DESIGN.md). Kernel code is built with
 * -fno-tree-loop-distribute-patterns so these loops stay loops
 * (scripts/check-monitor-text.sh would catch a memcpy call).
 */
static inline void gdb_memcpy(void *dst, const void *src, size_t n)
{
	u8 *d = dst;
	const u8 *s = src;

	while (n--)
		*d++ = *s++;
}

static inline void gdb_memzero(void *dst, size_t n)
{
	u8 *d = dst;

	while (n--)
		*d++ = 0;
}

static inline size_t gdb_strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

/* Bounded: at most max bytes, stopping at a NUL. */
static inline size_t gdb_strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

/*
 * A packet's arguments, as its schema (commands.c) parsed them:
 *   x  a hex number            -> num[nr_num++]
 *   t  a thread id (hex, -1)   -> tid
 *   a  an annex up to ':'      -> annex, annex_len
 *   *  the rest, maybe empty   -> rest, rest_len
 * Any other schema character must match literally.
 */
struct gdb_args {
	u64 num[3];
	unsigned nr_num;
	long tid;
	const char *annex;
	size_t annex_len;
	const char *rest;
	size_t rest_len;
};

/*
 * A handler builds its reply in st->reply and returns 0 to send it,
 * GDB_NO_REPLY when nothing is sent now (resume, kill), or -errno for an
 * "E NN" reply.
 */
#define GDB_NO_REPLY 1
typedef int (*gdb_handler)(struct gdb_state *st, const struct gdb_args *a);

/* What gdb_input does after sending a reply (st->after). */
enum { GDB_AFTER_NONE, GDB_AFTER_NO_ACK, GDB_AFTER_DETACH, GDB_AFTER_KILL };

/* Reply builders (commands.c); overflow marks the reply bad (E07). */
void gdb_reply_reset(struct gdb_state *st);
void gdb_reply_bytes(struct gdb_state *st, const void *p, size_t n);
void gdb_reply_str(struct gdb_state *st, const char *s);
void gdb_reply_hex(struct gdb_state *st, const void *p, size_t n);
void gdb_reply_u64(struct gdb_state *st, u64 v);        /* hex, no leading zeros */
void gdb_reply_tid(struct gdb_state *st, long tid);
/* "OK" if err is 0; returns err either way (a handler's return value). */
int gdb_reply_ok(struct gdb_state *st, int err);
/* Frame and send data as one packet; kept for a '-'. */
void gdb_send_packet(struct gdb_state *st, const void *data, size_t len);

/* The thread a request for tid (0 or -1: "any") means. */
long gdb_resolve_tid(struct gdb_state *st, long tid);
/* Thread tid of the target into th: 0, or -ESRCH. */
int gdb_find_thread(struct gdb_state *st, long tid, struct gdb_thread *th);
/* "T05thread:1;" and friends, into st->reply. */
void gdb_reply_stop(struct gdb_state *st, const struct gdb_stop *stop);

/*
 * An XML document written through a window: only the bytes at
 * [off, off + len) of the full text are kept, so a long document is
 * served in pieces (qXfer) without ever being held whole. pos counts
 * every byte written, so after writing it all pos is the total length.
 */
struct gdb_xml {
	u8 *buf;
	u64 off;
	size_t len;
	u64 pos;
};
void gdb_xml_put(struct gdb_xml *w, const char *s, size_t n);
void gdb_xml_puts(struct gdb_xml *w, const char *s);
void gdb_xml_put_escaped(struct gdb_xml *w, const char *s, size_t max);  /* &<>"' */
void gdb_xml_put_hex(struct gdb_xml *w, u64 v, bool prefix);            /* 0x... */
void gdb_xml_put_dec(struct gdb_xml *w, unsigned long v);

/* Document writers for qXfer (xfer.c calls them with its window). */
void gdb_write_target_xml(struct gdb_xml *w);
void gdb_write_threads_xml(struct gdb_state *st, struct gdb_xml *w);
int gdb_write_libraries_xml(struct gdb_state *st, struct gdb_xml *w);

/* Handlers, one per packet kind. */
int gdb_cmd_read_regs(struct gdb_state *st, const struct gdb_args *a);
int gdb_cmd_write_regs(struct gdb_state *st, const struct gdb_args *a);
int gdb_cmd_read_reg(struct gdb_state *st, const struct gdb_args *a);
int gdb_cmd_write_reg(struct gdb_state *st, const struct gdb_args *a);
int gdb_cmd_read_mem(struct gdb_state *st, const struct gdb_args *a);
int gdb_cmd_write_mem(struct gdb_state *st, const struct gdb_args *a);
int gdb_cmd_write_mem_bin(struct gdb_state *st, const struct gdb_args *a);
int gdb_cmd_insert_bp(struct gdb_state *st, const struct gdb_args *a);
int gdb_cmd_remove_bp(struct gdb_state *st, const struct gdb_args *a);
int gdb_cmd_continue(struct gdb_state *st, const struct gdb_args *a);
int gdb_cmd_continue_sig(struct gdb_state *st, const struct gdb_args *a);
int gdb_cmd_step(struct gdb_state *st, const struct gdb_args *a);
int gdb_cmd_step_sig(struct gdb_state *st, const struct gdb_args *a);
int gdb_cmd_vcont_query(struct gdb_state *st, const struct gdb_args *a);
int gdb_cmd_vcont(struct gdb_state *st, const struct gdb_args *a);
int gdb_cmd_stop_reason(struct gdb_state *st, const struct gdb_args *a);
int gdb_cmd_set_g_thread(struct gdb_state *st, const struct gdb_args *a);
int gdb_cmd_set_c_thread(struct gdb_state *st, const struct gdb_args *a);
int gdb_cmd_thread_alive(struct gdb_state *st, const struct gdb_args *a);
int gdb_cmd_first_thread(struct gdb_state *st, const struct gdb_args *a);
int gdb_cmd_next_thread(struct gdb_state *st, const struct gdb_args *a);
int gdb_cmd_current_thread(struct gdb_state *st, const struct gdb_args *a);
int gdb_cmd_thread_extra(struct gdb_state *st, const struct gdb_args *a);
int gdb_cmd_xfer_features(struct gdb_state *st, const struct gdb_args *a);
int gdb_cmd_xfer_threads(struct gdb_state *st, const struct gdb_args *a);
int gdb_cmd_xfer_exec_file(struct gdb_state *st, const struct gdb_args *a);
int gdb_cmd_xfer_libraries(struct gdb_state *st, const struct gdb_args *a);

#endif

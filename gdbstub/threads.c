/*
 * Threads: every kernel task is a gdb thread with its pid as id (the
 * target numbers them). H, T, qfThreadInfo/qsThreadInfo, qC,
 * qThreadExtraInfo and the qXfer:threads document, which gdb prefers
 * (names and extra info in one read). Pure code.
 */
#include "internal.h"

/* Hg/Hc tid: 0 and -1 mean the current thread; others must exist. */
static int set_thread(struct gdb_state *st, long *which, long tid)
{
	struct gdb_thread th;

	if (tid > 0 && gdb_find_thread(st, tid, &th))
		return -ESRCH;
	*which = tid;
	return gdb_reply_ok(st, 0);
}

int gdb_cmd_set_g_thread(struct gdb_state *st, const struct gdb_args *a)
{
	return set_thread(st, &st->g_tid, a->tid);
}

int gdb_cmd_set_c_thread(struct gdb_state *st, const struct gdb_args *a)
{
	return set_thread(st, &st->c_tid, a->tid);
}

/* T tid: "OK" if alive; without it gdb says "Thread ID N has terminated". */
int gdb_cmd_thread_alive(struct gdb_state *st, const struct gdb_args *a)
{
	struct gdb_thread th;

	if (a->tid <= 0 || gdb_find_thread(st, a->tid, &th))
		return -ESRCH;
	return gdb_reply_ok(st, 0);
}

/* One "m" reply of ids, "id,id,...", from thread_iter on, as many as fit. */
static int thread_list(struct gdb_state *st)
{
	struct gdb_thread th;
	bool first = true;

	while (st->ops->thread_at(st->target, st->thread_iter, &th) == 0) {
		/* Room for ",", 16 digits and a little slack. */
		if (st->reply_len + 20 > GDB_REPLY_MAX)
			break;
		gdb_reply_str(st, first ? "m" : ",");
		gdb_reply_tid(st, th.id);
		first = false;
		st->thread_iter++;
	}
	if (first)
		gdb_reply_str(st, "l");
	return 0;
}

int gdb_cmd_first_thread(struct gdb_state *st, const struct gdb_args *a)
{
	st->thread_iter = 0;
	return thread_list(st);
}

int gdb_cmd_next_thread(struct gdb_state *st, const struct gdb_args *a)
{
	return thread_list(st);
}

int gdb_cmd_current_thread(struct gdb_state *st, const struct gdb_args *a)
{
	gdb_reply_str(st, "QC");
	gdb_reply_tid(st, gdb_resolve_tid(st, 0));
	return 0;
}

/* qThreadExtraInfo,tid: "name (extra)" in hex (gdb uses qXfer instead). */
int gdb_cmd_thread_extra(struct gdb_state *st, const struct gdb_args *a)
{
	struct gdb_thread th;
	int err = gdb_find_thread(st, a->tid, &th);

	if (err)
		return err;
	gdb_reply_hex(st, th.name, gdb_strnlen(th.name, sizeof(th.name)));
	if (th.extra[0]) {
		gdb_reply_hex(st, " (", 2);
		gdb_reply_hex(st, th.extra, gdb_strnlen(th.extra, sizeof(th.extra)));
		gdb_reply_hex(st, ")", 1);
	}
	return 0;
}

/* <threads><thread id="hex" name="comm">extra</thread>...</threads> */
void gdb_write_threads_xml(struct gdb_state *st, struct gdb_xml *w)
{
	struct gdb_thread th;

	gdb_xml_puts(w, "<?xml version=\"1.0\"?>\n<threads>\n");
	for (unsigned i = 0; st->ops->thread_at(st->target, i, &th) == 0; i++) {
		gdb_xml_puts(w, "<thread id=\"");
		gdb_xml_put_hex(w, th.id, false);
		gdb_xml_puts(w, "\" name=\"");
		gdb_xml_put_escaped(w, th.name, sizeof(th.name));
		gdb_xml_puts(w, "\">");
		gdb_xml_put_escaped(w, th.extra, sizeof(th.extra));
		gdb_xml_puts(w, "</thread>\n");
	}
	gdb_xml_puts(w, "</threads>\n");
}

/*
 * The ring's readers: `trace follow` clients and the trace file, fed by
 * trace_monitor_tick on the monitor thread (every 20 ms while either
 * exists), and the text of records for `trace dump`. The CPU thread never
 * waits for a reader: one the writer laps loses the oldest records, and
 * its text says how many (trace/'s TRACE_LOST line). Monitor thread,
 * except trace_file_start and trace_exit_flush (CPU thread).
 */
#include <glass/errno.h>
#include <glass/debug.h>
#include <glass/mconsole.h>
#include <glass/sched.h>
#include <glass/usersyms.h>
#include <glass/os.h>
#include <glass/os_upcalls.h>
#include <glass/timer.h>
#include "internal.h"

#define TICK_NS (20 * NSEC_PER_MSEC)
/* glass-console gives up after 10 s without a packet. */
#define KEEPALIVE_NS (2 * NSEC_PER_SEC)
#define FOLLOWERS 4
/* Records per follower per tick: a slow client slows the monitor
 * thread (os_mconsole_send waits for it) at most this much at a time. */
#define FOLLOW_BATCH 512

/* A reader's buffers: one record copied out, one line of text. */
struct scratch {
	u64 rec[TRACE_REC_MAX / sizeof(u64)];
	char line[TRACE_LINE_MAX];
};

struct follower {
	bool used;
	struct mc_stream stream;
	struct trace_cursor cur;
	struct trace_fmt fmt;
	u64 last_sent;
};

static struct follower followers[FOLLOWERS];
static int nr_followers;
static struct scratch monitor_scratch;

/* The trace file: fd published by the CPU thread (release) once the
 * rest is set; busy is held by whoever writes it (the monitor's tick, or
 * the CPU thread's last flush at exit). */
static struct {
	int fd;
	int busy;
	struct trace_cursor cur;
	struct trace_fmt fmt;
	struct cmd_out out;
} file = { .fd = -1 };

/* Wall clock minus kernel clock at trace start, for -tt times. */
u64 trace_wall_offset;
/* "name+0xoff" into buf for a fault line's "(name+0xoff)"; its length,
 * 0 when t's program has no symbol for ip. */
static __monitor_text size_t put_symbol(const struct task_struct *t, u64 ip, char *buf,
					size_t size)
{
	const char *name;
	size_t max, n = 0;
	u64 off;
	int d = 0;

	if (!t || !(name = user_sym_lookup(t->mm, ip, &max, &off)))
		return 0;
	while (n < max && name[n] && n + 20 < size) {
		buf[n] = name[n];
		n++;
	}
	buf[n++] = '+';
	buf[n++] = '0';
	buf[n++] = 'x';
	do
		d += 4;
	while (d < 64 && off >> d);
	while ((d -= 4) >= 0)
		buf[n++] = "0123456789abcdef"[(off >> d) & 0xf];
	return n;
}

/* The formatter's lookup (trace_fmt.sym) on the monitor thread: the task
 * if it is still there (fault lines are written after the fact). */
static __monitor_text size_t guest_symbol(void *ctx, u32 pid, u64 ip, char *buf, size_t size)
{
	return put_symbol(snapshot_find(pid), ip, buf, size);
}

/* The same on the CPU thread (the last flush when init exits), which
 * must not use the monitor's snapshot cursor. */
static size_t guest_symbol_cpu(void *ctx, u32 pid, u64 ip, char *buf, size_t size)
{
	return put_symbol(find_task_by_pid(pid), ip, buf, size);
}

void __monitor_text trace_fmt_setup(struct trace_fmt *f)
{
	trace_fmt_init(f, TRACE_FMT_PID | TRACE_FMT_TIME | TRACE_FMT_DURATION);
	f->ts_offset = trace_wall_offset;
	f->sym = guest_symbol;
}

/* Text of the records from *c up to max of them (0: all) into out;
 * returns how many. */
static __monitor_text unsigned long text_records(struct cmd_out *out, struct trace_cursor *c,
						 struct trace_fmt *f, struct scratch *s,
						 unsigned long max)
{
	unsigned long n = 0;

	while (!max || n < max) {
		u64 missed = 0;
		u32 len = trace_ring_read(&trace_ring, c, s->rec, sizeof(s->rec), &missed);

		if (missed) {
			struct trace_lost lost = {
				.h = { .type = TRACE_LOST, .len = sizeof(lost) },
				.count = missed,
			};

			cmd_write(out, s->line, trace_fmt_record(f, &lost, sizeof(lost), s->line,
								 sizeof(s->line)));
		}
		if (!len)
			break;
		cmd_write(out, s->line, trace_fmt_record(f, s->rec, len, s->line,
							 sizeof(s->line)));
		n++;
	}
	return n;
}

void __monitor_text trace_text(struct cmd_out *out, struct trace_cursor *c,
			       struct trace_fmt *f)
{
	text_records(out, c, f, &monitor_scratch, 0);
	cmd_write(out, monitor_scratch.line,
		  trace_fmt_flush(f, monitor_scratch.line, sizeof(monitor_scratch.line)));
}

/* ---- trace follow ---- */

/* A new follower, from `trace follow` (the monitor thread, like the
 * tick): its stream starts at the next record written. */
int __monitor_text trace_follow_start(struct cmd_out *out)
{
	struct follower *fl = NULL;

	for (int i = 0; i < FOLLOWERS && !fl; i++)
		if (!followers[i].used)
			fl = &followers[i];
	if (!fl)
		return -EBUSY;
	if (mconsole_stream_begin(out, &fl->stream))
		return -EOPNOTSUPP;
	trace_cursor_newest(&trace_ring, &fl->cur);
	trace_fmt_setup(&fl->fmt);
	cmd_flush(&fl->stream.out);
	fl->last_sent = 0;
	fl->used = true;
	nr_followers++;
	return 0;
}

int __monitor_text trace_followers(void)
{
	return nr_followers;
}

static __monitor_text void feed_follower(struct follower *fl, u64 now)
{
	struct cmd_out *out = &fl->stream.out;

	if (text_records(out, &fl->cur, &fl->fmt, &monitor_scratch, FOLLOW_BATCH) ||
	    now - fl->last_sent >= KEEPALIVE_NS) {
		/* What is buffered goes out now; with nothing new, an empty
		 * packet tells the client we are here (and us whether it is). */
		cmd_flush(out);
		fl->last_sent = now;
	}
	if (out->failed) {              /* the client went away */
		fl->used = false;
		nr_followers--;
	}
}

/* ---- the trace file ---- */

static __monitor_text int file_emit(void *ctx, const char *data, size_t len, bool err,
				    bool more)
{
	long r = os_write(file.fd, data, len);

	return r < 0 ? (int)r : 0;
}

void trace_file_start(int fd)
{
	trace_cursor_oldest(&trace_ring, &file.cur);
	trace_fmt_setup(&file.fmt);
	cmd_out_init(&file.out, file_emit, NULL);
	__atomic_store_n(&file.fd, fd, __ATOMIC_RELEASE);
}

bool __monitor_text trace_file_active(void)
{
	return __atomic_load_n(&file.fd, __ATOMIC_ACQUIRE) >= 0;
}

/* The file is written by one thread at a time: the monitor's tick, or
 * the CPU thread's last flush at exit. */
static __monitor_text bool file_trylock(void)
{
	return !__atomic_exchange_n(&file.busy, 1, __ATOMIC_ACQUIRE);
}

static __monitor_text void file_unlock(void)
{
	__atomic_store_n(&file.busy, 0, __ATOMIC_RELEASE);
}

/* Write what the ring holds past the file's cursor (file locked). */
static __monitor_text void feed_file(struct scratch *s, bool last)
{
	if (!trace_file_active())
		return;
	text_records(&file.out, &file.cur, &file.fmt, s, 0);
	if (last)
		cmd_write(&file.out, s->line, trace_fmt_flush(&file.fmt, s->line, sizeof(s->line)));
	/* A whole chunk goes out as it fills; the rest now. */
	if (file.out.len)
		cmd_flush(&file.out);
	file.out.failed = 0;    /* a full disk loses text, not the file */
}

u64 __monitor_text trace_monitor_tick(u64 now_ns)
{
	if (trace_file_active() && file_trylock()) {
		feed_file(&monitor_scratch, false);
		file_unlock();
	}
	for (int i = 0; i < FOLLOWERS; i++)
		if (followers[i].used)
			feed_follower(&followers[i], now_ns);
	return trace_file_active() || nr_followers ? now_ns + TICK_NS : 0;
}

void __monitor_text trace_exit_flush(bool monitor)
{
	static struct scratch exit_scratch;

	if (!trace_file_active())
		return;
	/* Held by the monitor: it is writing (microseconds), unless we are
	 * the monitor, panicking inside its own write: then leave the file. */
	while (!file_trylock())
		if (monitor)
			return;
	if (!monitor)
		file.fmt.sym = guest_symbol_cpu;
	feed_file(&exit_scratch, true);
	__atomic_store_n(&file.fd, -1, __ATOMIC_RELEASE);
	file_unlock();
}

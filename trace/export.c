/*
 * Chrome trace-event JSON (the "JSON Array Format" Perfetto and
 * chrome://tracing load): a thread_name metadata event per task,
 * syscalls as complete events ("X", from their exit: ts - dur), faults and
 * signals as instants ("i"), context switches on a "CPU" track
 * (tid 0 of pid 0). Times are microseconds, as the format wants.
 */
#include "internal.h"
#include "decode.h"

#define CPU_TRACK "{\"traceEvents\":[\n" \
	"{\"ph\":\"M\",\"pid\":0,\"tid\":0,\"name\":\"process_name\"," \
	"\"args\":{\"name\":\"Glass\"}},\n" \
	"{\"ph\":\"M\",\"pid\":0,\"tid\":0,\"name\":\"thread_name\"," \
	"\"args\":{\"name\":\"CPU\"}}"

void trace_export_begin(struct trace_export *x, trace_write_fn write,
			void *ctx)
{
	x->write = write;
	x->ctx = ctx;
	x->err = 0;
	x->cpu_open = false;
	x->ntasks = 0;
	trace_fmt_init(&x->fmt, 0);
	/* the CPU track: pid 0, tid 0 */
	x->err = write(ctx, CPU_TRACK, sizeof(CPU_TRACK) - 1);
}

static void emit(struct trace_export *x, struct tbuf *b)
{
	size_t n = tb_done(b);
	int err;

	if (x->err)
		return;
	err = x->write(x->ctx, b->p, n);
	if (err)
		x->err = err;
}

/* A JSON string (quoted, escaped). */
static void json_str(struct tbuf *b, const char *s, size_t n)
{
	size_t i;

	tb_putc(b, '"');
	for (i = 0; i < n && s[i]; i++) {
		u8 c = s[i];

		if (c == '"' || c == '\\') {
			tb_putc(b, '\\');
			tb_putc(b, c);
		} else if (c < 0x20 || c >= 0x7f) {
			tb_puts(b, "\\u00");
			tb_putc(b, "0123456789abcdef"[c >> 4]);
			tb_putc(b, "0123456789abcdef"[c & 15]);
		} else {
			tb_putc(b, c);
		}
	}
	tb_putc(b, '"');
}

/* The strace text of an event as a JSON string: cut so that escaping
 * (6 bytes a byte at worst) stays within x->line. */
#define TEXT_MAX ((sizeof(((struct trace_export *)0)->line) - 512) / 6)

static void json_text(struct tbuf *b, const char *s, size_t n)
{
	if (n && s[n - 1] == '\n')
		n--;
	json_str(b, s, n < TEXT_MAX ? n : TEXT_MAX);
}

/* Microseconds with three decimals. */
static void json_us(struct tbuf *b, u64 ns)
{
	tb_udec(b, ns / 1000);
	tb_putc(b, '.');
	tb_udec_w(b, ns % 1000, 3);
}

static int task_find(struct trace_export *x, u32 pid)
{
	u32 i;

	for (i = 0; i < x->ntasks; i++)
		if (x->task[i].pid == pid)
			return i;
	if (x->ntasks == TRACE_EXPORT_TASKS)
		return -1;
	x->task[x->ntasks].pid = pid;
	x->task[x->ntasks].tgid = pid;
	x->task[x->ntasks].comm[0] = 0;
	x->task[x->ntasks].named = false;
	x->task[x->ntasks].call.open = false;
	return x->ntasks++;
}

static void event_start(struct trace_export *x, struct tbuf *b,
			const char *ph, u32 tgid, u32 tid)
{
	tb_puts(b, ",\n{\"ph\":\"");
	tb_puts(b, ph);
	tb_puts(b, "\",\"pid\":");
	tb_udec(b, tgid);
	tb_puts(b, ",\"tid\":");
	tb_udec(b, tid);
}

/* Name the task's track comm[pid] once its comm is known (again when it
 * changes: exec). */
static void name_task(struct trace_export *x, u32 pid, u32 tgid,
		      const char *comm)
{
	struct tbuf b;
	char name[TRACE_COMM_LEN + 16];
	struct tbuf nb;
	int t = pid ? task_find(x, pid) : -1;	/* 0: the CPU track's */
	u32 i;

	if (t < 0)
		return;
	if (tgid)
		x->task[t].tgid = tgid;
	if (comm) {
		for (i = 0; i < TRACE_COMM_LEN - 1 && comm[i]; i++)
			x->task[t].comm[i] = comm[i];
		x->task[t].comm[i] = 0;
		x->task[t].named = false;
	}
	if (x->task[t].named)
		return;
	x->task[t].named = true;
	tb_init(&nb, name, sizeof(name));
	tb_puts(&nb, x->task[t].comm[0] ? x->task[t].comm : "?");
	tb_putc(&nb, '[');
	tb_udec(&nb, pid);
	tb_putc(&nb, ']');
	tb_done(&nb);
	tb_init(&b, x->line, sizeof(x->line));
	event_start(x, &b, "M", x->task[t].tgid, pid);
	tb_puts(&b, ",\"name\":\"thread_name\",\"args\":{\"name\":");
	json_str(&b, name, sizeof(name));
	tb_puts(&b, "}}");
	emit(x, &b);
}

static u32 tgid_of(struct trace_export *x, u32 pid)
{
	int t = task_find(x, pid);

	return t < 0 ? pid : x->task[t].tgid;
}

/* A syscall's entry: its text kept until its exit makes the slice. */
static void export_sys_enter(struct trace_export *x, const struct trace_sys *s)
{
	int t = task_find(x, s->h.pid);

	if (t < 0)
		return;
	trace_fmt_init(&x->task[t].call, 0);
	trace_fmt_record(&x->task[t].call, s, s->h.len, x->task[t].text,
			 sizeof(x->task[t].text));
}

/* The strace line of a syscall from its exit (and its entry, if kept). */
static size_t sys_text(struct trace_export *x, const struct trace_sys_ret *r)
{
	int t = task_find(x, r->h.pid);
	struct trace_fmt *f = &x->fmt;
	size_t n = 0;

	trace_fmt_init(f, 0);
	if (t >= 0 && x->task[t].call.open && x->task[t].call.open_nr == r->nr) {
		f = &x->task[t].call;
		for (; x->task[t].text[n]; n++)
			x->scratch[n] = x->task[t].text[n];
	}
	n += trace_fmt_record(f, r, r->h.len, x->scratch + n,
			      sizeof(x->scratch) - n);
	if (t >= 0)
		x->task[t].call.open = false;
	return n;
}

static void export_sys(struct trace_export *x, const struct trace_sys_ret *r)
{
	const char *name = trace_syscall_name(r->nr);
	u64 start = r->h.ts > r->dur ? r->h.ts - r->dur : 0;
	struct tbuf b;
	size_t n;

	name_task(x, r->h.pid, 0, NULL);
	n = sys_text(x, r);
	tb_init(&b, x->line, sizeof(x->line));
	event_start(x, &b, "X", tgid_of(x, r->h.pid), r->h.pid);
	tb_puts(&b, ",\"cat\":\"syscall\",\"name\":");
	json_str(&b, name ? name : "syscall", 64);
	tb_puts(&b, ",\"ts\":");
	json_us(&b, start);
	tb_puts(&b, ",\"dur\":");
	json_us(&b, r->dur);
	tb_puts(&b, ",\"args\":{\"strace\":");
	json_text(&b, x->scratch, n);
	tb_puts(&b, "}}");
	emit(x, &b);
}

/* An instant on the task's track, with the text form as its argument. */
static void export_instant(struct trace_export *x, const struct trace_hdr *h,
			   const char *cat, const char *name)
{
	struct tbuf b;
	size_t n;

	name_task(x, h->pid, 0, NULL);
	tb_init(&b, x->line, sizeof(x->line));
	event_start(x, &b, "i", tgid_of(x, h->pid), h->pid);
	tb_puts(&b, ",\"s\":\"t\",\"cat\":\"");
	tb_puts(&b, cat);
	tb_puts(&b, "\",\"name\":");
	json_str(&b, name, 64);
	tb_puts(&b, ",\"ts\":");
	json_us(&b, h->ts);
	trace_fmt_init(&x->fmt, 0);
	n = trace_fmt_record(&x->fmt, h, h->len, x->scratch,
			     sizeof(x->scratch));
	tb_puts(&b, ",\"args\":{\"text\":");
	json_text(&b, x->scratch, n);
	tb_puts(&b, "}}");
	emit(x, &b);
}

/* The CPU track: the running task as a slice from switch to switch. */
static void export_switch(struct trace_export *x, const struct trace_switch *s)
{
	struct tbuf b;
	char name[TRACE_COMM_LEN + 16];
	struct tbuf nb;
	u32 i;

	name_task(x, s->h.pid, 0, s->prev_comm);
	name_task(x, s->next_pid, 0, s->next_comm);
	tb_init(&b, x->line, sizeof(x->line));
	/* end the previous task's slice, begin the next's */
	if (x->cpu_open) {
		event_start(x, &b, "E", 0, 0);
		tb_puts(&b, ",\"ts\":");
		json_us(&b, s->h.ts);
		tb_putc(&b, '}');
	}
	x->cpu_open = true;
	tb_init(&nb, name, sizeof(name));
	for (i = 0; i < TRACE_COMM_LEN && s->next_comm[i]; i++)
		tb_putc(&nb, s->next_comm[i]);
	tb_putc(&nb, '[');
	tb_udec(&nb, s->next_pid);
	tb_putc(&nb, ']');
	tb_done(&nb);
	event_start(x, &b, "B", 0, 0);
	tb_puts(&b, ",\"cat\":\"sched\",\"name\":");
	json_str(&b, name, sizeof(name));
	tb_puts(&b, ",\"ts\":");
	json_us(&b, s->h.ts);
	tb_putc(&b, '}');
	emit(x, &b);
}

int trace_export_record(struct trace_export *x, const void *rec, size_t len)
{
	const struct trace_hdr *h = rec;

	if (x->err || !trace_rec_valid(rec, len))
		return x->err;
	switch (h->type) {
	case TRACE_SYS_ENTER:
		export_sys_enter(x, rec);
		break;
	case TRACE_SYS_EXIT:
		export_sys(x, rec);
		break;
	case TRACE_FAULT:
		export_instant(x, h, "fault", "page fault");
		break;
	case TRACE_SIGNAL_GEN:
	case TRACE_SIGNAL_DELIVER: {
		const struct trace_signal *s = rec;
		const char *n = trace_signal_name(s->sig);

		export_instant(x, h, "signal", n ? n : "signal");
		break;
	}
	case TRACE_SWITCH:
		export_switch(x, rec);
		break;
	case TRACE_FORK: {
		const struct trace_fork *f = rec;

		name_task(x, f->child, h->flags & 1 ? tgid_of(x, h->pid) : 0,
			  f->comm);
		export_instant(x, h, "task", "fork");
		break;
	}
	case TRACE_EXEC:
		name_task(x, h->pid, 0, ((const struct trace_exec *)rec)->comm);
		export_instant(x, h, "task", "exec");
		break;
	case TRACE_TASK: {
		const struct trace_task *t = rec;

		name_task(x, h->pid, t->tgid, t->comm);
		break;
	}
	case TRACE_EXIT:
	case TRACE_WAKEUP:
	case TRACE_LOST:
		export_instant(x, h, "task", h->type == TRACE_EXIT ? "exit" :
			       h->type == TRACE_WAKEUP ? "wakeup" : "lost");
		break;
	}
	return x->err;
}

int trace_export_end(struct trace_export *x)
{
	struct tbuf b;

	if (x->err)
		return x->err;
	tb_init(&b, x->line, sizeof(x->line));
	tb_puts(&b, "\n],\"displayTimeUnit\":\"ns\"}\n");
	emit(x, &b);
	return x->err;
}

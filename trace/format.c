/*
 * strace-format text for trace records, and one-line forms for the events
 * strace does not show (trace/README.md lists them). A syscall's entry
 * writes "PID  name(args-known-at-entry" and leaves the line open; its
 * exit finishes it, or, when another event came between, the line was
 * closed with " <unfinished ...>" and the exit starts "<... name resumed>".
 */
#include "internal.h"
#include "decode.h"

#define RESULT_COLUMN 40

void trace_fmt_init(struct trace_fmt *f, unsigned flags)
{
	f->flags = flags;
	f->ts_offset = 0;
	f->sym = NULL;
	f->sym_ctx = NULL;
	f->open = false;
	f->open_pid = 0;
	f->open_nr = 0;
	f->open_col = 0;
}


static void prefix(struct trace_fmt *f, struct tbuf *b,
		   const struct trace_hdr *h)
{
	if (f->flags & TRACE_FMT_PID) {
		/* strace -f -o: the pid left-justified in 5, a space */
		size_t start = b->len;

		tb_udec(b, h->pid);
		do
			tb_putc(b, ' ');
		while (b->len - start < 6);
	}
	if (f->flags & TRACE_FMT_TIME) {
		u64 t = h->ts + f->ts_offset, s = t / 1000000000;

		tb_udec_w(b, s / 3600 % 24, 2);
		tb_putc(b, ':');
		tb_udec_w(b, s / 60 % 60, 2);
		tb_putc(b, ':');
		tb_udec_w(b, s % 60, 2);
		tb_putc(b, '.');
		tb_udec_w(b, t / 1000 % 1000000, 6);
		tb_putc(b, ' ');
	}
}

/* Close an open syscall line before another event's text. */
static void close_open(struct trace_fmt *f, struct tbuf *b)
{
	if (!f->open)
		return;
	tb_puts(b, " <unfinished ...>\n");
	f->open = false;
}

size_t trace_fmt_flush(struct trace_fmt *f, char *buf, size_t size)
{
	struct tbuf b;

	tb_init(&b, buf, size);
	close_open(f, &b);
	return tb_done(&b);
}

/* clone on x86-64, as strace names its arguments. */
static void fmt_clone(struct tbuf *b, const struct trace_sys *s)
{
	u64 flags = s->args[0];

	tb_puts(b, "child_stack=");
	trace_decode_arg(b, s, s->nr, 1, s->args[1]);
	tb_puts(b, ", flags=");
	trace_decode_arg(b, s, s->nr, 0, flags);
	if (flags & 0x100000) {
		tb_puts(b, ", parent_tid=");
		trace_decode_arg(b, s, s->nr, 2, s->args[2]);
	}
	if (flags & 0x80000) {
		tb_puts(b, ", tls=");
		tb_hex(b, s->args[4]);
	}
	if (flags & 0x1200000) {
		tb_puts(b, ", child_tidptr=");
		trace_decode_arg(b, s, s->nr, 3, s->args[3]);
	}
}

static void fmt_enter(struct trace_fmt *f, struct tbuf *b,
		      const struct trace_sys *s)
{
	const struct sys_desc *d = trace_sys_desc(s->nr);
	unsigned n = trace_decode_nargs(s->nr, s->args, s->nargs);
	size_t start;
	u8 i;

	close_open(f, b);
	start = b->len;
	prefix(f, b, &s->h);
	if (d) {
		tb_puts(b, trace_syscall_name(s->nr));
	} else {
		tb_puts(b, "syscall_");
		tb_hex(b, s->nr);
	}
	tb_putc(b, '(');
	if (s->nr == __NR_clone && s->nargs == 5) {
		fmt_clone(b, s);
		i = n;
	} else {
		for (i = 0; i < n; i++) {
			if (trace_arg_at_exit(s->nr, s->args, i))
				break;
			if (i)
				tb_puts(b, ", ");
			trace_decode_arg_at(b, s, s->nr, s->args, i);
		}
	}
	if (i && i < n)
		tb_puts(b, ", ");
	f->open = true;
	f->open_pid = s->h.pid;
	f->open_nr = s->nr;
	f->open_col = b->len - start;
	for (i = 0; i < 6; i++)
		f->open_args[i] = i < s->nargs ? s->args[i] : 0;
}

/* strace lines its results up: "= " at column 40, or after one space
 * (TRACE_FMT_ALIGN); else always after one space. */
static void tab_to_result(struct trace_fmt *f, struct tbuf *b, size_t col)
{
	if (!(f->flags & TRACE_FMT_ALIGN))
		col = RESULT_COLUMN;
	do
		tb_putc(b, ' ');
	while (++col < RESULT_COLUMN);
	tb_puts(b, "= ");
}

static void fmt_ret(struct trace_fmt *f, struct tbuf *b,
		    const struct trace_sys_ret *r, const u64 *args, size_t col)
{
	tab_to_result(f, b, col);
	trace_decode_ret(b, r->nr, r->ret, args);
	if (r->nr == __NR_poll || r->nr == __NR_ppoll) {
		/* strace: = 1 ([{fd=3, revents=POLLIN}]), = 0 (Timeout) */
		if (!r->ret) {
			tb_puts(b, " (Timeout)");
		} else if (r->ret > 0) {
			tb_puts(b, " (");
			trace_decode_poll_result(b, r);
			tb_putc(b, ')');
		}
	}
	if (f->flags & TRACE_FMT_DURATION) {
		tb_puts(b, " <");
		tb_udec(b, r->dur / 1000000000);
		tb_putc(b, '.');
		tb_udec_w(b, r->dur / 1000 % 1000000, 6);
		tb_putc(b, '>');
	}
	tb_putc(b, '\n');
}

static void fmt_exit(struct trace_fmt *f, struct tbuf *b,
		     const struct trace_sys_ret *r)
{
	const struct sys_desc *d = trace_sys_desc(r->nr);
	const u64 *args = r->nargs ? r->args : NULL;
	unsigned n = r->nargs;
	bool first = true;
	size_t start = b->len, col = 0;
	u8 i;

	if (f->open && f->open_pid == r->h.pid && f->open_nr == r->nr) {
		/* entry printed the arguments up to the first exit one */
		f->open = false;
		args = f->open_args;
		n = d ? d->nargs : 0;
		col = f->open_col;
	} else {
		close_open(f, b);
		start = b->len;
		prefix(f, b, &r->h);
		tb_puts(b, "<... ");
		tb_puts(b, d ? trace_syscall_name(r->nr) : "syscall");
		tb_puts(b, " resumed>");
	}
	n = trace_decode_nargs(r->nr, args, n);
	for (i = 0; d && i < n && !trace_arg_at_exit(r->nr, args, i); i++)
		;
	for (; i < n; i++) {
		if (!first)
			tb_puts(b, ", ");
		first = false;
		trace_decode_arg_at(b, r, r->nr, args, i);
	}
	tb_putc(b, ')');
	fmt_ret(f, b, r, args, col + b->len - start);
}

static void put_comm(struct tbuf *b, const char *comm)
{
	u32 i;

	for (i = 0; i < TRACE_COMM_LEN && comm[i]; i++)
		tb_putc(b, comm[i]);
}


static const char *const outcome_names[TRACE_FAULT_NR_OUTCOMES] = {
	[TRACE_FAULT_ZERO] = "zero-page",
	[TRACE_FAULT_ANON] = "anon",
	[TRACE_FAULT_COW] = "cow",
	[TRACE_FAULT_REUSE] = "cow-reuse",
	[TRACE_FAULT_FILE_CACHED] = "file-cached",
	[TRACE_FAULT_FILE_READ] = "file-read",
	[TRACE_FAULT_STACK] = "stack",
	[TRACE_FAULT_SIGSEGV] = "SIGSEGV",
	[TRACE_FAULT_SIGBUS] = "SIGBUS",
	[TRACE_FAULT_OOM] = "oom-kill",
	[TRACE_FAULT_SPURIOUS] = "spurious",
};

/* PID  --- fault 0x7f.. read ip=0x401000 (main+0x10) anon, 2 round trips --- */
static void fmt_fault(struct trace_fmt *f, struct tbuf *b,
		      const struct trace_fault *e)
{
	char sym[128];
	size_t n = 0;

	prefix(f, b, &e->h);
	tb_puts(b, "--- fault ");
	tb_hex(b, e->addr);
	tb_puts(b, e->h.flags & TRACE_ACC_EXEC ? " exec" :
		   e->h.flags & TRACE_ACC_WRITE ? " write" : " read");
	if (!(e->h.flags & TRACE_ACC_USER))
		tb_puts(b, " (kernel)");
	tb_puts(b, " ip=");
	tb_hex(b, e->ip);
	if (f->sym)
		n = f->sym(f->sym_ctx, e->h.pid, e->ip, sym, sizeof(sym));
	if (n && n < sizeof(sym)) {
		tb_puts(b, " (");
		tb_putn(b, sym, n);
		tb_putc(b, ')');
	}
	tb_putc(b, ' ');
	if (e->outcome < TRACE_FAULT_NR_OUTCOMES && outcome_names[e->outcome])
		tb_puts(b, outcome_names[e->outcome]);
	else
		tb_puts(b, "?");
	if (e->outcome == TRACE_FAULT_SIGSEGV || e->outcome == TRACE_FAULT_SIGBUS) {
		tb_putc(b, ' ');
		trace_decode_si_code(b, e->outcome == TRACE_FAULT_SIGSEGV ?
				     11 : 7, e->si_code);
	}
	tb_puts(b, ", ");
	tb_udec(b, e->round_trips);
	tb_puts(b, e->round_trips == 1 ? " round trip ---\n" :
		   " round trips ---\n");
}

static const char *const reason_names[] = {
	[TRACE_SW_BLOCK] = "blocked",
	[TRACE_SW_PREEMPT] = "preempted",
	[TRACE_SW_YIELD] = "yield",
	[TRACE_SW_EXIT] = "exit",
	[TRACE_SW_STOP] = "stopped",
};

/* PID  --- switch sh[3] -> init[1] blocked on pipe_wait --- */
static void fmt_switch(struct trace_fmt *f, struct tbuf *b,
		       const struct trace_switch *e)
{
	prefix(f, b, &e->h);
	tb_puts(b, "--- switch ");
	put_comm(b, e->prev_comm);
	tb_putc(b, '[');
	tb_udec(b, e->h.pid);
	tb_puts(b, "] -> ");
	put_comm(b, e->next_comm);
	tb_putc(b, '[');
	tb_udec(b, e->next_pid);
	tb_puts(b, "] ");
	if (e->h.flags < sizeof(reason_names) / sizeof(reason_names[0]) &&
	    reason_names[e->h.flags])
		tb_puts(b, reason_names[e->h.flags]);
	else
		tb_putc(b, '?');
	if (e->h.flags == TRACE_SW_BLOCK && e->wchan[0]) {
		tb_puts(b, " on ");
		put_comm(b, e->wchan);
	}
	tb_puts(b, " ---\n");
}

static void fmt_signal(struct trace_fmt *f, struct tbuf *b,
		       const struct trace_signal *e)
{
	prefix(f, b, &e->h);
	if (e->h.type == TRACE_SIGNAL_DELIVER) {
		/* strace: --- SIGCHLD {si_signo=SIGCHLD, si_code=...} --- */
		tb_puts(b, "--- ");
		trace_decode_sig(b, e->sig);
		tb_putc(b, ' ');
		trace_decode_siginfo(b, e);
		tb_puts(b, " ---\n");
		return;
	}
	tb_puts(b, "--- send ");
	trace_decode_sig(b, e->sig);
	tb_puts(b, " to ");
	tb_udec(b, e->target);
	tb_puts(b, e->h.flags == TRACE_SIG_IGNORED ? " (ignored)" :
		   e->h.flags == TRACE_SIG_ALREADY ? " (already pending)" : "");
	tb_puts(b, " ---\n");
}

static void fmt_exit_task(struct trace_fmt *f, struct tbuf *b,
			  const struct trace_exit *e)
{
	if (f->open && f->open_pid == e->h.pid) {
		/* exit_group(0) = ? : the syscall never returned */
		tb_putc(b, ')');
		tab_to_result(f, b, f->open_col + 1);
		tb_puts(b, "?\n");
		f->open = false;
	}
	close_open(f, b);
	prefix(f, b, &e->h);
	if (e->status & 0x7f) {
		tb_puts(b, "+++ killed by ");
		trace_decode_sig(b, e->status & 0x7f);
		tb_puts(b, e->status & 0x80 ? " (core dumped) +++\n" : " +++\n");
	} else {
		tb_puts(b, "+++ exited with ");
		tb_udec(b, (e->status >> 8) & 0xff);
		tb_puts(b, " +++\n");
	}
}

static void fmt_other(struct trace_fmt *f, struct tbuf *b, const void *rec)
{
	const struct trace_hdr *h = rec;

	close_open(f, b);
	prefix(f, b, h);
	switch (h->type) {
	case TRACE_WAKEUP: {
		const struct trace_wakeup *e = rec;

		tb_puts(b, "--- wakeup ");
		tb_udec(b, e->target);
		break;
	}
	case TRACE_FORK: {
		const struct trace_fork *e = rec;

		tb_puts(b, h->flags & 1 ? "--- thread " : "--- fork ");
		tb_udec(b, e->child);
		tb_puts(b, " comm=");
		put_comm(b, e->comm);
		break;
	}
	case TRACE_EXEC: {
		const struct trace_exec *e = rec;
		size_t room = h->len - sizeof(*e), n = 0;

		while (n < room && e->path[n])  /* the record pads past the NUL */
			n++;
		tb_puts(b, "--- exec ");
		trace_decode_quoted(b, e->path, n, TRACE_PATHSIZE, false);
		tb_puts(b, " comm=");
		put_comm(b, e->comm);
		break;
	}
	case TRACE_TASK: {
		const struct trace_task *e = rec;

		tb_puts(b, "--- task comm=");
		put_comm(b, e->comm);
		tb_puts(b, " tgid=");
		tb_udec(b, e->tgid);
		break;
	}
	case TRACE_LOST: {
		const struct trace_lost *e = rec;

		tb_puts(b, "--- lost ");
		tb_udec(b, e->count);
		tb_puts(b, " events");
		break;
	}
	}
	tb_puts(b, " ---\n");
}

size_t trace_fmt_record(struct trace_fmt *f, const void *rec, size_t len,
			char *buf, size_t size)
{
	const struct trace_hdr *h = rec;
	struct tbuf b;

	tb_init(&b, buf, size);
	if (!trace_rec_valid(rec, len)) {
		close_open(f, &b);
		tb_puts(&b, "--- invalid record ---\n");
		return tb_done(&b);
	}
	switch (h->type) {
	case TRACE_SYS_ENTER:
		fmt_enter(f, &b, rec);
		break;
	case TRACE_SYS_EXIT:
		fmt_exit(f, &b, rec);
		break;
	case TRACE_FAULT:
		close_open(f, &b);
		fmt_fault(f, &b, rec);
		break;
	case TRACE_SWITCH:
		close_open(f, &b);
		fmt_switch(f, &b, rec);
		break;
	case TRACE_SIGNAL_GEN:
	case TRACE_SIGNAL_DELIVER:
		close_open(f, &b);
		fmt_signal(f, &b, rec);
		break;
	case TRACE_EXIT:
		fmt_exit_task(f, &b, rec);
		break;
	default:
		fmt_other(f, &b, rec);
		break;
	}
	return tb_done(&b);
}

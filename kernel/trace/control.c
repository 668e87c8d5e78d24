/*
 * Turning the tracer on and off: the `trace` command (one entry at the
 * end of kernel/mconsole/commands.c's table, CMD_ANYWHERE) and the command
 * line's trace= and trace_file= (trace_boot). `trace status`, `dump` and
 * `follow` read the ring right there on the monitor thread, so they work
 * while the kernel is stopped; `syscalls|faults|sched ...`, `off` and
 * `export` go on to the CPU thread (mconsole_defer), where the hooks run,
 * so those never see half a change.
 */
#include <glass/kernel.h>
#include <glass/mconsole.h>
#include <glass/os.h>
#include <glass/sched.h>
#include <glass/timer.h>
#include <glass/uapi_fs.h>
#include "internal.h"

static u64 ring_mem[TRACE_RING_SIZE / sizeof(u64)];
static char file_path[256];

/* Start the sources spec names with its selection (CPU thread). */
static void trace_apply(const struct trace_spec *spec)
{
	unsigned int was = trace_mask;

	if (spec->sources & TRACE_SYSCALLS)
		trace_active[0] = *spec;
	if (spec->sources & TRACE_FAULTS)
		trace_active[1] = *spec;
	trace_gen++;
	trace_wall_offset = ktime_get_real_ns() - ktime_get_ns();
	trace_mask |= spec->sources;
	if (!was)
		trace_emit_tasks();
}

static int open_file(const char *path, char *err, size_t errlen)
{
	int fd;

	if (path)
		strscpy(file_path, path, sizeof(file_path));
	else
		scnprintf(file_path, sizeof(file_path), "%s/trace", os_umid_dir());
	/* After a reboot the trace goes on in the same file. */
	fd = os_open(file_path, O_WRONLY | O_CREAT | O_NOFOLLOW |
		     (os_rebooted() ? O_APPEND : O_TRUNC), 0600);
	if (fd < 0) {
		scnprintf(err, errlen, "glass: trace_file: cannot open %s: error %d", file_path,
			  -fd);
		return fd;
	}
	/* The umid directory goes at exit: with the trace in it, it stays,
	 * as after a panic it stays with the core. */
	if (!path)
		os_umid_keep();
	trace_file_start(fd);
	return 0;
}

int trace_boot(const char *spec_str, const char *path, char *err, size_t errlen)
{
	struct trace_spec spec;
	int r;

	trace_ring_init(&trace_ring, ring_mem, sizeof(ring_mem));
	trace_wall_offset = ktime_get_real_ns() - ktime_get_ns();
	if (spec_str) {
		r = trace_spec_parse(spec_str, &spec, err, errlen);
		if (r)
			return r;
		trace_apply(&spec);
	}
	return spec_str || path ? open_file(path, err, errlen) : 0;
}

/* ---- the commands ---- */

static const char *const source_names[] = { "syscalls", "faults", "sched" };

/* " (" before a source's first detail, ", " before the others. */
static __monitor_text void detail(struct cmd_out *out, bool *open, const char *what)
{
	cmd_puts(out, *open ? ", " : " (");
	cmd_puts(out, what);
	*open = true;
}

/* "syscalls (pid=3, follow, 12 syscalls)" for trace status. */
static __monitor_text void put_source(struct cmd_out *out, int i)
{
	const struct trace_spec *s = &trace_active[i];
	unsigned long n = 0;
	bool open = false;

	cmd_puts(out, source_names[i]);
	if (i == 2)                     /* sched: every task */
		return;
	if (s->pid) {
		detail(out, &open, "pid=");
		cmd_putu(out, s->pid, 0);
	} else if (s->comm[0]) {
		detail(out, &open, "comm=");
		cmd_putsn(out, s->comm, sizeof(s->comm), 0);
	}
	if (s->follow)
		detail(out, &open, "follow");
	if (s->filtered) {
		for (unsigned long w = 0; w < ARRAY_SIZE(s->set); w++)
			for (unsigned long b = s->set[w]; b; b &= b - 1)
				n++;
		detail(out, &open, "");
		cmd_putu(out, n, 0);
		cmd_puts(out, " syscalls");
	}
	if (open)
		cmd_putc(out, ')');
}

static __monitor_text void trace_status(struct cmd_out *out)
{
	unsigned int mask = __atomic_load_n(&trace_mask, __ATOMIC_RELAXED);
	struct trace_ring_stats st;
	bool first = true;

	cmd_puts(out, "tracing: ");
	for (int i = 0; i < 3; i++) {
		if (!(mask & (1U << i)))
			continue;
		if (!first)
			cmd_puts(out, ", ");
		put_source(out, i);
		first = false;
	}
	if (first)
		cmd_puts(out, "off");
	trace_ring_stats(&trace_ring, &st);
	cmd_puts(out, "\nevents: ");
	cmd_putu(out, st.written, 0);
	cmd_puts(out, " written, ");
	cmd_putu(out, st.dropped, 0);
	cmd_puts(out, " dropped (overwritten by newer ones: the ring keeps the last ");
	cmd_putu(out, trace_ring.size >> 10, 0);
	cmd_puts(out, " KiB; ");
	cmd_putu(out, st.bytes, 0);
	cmd_puts(out, " bytes written)\nfile: ");
	if (trace_file_active())
		cmd_putsn(out, file_path, sizeof(file_path), 0);
	else
		cmd_puts(out, "none");
	cmd_puts(out, "\nfollowers: ");
	cmd_putu(out, trace_followers(), 0);
	cmd_putc(out, '\n');
}

/* After the subcommand's word. */
static __monitor_text const char *skip_word(const char *s)
{
	while (*s && *s != ' ' && *s != '\t')
		s++;
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

static __monitor_text void trace_dump(struct cmd_out *out, const char *args)
{
	static struct trace_fmt fmt;
	struct trace_cursor c;
	u64 n = 0;

	args = skip_word(args);
	if (!*args) {
		n = 100;
	} else {
		for (; *args >= '0' && *args <= '9' && n < 1000000000; args++)
			n = n * 10 + (u64)(*args - '0');
		if (*args || !n) {
			cmd_error(out, "trace dump: N is a number of events above 0 "
				  "(default 100)");
			return;
		}
	}
	trace_fmt_setup(&fmt);
	trace_cursor_last(&trace_ring, &c, n);
	trace_text(out, &c, &fmt);
}

static __monitor_text void trace_follow(struct cmd_out *out)
{
	int err = trace_follow_start(out);

	if (err == -EBUSY)
		cmd_error(out, "trace follow: too many clients follow already (4)");
	else if (err)
		cmd_error(out, "trace follow streams to an mconsole client "
			  "(glass-console UMID trace follow); gdb's monitor cannot: "
			  "use trace dump");
}

static void trace_off(struct cmd_out *out)
{
	trace_mask = 0;
	cmd_puts(out, "tracing off; trace dump and trace export still read the buffer");
}

static void trace_start(struct cmd_out *out, const char *args)
{
	struct trace_spec spec;
	char err[256];

	if (trace_spec_parse(args, &spec, err, sizeof(err))) {
		cmd_error(out, err);
		return;
	}
	trace_apply(&spec);
	trace_status(out);
}

static int export_write(void *ctx, const char *buf, size_t len)
{
	long r = os_write(*(int *)ctx, buf, len);

	return r < 0 ? (int)r : 0;
}

static void trace_export(struct cmd_out *out, const char *args)
{
	static struct trace_export x;
	static u64 rec[TRACE_REC_MAX / sizeof(u64)];
	const char *path = skip_word(args);
	struct trace_cursor c;
	unsigned long n = 0;
	int fd, err = 0;
	char msg[600];
	u64 missed;
	u32 len;

	if (!*path) {
		cmd_error(out, "trace export: give the file to write (Chrome trace-event "
			  "JSON, which Perfetto opens)");
		return;
	}
	fd = os_open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		scnprintf(msg, sizeof(msg), "trace export: cannot open %s: error %d", path, -fd);
		cmd_error(out, msg);
		return;
	}
	trace_export_begin(&x, export_write, &fd);
	trace_cursor_oldest(&trace_ring, &c);
	while (!err && (len = trace_ring_read(&trace_ring, &c, rec, sizeof(rec), &missed))) {
		err = trace_export_record(&x, rec, len);
		n++;
	}
	err = err ?: trace_export_end(&x);
	os_close(fd);
	if (err) {
		scnprintf(msg, sizeof(msg), "trace export: writing %s failed: error %d", path,
			  -err);
		cmd_error(out, msg);
		return;
	}
	cmd_printf(out, "trace export: %lu events to %s (open it in https://ui.perfetto.dev)",
		   n, path);
}

/* Is args's first word w? */
static __monitor_text bool word_is(const char *args, const char *w)
{
	while (*w && *args == *w) {
		args++;
		w++;
	}
	return !*w && (!*args || *args == ' ' || *args == '\t');
}

/* What changes the tracing: the CPU thread, at a safe point. */
static void trace_cpu(struct cmd_out *out, const char *args)
{
	if (word_is(args, "off"))
		trace_off(out);
	else if (word_is(args, "export"))
		trace_export(out, args);
	else
		trace_start(out, args);
}

static const struct command trace_cpu_cmd = {
	"trace", "", "the tracer's changes", CMD_SAFE_POINT, trace_cpu,
};

void __monitor_text cmd_trace(struct cmd_out *out, const char *args)
{
	if (word_is(args, "status"))
		trace_status(out);
	else if (word_is(args, "dump"))
		trace_dump(out, args);
	else if (word_is(args, "follow"))
		trace_follow(out);
	else
		mconsole_defer(out, &trace_cpu_cmd, args);
}

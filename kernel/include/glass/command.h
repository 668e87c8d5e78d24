/*
 * The one command table (rule one-command-table): every introspection or control
 * command is an entry with its name, help text, handler and the context it
 * needs. mconsole and gdb's `monitor` reach the same entries.
 * Handlers write their output through a struct cmd_out, which streams it
 * to the client in chunks of at most CMD_OUT_CHUNK bytes.
 */
#ifndef GLASS_COMMAND_H
#define GLASS_COMMAND_H

#include <glass/types.h>
#include <glass/monitor.h>

enum cmd_context {
	/* The monitor thread, under rule monitor-never-blocks: no allocation, no kernel lock,
	 * no libc call that locks. Works while the kernel runs, is stopped
	 * or is wedged. Kernel state is read as a snapshot. */
	CMD_ANYWHERE,
	/* The CPU thread, from its event loop; must not sleep. */
	CMD_SAFE_POINT,
	/* The mconsole kernel thread (kernel/mconsole/mconsole.c): may sleep.
	 * From gdb's monitor they are queued and run once the kernel
	 * continues (it is stopped under gdb), with no reply. */
	CMD_TASK,
};

#define CMD_OUT_CHUNK 511       /* one mconsole packet's payload */

/* Where a chunk goes: err on the first chunk only, more on all but the
 * last. Returns 0 or -errno (then the rest of the output is dropped). */
typedef int (*cmd_emit_t)(void *ctx, const char *data, size_t len, bool err,
			  bool more);

struct cmd_out {
	char buf[CMD_OUT_CHUNK];
	size_t len;
	bool err;               /* the reply is an error */
	bool emitted;           /* a chunk went out: err is fixed now */
	bool finished;
	int failed;             /* first emit error; output dropped since */
	cmd_emit_t emit;
	void *ctx;
};

struct command {
	const char *name;
	const char *usage;      /* arguments, "" if none */
	const char *help;       /* one line */
	enum cmd_context context;
	/* args: the request after the command word, blanks skipped. */
	void (*handler)(struct cmd_out *out, const char *args);
};

extern const struct command command_table[];
extern const size_t command_count;
/* The entry whose name is a prefix of data's first word (UML's rule). */
const struct command *command_find(const char *data);
/* The table's handlers that live outside kernel/mconsole: go (anywhere)
 * and stop (parks the CPU) in kernel/debug/stop.c, inject in
 * kernel/debug/inject.c, core in kernel/diag/core_dump.c, insmod, rmmod
 * and lsmod in kernel/module/mconsole.c, gcov in coverage/gcov_cmd.c. */
void cmd_go(struct cmd_out *out, const char *args);
void cmd_stop(struct cmd_out *out, const char *args);
void cmd_inject(struct cmd_out *out, const char *args);
void cmd_core(struct cmd_out *out, const char *args);
void cmd_insmod(struct cmd_out *out, const char *args);
void cmd_rmmod(struct cmd_out *out, const char *args);
void cmd_lsmod(struct cmd_out *out, const char *args);
void cmd_gcov(struct cmd_out *out, const char *args);
/* profile and gprof: profiling/profile.c and profiling/gprof.c. */
void cmd_profile(struct cmd_out *out, const char *args);
void cmd_gprof(struct cmd_out *out, const char *args);
/* The tracer's, in kernel/trace/control.c: anywhere; what changes the
 * tracing goes on to the CPU thread (mconsole_defer). */
void cmd_trace(struct cmd_out *out, const char *args);

/* ---- output (kernel/mconsole/output.c); any context ---- */
void cmd_out_init(struct cmd_out *out, cmd_emit_t emit, void *ctx);
void cmd_write(struct cmd_out *out, const char *s, size_t n);
void cmd_puts(struct cmd_out *out, const char *s);
void cmd_putc(struct cmd_out *out, char c);
/* Unsigned decimal, right-aligned in width (0: no padding). */
void cmd_putu(struct cmd_out *out, u64 v, int width);
/* Lower-case hex, zero-padded to width digits (0: no padding). */
void cmd_putx(struct cmd_out *out, u64 v, int width);
/* s, at most max bytes of it, left-aligned in width and printable only. */
void cmd_putsn(struct cmd_out *out, const char *s, size_t max, int width);
/* Mark the reply as an error and write msg. Effective only before the
 * first chunk went out (the protocol carries err on the first packet). */
void cmd_error(struct cmd_out *out, const char *msg);
/* Send what is buffered now, as a packet with more set. */
void cmd_flush(struct cmd_out *out);
/* Send the last packet (more clear). Exactly once per reply. */
void cmd_finish(struct cmd_out *out);
/* printf-style: vsprintf is not monitor code, so CPU-thread commands only. */
__printf(2, 3) void cmd_printf(struct cmd_out *out, const char *fmt, ...);

#endif

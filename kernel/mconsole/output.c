/*
 * Command output: handlers append to a fixed buffer of one packet's
 * payload; a full buffer goes out as a chunk with `more` set as soon as
 * another byte arrives, so the last chunk is always the one cmd_finish()
 * sends. err rides on the first chunk only. No allocation, no lock, no
 * libc call (all but cmd_printf): any context, the monitor thread too.
 */
#include <glass/command.h>
#include <glass/kernel.h>

void __monitor_text cmd_out_init(struct cmd_out *out, cmd_emit_t emit, void *ctx)
{
	out->len = 0;
	out->err = false;
	out->emitted = false;
	out->finished = false;
	out->failed = 0;
	out->emit = emit;
	out->ctx = ctx;
}

static __monitor_text void emit_chunk(struct cmd_out *out, bool more)
{
	if (!out->failed)
		out->failed = out->emit(out->ctx, out->buf, out->len,
					out->err && !out->emitted, more);
	out->emitted = true;
	out->len = 0;
}

void __monitor_text cmd_write(struct cmd_out *out, const char *s, size_t n)
{
	while (n) {
		if (out->len == CMD_OUT_CHUNK)
			emit_chunk(out, true);
		while (n && out->len < CMD_OUT_CHUNK) {
			out->buf[out->len++] = *s++;
			n--;
		}
	}
}

void __monitor_text cmd_putc(struct cmd_out *out, char c)
{
	cmd_write(out, &c, 1);
}

void __monitor_text cmd_puts(struct cmd_out *out, const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	cmd_write(out, s, n);
}

static __monitor_text void put_base(struct cmd_out *out, u64 v, unsigned base,
				    int width, char pad)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[sizeof(tmp) - 1 - n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	for (; width > n; width--)
		cmd_putc(out, pad);
	cmd_write(out, tmp + sizeof(tmp) - n, n);
}

void __monitor_text cmd_putu(struct cmd_out *out, u64 v, int width)
{
	put_base(out, v, 10, width, ' ');
}

void __monitor_text cmd_putx(struct cmd_out *out, u64 v, int width)
{
	put_base(out, v, 16, width, '0');
}

void __monitor_text cmd_putsn(struct cmd_out *out, const char *s, size_t max, int width)
{
	int n = 0;

	for (size_t i = 0; s && i < max && s[i]; i++, n++)
		cmd_putc(out, s[i] >= ' ' && s[i] < 0x7f ? s[i] : '?');
	for (; width > n; n++)
		cmd_putc(out, ' ');
}

void __monitor_text cmd_error(struct cmd_out *out, const char *msg)
{
	if (!out->emitted)
		out->err = true;
	cmd_puts(out, msg);
}

void __monitor_text cmd_flush(struct cmd_out *out)
{
	if (out->finished)
		return;
	emit_chunk(out, true);
}

void __monitor_text cmd_finish(struct cmd_out *out)
{
	if (out->finished)
		return;
	emit_chunk(out, false);
	out->finished = true;
}

void cmd_printf(struct cmd_out *out, const char *fmt, ...)
{
	char tmp[CMD_OUT_CHUNK + 1];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vscnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	cmd_write(out, tmp, n);
}

/*
 * libFuzzer target for the trace decoders (trace/): the input is, in
 * turn, a stream of records as a reader gets them (each may be anything:
 * trace_rec_valid must refuse what the formatter and export cannot take),
 * and a syscall built from it (first byte: syscall number, then six
 * arguments, a return value, then guest memory the builder reads from),
 * whose records must be valid and format without harm. Text must stay
 * within its buffer and NUL-terminated; the export must stay within its
 * sink.
 * Build: make build-fuzz/tests/fuzz/fuzz_trace_format
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <trace/trace.h>

static const uint8_t *mem;
static size_t memlen;
#define MEM_BASE 0x10000

static int fz_copy(void *ctx, void *dst, u64 a, u32 len)
{
	if (a < MEM_BASE || a - MEM_BASE > memlen || len > memlen - (a - MEM_BASE))
		return -14;
	memcpy(dst, mem + (a - MEM_BASE), len);
	return 0;
}

static long fz_copy_str(void *ctx, char *dst, u64 a, u32 len)
{
	for (u32 i = 0; i < len; i++) {
		if (fz_copy(ctx, dst + i, a + i, 1))
			return -14;
		if (!dst[i])
			return i;
	}
	return len;
}

static const struct trace_uaccess ua = { fz_copy, fz_copy_str, NULL };

static int sink(void *ctx, const char *buf, size_t len)
{
	if (strnlen(buf, len) != len)
		abort();	/* JSON never holds a NUL */
	return 0;
}

static void text(struct trace_fmt *f, const void *rec, size_t len)
{
	static char out[TRACE_LINE_MAX];
	size_t n = trace_fmt_record(f, rec, len, out, sizeof(out));

	if (n >= sizeof(out) || out[n] || strlen(out) != n)
		abort();
}

static struct trace_export x;
static u64 rec[TRACE_REC_MAX / 8 + 1];

int LLVMFuzzerTestOneInput(const uint8_t *buf, size_t len)
{
	struct trace_fmt f;
	u64 args[6];
	s64 ret;
	size_t off = 0;
	u32 n, nr;

	/* records, as a reader would get them from a ring */
	trace_fmt_init(&f, TRACE_FMT_PID | TRACE_FMT_TIME | TRACE_FMT_DURATION);
	trace_export_begin(&x, sink, NULL);
	while (len - off >= sizeof(struct trace_hdr)) {
		size_t l = ((const struct trace_hdr *)(buf + off))->len;

		if (l < sizeof(struct trace_hdr) || l > len - off)
			l = len - off;
		if (l > TRACE_REC_MAX)
			l = TRACE_REC_MAX;
		memcpy(rec, buf + off, l);	/* aligned, as from a ring */
		if (trace_rec_valid(rec, l) > l)
			abort();
		text(&f, rec, l);
		trace_export_record(&x, rec, l);
		off += l;
	}
	trace_export_end(&x);

	/* one syscall built from the input */
	if (len < 1 + 2 + 8 * 7)
		return 0;
	nr = buf[0] | buf[1] << 8;
	nr %= 460;
	memcpy(args, buf + 2, sizeof(args));
	memcpy(&ret, buf + 2 + sizeof(args), 8);
	for (int i = 0; i < 6; i++)	/* pointers into the input, mostly */
		if (args[i] >> 63)
			args[i] = MEM_BASE + (args[i] & 0xffff);
	mem = buf + 58;
	memlen = len - 58;
	trace_fmt_init(&f, 0);
	n = trace_build_sys_enter(rec, sizeof(rec), 7, 1, nr, args, &ua);
	if (!n || trace_rec_valid(rec, n) != n)
		abort();
	text(&f, rec, n);
	n = trace_build_sys_exit(rec, sizeof(rec), 7, 2, nr, args, ret, 1, &ua);
	if (!n || trace_rec_valid(rec, n) != n)
		abort();
	text(&f, rec, n);
	return 0;
}

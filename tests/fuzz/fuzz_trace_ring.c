/*
 * libFuzzer target for the trace ring buffer (trace/ring.c): the input is
 * a program of writes (of lengths it gives) and reads by three readers
 * (from the oldest, following, and the last n), interleaved. Every record
 * read must be whole and the one expected after what the reader was told
 * it missed; the counts must add up.
 * Build: make build-fuzz/tests/fuzz/fuzz_trace_ring
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <trace/trace.h>

#define RING TRACE_REC_MAX
static u64 space[RING / 8];
static u64 rec[TRACE_REC_MAX / 8];

static void put(struct trace_ring *r, u64 n, u32 len)
{
	struct trace_lost *l = (void *)rec;

	l->h.type = TRACE_LOST;
	l->h.flags = 0;
	l->h.len = len;
	l->h.pid = 0;
	l->h.ts = n;
	l->count = n;
	for (u32 i = 3; i < len / 8; i++)
		rec[i] = n ^ i;
	if (trace_ring_write(r, rec))
		abort();
}

static u64 check(const u64 *b, u32 len)
{
	const struct trace_lost *l = (const void *)b;

	if (l->h.len != len || l->h.ts != l->count || len < 24)
		abort();
	for (u32 i = 3; i < len / 8; i++)
		if (b[i] != (l->count ^ i))
			abort();
	return l->count;
}

int LLVMFuzzerTestOneInput(const uint8_t *buf, size_t len)
{
	static u64 out[TRACE_REC_MAX / 8];
	struct trace_ring r;
	struct trace_cursor c[3];
	struct trace_ring_stats st;
	u64 next[3] = { 0 }, written = 0, missed;
	bool started[3] = { true, false, false };

	if (trace_ring_init(&r, space, sizeof(space)))
		abort();
	trace_cursor_oldest(&r, &c[0]);
	for (size_t i = 0; i < len; i++) {
		u8 op = buf[i];
		int k = op & 3;

		if (k == 3) {		/* write 24..528 bytes */
			put(&r, written++, 24 + 8 * (op >> 2));
			continue;
		}
		if (!started[k]) {
			if (k == 1)
				trace_cursor_newest(&r, &c[k]);
			else
				trace_cursor_last(&r, &c[k], op >> 2);
			next[k] = c[k].seq;
			started[k] = true;
			continue;
		}
		u32 l = trace_ring_read(&r, &c[k], out, sizeof(out), &missed);

		next[k] += missed;
		if (l) {
			if (check(out, l) != next[k])
				abort();
			next[k]++;
		}
		if (next[k] != c[k].seq || c[k].seq > written)
			abort();
	}
	trace_ring_stats(&r, &st);
	if (st.written != written || st.dropped > written)
		abort();
	/* the oldest reader drains to the end: what it read and missed is all */
	for (;;) {
		u32 l = trace_ring_read(&r, &c[0], out, sizeof(out), &missed);

		next[0] += missed;
		if (!l)
			break;
		if (check(out, l) != next[0])
			abort();
		next[0]++;
	}
	if (next[0] != written || c[0].seq != written)
		abort();
	return 0;
}

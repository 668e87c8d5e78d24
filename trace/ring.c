/*
 * The trace ring buffer: one writer that never waits, lock-free readers
 * (trace.h says how). Data moves in 8-byte words with relaxed atomic
 * accesses, so a reader racing the writer reads stale or new words, never
 * torn ones, and then finds out from tail which it got.
 */
#include <glass/errno.h>
#include <trace/trace.h>

#define LOAD(p) __atomic_load_n(p, __ATOMIC_ACQUIRE)
#define STORE(p, v) __atomic_store_n(p, v, __ATOMIC_RELEASE)

int trace_ring_init(struct trace_ring *r, void *buf, size_t size)
{
	u64 sz = 1;

	if (size < TRACE_REC_MAX || ((uintptr_t)buf & 7))
		return -EINVAL;
	while (sz * 2 <= size)
		sz *= 2;
	*r = (struct trace_ring){ .data = buf, .size = sz };
	return 0;
}

static u64 *word(const struct trace_ring *r, u64 pos)
{
	return (u64 *)(r->data + (pos & (r->size - 1)));
}

/* The length of the record at pos, read by the writer (no race). */
static u32 len_at(const struct trace_ring *r, u64 pos)
{
	struct trace_hdr h;

	*(u64 *)&h = __atomic_load_n(word(r, pos), __ATOMIC_RELAXED);
	return h.len;
}

/* Writer: make room for len bytes by dropping the oldest records. */
static void make_room(struct trace_ring *r, u32 len)
{
	u64 tail = r->tail, seq = r->tail_seq, dropped;

	if (r->head + len - tail <= r->size)
		return;
	while (r->head + len - tail > r->size) {
		tail += len_at(r, tail);
		seq++;
	}
	dropped = r->dropped + seq - r->tail_seq;
	/* gen odd: readers retry. The release fence orders the new tail
	 * before the data that overwrites the dropped records: a reader
	 * that copied new data then sees the new tail. */
	__atomic_store_n(&r->gen, r->gen + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	__atomic_store_n(&r->tail, tail, __ATOMIC_RELAXED);
	__atomic_store_n(&r->tail_seq, seq, __ATOMIC_RELAXED);
	__atomic_store_n(&r->dropped, dropped, __ATOMIC_RELAXED);
	STORE(&r->gen, r->gen + 1);
	__atomic_thread_fence(__ATOMIC_RELEASE);
}

int trace_ring_write(struct trace_ring *r, const void *rec)
{
	const struct trace_hdr *h = rec;
	const u64 *src = rec;
	u32 len = h->len, i;

	if (len < sizeof(*h) || len > TRACE_REC_MAX || (len & 7))
		return -EINVAL;
	make_room(r, len);
	for (i = 0; i < len / 8; i++)
		__atomic_store_n(word(r, r->head + 8 * i), src[i],
				 __ATOMIC_RELAXED);
	/* Publish: readers that see the new head see the record. */
	STORE(&r->head_seq, r->head_seq + 1);
	STORE(&r->head, r->head + len);
	return 0;
}

/* Reader: a consistent (tail, tail_seq) pair. */
static void read_tail(const struct trace_ring *r, u64 *tail, u64 *seq)
{
	u64 g;

	for (;;) {
		g = LOAD(&r->gen);
		*tail = __atomic_load_n(&r->tail, __ATOMIC_RELAXED);
		*seq = __atomic_load_n(&r->tail_seq, __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (!(g & 1) && __atomic_load_n(&r->gen, __ATOMIC_RELAXED) == g)
			return;
	}
}

void trace_cursor_oldest(const struct trace_ring *r, struct trace_cursor *c)
{
	read_tail(r, &c->pos, &c->seq);
}

void trace_cursor_newest(const struct trace_ring *r, struct trace_cursor *c)
{
	/* head_seq is stored before head: read head first, then a seq that
	 * may be one ahead is corrected by reading head again. */
	for (;;) {
		u64 pos = LOAD(&r->head), seq = LOAD(&r->head_seq);

		if (LOAD(&r->head) == pos && LOAD(&r->head_seq) == seq) {
			c->pos = pos;
			c->seq = seq;
			return;
		}
	}
}

void trace_cursor_last(const struct trace_ring *r, struct trace_cursor *c,
		       u64 n)
{
	struct trace_cursor end;
	u64 skip;

	trace_cursor_newest(r, &end);
	trace_cursor_oldest(r, c);
	if (end.seq - c->seq <= n)
		return;
	/* Walk forward from the oldest; a lap restarts at the new oldest. */
	for (skip = end.seq - c->seq - n; skip; skip--) {
		u64 tail, seq;
		struct trace_hdr h;

		*(u64 *)&h = __atomic_load_n(word(r, c->pos), __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		read_tail(r, &tail, &seq);
		if (tail > c->pos || h.len < sizeof(h) || (h.len & 7)) {
			c->pos = tail;
			c->seq = seq;
			return;
		}
		c->pos += h.len;
		c->seq++;
	}
}

u32 trace_ring_read(const struct trace_ring *r, struct trace_cursor *c,
		    void *buf, size_t size, u64 *missed)
{
	u64 *dst = buf;
	u64 tail, seq, head;
	struct trace_hdr h;
	u32 i;

	*missed = 0;
	if (size < TRACE_REC_MAX)
		return 0;	/* a record might not fit: never loop on it */
	for (;;) {
		read_tail(r, &tail, &seq);
		if (c->pos < tail) {
			*missed += seq - c->seq;
			c->pos = tail;
			c->seq = seq;
		}
		/* after tail: head is then at least c->pos */
		head = LOAD(&r->head);
		if (c->pos >= head)
			return 0;
		*(u64 *)&h = __atomic_load_n(word(r, c->pos), __ATOMIC_RELAXED);
		if (h.len < sizeof(h) || h.len > size || (h.len & 7) ||
		    c->pos + h.len > head)
			continue;	/* overwritten under us: tail moved */
		for (i = 0; i < h.len / 8; i++)
			dst[i] = __atomic_load_n(word(r, c->pos + 8 * i),
						 __ATOMIC_RELAXED);
		/* Still ours if the writer has not dropped it meanwhile. */
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		read_tail(r, &tail, &seq);
		if (tail > c->pos)
			continue;
		c->pos += h.len;
		c->seq++;
		return h.len;
	}
}

void trace_ring_stats(const struct trace_ring *r, struct trace_ring_stats *st)
{
	st->written = LOAD(&r->head_seq);
	st->dropped = LOAD(&r->dropped);
	st->bytes = LOAD(&r->head);
}

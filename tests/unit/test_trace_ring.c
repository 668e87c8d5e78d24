/* The trace ring buffer (trace/ring.c): wrap, drop counting, cursors, and
 * a reader on a second thread racing the writer. */
#include <check.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <trace/trace.h>
#include "check_run.h"

#define RING 4096
static u64 space[RING / 8 + 8];
static struct trace_ring ring;

/* A lost record (24 bytes) whose count is the sequence number n, padded
 * to len bytes with a pattern derived from n. */
static void put(u64 n, u32 len)
{
	u64 rec[TRACE_REC_MAX / 8];
	struct trace_lost *l = (void *)rec;
	u32 i;

	memset(l, 0, sizeof(*l));
	l->h.type = TRACE_LOST;
	l->h.len = len;
	l->h.pid = n & 0xffff;
	l->h.ts = n * 10;
	l->count = n;
	for (i = sizeof(*l) / 8; i < len / 8; i++)
		rec[i] = n * 1000003 + i;
	if (trace_ring_write(&ring, rec))
		ck_abort_msg("write refused");
}

/* The record is intact: its pattern matches its count. */
static u64 check_rec(const u64 *rec, u32 len)
{
	const struct trace_lost *l = (const void *)rec;
	u32 i;

	bool ok = l->h.type == TRACE_LOST && l->h.len == len &&
		  l->h.ts == l->count * 10;

	for (i = sizeof(*l) / 8; ok && i < len / 8; i++)
		ok = rec[i] == l->count * 1000003 + i;
	ck_assert_msg(ok, "record %llu torn", (unsigned long long)l->count);
	return l->count;
}

static void setup(void)
{
	ck_assert_int_eq(trace_ring_init(&ring, space, RING), 0);
}

START_TEST(init_refuses_small_or_misaligned)
{
	ck_assert_int_eq(trace_ring_init(&ring, space, TRACE_REC_MAX - 8), -22);
	ck_assert_int_eq(trace_ring_init(&ring, (char *)space + 4, RING), -22);
	/* rounded down to a power of two */
	ck_assert_int_eq(trace_ring_init(&ring, space, RING + 24), 0);
	ck_assert_uint_eq(ring.size, RING);
}
END_TEST

START_TEST(write_refuses_bad_records)
{
	u64 rec[4] = { 0 };
	struct trace_hdr *h = (void *)rec;

	h->type = TRACE_LOST;
	h->len = 12;
	ck_assert_int_eq(trace_ring_write(&ring, rec), -22);
	h->len = 8;
	ck_assert_int_eq(trace_ring_write(&ring, rec), -22);
	h->len = TRACE_REC_MAX + 8;
	ck_assert_int_eq(trace_ring_write(&ring, rec), -22);
}
END_TEST

START_TEST(read_in_order_then_empty)
{
	struct trace_cursor c;
	u64 buf[TRACE_REC_MAX / 8], missed, i;

	trace_cursor_oldest(&ring, &c);
	ck_assert_uint_eq(trace_ring_read(&ring, &c, buf, sizeof(buf), &missed), 0);
	for (i = 0; i < 10; i++)
		put(i, 24 + 8 * i);
	for (i = 0; i < 10; i++) {
		ck_assert_uint_eq(trace_ring_read(&ring, &c, buf, sizeof(buf),
						  &missed), 24 + 8 * i);
		ck_assert_uint_eq(missed, 0);
		ck_assert_uint_eq(check_rec(buf, 24 + 8 * i), i);
	}
	ck_assert_uint_eq(trace_ring_read(&ring, &c, buf, sizeof(buf), &missed), 0);
}
END_TEST

/* Records that straddle the end of the buffer come out whole, and a full
 * ring drops the oldest, counting them. */
START_TEST(wrap_drops_oldest_and_counts)
{
	struct trace_ring_stats st;
	struct trace_cursor c;
	u64 buf[TRACE_REC_MAX / 8], missed, i, n = 0, first = ~0ull;

	for (i = 0; i < 1000; i++)
		put(i, 40);	/* 40 does not divide 4096: records straddle */
	trace_ring_stats(&ring, &st);
	ck_assert_uint_eq(st.written, 1000);
	ck_assert_uint_eq(st.bytes, 40000);
	/* 4096 / 40 = 102 records fit */
	ck_assert_uint_eq(st.dropped, 1000 - 102);
	trace_cursor_oldest(&ring, &c);
	ck_assert_uint_eq(c.seq, 1000 - 102);
	while (trace_ring_read(&ring, &c, buf, sizeof(buf), &missed)) {
		u64 k = check_rec(buf, 40);

		if (first == ~0ull)
			first = k;
		ck_assert_uint_eq(k, first + n);
		n++;
	}
	ck_assert_uint_eq(first, 1000 - 102);
	ck_assert_uint_eq(n, 102);
}
END_TEST

/* A reader left behind learns how many it missed, then goes on from the
 * oldest record kept. */
START_TEST(lapped_reader_counts_missed)
{
	struct trace_cursor c;
	u64 buf[TRACE_REC_MAX / 8], missed, i;

	put(0, 64);
	trace_cursor_oldest(&ring, &c);
	for (i = 1; i < 300; i++)
		put(i, 64);	/* 64 records fit */
	ck_assert_uint_eq(trace_ring_read(&ring, &c, buf, sizeof(buf), &missed), 64);
	ck_assert_uint_eq(missed, 300 - 64);
	ck_assert_uint_eq(check_rec(buf, 64), 300 - 64);
	ck_assert_uint_eq(trace_ring_read(&ring, &c, buf, sizeof(buf), &missed), 64);
	ck_assert_uint_eq(missed, 0);
	ck_assert_uint_eq(check_rec(buf, 64), 300 - 63);
}
END_TEST

START_TEST(cursor_newest_and_last)
{
	struct trace_cursor c;
	u64 buf[TRACE_REC_MAX / 8], missed, i;

	for (i = 0; i < 20; i++)
		put(i, 32);
	trace_cursor_newest(&ring, &c);
	ck_assert_uint_eq(trace_ring_read(&ring, &c, buf, sizeof(buf), &missed), 0);
	put(20, 32);
	ck_assert_uint_eq(trace_ring_read(&ring, &c, buf, sizeof(buf), &missed), 32);
	ck_assert_uint_eq(check_rec(buf, 32), 20);
	trace_cursor_last(&ring, &c, 3);
	for (i = 18; i <= 20; i++) {
		ck_assert_uint_eq(trace_ring_read(&ring, &c, buf, sizeof(buf),
						  &missed), 32);
		ck_assert_uint_eq(check_rec(buf, 32), i);
	}
	ck_assert_uint_eq(trace_ring_read(&ring, &c, buf, sizeof(buf), &missed), 0);
	/* more than there are: from the oldest */
	trace_cursor_last(&ring, &c, 1000);
	ck_assert_uint_eq(trace_ring_read(&ring, &c, buf, sizeof(buf), &missed), 32);
	ck_assert_uint_eq(check_rec(buf, 32), 0);
}
END_TEST

/* The monitor thread's situation: a reader on another thread while the
 * writer never waits. Every record the reader gets is intact and in
 * order; what it got plus what it was told it missed is everything. */
#define RACE_N 1000000
static volatile int writer_done;

static void *reader(void *arg)
{
	static u64 buf[TRACE_REC_MAX / 8];
	struct trace_cursor c = { 0, 0 };
	u64 *counts = arg, missed, next = 0;
	u32 len;

	for (;;) {
		int done = __atomic_load_n(&writer_done, __ATOMIC_ACQUIRE);

		while ((len = trace_ring_read(&ring, &c, buf, sizeof(buf), &missed))) {
			u64 k = check_rec(buf, len);

			if (k != next + missed)
				ck_abort_msg("record %llu after %llu, %llu missed",
					     (unsigned long long)k,
					     (unsigned long long)next,
					     (unsigned long long)missed);
			next = k + 1;
			counts[0]++;
			counts[1] += missed;
		}
		counts[1] += missed;
		next += missed;
		if (done)
			break;
	}
	counts[2] = next;
	return NULL;
}

/* Writer speed, for the README (printed, not asserted). */
START_TEST(writer_speed)
{
	u64 rec[5] = { 0 };
	struct trace_hdr *h = (void *)rec;
	struct timespec t0, t1;
	const int n = 2000000;
	double ns;

	h->type = TRACE_SYS_EXIT;
	h->len = 40;	/* a getppid exit */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < n; i++) {
		h->ts = i;
		trace_ring_write(&ring, rec);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ns = ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / n;
	printf("ring writer: %.1f ns per 40-byte record, %.1f M records/s\n",
	       ns, 1e3 / ns);
}
END_TEST

START_TEST(concurrent_reader)
{
	pthread_t t;
	u64 counts[3] = { 0 }, i;
	struct trace_ring_stats st;

	writer_done = 0;
	ck_assert_int_eq(pthread_create(&t, NULL, reader, counts), 0);
	/* yielding now and then lets the reader both keep up and be lapped */
	for (i = 0; i < RACE_N; i++) {
		put(i, 24 + 8 * (i % 13));
		if (i % 128 == 0)
			sched_yield();
	}
	__atomic_store_n(&writer_done, 1, __ATOMIC_RELEASE);
	pthread_join(t, NULL);
	trace_ring_stats(&ring, &st);
	ck_assert_uint_eq(counts[2], RACE_N);
	ck_assert_uint_eq(counts[0] + counts[1], RACE_N);
	ck_assert_uint_ge(st.dropped, counts[1] > 0 ? 1 : 0);
	ck_assert_uint_gt(counts[0], 0);
	printf("concurrent reader: read %llu, missed %llu of %d\n",
	       (unsigned long long)counts[0], (unsigned long long)counts[1],
	       RACE_N);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("trace_ring");
	TCase *tc = tcase_create("ring");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, init_refuses_small_or_misaligned);
	tcase_add_test(tc, write_refuses_bad_records);
	tcase_add_test(tc, read_in_order_then_empty);
	tcase_add_test(tc, wrap_drops_oldest_and_counts);
	tcase_add_test(tc, lapped_reader_counts_missed);
	tcase_add_test(tc, cursor_newest_and_last);
	tcase_add_test(tc, writer_speed);
	tcase_add_test(tc, concurrent_reader);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(suite(), CK_FORK_GETENV);
}

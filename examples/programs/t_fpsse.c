/*
 * FP and SSE state across preemption: two threads run long x87, SSE2
 * scalar and packed-SSE computations whose results must equal values
 * computed once before the threads start and fixed ones known exactly. The
 * threads' register contents differ, so a context switch that loses or
 * swaps FP/SSE state gives a wrong result. Built with -pthread.
 */
#include <emmintrin.h>
#include <pthread.h>
#include <stdint.h>
#include <time.h>

#include "check.h"

#define N 2000000

struct result {
	double series;          /* scalar SSE2 doubles */
	long double x87;        /* x87 extended precision */
	double packed[2];       /* packed SSE2 */
	uint32_t ints[4];       /* packed integer SSE2 */
	double exact;           /* exactly representable sum */
};

static void compute(int k, struct result *r)
{
	volatile double scale = 1.0 + k; /* keeps the compiler from folding */
	double s = 0;
	long double x = 0;
	__m128d acc = _mm_setzero_pd();
	__m128i ia = _mm_setzero_si128();
	double e = 0;

	for (int i = 1; i <= N; i++) {
		double di = i;
		s += scale / (di * di);
		x += (long double)scale / ((long double)di * di * di);
		acc = _mm_add_pd(acc, _mm_div_pd(_mm_set_pd(scale, 2 * scale), _mm_set_pd(di, di + 1)));
		ia = _mm_add_epi32(ia, _mm_set_epi32(i, k * i, i ^ k, 3));
		e += di * 0.5 * scale;  /* exact: multiples of 0.5 below 2^53 */
	}
	r->series = s;
	r->x87 = x;
	_mm_storeu_pd(r->packed, acc);
	_mm_storeu_si128((__m128i *)r->ints, ia);
	r->exact = e;
}

static struct result expect[2];
static int mismatches[2];
static int rounds[2];

static int same(const struct result *a, const struct result *b)
{
	return !memcmp(&a->series, &b->series, sizeof(double)) && a->x87 == b->x87 &&
	       !memcmp(a->packed, b->packed, sizeof(a->packed)) && !memcmp(a->ints, b->ints, sizeof(a->ints)) &&
	       a->exact == b->exact;
}

static void *worker(void *arg)
{
	int k = (int)(intptr_t)arg;
	struct timespec t0, t;
	struct result r;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* At least 6 rounds and about a second: many timer ticks. */
	do {
		compute(k, &r);
		if (!same(&r, &expect[k]))
			mismatches[k]++;
		rounds[k]++;
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while (rounds[k] < 6 || (t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9 < 1.0);
	return NULL;
}

int main(void)
{
	pthread_t t[2];

	for (int k = 0; k < 2; k++)
		compute(k, &expect[k]);
	/* Exact values: sum of i*0.5*(1+k) for i = 1..N, and integer lanes. */
	for (int k = 0; k < 2; k++) {
		double want = 0.5 * (1 + k) * ((double)N * (N + 1) / 2);
		uint32_t lane0 = 3u * N;
		CHECK(k ? "fp_exact_reference_k1" : "fp_exact_reference_k0",
		      expect[k].exact == want && expect[k].ints[0] == lane0 &&
			      expect[k].ints[3] == (uint32_t)((uint64_t)N * (N + 1) / 2),
		      "exact %.1f want %.1f", expect[k].exact, want);
	}
	for (int k = 0; k < 2; k++)
		pthread_create(&t[k], NULL, worker, (void *)(intptr_t)k);
	for (int k = 0; k < 2; k++)
		pthread_join(t[k], NULL);
	CHECK("fp_sse_thread0_preempted", mismatches[0] == 0, "%d of %d rounds wrong", mismatches[0], rounds[0]);
	CHECK("fp_sse_thread1_preempted", mismatches[1] == 0, "%d of %d rounds wrong", mismatches[1], rounds[1]);
	return check_done();
}

/*
 * monoclock N: sample CLOCK_MONOTONIC every 100 ms, N times, and print
 * the largest gap between samples. The stop tests run it while the kernel
 * is stopped for seconds: the kernel's clocks stand still during a stop,
 * so the largest gap stays near 100 ms.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 50;
	struct timespec tick = { 0, 100 * 1000000 };
	long long last = now_ms(), gap = 0;

	printf("monoclock ready\n");
	fflush(stdout);
	for (int i = 0; i < n; i++) {
		long long t;

		nanosleep(&tick, NULL);
		t = now_ms();
		if (t - last > gap)
			gap = t - last;
		last = t;
	}
	printf("max_gap_ms %lld\n", gap);
	return 0;
}

/*
 * sleeplat: wake-up latency beside busy tasks (a fairness check for the
 * scheduler, not a benchmark).
 *
 * sleeplat sleep N: sleep 1 ms N times and print "sleeplat: N wake-ups,
 * average latency A us, worst W us" (latency = time slept beyond 1 ms).
 * sleeplat getppid: call getppid without end (a task that lives in syscalls).
 * sleeplat forkloop N: `for (;;) fork();` in a process group of its own;
 * half a second later, sleep 1 ms N times beside it as above, then kill
 * the group until it is gone ("sleeplat: fork loop gone"). Run it under
 * max_tasks= so fork meets a limit.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000LL + t.tv_nsec / 1000;
}

static int sleeper(int n)
{
	struct timespec ms = { 0, 1000000 };
	long long total = 0, worst = 0;

	for (int i = 0; i < n; i++) {
		long long t0 = now_us(), late;

		nanosleep(&ms, NULL);
		late = now_us() - t0 - 1000;
		total += late;
		if (late > worst)
			worst = late;
	}
	printf("sleeplat: %d wake-ups, average latency %lld us, worst %lld us\n",
	       n, total / n, worst);
	return 0;
}

static int forkloop(int n)
{
	struct timespec tick = { 0, 20000000 }, half = { 0, 500000000 };
	int rounds = 0;
	pid_t leader = fork();

	if (leader < 0) {
		perror("sleeplat: fork");
		return 1;
	}
	if (leader == 0) {
		setpgid(0, 0);
		for (;;)
			fork();
	}
	setpgid(leader, leader);
	nanosleep(&half, NULL);
	sleeper(n);
	/* Kill the group until it is empty (a member may be mid-fork). */
	while (kill(-leader, SIGKILL) == 0 && rounds < 500) {
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		nanosleep(&tick, NULL);
		rounds++;
	}
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	printf("sleeplat: fork loop gone after %d rounds\n", rounds);
	return rounds < 500 ? 0 : 1;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc > 2 && !strcmp(argv[1], "sleep"))
		return sleeper(atoi(argv[2]));
	if (argc > 1 && !strcmp(argv[1], "getppid"))
		for (;;)
			syscall(SYS_getppid);
	if (argc > 2 && !strcmp(argv[1], "forkloop"))
		return forkloop(atoi(argv[2]));
	fprintf(stderr, "usage: sleeplat sleep N | getppid | forkloop N\n");
	return 2;
}

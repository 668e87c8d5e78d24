/*
 * walltime: run a command once and say what it cost, with nothing in
 * between (bench.sh's boot section). /usr/bin/time + timeout cost ~14 ms
 * of their own on a VM (two more execs and dynamic loads), more than the
 * boot they measured.
 *   walltime [-t SECONDS] COMMAND [ARGS...]
 * spawns COMMAND (posix_spawnp: PATH searched, vfork's cheap clone, not
 * a copy of walltime's page tables), waits for it and prints on
 * stderr, after whatever the command wrote:
 *   WALLTIME <wall us> <user+sys cpu us> <max rss KB> <exit status>
 * Wall is the spawn to the command's exit. CPU and RSS (the largest) are of
 * every process under it: walltime is their subreaper and waits for
 * the ones the command left behind (glass's stubs, killed by PDEATHSIG
 * when it exits, which glass never waits for), so CPU is what
 * `perf stat`'s task-clock says, not only the command's own threads.
 * After SECONDS (default 30) the command is killed (SIGKILL) and the
 * status is 128+9; leftovers still alive 5 s later are not waited for.
 * Exits with the command's status (128+signal if a signal ended it), 127
 * if it could not run.
 * Host tool, not a guest.
 */
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static long long tv_us(struct timeval tv)
{
	return tv.tv_sec * 1000000LL + tv.tv_usec;
}

static volatile sig_atomic_t timed_out;

static void on_alarm(int sig)
{
	timed_out = 1;
}

extern char **environ;

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	unsigned int timeout = 30;
	struct rusage ru;
	long long t0, t1;
	int arg = 1, st, code;
	pid_t pid;
	int err;

	if (argc > 2 && !strcmp(argv[1], "-t")) {
		timeout = strtoul(argv[2], NULL, 10);
		arg = 3;
	}
	if (arg >= argc) {
		fprintf(stderr, "usage: walltime [-t SECONDS] COMMAND [ARGS...]\n");
		return 2;
	}
	/* No SA_RESTART: the alarm interrupts waitpid. */
	sigaction(SIGALRM, &sa, NULL);
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	t0 = now_us();
	err = posix_spawnp(&pid, argv[arg], NULL, NULL, argv + arg, environ);
	if (err) {
		fprintf(stderr, "walltime: %s: %s\n", argv[arg], strerror(err));
		return 127;
	}
	alarm(timeout);
	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR) {
			perror("walltime: waitpid");
			return 127;
		}
		if (timed_out) {
			kill(pid, SIGKILL);
			timed_out = 0;
			alarm(5);       /* bounds the waits that follow */
		}
	}
	t1 = now_us();
	while (!timed_out && (waitpid(-1, NULL, __WALL) > 0 || errno == EINTR))
		;
	getrusage(RUSAGE_CHILDREN, &ru);
	code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	fprintf(stderr, "WALLTIME %lld %lld %ld %d\n", t1 - t0,
		tv_us(ru.ru_utime) + tv_us(ru.ru_stime), ru.ru_maxrss, code);
	return code;
}

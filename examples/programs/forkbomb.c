/*
 * forkbomb [HOLD]: a fork bomb in a process group of its own (every process
 * forks again, without end) that must meet fork's limit: Glass's max_tasks
 * gives EAGAIN. The first process watches from outside the group: once the
 * bomb has seen EAGAIN a few times (or after 30 s) it prints what fork
 * returned, holds the bomb HOLD seconds (default 0: so a test can count
 * the host processes meanwhile; it prints "forkbomb: holding" first),
 * then kills the whole group and waits until it is gone.
 * Exit 0 when fork failed with EAGAIN and nothing else.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct shared {
	volatile int forks, eagain, other, other_errno;
};

static void bomb(struct shared *sh)
{
	struct timespec ms = { 0, 1000000 };

	for (;;) {
		pid_t pid = fork();
		if (pid > 0) {
			__sync_fetch_and_add(&sh->forks, 1);
		} else if (pid < 0) {
			if (errno == EAGAIN) {
				__sync_fetch_and_add(&sh->eagain, 1);
			} else {
				sh->other_errno = errno;
				__sync_fetch_and_add(&sh->other, 1);
			}
			nanosleep(&ms, NULL);
		}
		/* pid == 0: the child goes on forking too. */
	}
}

int main(int argc, char **argv)
{
	int hold = argc > 1 ? atoi(argv[1]) : 0;
	struct shared *sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct timespec tick = { 0, 20000000 };

	setvbuf(stdout, NULL, _IONBF, 0);
	if (sh == MAP_FAILED) {
		perror("forkbomb: mmap");
		return 2;
	}
	pid_t leader = fork();
	if (leader < 0) {
		perror("forkbomb: fork");
		return 2;
	}
	if (leader == 0) {
		setpgid(0, 0);
		bomb(sh);
	}
	setpgid(leader, leader);
	for (int i = 0; i < 1500 && sh->eagain < 20; i++)
		nanosleep(&tick, NULL);
	printf("forkbomb: %d forks, fork failed with EAGAIN %d times, with another error %d times%s%s\n",
	       sh->forks, sh->eagain, sh->other, sh->other ? ": " : "",
	       sh->other ? strerror(sh->other_errno) : "");
	if (hold > 0) {
		printf("forkbomb: holding\n");
		sleep(hold);
	}
	/* Kill the group until it is empty (a member may be mid-fork). */
	int rounds = 0;
	while (kill(-leader, SIGKILL) == 0 && rounds < 500) {
		while (waitpid(leader, NULL, WNOHANG) > 0)
			;
		nanosleep(&tick, NULL);
		rounds++;
	}
	waitpid(leader, NULL, 0);
	printf("forkbomb: group gone after %d rounds\n", rounds);
	return sh->eagain > 0 && sh->other == 0 && rounds < 500 ? 0 : 1;
}

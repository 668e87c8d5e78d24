/*
 * ptrace_rt: a raw ptrace round trip on this host, the floor for a guest
 * syscall under a ptrace-based kernel. A tracer runs a child that loops
 * on getppid under PTRACE_SYSEMU; each round trip is SYSEMU + waitpid +
 * GETREGS + SETREGS (the tracer answers the syscall itself).
 * Prints "BENCH ptrace_roundtrip <us> <n>". Host tool, not a guest.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef PTRACE_SYSEMU
#define PTRACE_SYSEMU 31
#endif

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 50000;
	struct user_regs_struct regs;
	int st;

	pid_t pid = fork();
	if (pid == 0) {
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		raise(SIGSTOP);
		for (;;)
			syscall(SYS_getppid);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFSTOPPED(st)) {
		fprintf(stderr, "ptrace_rt: child did not stop\n");
		return 1;
	}
	ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_EXITKILL | PTRACE_O_TRACESYSGOOD);
	/* Warm up, then measure. */
	for (int pass = 0; pass < 2; pass++) {
		long iters = pass ? n : n / 10 + 1;
		double t = now();
		for (long i = 0; i < iters; i++) {
			if (ptrace(PTRACE_SYSEMU, pid, 0, 0) < 0 || waitpid(pid, &st, 0) != pid) {
				perror("ptrace_rt");
				kill(pid, SIGKILL);
				return 1;
			}
			ptrace(PTRACE_GETREGS, pid, 0, &regs);
			regs.rax = getpid();
			ptrace(PTRACE_SETREGS, pid, 0, &regs);
		}
		if (pass)
			printf("BENCH ptrace_roundtrip %.3f %ld\n", (now() - t) / iters, iters);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return 0;
}

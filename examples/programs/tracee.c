/*
 * tracee: a target for ministrace whose syscalls are the same natively
 * and in Glass (raw write, no stdio: stdio probes whether stdout is a
 * tty). Writes, forks a child that writes and exits 3, waits for it,
 * makes a failing call, exits 0.
 *   tracee loop N: N getppid calls (the syscalls-per-second figure).
 *   tracee hold: a child stops for us as its tracer (PTRACE_TRACEME,
 *   SIGSTOP) and stays in its tracing stop while we sleep (for ps).
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	pid_t c;
	int st = 0;

	if (argc > 2 && !strcmp(argv[1], "loop")) {
		for (long i = atol(argv[2]); i > 0; i--)
			syscall(SYS_getppid);
		return 0;
	}
	if (argc > 1 && !strcmp(argv[1], "hold")) {
		c = fork();
		if (c == 0) {
			ptrace(PTRACE_TRACEME, 0, 0, 0);
			raise(SIGSTOP);
			_exit(0);
		}
		sleep(1000);
		return 0;
	}
	syscall(SYS_write, 1, "hello\n", 6);
	c = syscall(SYS_fork);
	if (c == 0) {
		syscall(SYS_write, 1, "child\n", 6);
		syscall(SYS_exit_group, 3);
	}
	syscall(SYS_wait4, c, &st, 0, 0);
	syscall(SYS_close, 99);
	return WIFEXITED(st) && WEXITSTATUS(st) == 3 ? 0 : 1;
}

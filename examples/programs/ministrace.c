/*
 * ministrace: a small strace for guests (and natively, with the same
 * output modulo pids and addresses). Follows forks, clones and execs;
 * prints one line per syscall when it returns:
 *
 *   [pid N] name(arg, ...) = ret
 *
 * and "--- SIGx ---" for signals, "+++ exited with N +++" at the end.
 * Numbers print in decimal when small, in hex otherwise (addresses).
 *
 *   ministrace [-q] PROG [ARG...]    run PROG traced
 *   ministrace [-q] -p PID           attach to PID
 *   -q: no per-syscall lines; a count and rate at the end (the figure).
 * Output goes to stderr; the exit status is PROG's (or 1).
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "syscall_info.h"

#ifndef __WALL
#define __WALL 0x40000000
#endif


/* Number, name, argument count: what a small program uses. */
static const struct { int nr; const char *name; int nargs; } names[] = {
	{ 0, "read", 3 }, { 1, "write", 3 }, { 2, "open", 3 }, { 3, "close", 1 },
	{ 4, "stat", 2 }, { 5, "fstat", 2 }, { 8, "lseek", 3 }, { 9, "mmap", 6 },
	{ 10, "mprotect", 3 }, { 11, "munmap", 2 }, { 12, "brk", 1 },
	{ 13, "rt_sigaction", 4 }, { 14, "rt_sigprocmask", 4 }, { 15, "rt_sigreturn", 0 },
	{ 16, "ioctl", 3 }, { 20, "writev", 3 }, { 21, "access", 2 }, { 22, "pipe", 1 },
	{ 32, "dup", 1 }, { 33, "dup2", 2 }, { 35, "nanosleep", 2 }, { 39, "getpid", 0 },
	{ 56, "clone", 5 }, { 57, "fork", 0 }, { 58, "vfork", 0 }, { 59, "execve", 3 },
	{ 60, "exit", 1 }, { 61, "wait4", 4 }, { 62, "kill", 2 }, { 63, "uname", 1 },
	{ 72, "fcntl", 3 }, { 79, "getcwd", 2 }, { 89, "readlink", 3 }, { 96, "gettimeofday", 2 },
	{ 102, "getuid", 0 }, { 104, "getgid", 0 }, { 107, "geteuid", 0 }, { 108, "getegid", 0 },
	{ 110, "getppid", 0 }, { 158, "arch_prctl", 2 }, { 186, "gettid", 0 },
	{ 202, "futex", 6 }, { 218, "set_tid_address", 1 }, { 228, "clock_gettime", 2 },
	{ 231, "exit_group", 1 }, { 257, "openat", 4 }, { 262, "newfstatat", 4 },
	{ 273, "set_robust_list", 2 }, { 293, "pipe2", 2 }, { 302, "prlimit64", 4 },
	{ 318, "getrandom", 3 }, { 334, "rseq", 4 }, { 435, "clone3", 2 },
};

/* One traced thread: its syscall under way, its first stop to swallow. */
struct tracee {
	pid_t pid;
	int in_syscall;
	int fresh;                      /* its initial SIGSTOP is still due */
	long nr;
	unsigned long args[6];
};

#define MAX_TRACEES 64
static struct tracee tracees[MAX_TRACEES];
static int quiet;
static unsigned long nsyscalls;

static struct tracee *lookup(pid_t pid, int add)
{
	struct tracee *free_slot = NULL;

	for (int i = 0; i < MAX_TRACEES; i++) {
		if (tracees[i].pid == pid)
			return &tracees[i];
		if (!tracees[i].pid && !free_slot)
			free_slot = &tracees[i];
	}
	if (!add || !free_slot)
		return NULL;
	memset(free_slot, 0, sizeof(*free_slot));
	free_slot->pid = pid;
	free_slot->fresh = 1;
	return free_slot;
}

static int live_tracees(void)
{
	int n = 0;

	for (int i = 0; i < MAX_TRACEES; i++)
		n += tracees[i].pid != 0;
	return n;
}

static void print_num(long v)
{
	if (v >= -4096 && v <= 0xffff)
		fprintf(stderr, "%ld", v);
	else
		fprintf(stderr, "%#lx", (unsigned long)v);
}

static void print_syscall(struct tracee *t, long ret, int returned)
{
	const char *name = NULL;
	int nargs = 6;

	nsyscalls++;
	if (quiet)
		return;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].nr == t->nr) {
			name = names[i].name;
			nargs = names[i].nargs;
		}
	fprintf(stderr, "[pid %d] ", t->pid);
	if (name)
		fprintf(stderr, "%s(", name);
	else
		fprintf(stderr, "syscall_%ld(", t->nr);
	for (int i = 0; i < nargs; i++) {
		if (i)
			fprintf(stderr, ", ");
		print_num(t->args[i]);
	}
	fprintf(stderr, ") = ");
	if (!returned)
		fprintf(stderr, "?");
	else if (ret < 0 && ret >= -4095)
		fprintf(stderr, "-1 (%s)", strerror(-ret));
	else
		print_num(ret);
	fprintf(stderr, "\n");
}

/* A syscall stop: GET_SYSCALL_INFO says which half (strace's way). */
static void syscall_stop(struct tracee *t)
{
	struct syscall_info si;

	if (ptrace(PTRACE_GET_SYSCALL_INFO, t->pid, (void *)sizeof(si), &si) < 0) {
		perror("ministrace: PTRACE_GET_SYSCALL_INFO");
		exit(1);
	}
	if (si.op == 1) {
		/* Entry: a call that never returns (exit) prints here. */
		if (t->in_syscall)
			print_syscall(t, 0, 0);
		t->in_syscall = 1;
		t->nr = si.entry.nr;
		memcpy(t->args, si.entry.args, sizeof(t->args));
		if (t->nr == SYS_exit || t->nr == SYS_exit_group) {
			print_syscall(t, 0, 0);
			t->in_syscall = 0;
		}
	} else if (si.op == 2 && t->in_syscall) {
		t->in_syscall = 0;
		print_syscall(t, si.exit.rval, 1);
	}
}

/* A stop that is not a syscall stop: the signal to deliver on resume. */
static int other_stop(struct tracee *t, int status)
{
	int sig = WSTOPSIG(status);
	siginfo_t si;

	if (status >> 16)               /* PTRACE_EVENT_*: nothing to deliver */
		return 0;
	if (sig == SIGSTOP && t->fresh) {
		t->fresh = 0;
		return 0;
	}
	/* No siginfo: a group stop, not a signal to deliver. */
	if (ptrace(PTRACE_GETSIGINFO, t->pid, 0, &si) < 0)
		return 0;
	if (!quiet)
		fprintf(stderr, "[pid %d] --- %s ---\n", t->pid, strsignal(sig));
	return sig;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int trace_loop(pid_t first)
{
	long opts = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
		    PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC;
	int status, exit_status = 1;
	double start = now();

	for (;;) {
		pid_t pid = waitpid(-1, &status, __WALL);
		struct tracee *t;
		int sig = 0;

		if (pid < 0)
			break;
		t = lookup(pid, 1);
		if (!t) {
			fprintf(stderr, "ministrace: too many tracees\n");
			return 1;
		}
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			if (t->in_syscall)
				print_syscall(t, 0, 0);
			if (!quiet && WIFEXITED(status))
				fprintf(stderr, "[pid %d] +++ exited with %d +++\n", pid,
					WEXITSTATUS(status));
			else if (!quiet)
				fprintf(stderr, "[pid %d] +++ killed by %s +++\n", pid,
					strsignal(WTERMSIG(status)));
			if (pid == first)
				exit_status = WIFEXITED(status) ? WEXITSTATUS(status)
								 : 128 + WTERMSIG(status);
			t->pid = 0;
			if (!live_tracees())
				break;
			continue;
		}
		if (!WIFSTOPPED(status))
			continue;
		if (t->fresh && pid == first)
			ptrace(PTRACE_SETOPTIONS, pid, 0, (void *)opts);
		if (WSTOPSIG(status) == (SIGTRAP | 0x80))
			syscall_stop(t);
		else
			sig = other_stop(t, status);
		ptrace(PTRACE_SYSCALL, pid, 0, (void *)(long)sig);
	}
	if (quiet) {
		double s = now() - start;
		fprintf(stderr, "ministrace: %lu syscalls in %.3f s: %.0f/s\n", nsyscalls, s,
			s > 0 ? nsyscalls / s : 0);
	}
	return exit_status;
}

int main(int argc, char **argv)
{
	int i = 1;
	pid_t pid;

	if (i < argc && !strcmp(argv[i], "-q")) {
		quiet = 1;
		i++;
	}
	if (i + 1 < argc && !strcmp(argv[i], "-p")) {
		pid = atoi(argv[i + 1]);
		if (ptrace(PTRACE_ATTACH, pid, 0, 0) < 0) {
			fprintf(stderr, "ministrace: attach %d: %s\n", pid, strerror(errno));
			return 1;
		}
		return trace_loop(pid);
	}
	if (i >= argc) {
		fprintf(stderr, "usage: ministrace [-q] [-p PID | PROG [ARG...]]\n");
		return 2;
	}
	pid = fork();
	if (pid < 0) {
		perror("ministrace: fork");
		return 1;
	}
	if (pid == 0) {
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		raise(SIGSTOP);
		execv(argv[i], argv + i);
		perror("ministrace: exec");
		_exit(127);
	}
	return trace_loop(pid);
}

/*
 * Resource limits that take effect (RLIMIT_NOFILE, RLIMIT_AS, RLIMIT_STACK,
 * inherited across fork and exec), the wait status of a crash (no core
 * written, so no WCOREDUMP), and a signal that cannot get a frame on a bad
 * stack (SIGSEGV at once). Each case runs in a child so the limits and
 * crashes stay there; every crashing child sets RLIMIT_CORE to 0 so a
 * native run writes no core either.
 */
#include "check.h"
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define MB (1UL << 20)

/* The check passes when fn, in a child, returns 0. */
static void expect_success(const char *name, int (*fn)(void))
{
	int st = check_in_child(fn);

	CHECK(name, WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
}

static void no_core(void)
{
	struct rlimit rl = { 0, 0 };

	setrlimit(RLIMIT_CORE, &rl);
}

static int set_limit(int res, rlim_t cur, rlim_t max)
{
	struct rlimit rl = { cur, max };

	return setrlimit(res, &rl);
}

/* ---- RLIMIT_NOFILE ---- */

static int nofile_child(void)
{
	int free_below = 0, opened = 0, err = 0, p[2];
	struct rlimit rl;

	for (int fd = 0; fd < 10; fd++)
		free_below += fcntl(fd, F_GETFD) < 0;
	if (set_limit(RLIMIT_NOFILE, 10, 10) || getrlimit(RLIMIT_NOFILE, &rl) ||
	    rl.rlim_cur != 10 || rl.rlim_max != 10)
		return 10;
	for (int i = 0; i < 20; i++) {
		if (open("/dev/null", O_RDONLY) < 0) {
			err = errno;
			break;
		}
		opened++;
	}
	if (opened != free_below || err != EMFILE)
		return 11;
	if (pipe(p) == 0 || errno != EMFILE)
		return 12;
	if (dup(1) >= 0 || errno != EMFILE)
		return 13;
	close(9);
	if (dup2(1, 10) >= 0 || errno != EBADF)
		return 14;
	if (fcntl(1, F_DUPFD, 10) >= 0 || errno != EINVAL)
		return 15;
	if (dup(1) != 9)
		return 16;
	return 0;
}

/* The limit survives exec: the new image checks it (see main). */
static int nofile_exec_child(void)
{
	set_limit(RLIMIT_NOFILE, 12, 13);
	execl("/proc/self/exe", "t_limits", "rlimit-after-exec", (char *)NULL);
	return 20;
}

/* ---- RLIMIT_AS ---- */

static int as_child(void)
{
	unsigned long brk0 = syscall(SYS_brk, 0);
	void *small, *big;

	if (set_limit(RLIMIT_AS, 256 * MB, 256 * MB))
		return 10;
	big = mmap(NULL, 512 * MB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (big != MAP_FAILED || errno != ENOMEM)
		return 11;
	small = mmap(NULL, 16 * MB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (small == MAP_FAILED)
		return 12;
	if (mremap(small, 16 * MB, 512 * MB, MREMAP_MAYMOVE) != MAP_FAILED || errno != ENOMEM)
		return 13;
	/* brk returns the old break when it cannot move. */
	if ((unsigned long)syscall(SYS_brk, brk0 + 512 * MB) != brk0)
		return 14;
	if ((unsigned long)syscall(SYS_brk, brk0 + MB) != brk0 + MB)
		return 15;
	return 0;
}

/* ---- RLIMIT_STACK ---- */

/* Touch about depth * 64 KiB of stack. */
static __attribute__((noinline)) int deep(int depth)
{
	volatile char buf[64 * 1024];

	buf[0] = (char)depth;
	buf[sizeof(buf) - 1] = (char)depth;
	return depth ? deep(depth - 1) + buf[0] : buf[sizeof(buf) - 1];
}

static int stack_small_child(void)
{
	no_core();
	if (set_limit(RLIMIT_STACK, 1 * MB, RLIM_INFINITY))
		return 10;
	deep(32);       /* 2 MiB: beyond the limit */
	return 0;
}

static int stack_default_child(void)
{
	deep(32);
	return 0;
}

/* A limit above the default, set before exec, lets the new image's stack
 * grow past 8 MiB (see main). */
static int stack_big_child(void)
{
	set_limit(RLIMIT_STACK, 64 * MB, RLIM_INFINITY);
	execl("/proc/self/exe", "t_limits", "deep-stack", (char *)NULL);
	return 20;
}

static void t_stack(void)
{
	int st;

	expect_success("rlimit_stack_default_grows", stack_default_child);
	st = check_in_child(stack_small_child);
	CHECK("rlimit_stack_limits_growth", WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV,
	      "status %#x", st);
	expect_success("rlimit_stack_64m_across_exec", stack_big_child);
}

/* ---- setrlimit's checks ---- */

static int checks_child(void)
{
	struct rlimit rl, old;

	if (set_limit(RLIMIT_NOFILE, 20, 10) == 0 || errno != EINVAL)
		return 10;
	if (getrlimit(RLIMIT_CORE, &old) || set_limit(RLIMIT_CORE, 0, old.rlim_max) ||
	    getrlimit(RLIMIT_CORE, &rl) || rl.rlim_cur != 0 || rl.rlim_max != old.rlim_max)
		return 11;
	rl.rlim_cur = rl.rlim_max = 100;
	if (prlimit(0, RLIMIT_NOFILE, &rl, &old) || prlimit(0, RLIMIT_NOFILE, NULL, &rl) ||
	    rl.rlim_cur != 100 || rl.rlim_max != 100)
		return 12;
	return 0;
}

/* ---- crashes ---- */

static int segv_child(void)
{
	no_core();
	__asm__ volatile("movl $1, 8" : : : "memory");     /* a store to page 0 */
	return 0;
}

static void on_usr1(int sig)
{
}

/* rsp at unmapped memory, then a signal with a handler: no frame can be
 * built, so the task dies of SIGSEGV before its next instruction, which
 * would write a byte to the pipe. */
static int bad_stack_fd;
static int bad_stack_child(void)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	long pid = getpid();

	no_core();
	sigaction(SIGUSR1, &sa, NULL);
	__asm__ volatile(
		"mov $0x10, %%rsp\n\t"
		"mov $62, %%eax\n\t"            /* kill(pid, SIGUSR1) */
		"mov $10, %%esi\n\t"
		"syscall\n\t"
		"mov $1, %%eax\n\t"             /* write(fd, "x", 1) */
		"mov %%ebx, %%edi\n\t"
		"lea 1f(%%rip), %%rsi\n\t"
		"mov $1, %%edx\n\t"
		"syscall\n\t"
		"mov $60, %%eax\n\t"            /* _exit(0) */
		"xor %%edi, %%edi\n\t"
		"syscall\n\t"
		"1: .byte 'x'\n\t"
		: : "D"(pid), "b"(bad_stack_fd) : "memory");
	return 1;
}

static void t_crashes(void)
{
	int st = check_in_child(segv_child), p[2];
	char c;

	CHECK("sigsegv_no_wcoredump", WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV &&
	      !WCOREDUMP(st), "status %#x", st);
	if (pipe(p)) {
		FAIL("bad_stack_signal_sigsegv", "pipe: %s", strerror(errno));
		return;
	}
	bad_stack_fd = p[1];
	st = check_in_child(bad_stack_child);
	close(p[1]);
	CHECK("bad_stack_signal_sigsegv", WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV &&
	      read(p[0], &c, 1) == 0, "status %#x", st);
	close(p[0]);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "rlimit-after-exec")) {
		struct rlimit rl;

		return getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur != 12 || rl.rlim_max != 13;
	}
	if (argc > 1 && !strcmp(argv[1], "deep-stack")) {
		no_core();
		deep(256);      /* 16 MiB */
		return 0;
	}
	expect_success("rlimit_nofile_emfile", nofile_child);
	expect_success("rlimit_nofile_across_exec", nofile_exec_child);
	expect_success("rlimit_as_mmap_mremap_brk", as_child);
	t_stack();
	expect_success("rlimit_set_get_and_einval", checks_child);
	t_crashes();
	return check_done();
}

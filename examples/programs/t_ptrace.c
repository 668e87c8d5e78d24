/*
 * ptrace(2): every request Glass implements, checked against Linux's
 * behaviour (the same PASS lines natively and inside Glass). Raw
 * syscall(SYS_ptrace) so glibc and musl behave alike (PEEK* store the
 * word at data, as the kernel does).
 */
#include <elf.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"
#include "syscall_info.h"
#include "syscall_site.h"

#ifndef NT_X86_XSTATE
#define NT_X86_XSTATE 0x202
#endif

/* The kernel's struct user: glibc's ends at u_debugreg, the kernel's has
 * error_code and fault_address after it. */
#define USER_SIZE (sizeof(struct user) + 16)


static long pt(long req, pid_t pid, unsigned long addr, unsigned long data)
{
	return syscall(SYS_ptrace, req, pid, addr, data);
}

static volatile long word = 0x1111;

/* Returns 1; a tracer patches a child's copy to return 2. */
__attribute__((noinline, aligned(16))) int text_target(void)
{
	__asm__ volatile("" ::: "memory");
	return 1;
}

/* Five single-byte instructions between two labels. */
__attribute__((noinline)) static void step_region(void)
{
	__asm__ volatile(".globl step_begin\nstep_begin:\n\tnop\n\tnop\n\tnop\n\tnop\n\tnop\n"
			 ".globl step_end\nstep_end:\n" ::: "memory");
}
extern char step_begin[], step_end[];

/* A child that asks to be traced and stops itself; body(arg) then runs
 * and its return value is the exit code. The parent has seen the stop. */
static pid_t spawn_traced(int (*body)(long), long arg)
{
	int st;
	pid_t c = fork();

	if (c == 0) {
		pt(PTRACE_TRACEME, 0, 0, 0);
		raise(SIGSTOP);
		_exit(body(arg));
	}
	if (waitpid(c, &st, 0) != c || !WIFSTOPPED(st) || WSTOPSIG(st) != SIGSTOP) {
		printf("spawn_traced: unexpected status %#x\n", st);
		return -1;
	}
	return c;
}

/* Continue c and return its exit status (wait status). */
static int finish(pid_t c)
{
	int st = -1;

	pt(PTRACE_CONT, c, 0, 0);
	while (waitpid(c, &st, 0) == c && WIFSTOPPED(st))
		pt(PTRACE_CONT, c, 0, WSTOPSIG(st) == SIGSTOP ? 0 : WSTOPSIG(st));
	return st;
}

static int body_word(long arg) { return word == arg ? 0 : 1; }
static int body_text(long arg) { return text_target(); }
static int body_getppid(long arg) { return syscall(SYS_getppid) == arg ? 0 : 1; }
static int body_step(long arg) { step_region(); return 0; }

/* A syscall site Glass rewrites once it has trapped twice (issue 18). */
SYSCALL_SITE(pt_site, SYS_getppid);

/* Three getppids through pt_site, a stop, a fourth: all must return arg. */
static int body_site(long arg)
{
	int bad = 0;

	for (int i = 0; i < 3; i++)
		bad += pt_site(0, 0, 0, 0, 0, 0) != arg;
	raise(SIGSTOP);
	bad += pt_site(0, 0, 0, 0, 0, 0) != arg;
	return bad;
}
static int body_sleep(long arg)
{
	for (;;)
		pause();
	return 0;
}
static int body_mxcsr(long arg)
{
	unsigned int m;
	__asm__ volatile("stmxcsr %0" : "=m"(m));
	return m == (unsigned int)arg ? 0 : 1;
}
static volatile sig_atomic_t got;
static void on_sig(int s) { got = s; }
static int body_signals(long arg)
{
	signal(SIGUSR1, on_sig);
	signal(SIGUSR2, on_sig);
	raise(SIGUSR1);
	return got;
}
static volatile int seen_errno;
static void on_info(int s, siginfo_t *si, void *uc) { seen_errno = si->si_errno; }
static int body_siginfo(long arg)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_info;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);
	return seen_errno;
}
static int body_fork(long arg)
{
	pid_t g = fork();
	int st;

	if (g == 0)
		_exit(7);
	waitpid(g, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 99;
}
static void *thread_fn(void *arg)
{
	return (void *)syscall(SYS_gettid);
}
static int body_thread(long arg)
{
	pthread_t th;
	void *ret = NULL;

	if (pthread_create(&th, NULL, thread_fn, NULL))
		return 90;
	pthread_join(th, &ret);
	return ret ? 0 : 91;
}
static int body_exec(long arg)
{
	execl("/proc/self/exe", "t_ptrace", "exec-child", (char *)NULL);
	return 98;
}

static void test_peek_poke(void)
{
	pid_t c = spawn_traced(body_word, 0x2222);
	unsigned long v = 0;
	int st;

	CHECK("peekdata", pt(PTRACE_PEEKDATA, c, (unsigned long)&word, (unsigned long)&v) == 0 &&
	      v == 0x1111, "v=%#lx errno=%d", v, errno);
	CHECK("pokedata", pt(PTRACE_POKEDATA, c, (unsigned long)&word, 0x2222) == 0, "errno %d", errno);
	CHECK("peekdata_bad_addr_eio", pt(PTRACE_PEEKDATA, c, 8, (unsigned long)&v) == -1 &&
	      errno == EIO, "errno %d", errno);
	CHECK("peekdata_bad_data_efault",
	      pt(PTRACE_PEEKDATA, c, (unsigned long)&word, 8) == -1 && errno == EFAULT, "errno %d", errno);
	st = finish(c);
	CHECK("pokedata_seen_by_child", WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
	CHECK("pokedata_own_copy_unchanged", word == 0x1111, "word %#lx", word);
}

/* mov eax, 2; ret — over the first bytes of text_target in the child. */
static void test_poke_text(void)
{
	pid_t c = spawn_traced(body_text, 0);
	unsigned long code = 0, patched;
	int st;

	pt(PTRACE_PEEKTEXT, c, (unsigned long)text_target, (unsigned long)&code);
	patched = (code & ~0xffffffffffffUL) | 0xc300000002b8UL;
	CHECK("poketext_readonly_text", pt(PTRACE_POKETEXT, c, (unsigned long)text_target, patched) == 0,
	      "errno %d", errno);
	st = finish(c);
	CHECK("poketext_child_runs_patch", WIFEXITED(st) && WEXITSTATUS(st) == 2, "status %#x", st);
	CHECK("poketext_parent_text_unchanged", text_target() == 1, "parent's text changed");
	/* A fresh child of the same file still has the original. */
	c = spawn_traced(body_text, 0);
	st = finish(c);
	CHECK("poketext_other_child_unchanged", WIFEXITED(st) && WEXITSTATUS(st) == 1, "status %#x", st);
}

static void test_user_area(void)
{
	pid_t c = spawn_traced(body_word, 0x1111);
	struct user_regs_struct r;
	unsigned long v = 0;
	size_t dr = offsetof(struct user, u_debugreg);
	int st;

	pt(PTRACE_GETREGS, c, 0, (unsigned long)&r);
	CHECK("peekuser_orig_rax", pt(PTRACE_PEEKUSER, c, offsetof(struct user_regs_struct, orig_rax),
				      (unsigned long)&v) == 0 && v == r.orig_rax,
	      "v=%lu orig_rax=%llu", v, (unsigned long long)r.orig_rax);
	CHECK("peekuser_rip", pt(PTRACE_PEEKUSER, c, offsetof(struct user_regs_struct, rip),
				 (unsigned long)&v) == 0 && v == r.rip, "v=%#lx", v);
	CHECK("peekuser_unaligned_eio", pt(PTRACE_PEEKUSER, c, 3, (unsigned long)&v) == -1 &&
	      errno == EIO, "errno %d", errno);
	CHECK("peekuser_past_end_eio", pt(PTRACE_PEEKUSER, c, USER_SIZE, (unsigned long)&v) == -1 &&
	      errno == EIO, "errno %d", errno);
	CHECK("pokeuser_dr0", pt(PTRACE_POKEUSER, c, dr, (unsigned long)&word) == 0 &&
	      pt(PTRACE_PEEKUSER, c, dr, (unsigned long)&v) == 0 && v == (unsigned long)&word,
	      "errno %d v=%#lx", errno, v);
	CHECK("pokeuser_dr7", pt(PTRACE_POKEUSER, c, dr + 7 * 8, 0x1) == 0 &&
	      pt(PTRACE_PEEKUSER, c, dr + 7 * 8, (unsigned long)&v) == 0 && v == 1,
	      "errno %d v=%#lx", errno, v);
	CHECK("pokeuser_dr4_eio", pt(PTRACE_POKEUSER, c, dr + 4 * 8, 0) == -1 && errno == EIO,
	      "errno %d", errno);
	CHECK("pokeuser_rbx", pt(PTRACE_POKEUSER, c, offsetof(struct user_regs_struct, rbx), r.rbx) == 0,
	      "errno %d", errno);
	r.cs = 0;
	CHECK("setregs_bad_cs_eio", pt(PTRACE_SETREGS, c, 0, (unsigned long)&r) == -1 && errno == EIO,
	      "errno %d", errno);
	CHECK("getregs_bad_data_efault", pt(PTRACE_GETREGS, c, 0, 8) == -1 && errno == EFAULT,
	      "errno %d", errno);
	st = finish(c);
	CHECK("user_area_child_ok", WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
}

static void test_fpregs(void)
{
	pid_t c = spawn_traced(body_mxcsr, 0x7f80);
	struct user_fpregs_struct fp;
	unsigned char xs[4096];
	struct iovec iov;
	int st;

	CHECK("getfpregs", pt(PTRACE_GETFPREGS, c, 0, (unsigned long)&fp) == 0 && fp.cwd == 0x37f,
	      "errno %d cwd %#x", errno, fp.cwd);
	fp.mxcsr = 0xffff0000;
	CHECK("setfpregs_bad_mxcsr_einval", pt(PTRACE_SETFPREGS, c, 0, (unsigned long)&fp) == -1 &&
	      errno == EINVAL, "errno %d", errno);
	fp.mxcsr = 0x7f80;
	CHECK("setfpregs", pt(PTRACE_SETFPREGS, c, 0, (unsigned long)&fp) == 0, "errno %d", errno);
	iov.iov_base = xs;
	iov.iov_len = sizeof(struct user_regs_struct) + 104;
	CHECK("getregset_prstatus", pt(PTRACE_GETREGSET, c, NT_PRSTATUS, (unsigned long)&iov) == 0 &&
	      iov.iov_len == sizeof(struct user_regs_struct), "errno %d len %zu", errno, iov.iov_len);
	iov.iov_len = sizeof(xs);
	CHECK("getregset_prfpreg", pt(PTRACE_GETREGSET, c, NT_PRFPREG, (unsigned long)&iov) == 0 &&
	      iov.iov_len == 512 && ((struct user_fpregs_struct *)xs)->mxcsr == 0x7f80,
	      "errno %d len %zu", errno, iov.iov_len);
	iov.iov_len = sizeof(xs);
	CHECK("getregset_xstate", pt(PTRACE_GETREGSET, c, NT_X86_XSTATE, (unsigned long)&iov) == 0 &&
	      iov.iov_len >= 576 && (*(uint64_t *)(xs + 464) & 3) == 3,
	      "errno %d len %zu xcr0 %#lx", errno, iov.iov_len, (unsigned long)*(uint64_t *)(xs + 464));
	CHECK("setregset_xstate", pt(PTRACE_SETREGSET, c, NT_X86_XSTATE, (unsigned long)&iov) == 0,
	      "errno %d", errno);
	iov.iov_len = sizeof(xs);
	CHECK("getregset_bad_type_einval", pt(PTRACE_GETREGSET, c, 0x999, (unsigned long)&iov) == -1 &&
	      errno == EINVAL, "errno %d", errno);
	st = finish(c);
	CHECK("setfpregs_seen_by_child", WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
}

/* Syscall stops with TRACESYSGOOD, GET_SYSCALL_INFO, the return value of
 * getppid as seen at exit, then skipping it with orig_rax = -1. */
static void test_syscall(bool skip)
{
	pid_t c = spawn_traced(body_getppid, skip ? 4242 : getpid());
	struct user_regs_struct r;
	struct syscall_info si;
	int st, stops = 0, seen = 0;
	bool entry = true;
	const char *n = skip ? "syscall_skip" : "syscall_stops";

	pt(PTRACE_SETOPTIONS, c, 0, PTRACE_O_TRACESYSGOOD);
	for (;;) {
		pt(PTRACE_SYSCALL, c, 0, 0);
		if (waitpid(c, &st, 0) != c || !WIFSTOPPED(st))
			break;
		if (WSTOPSIG(st) != (SIGTRAP | 0x80)) {
			printf("FAIL %s: stop %#x\n", n, st);
			check_failures++;
			break;
		}
		stops++;
		pt(PTRACE_GETREGS, c, 0, (unsigned long)&r);
		long size = pt(PTRACE_GET_SYSCALL_INFO, c, sizeof(si), (unsigned long)&si);
		if (si.op != (entry ? 1 : 2) || size != (entry ? 80 : 33)) {
			printf("FAIL %s_info: op %d size %ld at %s\n", n, si.op, size, entry ? "entry" : "exit");
			check_failures++;
		}
		if (r.orig_rax == SYS_getppid && entry && !seen) {
			seen = 1;
			if (si.entry.nr != SYS_getppid || r.rax != (unsigned long long)-ENOSYS)
				FAIL(n, "entry nr %llu rax %lld", (unsigned long long)si.entry.nr,
				     (long long)r.rax);
			if (skip) {
				r.orig_rax = -1;
				r.rax = 4242;
				pt(PTRACE_SETREGS, c, 0, (unsigned long)&r);
			}
		} else if (seen == 1 && !entry) {
			seen = 2;
			CHECK(skip ? "syscall_skip_exit_rax" : "syscall_exit_rax",
			      (long)r.rax == (skip ? 4242 : getpid()) && si.exit.rval == (long)r.rax &&
			      !si.exit.is_error, "rax %lld", (long long)r.rax);
		}
		entry = !entry;
	}
	CHECK(n, WIFEXITED(st) && WEXITSTATUS(st) == 0 && seen == 2 && stops >= 3,
	      "status %#x seen %d stops %d", st, seen, stops);
}

static void test_singlestep(void)
{
	pid_t c = spawn_traced(body_step, 0);
	struct user_regs_struct r;
	int st, steps = 0, n = 0;

	do {
		pt(PTRACE_SINGLESTEP, c, 0, 0);
		if (waitpid(c, &st, 0) != c || !WIFSTOPPED(st) || WSTOPSIG(st) != SIGTRAP)
			break;
		pt(PTRACE_GETREGS, c, 0, (unsigned long)&r);
	} while (r.rip != (unsigned long)step_begin && ++n < 200000);
	while (WIFSTOPPED(st) && r.rip != (unsigned long)step_end && steps < 100) {
		pt(PTRACE_SINGLESTEP, c, 0, 0);
		waitpid(c, &st, 0);
		pt(PTRACE_GETREGS, c, 0, (unsigned long)&r);
		steps++;
	}
	siginfo_t si;
	CHECK("singlestep_siginfo", pt(PTRACE_GETSIGINFO, c, 0, (unsigned long)&si) == 0 &&
	      si.si_signo == SIGTRAP, "errno %d", errno);
	CHECK("singlestep_count", steps == 5, "%d steps over 5 nops", steps);
	st = finish(c);
	CHECK("singlestep_child_ok", WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);

	/* Stepping with a signal stops at its handler's first instruction. */
	c = spawn_traced(body_signals, 0);
	pt(PTRACE_CONT, c, 0, 0);
	waitpid(c, &st, 0);
	pt(PTRACE_SINGLESTEP, c, 0, WSTOPSIG(st));
	waitpid(c, &st, 0);
	pt(PTRACE_GETREGS, c, 0, (unsigned long)&r);
	CHECK("singlestep_into_handler", WIFSTOPPED(st) && WSTOPSIG(st) == SIGTRAP &&
	      r.rip == (unsigned long)on_sig, "status %#x rip %#llx", st, (unsigned long long)r.rip);
	st = finish(c);
	CHECK("singlestep_handler_ran", WIFEXITED(st) && WEXITSTATUS(st) == SIGUSR1, "status %#x", st);
}

/* A child of body_site at its own stop, after three rounds of pt_site;
 * -1 if it does not stop there. */
static pid_t spawn_site(void)
{
	pid_t c = spawn_traced(body_site, getpid());
	int st;

	pt(PTRACE_CONT, c, 0, 0);
	if (waitpid(c, &st, 0) != c || !WIFSTOPPED(st) || WSTOPSIG(st) != SIGSTOP) {
		printf("spawn_site: unexpected status %#x\n", st);
		return -1;
	}
	return c;
}

/*
 * Single steps over a rewritten site look as over the original: the
 * tracer's view of the text is the original bytes, no step stops in
 * Glass's trampolines, and stepping from the site's first byte reaches
 * the instruction after the syscall (through site+5, or in one step
 * where Glass runs the syscall in the step) with getppid's result.
 */
static void test_singlestep_site(void)
{
	const unsigned char orig[7] = SITE_BYTES(SYS_getppid);
	unsigned long word = 0, in_region = 0, rip;
	struct user_regs_struct r;
	int st, n = 0, after = 0, odd = 0;
	pid_t c;

	for (int i = 0; i < 3; i++)
		pt_site(0, 0, 0, 0, 0, 0);
	c = spawn_site();
	CHECK("peektext_site_original", pt(PTRACE_PEEKTEXT, c, (unsigned long)pt_site_at,
					   (unsigned long)&word) == 0 && !memcmp(&word, orig, 7),
	      "errno %d word %#lx", errno, word);
	do {
		pt(PTRACE_SINGLESTEP, c, 0, 0);
		if (waitpid(c, &st, 0) != c || !WIFSTOPPED(st) || WSTOPSIG(st) != SIGTRAP)
			break;
		pt(PTRACE_GETREGS, c, 0, (unsigned long)&r);
		in_region += in_glass_code(r.rip);
	} while (r.rip != (unsigned long)pt_site_at && ++n < 200000);
	CHECK("singlestep_to_site", r.rip == (unsigned long)pt_site_at,
	      "status %#x rip %#llx after %d steps", st, (unsigned long long)r.rip, n);
	while (WIFSTOPPED(st) && r.rip != (unsigned long)pt_site_ret && after < 3) {
		pt(PTRACE_SINGLESTEP, c, 0, 0);
		waitpid(c, &st, 0);
		pt(PTRACE_GETREGS, c, 0, (unsigned long)&r);
		rip = r.rip;
		in_region += in_glass_code(rip);
		odd += rip != (unsigned long)pt_site_syscall && rip != (unsigned long)pt_site_ret;
		after++;
	}
	CHECK("singlestep_site_never_in_trampolines", !in_region,
	      "%lu steps stopped in Glass's trampolines or stub", in_region);
	CHECK("singlestep_over_site", r.rip == (unsigned long)pt_site_ret && !odd,
	      "rip %#llx after %d steps from the site, %d elsewhere", (unsigned long long)r.rip, after,
	      odd);
	CHECK("singlestep_site_result", (long)r.rax == getpid(), "rax %lld", (long long)r.rax);
	st = finish(c);
	CHECK("singlestep_site_child_ok", WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
}

/*
 * PTRACE_SYSCALL stops at each syscall through a rewritten site (the
 * parent's rounds of pt_site rewrote it before the fork), at entry and
 * exit with rip after the site's syscall instruction, as Linux shows it.
 */
static void test_syscall_site(void)
{
	pid_t c = spawn_traced(body_site, getpid());
	struct user_regs_struct r;
	struct syscall_info si;
	int st, stops[3] = { 0 }, bad_rip = 0, bad_rax = 0;

	pt(PTRACE_SETOPTIONS, c, 0, PTRACE_O_TRACESYSGOOD);
	for (;;) {
		pt(PTRACE_SYSCALL, c, 0, 0);
		if (waitpid(c, &st, 0) != c || !WIFSTOPPED(st))
			break;
		/* body_site's SIGSTOP is suppressed by the 0 above */
		if (WSTOPSIG(st) != (SIGTRAP | 0x80))
			continue;
		pt(PTRACE_GETREGS, c, 0, (unsigned long)&r);
		pt(PTRACE_GET_SYSCALL_INFO, c, sizeof(si), (unsigned long)&si);
		if (r.orig_rax != SYS_getppid || si.op < 1 || si.op > 2)
			continue;
		stops[si.op]++;
		bad_rip += r.rip != (unsigned long)pt_site_ret;
		bad_rax += si.op == 2 && (long)r.rax != getpid();
	}
	CHECK("syscall_stops_site", WIFEXITED(st) && WEXITSTATUS(st) == 0 && stops[1] == 4 &&
	      stops[2] == 4 && !bad_rip && !bad_rax,
	      "status %#x, %d entry and %d exit stops of 4, %d at a wrong rip, %d wrong results", st,
	      stops[1], stops[2], bad_rip, bad_rax);
}

/*
 * A breakpoint on a rewritten site's syscall instruction (site+5): the
 * write sees and keeps the original bytes around it, so the child runs
 * the site's mov, stops after the int3 with eax the site's number, and
 * once the tracer puts the byte back runs the syscall.
 */
static void test_breakpoint_site(void)
{
	unsigned long word = 0, at = (unsigned long)pt_site_syscall;
	struct user_regs_struct r;
	pid_t c = spawn_site();
	int st;

	pt(PTRACE_PEEKTEXT, c, at, (unsigned long)&word);
	CHECK("poketext_site_breakpoint", (word & 0xffff) == 0x050f &&
	      pt(PTRACE_POKETEXT, c, at, (word & ~0xfful) | 0xcc) == 0, "errno %d word %#lx", errno, word);
	pt(PTRACE_CONT, c, 0, 0);
	waitpid(c, &st, 0);
	pt(PTRACE_GETREGS, c, 0, (unsigned long)&r);
	CHECK("breakpoint_site_stops", WIFSTOPPED(st) && WSTOPSIG(st) == SIGTRAP && r.rip == at + 1 &&
	      (r.rax & 0xffffffff) == SYS_getppid, "status %#x rip %#llx (site+5 %#lx) rax %#llx", st,
	      (unsigned long long)r.rip, at, (unsigned long long)r.rax);
	pt(PTRACE_POKETEXT, c, at, word);
	r.rip = at;
	pt(PTRACE_SETREGS, c, 0, (unsigned long)&r);
	st = finish(c);
	CHECK("breakpoint_site_child_ok", WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
}

/* Signal-delivery stops: suppress one, change another, siginfo. */
static void test_signals(void)
{
	pid_t c = spawn_traced(body_signals, 0);
	siginfo_t si;
	int st;

	CHECK("getsiginfo_sigstop", pt(PTRACE_GETSIGINFO, c, 0, (unsigned long)&si) == 0 &&
	      si.si_signo == SIGSTOP, "errno %d", errno);
	pt(PTRACE_CONT, c, 0, 0);
	waitpid(c, &st, 0);
	CHECK("signal_delivery_stop", WIFSTOPPED(st) && WSTOPSIG(st) == SIGUSR1, "status %#x", st);
	pt(PTRACE_GETSIGINFO, c, 0, (unsigned long)&si);
	si.si_errno = 77;
	CHECK("setsiginfo", pt(PTRACE_SETSIGINFO, c, 0, (unsigned long)&si) == 0, "errno %d", errno);
	/* Delivered as SIGUSR2 instead: the child's handler says which. */
	pt(PTRACE_CONT, c, 0, SIGUSR2);
	waitpid(c, &st, 0);
	CHECK("signal_changed_by_tracer", WIFEXITED(st) && WEXITSTATUS(st) == SIGUSR2, "status %#x", st);

	/* The handler sees the siginfo the tracer wrote. */
	c = spawn_traced(body_siginfo, 0);
	pt(PTRACE_CONT, c, 0, 0);
	waitpid(c, &st, 0);
	pt(PTRACE_GETSIGINFO, c, 0, (unsigned long)&si);
	si.si_errno = 77;
	pt(PTRACE_SETSIGINFO, c, 0, (unsigned long)&si);
	pt(PTRACE_CONT, c, 0, SIGUSR1);
	waitpid(c, &st, 0);
	CHECK("setsiginfo_reaches_handler", WIFEXITED(st) && WEXITSTATUS(st) == 77, "status %#x", st);

	c = spawn_traced(body_signals, 0);
	pt(PTRACE_CONT, c, 0, 0);
	waitpid(c, &st, 0);
	pt(PTRACE_CONT, c, 0, 0);       /* suppressed */
	waitpid(c, &st, 0);
	CHECK("signal_suppressed_by_tracer", WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
}

/* Continue c to its event stop, which names a new task that starts with
 * SIGSTOP; both are continued. Returns the new task's pid. */
static pid_t new_task_event(pid_t c, int event, const char *name)
{
	unsigned long msg = 0;
	char name2[64];
	int st, gst;

	pt(PTRACE_CONT, c, 0, 0);
	waitpid(c, &st, 0);
	pt(PTRACE_GETEVENTMSG, c, 0, (unsigned long)&msg);
	CHECK(name, WIFSTOPPED(st) && st >> 8 == (SIGTRAP | event << 8) && msg > 0,
	      "status %#x msg %lu", st, msg);
	snprintf(name2, sizeof(name2), "%s_new_task_stops", name);
	CHECK(name2, waitpid(msg, &gst, __WALL) == (pid_t)msg && WIFSTOPPED(gst) &&
	      WSTOPSIG(gst) == SIGSTOP, "status %#x", gst);
	pt(PTRACE_CONT, msg, 0, 0);
	pt(PTRACE_CONT, c, 0, 0);
	return msg;
}

static void test_events(void)
{
	pid_t c = spawn_traced(body_fork, 0), g = 0;
	unsigned long msg = 0;
	int st, exits = 0;

	pt(PTRACE_SETOPTIONS, c, 0, PTRACE_O_TRACEFORK | PTRACE_O_TRACEEXIT);
	g = new_task_event(c, PTRACE_EVENT_FORK, "event_fork");
	/* The grandchild's exit event, its exit (reported to us, its
	 * tracer, not its parent), then the child's exit event and exit. */
	for (;;) {
		pid_t w = waitpid(-1, &st, __WALL);
		if (w < 0)
			break;
		if (WIFSTOPPED(st) && st >> 8 == (SIGTRAP | PTRACE_EVENT_EXIT << 8)) {
			pt(PTRACE_GETEVENTMSG, w, 0, (unsigned long)&msg);
			if (w == g && msg == 7 << 8)
				exits |= 1;
			if (w == c && msg == 7 << 8)
				exits |= 2;
		} else if (w == g && WIFEXITED(st) && WEXITSTATUS(st) == 7) {
			exits |= 4;
		} else if (w == c && WIFEXITED(st)) {
			exits |= WEXITSTATUS(st) == 7 ? 8 : 0;
			break;
		}
		if (WIFSTOPPED(st))
			pt(PTRACE_CONT, w, 0, 0);
	}
	CHECK("event_exit_msgs", (exits & 3) == 3, "exits %#x", exits);
	CHECK("tracer_reaps_traced_grandchild", exits & 4, "exits %#x", exits);
	CHECK("parent_sees_grandchild_exit_after_tracer", exits & 8, "exits %#x", exits);

	/* A thread: PTRACE_EVENT_CLONE names it, it starts with SIGSTOP. */
	c = spawn_traced(body_thread, 0);
	pt(PTRACE_SETOPTIONS, c, 0, PTRACE_O_TRACECLONE);
	g = new_task_event(c, PTRACE_EVENT_CLONE, "event_clone");
	exits = 0;
	for (;;) {
		pid_t w = waitpid(-1, &st, __WALL);
		if (w < 0 || (w == c && !WIFSTOPPED(st)))
			break;
		if (w == g && WIFEXITED(st) && WEXITSTATUS(st) == 0)
			exits = 1;
		if (WIFSTOPPED(st))
			pt(PTRACE_CONT, w, 0, 0);
	}
	CHECK("traced_thread_joined", WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
	CHECK("traced_thread_exit_reported", exits, "no exit reported for thread %d", g);

	c = spawn_traced(body_exec, 0);
	pt(PTRACE_SETOPTIONS, c, 0, PTRACE_O_TRACEEXEC);
	pt(PTRACE_CONT, c, 0, 0);
	waitpid(c, &st, 0);
	msg = 0;
	pt(PTRACE_GETEVENTMSG, c, 0, (unsigned long)&msg);
	CHECK("event_exec", WIFSTOPPED(st) && st >> 8 == (SIGTRAP | PTRACE_EVENT_EXEC << 8) &&
	      msg == (unsigned long)c, "status %#x msg %lu", st, msg);
	st = finish(c);
	CHECK("exec_child_ran", WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
}

static void test_seize(void)
{
	pid_t c = fork();
	struct user_regs_struct regs;
	siginfo_t wi;
	int st;

	if (c == 0)
		_exit(body_sleep(0));
	CHECK("seize_addr_eio", pt(PTRACE_SEIZE, c, 1, 0) == -1 && errno == EIO, "errno %d", errno);
	CHECK("seize_bad_options_eio", pt(PTRACE_SEIZE, c, 0, 0x80000000UL) == -1 && errno == EIO,
	      "errno %d", errno);
	CHECK("seize", pt(PTRACE_SEIZE, c, 0, PTRACE_O_TRACESYSGOOD) == 0, "errno %d", errno);
	CHECK("getregs_running_esrch", pt(PTRACE_GETREGS, c, 0, (unsigned long)&st) == -1 &&
	      errno == ESRCH, "errno %d", errno);
	CHECK("listen_running_esrch", pt(PTRACE_LISTEN, c, 0, 0) == -1 && errno == ESRCH,
	      "errno %d", errno);
	CHECK("interrupt", pt(PTRACE_INTERRUPT, c, 0, 0) == 0, "errno %d", errno);
	waitpid(c, &st, 0);
	CHECK("interrupt_event_stop", WIFSTOPPED(st) && WSTOPSIG(st) == SIGTRAP &&
	      st >> 16 == PTRACE_EVENT_STOP, "status %#x", st);
	pt(PTRACE_CONT, c, 0, 0);
	kill(c, SIGSTOP);
	waitpid(c, &st, 0);
	CHECK("seized_sigstop_delivery", WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP && st >> 16 == 0,
	      "status %#x", st);
	pt(PTRACE_CONT, c, 0, SIGSTOP);
	waitpid(c, &st, 0);
	CHECK("seized_group_stop", WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP &&
	      st >> 16 == PTRACE_EVENT_STOP, "status %#x", st);
	CHECK("listen", pt(PTRACE_LISTEN, c, 0, 0) == 0, "errno %d", errno);
	CHECK("listen_no_report", waitpid(c, &st, WNOHANG) == 0, "status %#x", st);
	CHECK("getregs_listening_esrch", pt(PTRACE_GETREGS, c, 0, (unsigned long)&regs) == -1 &&
	      errno == ESRCH, "errno %d", errno);
	kill(c, SIGCONT);
	memset(&wi, 0, sizeof(wi));
	CHECK("listen_sigcont_retraps", waitid(P_PID, c, &wi, WEXITED | WSTOPPED) == 0 &&
	      wi.si_code == CLD_TRAPPED && wi.si_status == (SIGTRAP | PTRACE_EVENT_STOP << 8),
	      "code %d status %#x", wi.si_code, wi.si_status);
	CHECK("kill_request", pt(PTRACE_KILL, c, 0, 0) == 0, "errno %d", errno);
	while (waitpid(c, &st, 0) == c && WIFSTOPPED(st))
		pt(PTRACE_CONT, c, 0, 0);
	CHECK("killed", WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "status %#x", st);
}

static void test_bad_requests(void)
{
	pid_t c;
	int st;

	CHECK("cont_no_such_pid_esrch", pt(PTRACE_CONT, 999999, 0, 0) == -1 && errno == ESRCH,
	      "errno %d", errno);
	CHECK("attach_self_eperm", pt(PTRACE_ATTACH, getpid(), 0, 0) == -1 && errno == EPERM,
	      "errno %d", errno);
	CHECK("attach_no_such_pid_esrch", pt(PTRACE_ATTACH, 999999, 0, 0) == -1 && errno == ESRCH,
	      "errno %d", errno);
	c = spawn_traced(body_word, 0x1111);
	CHECK("attach_traced_eperm", pt(PTRACE_ATTACH, c, 0, 0) == -1 && errno == EPERM,
	      "errno %d", errno);
	CHECK("unknown_request_eio", pt(0x7777, c, 0, 0) == -1 && errno == EIO, "errno %d", errno);
	CHECK("cont_bad_signal_eio", pt(PTRACE_CONT, c, 0, 1000) == -1 && errno == EIO,
	      "errno %d", errno);
	CHECK("setoptions_bad_einval", pt(PTRACE_SETOPTIONS, c, 0, 0x80000000UL) == -1 &&
	      errno == EINVAL, "errno %d", errno);
	CHECK("interrupt_not_seized_eio", pt(PTRACE_INTERRUPT, c, 0, 0) == -1 && errno == EIO,
	      "errno %d", errno);
	pt(PTRACE_DETACH, c, 0, 0);
	waitpid(c, &st, 0);
	CHECK("detach_runs_on", WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
	CHECK("getregs_untraced_esrch", pt(PTRACE_GETREGS, getppid(), 0, (unsigned long)&st) == -1 &&
	      errno == ESRCH, "errno %d", errno);
}

/* /proc/PID/name's text into buf, "" if it cannot be read. */
static void read_proc(pid_t pid, const char *name, char *buf, size_t size)
{
	char path[64];
	int fd, n;

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, name);
	fd = open(path, O_RDONLY);
	n = fd >= 0 ? read(fd, buf, size - 1) : -1;
	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = 0;
}

static void test_proc(void)
{
	pid_t c = spawn_traced(body_word, 0x5555);
	char path[64], buf[4096];
	int fd, st;

	read_proc(c, "stat", buf, sizeof(buf));
	CHECK("proc_stat_tracing_stop", strstr(buf, ") t ") != NULL, "stat: %s", buf);
	read_proc(c, "status", buf, sizeof(buf));
	char want[64];
	snprintf(want, sizeof(want), "TracerPid:\t%d\n", getpid());
	CHECK("proc_status_tracerpid", strstr(buf, want) != NULL, "no %s", want);
	CHECK("proc_status_state", strstr(buf, "State:\tt (tracing stop)") != NULL, "state");
	/* /proc/PID/mem: read the child's word, write another; write into
	 * its read-only text (copy-on-write broken, as POKETEXT). */
	long v = 0, nv = 0x5555;
	snprintf(path, sizeof(path), "/proc/%d/mem", c);
	fd = open(path, O_RDWR);
	CHECK("proc_mem_open", fd >= 0, "errno %d", errno);
	word = 0x4444;          /* ours differs from the child's copy */
	CHECK("proc_mem_read", pread(fd, &v, sizeof(v), (off_t)&word) == sizeof(v) && v == 0x1111,
	      "errno %d v %#lx", errno, v);
	CHECK("proc_mem_write", pwrite(fd, &nv, sizeof(nv), (off_t)&word) == sizeof(nv),
	      "errno %d", errno);
	unsigned char ret2[6] = { 0xb8, 2, 0, 0, 0, 0xc3 }, back[6] = { 0 };
	CHECK("proc_mem_write_text", pwrite(fd, ret2, sizeof(ret2), (off_t)text_target) == sizeof(ret2) &&
	      pread(fd, back, sizeof(back), (off_t)text_target) == sizeof(back) &&
	      !memcmp(back, ret2, sizeof(back)), "errno %d", errno);
	CHECK("proc_mem_unmapped_eio", pread(fd, &v, sizeof(v), 8) == -1 && errno == EIO,
	      "errno %d", errno);
	close(fd);
	word = 0x1111;
	CHECK("proc_mem_parent_text_unchanged", text_target() == 1, "text changed");
	st = finish(c);
	CHECK("proc_mem_write_seen_by_child", WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
}

static void test_process_vm(void)
{
	int p[2], st;
	pid_t c;
	long v = 0, nv = 0x3333;
	struct iovec l = { &v, sizeof(v) }, r = { (void *)&word, sizeof(word) };

	if (pipe(p))
		return;
	c = fork();
	if (c == 0) {
		char b;
		close(p[1]);
		read(p[0], &b, 1);
		_exit(word == 0x3333 ? 0 : 1);
	}
	close(p[0]);
	CHECK("process_vm_readv", process_vm_readv(c, &l, 1, &r, 1, 0) == sizeof(v) && v == 0x1111,
	      "errno %d v %#lx", errno, v);
	l.iov_base = &nv;
	CHECK("process_vm_writev", process_vm_writev(c, &l, 1, &r, 1, 0) == sizeof(v), "errno %d", errno);
	r.iov_base = (void *)text_target;
	CHECK("process_vm_writev_text_efault", process_vm_writev(c, &l, 1, &r, 1, 0) == -1 &&
	      errno == EFAULT, "errno %d", errno);
	CHECK("process_vm_readv_esrch", process_vm_readv(999999, &l, 1, &r, 1, 0) == -1 &&
	      errno == ESRCH, "errno %d", errno);
	CHECK("process_vm_flags_einval", process_vm_readv(c, &l, 1, &r, 1, 1) == -1 && errno == EINVAL,
	      "errno %d", errno);
	write(p[1], "x", 1);
	close(p[1]);
	waitpid(c, &st, 0);
	CHECK("process_vm_writev_seen", WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
}

/* A tracer (a sibling) exits while its tracee is stopped: the tracee runs
 * on, or with EXITKILL dies. */
static void test_tracer_exit(bool exitkill)
{
	const char *n = exitkill ? "tracer_exit_exitkill" : "tracer_exit_detaches";
	int p[2], st;
	pid_t c, t;

	if (pipe(p))
		return;
	c = fork();
	if (c == 0) {
		char b;
		close(p[1]);
		while (read(p[0], &b, 1) < 0)
			;
		_exit(0);
	}
	close(p[0]);
	t = fork();
	if (t == 0) {
		if (exitkill) {
			pt(PTRACE_SEIZE, c, 0, PTRACE_O_EXITKILL);
			pt(PTRACE_INTERRUPT, c, 0, 0);
		} else {
			pt(PTRACE_ATTACH, c, 0, 0);
		}
		waitpid(c, &st, __WALL);
		_exit(WIFSTOPPED(st) ? 0 : 1);
	}
	waitpid(t, &st, 0);
	CHECK(exitkill ? "tracer_exitkill_saw_stop" : "tracer_saw_stop",
	      WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
	write(p[1], "x", 1);
	close(p[1]);
	waitpid(c, &st, 0);
	if (exitkill)
		CHECK(n, WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "status %#x", st);
	else
		CHECK(n, WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "exec-child"))
		return 0;
	/* A tracee killed by EXITKILL closes its pipe under our write. */
	signal(SIGPIPE, SIG_IGN);
	test_peek_poke();
	test_poke_text();
	test_user_area();
	test_fpregs();
	test_syscall(false);
	test_syscall(true);
	test_singlestep();
	test_singlestep_site();
	test_breakpoint_site();
	test_syscall_site();
	test_signals();
	test_events();
	test_seize();
	test_bad_requests();
	test_proc();
	test_process_vm();
	test_tracer_exit(false);
	test_tracer_exit(true);
	return check_done();
}

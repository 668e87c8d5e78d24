/*
 * Syscalls through rewritten sites (issue 18): Glass rewrites a site
 * `mov $nr,%eax; syscall` that traps twice in an mm into a jump to a
 * trampoline, so every site here runs at least three times. Natively
 * nothing is rewritten and every check passes the same way: they are
 * about a syscall's semantics (results; every register but rax, rcx and
 * r11, which must be the result, the return address and rflags; the red
 * zone; signals, rt_sigreturn, the trap flag; fork, vfork, exec, threads;
 * blocking, EINTR and restarts; four to six arguments; a jump to the
 * syscall instruction with another number; a guest that unmaps or maps
 * over Glass's region) and about what a reader of the text sees (the
 * original bytes).
 */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "check.h"
#include "regs.h"
#include "syscall_site.h"

SYSCALL_SITE(site_getppid, SYS_getppid);
SYSCALL_SITE(site_getpid, SYS_getpid);
SYSCALL_SITE(site_gettid, SYS_gettid);
SYSCALL_SITE(site_kill, SYS_kill);
SYSCALL_SITE(site_read, SYS_read);
SYSCALL_SITE(site_write, SYS_write);
SYSCALL_SITE(site_mmap, SYS_mmap);
SYSCALL_SITE(site_pread, SYS_pread64);
SYSCALL_SITE(site_execve, SYS_execve);
SYSCALL_SITE(site_nanosleep, SYS_nanosleep);
/* Each run first by a child, then by its parent, after the fork. */
SYSCALL_SITE(site_child_only, SYS_getpid);
SYSCALL_SITE(site_parent_only, SYS_getppid);
/* Written over by the program itself. */
SYSCALL_SITE(site_smc, SYS_getppid);
/* Run only once the region is gone. */
SYSCALL_SITE(site_close, SYS_close);
/* A site also entered at its syscall instruction with another number. */
SYSCALL_SITE(site5, SYS_getppid);
long site5_with(long nr);
__asm__(".text\n.globl site5_with\nsite5_with:\n\tmov %edi, %eax\n\tjmp site5_syscall\n");

/* getppid between register loads and stores, at regs_site_at;
 * regs_site_ret is the return address the syscall leaves in rcx. */
REGS_FN(site, ".globl regs_site_at\nregs_site_at:\n\t.byte 0xb8\n\t.long " SITE_XSTR(SYS_getppid)
	"\n\tsyscall\n.globl regs_site_ret\nregs_site_ret:");
YMM_FN(site, ".byte 0xb8\n\t.long " SITE_XSTR(SYS_getppid) "\n\tsyscall");
/* The same, entered at the syscall instruction with the caller's rax
 * when rcx is not 0 (jrcxz leaves the flags alone). */
REGS_FN(site5, "jrcxz 1f\n\tjmp regs_site5_syscall\n1:\n\t.byte 0xb8\n\t.long "
	SITE_XSTR(SYS_getppid) "\n.globl regs_site5_syscall\nregs_site5_syscall:\n\tsyscall\n"
	".globl regs_site5_ret\nregs_site5_ret:");
/* A getpid site only ever entered at its syscall instruction. */
YMM_FN(site5, "mov $" SITE_XSTR(SYS_getpid) ", %eax\n\tjmp ymm_site5_syscall\n\t"
       ".byte 0xb8\n\t.long " SITE_XSTR(SYS_getpid) "\nymm_site5_syscall:\n\tsyscall");
extern const unsigned char regs_site_at[], regs_site_ret[], regs_site5_ret[];

/* The 128 bytes below rsp (the red zone) filled with a pattern, a
 * getppid, then how many of them changed. */
long red_zone_getppid(void);
__asm__(".text\n.globl red_zone_getppid\nred_zone_getppid:\n\t"
	"mov $-128, %rdx\n1:\n\tmovb %dl, (%rsp,%rdx)\n\tinc %rdx\n\tjnz 1b\n\t"
	".byte 0xb8\n\t.long " SITE_XSTR(SYS_getppid) "\n\tsyscall\n\t"
	"xor %eax, %eax\n\tmov $-128, %rdx\n2:\n\tcmpb %dl, (%rsp,%rdx)\n\tsetne %cl\n\t"
	"movzbl %cl, %ecx\n\tadd %rcx, %rax\n\tinc %rdx\n\tjnz 2b\n\tret\n");

/* A getppid with rsp pointing at nothing (a syscall never uses the
 * stack): its result. */
long bad_rsp_getppid(void);
__asm__(".text\n.globl bad_rsp_getppid\nbad_rsp_getppid:\n\tpush %rbx\n\tmov %rsp, %rbx\n\t"
	"mov $8, %esp\n\t.byte 0xb8\n\t.long " SITE_XSTR(SYS_getppid) "\n\tsyscall\n\t"
	"mov %rbx, %rsp\n\tpop %rbx\n\tret\n");

/* MANY_SITES getpid sites of 8 bytes (the site and a ret) from
 * many_sites: more than Glass has slots for. */
#define MANY_SITES 1100
__asm__(".text\n.globl many_sites\n.p2align 3\nmany_sites:\n\t.rept 1100\n\t"
	".byte 0xb8\n\t.long " SITE_XSTR(SYS_getpid) "\n\tsyscall\n\tret\n\t.endr\n");
extern const unsigned char many_sites[];

/* getpid after `mov $39,%r8d` (41 b8 27 00 00 00): its last 7 bytes
 * and the syscall look like a site, yet the mov sets r8d; returns r8. */
long rex_r8_getpid(long *rax);
__asm__(".text\n.globl rex_r8_getpid\nrex_r8_getpid:\n\txor %r8d, %r8d\n\t"
	"mov $" SITE_XSTR(SYS_getpid) ", %eax\n\t.byte 0x41, 0xb8\n\t.long " SITE_XSTR(SYS_getpid)
	"\n\tsyscall\n\tmov %rax, (%rdi)\n\tmov %r8, %rax\n\tret\n");

/* rcx rounds of a loop that leaves the flags alone, for ticks to stop. */
REGS_FN(spin, "1:\n\tlea -1(%rcx), %rcx\n\tjrcxz 2f\n\tjmp 1b\n2:");

/* A signal handler's return, rt_sigreturn, through a rewritable site. */
void site_restorer(void);
__asm__(".text\n.globl site_restorer\nsite_restorer:\n\t.byte 0xb8\n\t.long "
	SITE_XSTR(SYS_rt_sigreturn) "\n\tsyscall\n\thlt\n");

/* site_getppid called with the trap flag set: a SIGTRAP after each
 * instruction from the call to the popfq that clears it. */
long tf_getppid(void);
__asm__(".text\n.globl tf_getppid\ntf_getppid:\n\tpushfq\n\torq $0x100, (%rsp)\n\tpopfq\n\t"
	"call site_getppid\n.globl tf_getppid_back\ntf_getppid_back:\n\t"
	"pushfq\n\tandq $~0x100, (%rsp)\n\tpopfq\n\tret\n");
extern const unsigned char tf_getppid_back[];

#define DF 0x400ul

static long pid, ppid;

/* Rounds in which a site gave the wrong result, out of n. */
static int bad_results(int n)
{
	int bad = 0;

	for (int i = 0; i < n; i++)
		bad += (site_getppid(0, 0, 0, 0, 0, 0) != ppid) + (site_getpid(0, 0, 0, 0, 0, 0) != pid);
	return bad;
}

static void test_results(void)
{
	int bad = bad_results(5000);

	CHECK("patched_getppid_getpid", !bad, "%d wrong results in 5000 rounds", bad);
}

/*
 * Rounds of fn (a REGS_FN around one getppid site returning to ret) with
 * fresh values, DF set in every other one: nothing may change but rax,
 * which must be the syscall's result, rcx, which must be ret, and r11,
 * which must be rflags. With jump, from the fourth round on every other
 * round enters at the syscall with getpid's number.
 */
static void check_site_regs(const char *name, void (*fn)(const struct regs *, struct regs *),
			    const unsigned char *ret, int jump)
{
	struct regs in, out;
	const char *bad = NULL;
	int n;

	for (n = 0; n < 2000 && !bad; n++) {
		fill(&in);
		if (n & 1)
			in.flags |= DF;
		in.rcx = jump && n >= 3 && (n & 1);
		in.rax = in.rcx ? SYS_getpid : 0;
		fn(&in, &out);
		in.rax = in.rcx ? pid : ppid;
		bad = differs(&in, &out, 0);
		if (!bad && out.rax != in.rax)
			bad = "rax (not the syscall's result)";
		if (!bad && out.rcx != (uint64_t)ret)
			bad = "rcx (not the return address)";
		if (!bad && out.r11 != out.flags)
			bad = "r11 (not rflags)";
	}
	CHECK(name, !bad, "%s after %d syscalls: rax %#lx rcx %#lx r11 %#lx flags %#lx", bad, n,
	      (long)out.rax, (long)out.rcx, (long)out.r11, (long)out.flags);
}

static void test_regs(void)
{
	int n;

	check_site_regs("patched_site_keeps_registers", regs_site, regs_site_ret, 0);
	check_site_regs("site5_keeps_registers", regs_site5, regs_site5_ret, 1);
	if (__builtin_cpu_supports("avx")) {
		n = ymm_kept(ymm_site, 500);
		CHECK("patched_site_keeps_ymm", n == 500, "a ymm register differs after %d syscalls", n + 1);
		n = ymm_kept(ymm_site5, 500);
		CHECK("site5_keeps_ymm", n == 500, "a ymm register differs after %d syscalls", n + 1);
	}
}

static volatile sig_atomic_t sigills;
/* Counts, and steps over a ud2. */
static void on_sigill(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	sigills++;
	uc->uc_mcontext.gregs[REG_RIP] += 2;
}
void do_ud2(void);
__asm__(".text\n.globl do_ud2\ndo_ud2:\n\tud2\n\tret\n");

/* Entering site5 at its syscall instruction with eax set by the caller
 * runs that syscall, whether or not the site was rewritten; no SIGILL. */
static void test_site5(void)
{
	struct sigaction sa = { .sa_sigaction = on_sigill, .sa_flags = SA_SIGINFO }, old;
	int bad = 0;

	sigaction(SIGILL, &sa, &old);
	for (int round = 0; round < 4; round++) {
		for (int i = 0; i < 3; i++)
			bad += site5(0, 0, 0, 0, 0, 0) != ppid;
		bad += site5_with(SYS_getpid) != pid;
		bad += site5_with(SYS_getppid) != ppid;
	}
	CHECK("site5_runs_callers_syscall", !bad, "%d wrong results", bad);
	CHECK("site5_unknown_enosys", site5_with(1000) == -ENOSYS, "got %ld", site5_with(1000));
	CHECK("site5_no_sigill", !sigills, "%d SIGILLs delivered", (int)sigills);
	do_ud2();
	CHECK("ud2_sigill_delivered", sigills == 1, "%d SIGILLs delivered", (int)sigills);
	sigaction(SIGILL, &old, NULL);
}

static volatile sig_atomic_t alarms, usr1s, handler_bad;

/* Makes syscalls through the same sites as the loop it interrupts; the
 * context it is shown never points into Glass's trampolines. */
static void on_tick(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	if (site_getpid(0, 0, 0, 0, 0, 0) != pid || site_getppid(0, 0, 0, 0, 0, 0) != ppid)
		handler_bad |= 1;
	if (in_glass_code(uc->uc_mcontext.gregs[REG_RIP]))
		handler_bad |= 2;
	if (sig == SIGALRM)
		alarms++;
	else
		usr1s++;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void test_signals(void)
{
	struct sigaction sa = { .sa_sigaction = on_tick, .sa_flags = SA_SIGINFO | SA_RESTART };
	struct itimerval it = { { 0, 1000 }, { 0, 1000 } }, off = { { 0, 0 }, { 0, 0 } };
	int bad = 0, kills = 0, kill_bad = 0;
	double end = now() + 20;
	long i;

	sigaction(SIGALRM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
	for (i = 0; i < 20000 || (alarms < 3 && now() < end); i++) {
		bad += site_getppid(0, 0, 0, 0, 0, 0) != ppid;
		if (i % 1000 == 0) {
			kill_bad += site_kill(pid, SIGUSR1, 0, 0, 0, 0) != 0;
			kills++;
		}
	}
	setitimer(ITIMER_REAL, &off, NULL);
	signal(SIGALRM, SIG_DFL);
	signal(SIGUSR1, SIG_DFL);
	CHECK("signals_loop_results", !bad && !kill_bad, "%d wrong getppid, %d failed kills in %ld rounds",
	      bad, kill_bad, i);
	CHECK("signals_handler_sites", !handler_bad, "handler saw %s", handler_bad & 1 ?
	      "wrong results" : "a rip in Glass's trampolines or stub");
	CHECK("signals_kill_delivered", usr1s == kills, "%d SIGUSR1 handled of %d sent", (int)usr1s,
	      kills);
	CHECK("signals_timer_ran", alarms >= 1, "no SIGALRM in %ld rounds", i);
}

/* Where a signal found us: the first 64 handler runs' rips. */
static unsigned long rips[64];
static volatile int nrips;
static void record_rip(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	if (nrips < 64)
		rips[nrips++] = uc->uc_mcontext.gregs[REG_RIP];
}

/*
 * SIGUSR1s from a sibling that sends nothing else, while we loop through
 * a site: they arrive wherever we are (in Glass, when a tick lets the
 * sibling run), so their handler is shown every place the loop can be
 * stopped, never one of Glass's.
 */
static void test_async_signals(void)
{
	struct sigaction sa = { .sa_sigaction = record_rip, .sa_flags = SA_SIGINFO | SA_RESTART };
	int bad = 0, odd = 0, st;
	double end = now() + 10;
	pid_t me = getpid(), c;

	nrips = 0;
	sigaction(SIGUSR1, &sa, NULL);
	c = fork();
	if (c == 0) {
		while (!kill(me, SIGUSR1))
			;
		_exit(0);
	}
	for (long i = 0; nrips < 64 && (i & 1023 || now() < end); i++)
		bad += site_getppid(0, 0, 0, 0, 0, 0) != ppid;
	kill(c, SIGKILL);
	waitpid(c, &st, 0);
	signal(SIGUSR1, SIG_DFL);
	for (int i = 0; i < nrips; i++)
		odd += in_glass_code(rips[i]);
	CHECK("async_signals_at_own_code", !bad && nrips > 0 && !odd,
	      "%d wrong results; %d of %d handler runs at a rip of Glass's", bad, odd, nrips);
}

/* fd's 7 bytes at addr are those of a site for nr: a site's original ones. */
static int reads_as_site(int fd, const void *addr, long nr)
{
	const unsigned char want[7] = SITE_BYTES(nr);
	unsigned char got[7] = { 0 };

	return pread(fd, got, sizeof(got), (off_t)(uintptr_t)addr) == sizeof(got) &&
	       !memcmp(got, want, sizeof(got));
}

static void test_fork(void)
{
	int st, bad;
	pid_t c;

	bad_results(100);
	c = fork();
	if (c == 0) {
		int fd = open("/proc/self/mem", O_RDONLY);

		pid = syscall(SYS_getpid);
		ppid = syscall(SYS_getppid);
		bad = bad_results(1000) ? 1 : 0;
		if (!reads_as_site(fd, site_getppid_at, SYS_getppid))
			bad |= 2;
		_exit(bad);
	}
	bad = bad_results(1000);
	CHECK("fork_child_sites", waitpid(c, &st, 0) == c && WIFEXITED(st) && !WEXITSTATUS(st),
	      "child status %#x (1: results, 2: bytes)", st);
	CHECK("fork_parent_sites", !bad, "%d wrong results", bad);
}

static void test_proc_mem(void)
{
	int fd = open("/proc/self/mem", O_RDONLY);

	CHECK("proc_mem_original_bytes", reads_as_site(fd, site_getppid_at, SYS_getppid) &&
	      reads_as_site(fd, site5_at, SYS_getppid) &&
	      reads_as_site(fd, regs_site_at, SYS_getppid) &&
	      reads_as_site(fd, site_kill_at, SYS_kill), "fd %d errno %d", fd, errno);
	close(fd);
}

#define NTHREADS 4
static pthread_barrier_t start;

/* All threads enter site_gettid, which nothing ran before, at once. */
static void *thread_sites(void *arg)
{
	long tid = syscall(SYS_gettid), bad = 0;

	pthread_barrier_wait(&start);
	for (int i = 0; i < 3000; i++)
		bad += (site_gettid(0, 0, 0, 0, 0, 0) != tid) + (site_getppid(0, 0, 0, 0, 0, 0) != ppid);
	return (void *)bad;
}

static void test_threads(void)
{
	pthread_t th[NTHREADS];
	long bad = 0;
	void *ret;

	pthread_barrier_init(&start, NULL, NTHREADS);
	for (int i = 0; i < NTHREADS; i++)
		if (pthread_create(&th[i], NULL, thread_sites, NULL)) {
			FAIL("threads_sites", "pthread_create");
			return;
		}
	for (int i = 0; i < NTHREADS; i++) {
		pthread_join(th[i], &ret);
		bad += (long)ret;
	}
	pthread_barrier_destroy(&start);
	CHECK("threads_sites", !bad, "%ld wrong results", bad);
}

static int pipe_fds[2];
static volatile sig_atomic_t ticks;
static void on_alarm(int sig) { ticks++; }
/* Writes what the interrupted read then returns, once restarted. */
static void on_alarm_write(int sig)
{
	ticks++;
	site_write(pipe_fds[1], (long)"y", 1, 0, 0, 0);
}

/* One read of a byte through site_read, blocking, with the handler h
 * (flags) for a SIGALRM 20 ms in: its result, the byte in *c. */
static long read_with_alarm(void (*h)(int), int flags, char *c)
{
	struct sigaction sa = { .sa_handler = h, .sa_flags = flags };
	struct itimerval it = { { 0, 0 }, { 0, 20000 } };
	long r;

	ticks = 0;
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
	r = site_read(pipe_fds[0], (long)c, 1, 0, 0, 0);
	signal(SIGALRM, SIG_DFL);
	return r;
}

static void test_blocking(void)
{
	char c = 0;
	long r;
	pid_t w;
	int st;

	if (pipe(pipe_fds)) {
		FAIL("blocking_read", "pipe: %s", strerror(errno));
		return;
	}
	for (int i = 0; i < 3; i++)
		site_write(pipe_fds[1], (long)"abc" + i, 1, 0, 0, 0);
	for (int i = 0; i < 3; i++)
		site_read(pipe_fds[0], (long)&c, 1, 0, 0, 0);
	CHECK("pipe_through_sites", c == 'c', "read '%c'", c);

	w = fork();
	if (w == 0) {
		usleep(100 * 1000);
		_exit(write(pipe_fds[1], "x", 1) == 1 ? 0 : 1);
	}
	r = site_read(pipe_fds[0], (long)&c, 1, 0, 0, 0);
	CHECK("blocking_read", r == 1 && c == 'x', "read %ld '%c'", r, c);
	waitpid(w, &st, 0);

	r = read_with_alarm(on_alarm, 0, &c);
	CHECK("blocking_read_eintr", r == -EINTR && ticks == 1, "read %ld, %d handler runs", r,
	      (int)ticks);
	c = 0;
	r = read_with_alarm(on_alarm_write, SA_RESTART, &c);
	CHECK("blocking_read_restarted", r == 1 && c == 'y' && ticks == 1,
	      "read %ld '%c', %d handler runs", r, c, (int)ticks);
	close(pipe_fds[0]);
	close(pipe_fds[1]);
}

/* Syscalls with four to six arguments: r10, r8 and r9 reach them. */
static void test_six_args(void)
{
	static const long known = 0x1122334455667788;
	int fd = open("/proc/self/mem", O_RDONLY), bad = 0;
	long got, r;

	for (int i = 0; i < 10; i++) {
		got = 0;
		r = site_pread(fd, (long)&got, sizeof(got), (long)&known, 0, 0);
		bad += r != sizeof(got) || got != known;
	}
	CHECK("pread_offset_through_site", !bad && fd >= 0, "%d wrong, fd %d", bad, fd);
	close(fd);

	fd = open("/proc/self/exe", O_RDONLY);
	bad = 0;
	for (int i = 0; i < 10; i++) {
		char *p = (char *)site_mmap(0, 4096, PROT_READ, MAP_PRIVATE, fd, 4096 * (i % 2));
		char want[64];

		if ((unsigned long)p > -4096ul) {
			bad++;
			continue;
		}
		bad += pread(fd, want, sizeof(want), 4096 * (i % 2)) != sizeof(want) ||
		       memcmp(p, want, sizeof(want));
		munmap(p, 4096);
	}
	CHECK("mmap_file_offset_through_site", !bad && fd >= 0, "%d wrong, fd %d", bad, fd);
	close(fd);
}

/* Sites a child and then its parent rewrite after the fork: neither
 * mm's trampolines are the other's. */
static void test_fork_new_sites(void)
{
	int to_parent[2], to_child[2], bad = 0, st;
	char b;
	pid_t c;

	if (pipe(to_parent) || pipe(to_child)) {
		FAIL("fork_new_sites_apart", "pipe: %s", strerror(errno));
		return;
	}
	c = fork();
	if (c == 0) {
		long me = syscall(SYS_getpid);

		for (int i = 0; i < 3; i++)
			bad += site_child_only(0, 0, 0, 0, 0, 0) != me;
		write(to_parent[1], "c", 1);
		read(to_child[0], &b, 1);
		for (int i = 0; i < 100; i++)
			bad += site_child_only(0, 0, 0, 0, 0, 0) != me;
		_exit(bad ? 1 : 0);
	}
	read(to_parent[0], &b, 1);
	for (int i = 0; i < 3; i++)
		bad += site_parent_only(0, 0, 0, 0, 0, 0) != ppid;
	write(to_child[1], "p", 1);
	for (int i = 0; i < 100; i++)
		bad += site_parent_only(0, 0, 0, 0, 0, 0) != ppid;
	waitpid(c, &st, 0);
	CHECK("fork_new_sites_apart", !bad && WIFEXITED(st) && !WEXITSTATUS(st),
	      "parent: %d wrong, child status %#x", bad, st);
	for (int i = 0; i < 2; i++) {
		close(to_parent[i]);
		close(to_child[i]);
	}
}

/* What the syscall leaves of the stack: the red zone; none of it used. */
static void test_stack(void)
{
	long changed = 0, bad = 0;

	for (int i = 0; i < 100; i++) {
		changed += red_zone_getppid();
		bad += bad_rsp_getppid() != ppid;
	}
	CHECK("red_zone_kept", !changed, "%ld bytes changed", changed);
	CHECK("syscall_with_bad_rsp", !bad, "%ld wrong results", bad);
}

/* In a child, whose mm alone runs out of slots. */
static int many_sites_child(void)
{
	int bad = 0;

	/* three times each in a row: Glass rewrites each on its second */
	for (int i = 0; i < MANY_SITES; i++)
		for (int n = 0; n < 3; n++)
			bad += ((long (*)(void))(many_sites + 8 * i))() != syscall(SYS_getpid);
	for (int i = 0; i < MANY_SITES; i++)
		bad += ((long (*)(void))(many_sites + 8 * i))() != syscall(SYS_getpid);
	return bad ? 1 : 0;
}

static void test_many_sites(void)
{
	int st = check_in_child(many_sites_child);

	CHECK("many_sites", WIFEXITED(st) && !WEXITSTATUS(st), "child status %#x", st);
}

/*
 * A program that makes its text writable and writes a new site over a
 * (rewritten) one, as a JIT might: the new code runs, and a reader of
 * the text sees what it wrote. In a child, whose text alone changes.
 */
static int smc_child(void)
{
	static const unsigned char getpid_site[7] = SITE_BYTES(SYS_getpid);
	unsigned long page = (unsigned long)site_smc_at & ~4095ul;
	long me = syscall(SYS_getpid);
	int bad = 0, fd;

	for (int i = 0; i < 5; i++)
		site_smc(0, 0, 0, 0, 0, 0);
	if (mprotect((void *)page, 8192, PROT_READ | PROT_WRITE | PROT_EXEC))
		return 8;
	memcpy((void *)site_smc_at, getpid_site, sizeof(getpid_site));
	for (int i = 0; i < 5; i++)
		if (site_smc(0, 0, 0, 0, 0, 0) != me)
			bad |= 1;
	fd = open("/proc/self/mem", O_RDONLY);
	if (!reads_as_site(fd, site_smc_at, SYS_getpid))
		bad |= 2;
	close(fd);
	return bad;
}

static void test_self_modified(void)
{
	int st = check_in_child(smc_child);

	CHECK("site_written_over_by_program", WIFEXITED(st) && !WEXITSTATUS(st),
	      "child status %#x (exit 1: wrong results, 2: /proc/self/mem, 8: mprotect)", st);
}

/* process_vm_readv, no debugger's access, still reads a child's text as
 * the file has it. */
static void test_process_vm_readv(void)
{
	const unsigned char want[7] = SITE_BYTES(SYS_getppid);
	unsigned char got[7] = { 0 };
	struct iovec l = { got, sizeof(got) }, r = { (void *)site_getppid_at, sizeof(got) };
	int p[2], st;
	char b;
	pid_t c;

	if (pipe(p))
		return;
	bad_results(10);
	c = fork();
	if (c == 0) {
		close(p[1]);
		read(p[0], &b, 1);
		_exit(0);
	}
	close(p[0]);
	CHECK("process_vm_readv_original_bytes", process_vm_readv(c, &l, 1, &r, 1, 0) == sizeof(got) &&
	      !memcmp(got, want, sizeof(got)), "errno %d, %02x %02x %02x", errno, got[0], got[1], got[2]);
	close(p[1]);
	waitpid(c, &st, 0);
}

static void test_rex_prefix(void)
{
	long r8, rax, bad = 0;

	for (int i = 0; i < 10; i++) {
		r8 = rex_r8_getpid(&rax);
		bad += r8 != SYS_getpid || rax != pid;
	}
	CHECK("rex_mov_before_syscall", !bad, "%ld wrong: r8 %ld rax %ld", bad, r8, rax);
}

static long sleep_ns(long ns)
{
	struct timespec ts = { ns / 1000000000, ns % 1000000000 };

	return site_nanosleep((long)&ts, 0, 0, 0, 0, 0);
}

/* Stopped and continued in a long nanosleep through a rewritten site:
 * the sleep goes on (restart_syscall) and returns 0. */
static int stopped_sleeper(void)
{
	for (int i = 0; i < 3; i++)
		sleep_ns(1000);
	return sleep_ns(300 * 1000 * 1000) ? 1 : 0;
}

/* nanosleep through a rewritten site: -EINTR for a handler, whatever
 * SA_RESTART says; restarted after a stop. */
static void test_nanosleep(void)
{
	struct sigaction sa = { .sa_handler = on_alarm, .sa_flags = SA_RESTART };
	struct itimerval it = { { 0, 0 }, { 0, 20000 } };
	int st;
	pid_t c;
	long r;

	for (int i = 0; i < 3; i++)
		sleep_ns(1000);
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
	r = sleep_ns(2000 * 1000 * 1000L);
	signal(SIGALRM, SIG_DFL);
	CHECK("nanosleep_eintr", r == -EINTR, "returned %ld", r);

	c = fork();
	if (c == 0)
		_exit(stopped_sleeper());
	usleep(50 * 1000);
	kill(c, SIGSTOP);
	waitpid(c, &st, WUNTRACED);
	kill(c, SIGCONT);
	waitpid(c, &st, 0);
	CHECK("nanosleep_restarted_after_stop", WIFEXITED(st) && !WEXITSTATUS(st), "status %#x", st);
}

/* The kernel's struct sigaction, to name a restorer. */
struct ksigaction {
	void (*handler)(int);
	unsigned long flags;
	void (*restorer)(void);
	uint64_t mask;
};
#define KSA_RESTORER 0x04000000ul

static volatile sig_atomic_t spin_ticks;
static void on_spin_tick(int sig) { spin_ticks++; }

/*
 * SIGALRMs every ms stop spins with every register live; their handler
 * returns through site_restorer, rewritten after two: rt_sigreturn must
 * bring back all of them (rax, rcx and r11 too), not a syscall's result.
 */
static void test_sigreturn(void)
{
	struct ksigaction ksa = { on_spin_tick, KSA_RESTORER | SA_RESTART, site_restorer, 0 };
	struct itimerval it = { { 0, 1000 }, { 0, 1000 } }, off = { { 0, 0 }, { 0, 0 } };
	struct regs in, out;
	const char *bad = NULL;
	int n;

	if (syscall(SYS_rt_sigaction, SIGALRM, &ksa, NULL, 8)) {
		FAIL("sigreturn_site_keeps_registers", "rt_sigaction: %s", strerror(errno));
		return;
	}
	setitimer(ITIMER_REAL, &it, NULL);
	for (n = 0; n < 200 && !bad && (n < 5 || spin_ticks < 10); n++) {
		fill(&in);
		in.rcx = 20 * 1000 * 1000;
		regs_spin(&in, &out);
		in.rcx = 0;
		bad = differs(&in, &out, 1);
	}
	setitimer(ITIMER_REAL, &off, NULL);
	signal(SIGALRM, SIG_DFL);
	CHECK("sigreturn_site_keeps_registers", !bad, "%s differs after spin %d", bad, n);
	CHECK("sigreturn_site_ran", spin_ticks >= 3, "%d handler runs in %d spins", (int)spin_ticks, n);
}

/* The guest's own single steps over a (rewritten) site: each SIGTRAP
 * at an instruction of its own, the site's first one among them. */
static void test_trap_flag(void)
{
	struct sigaction sa = { .sa_sigaction = record_rip, .sa_flags = SA_SIGINFO };
	int bad = 0, in_region = 0, at_site = 0, back = 0;

	sigaction(SIGTRAP, &sa, NULL);
	for (int round = 0; round < 3; round++) {
		nrips = 0;
		bad += tf_getppid() != ppid;
		for (int i = 0; i < nrips; i++) {
			in_region += in_glass_code(rips[i]);
			at_site += rips[i] == (unsigned long)site_getppid_at;
			back += rips[i] == (unsigned long)tf_getppid_back;
		}
	}
	signal(SIGTRAP, SIG_DFL);
	CHECK("trap_flag_over_site", !bad && !in_region && at_site == 3 && back == 3,
	      "%d wrong results; of the SIGTRAPs %d in the trampolines, %d at the site, %d after it",
	      bad, in_region, at_site, back);
}

/* A program exec'd by a process whose sites were rewritten loads its
 * own text as the file has it. */
static int fresh_text(void)
{
	const unsigned char want[7] = SITE_BYTES(SYS_getppid);

	return memcmp(site_getppid_at, want, sizeof(want)) ? 1 : 0;
}

static int exec_fresh(void)
{
	execl("/proc/self/exe", "t_patch", "fresh", (char *)NULL);
	return 127;
}

/* Failed execs rewrite site_execve; then one that works through it. */
static int exec_fresh_through_site(void)
{
	static char *const argv[] = { "t_patch", "fresh", NULL };

	for (int i = 0; i < 3; i++)
		if (site_execve((long)"/nonexistent/t_patch", (long)argv, (long)environ, 0, 0, 0) != -ENOENT)
			return 126;
	site_execve((long)"/proc/self/exe", (long)argv, (long)environ, 0, 0, 0);
	return 127;
}

static void test_exec(void)
{
	int st;

	bad_results(10);
	st = check_in_child(exec_fresh);
	CHECK("exec_text_original", WIFEXITED(st) && !WEXITSTATUS(st), "status %#x", st);
	st = check_in_child(exec_fresh_through_site);
	CHECK("exec_through_site", WIFEXITED(st) && !WEXITSTATUS(st), "status %#x", st);
}

/* libc's vfork is a rewritable site (mov $58,%eax; syscall) in glibc and
 * musl: the child and then the parent return through it. */
__attribute__((noinline)) static pid_t vfork_exit(int code)
{
	pid_t c = vfork();

	if (c == 0)
		_exit(code);
	return c;
}

static void test_vfork(void)
{
	int bad = 0, st;

	for (int i = 0; i < 20; i++) {
		pid_t c = vfork_exit(i);

		bad += c < 0 || waitpid(c, &st, 0) != c || !WIFEXITED(st) || WEXITSTATUS(st) != i;
	}
	CHECK("vfork_through_site", !bad, "%d wrong of 20", bad);
}

/*
 * A guest may unmap [0x60000,0x6a000) or map its own memory there
 * (natively nothing is there): its sites go on giving their syscalls'
 * results, rewritten ones and a new one. how: 0 unmaps it, 1 maps over
 * it, 2 unmaps it, runs the sites, then maps over it. In a child, so
 * that a crash shows as its status: exit 0 when all was right.
 */
static int region_child(int how)
{
	size_t len = SITE_REGION_END - SITE_REGION_START;
	int bad = 0;

	pid = syscall(SYS_getpid);
	ppid = syscall(SYS_getppid);
	if (how != 1 && munmap((void *)SITE_REGION_START, len))
		return 8;
	if (how == 2 && bad_results(100))
		bad |= 1;
	if (how && mmap((void *)SITE_REGION_START, len, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
		return 8;
	/* used, as a program uses its memory */
	if (how)
		memset((void *)SITE_REGION_START, 0x5a, len);
	if (bad_results(100))
		bad |= 1;
	for (int i = 0; i < 10; i++)
		if (site_close(-1, 0, 0, 0, 0, 0) != -EBADF)
			bad |= 2;
	return bad;
}

static void test_region(void)
{
	static const char *const names[] = {
		"region_unmapped_sites", "region_mapped_over_sites", "region_unmapped_then_mapped_sites",
	};
	int st;

	bad_results(10);
	for (int how = 0; how < 3; how++) {
		pid_t c = fork();

		if (c == 0)
			_exit(region_child(how));
		CHECK(names[how], waitpid(c, &st, 0) == c && WIFEXITED(st) && !WEXITSTATUS(st),
		      "child status %#x (exit 1: old sites, 2: a new site, 8: munmap or mmap)", st);
	}
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "fresh"))
		return fresh_text();
	pid = syscall(SYS_getpid);
	ppid = syscall(SYS_getppid);
	test_results();
	test_regs();
	test_site5();
	test_signals();
	test_async_signals();
	test_fork();
	test_proc_mem();
	test_threads();
	test_blocking();
	test_six_args();
	test_sigreturn();
	test_trap_flag();
	test_exec();
	test_vfork();
	test_fork_new_sites();
	test_stack();
	test_many_sites();
	test_process_vm_readv();
	test_self_modified();
	test_rex_prefix();
	test_nanosleep();
	test_region();
	return check_done();
}

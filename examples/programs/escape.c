/*
 * A hostile guest for tests/integration/stub_escape.sh: it attacks the stub
 * that runs it — the code and hand-off page Glass maps into every guest's
 * host process above TASK_SIZE (kernel/include/glass/layout.h, os.h).
 *
 *   escape jump PATH      jump to every byte of the stub's code with the
 *                         registers of a host openat(AT_FDCWD, PATH,
 *                         O_CREAT|O_WRONLY, 0644), then with those of a
 *                         host mmap of fd 3 (physmem) at MAP_ADDR. Each
 *                         attempt must end in a signal (or a trapped,
 *                         emulated syscall); the caller checks that PATH
 *                         did not appear on the host. Exit 0, or 1 when
 *                         MAP_ADDR became readable (a host mapping).
 *   escape scribble MODE  write garbage into the hand-off page and make
 *                         the kernel look at it (MODE: state, signo,
 *                         fpstate, random, sleep). Glass must kill this
 *                         process alone; it never exits normally.
 *   escape bystander SECS fill 8 MiB with a pattern and check it for SECS
 *                         seconds while the others attack; exit 0 if intact.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define STUB_CODE 0x7ff000000000UL
#define HANDOFF (0x7ff000100000UL + 10 * 4096)  /* STUB_DATA + STUB_HANDOFF_OFF */
#define SIGSTACK (0x7ff000100000UL + 12 * 4096) /* STUB_DATA + STUB_SIGSTACK_OFF */
/* Offsets in struct stub_data (glass/os.h): state alone on its cache line. */
#define OFF_STATE 0
#define OFF_SIGNO 64
#define OFF_CODE 68
#define OFF_ADDR 72
#define OFF_FPSTATE 96
#define MAP_ADDR 0x10000000UL
#define MAX_TEXT 0x10000UL
#define ESCAPED 42              /* a worker's exit status for a host mapping */

static sigjmp_buf env;

static void on_signal(int sig)
{
	siglongjmp(env, sig);
}

/* A `ret` from the stub lands here (pushed below the jump target). */
void landed(void)
{
	siglongjmp(env, 100);
}

struct jregs { uint64_t ax, di, si, dx, r10, r8, r9, target; };

/* Load the registers and jump; a `ret` there comes back to landed(). */
void jump(const struct jregs *r);
__asm__(".text\n.globl jump\njump:\n\t"
	"lea 1f(%rip), %r11\n\t"
	"push %r11\n\t"
	"mov %rdi, %r11\n\t"
	"mov 0(%r11), %rax\n\t"
	"mov 8(%r11), %rdi\n\t"
	"mov 16(%r11), %rsi\n\t"
	"mov 24(%r11), %rdx\n\t"
	"mov 32(%r11), %r10\n\t"
	"mov 40(%r11), %r8\n\t"
	"mov 48(%r11), %r9\n\t"
	"jmp *56(%r11)\n"
	"1:\n\t"
	"and $-16, %rsp\n\t"
	"call landed\n\t"
	"ud2\n");

static void catch_all(void)
{
	static char altstack[64 << 10];
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_ONSTACK | SA_NODEFER };
	static const int sigs[] = { SIGSEGV, SIGILL, SIGSYS, SIGBUS, SIGFPE, SIGTRAP, SIGALRM };

	sigaltstack(&ss, NULL);
	sigfillset(&sa.sa_mask);
	for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

/* How many bytes of stub code are readable (the guest reads them natively). */
static unsigned long text_len(void)
{
	static volatile unsigned long n;

	n = 0;
	if (sigsetjmp(env, 1) == 0)
		for (; n < MAX_TEXT; n++)
			(void)*(volatile unsigned char *)(STUB_CODE + n);
	return n;
}

/* Is MAP_ADDR mapped (readable) in this host process? */
static int map_addr_readable(void)
{
	if (sigsetjmp(env, 1))
		return 0;
	(void)*(volatile char *)MAP_ADDR;
	return 1;
}

/* Attempts [from, 2 * len): attempt i jumps to byte i / 2, register set
 * i % 2. Each index goes down the pipe first, so the parent knows where
 * a killed worker was. */
static int worker(int fd, const char *path, unsigned long from, unsigned long len,
		  unsigned long counts[128])
{
	catch_all();
	for (unsigned long i = from; i < 2 * len; i++) {
		struct jregs r = { .target = STUB_CODE + i / 2 };
		struct itimerval it = { .it_value = { 0, 100 * 1000 } };
		struct itimerval off = { 0 };
		int sig;

		if (write(fd, &i, sizeof(i)) != sizeof(i))
			return ESCAPED;
		if (i % 2 == 0) {
			r.ax = 257;             /* openat */
			r.di = (uint64_t)AT_FDCWD;
			r.si = (uint64_t)path;
			r.dx = O_CREAT | O_WRONLY;
			r.r10 = 0644;
		} else {
			r.ax = 9;               /* mmap */
			r.di = MAP_ADDR;
			r.si = 4096;
			r.dx = PROT_READ | PROT_WRITE;
			r.r10 = MAP_SHARED | MAP_FIXED;
			r.r8 = 3;
		}
		sig = sigsetjmp(env, 1);
		if (!sig) {
			setitimer(ITIMER_REAL, &it, NULL);
			jump(&r);
		}
		setitimer(ITIMER_REAL, &off, NULL);
		counts[sig & 127]++;
		if (map_addr_readable()) {
			printf("ESCAPE: mmap of fd 3 at %#lx mapped after a jump to %#lx\n",
			       MAP_ADDR, (unsigned long)r.target);
			return ESCAPED;
		}
	}
	return 0;
}

static int do_jump(const char *path)
{
	unsigned long len, from = 0, counts[128] = { 0 }, killed = 0;
	int status = 0;

	catch_all();
	len = text_len();
	if (len == 0) {
		printf("no stub code found at %#lx\n", STUB_CODE);
		return 1;
	}
	/* Nothing of ours at fd 3: a trapped mmap(fd 3) must not map a file
	 * of the guest's either. */
	close(3);
	while (from < 2 * len) {
		int p[2];
		pid_t pid;
		unsigned long i, last = from;

		if (pipe(p))
			return 1;
		fflush(stdout);
		pid = fork();
		if (pid == 0) {
			close(p[0]);
			_exit(worker(p[1], path, from, len, counts));
		}
		close(p[1]);
		while (read(p[0], &i, sizeof(i)) == sizeof(i))
			last = i;
		close(p[0]);
		waitpid(pid, &status, 0);
		if (WIFEXITED(status) && WEXITSTATUS(status) == ESCAPED)
			return 1;
		if (WIFEXITED(status) && !WEXITSTATUS(status))
			break;
		/* Killed (by Glass: garbage in its hand-off page, or its host
		 * process gone), or an exit syscall in the stub's code (trapped
		 * and run for the guest): go on after that attempt. */
		killed++;
		from = last + 1;
	}
	printf("escape jump: %lu bytes of stub code, %lu attempts, %lu workers ended\n",
	       len, 2 * len, killed);
	return 0;
}

/* A `syscall` instruction in the stub: the only way to make a host call. */
static uint64_t stub_syscall(void)
{
	unsigned long len = text_len();

	for (unsigned long o = 0; o + 1 < len; o++)
		if (*(unsigned char *)(STUB_CODE + o) == 0x0f &&
		    *(unsigned char *)(STUB_CODE + o + 1) == 0x05)
			return STUB_CODE + o;
	return 0;
}

/* Wake the kernel as the stub does at a stop: futex(state,
 * FUTEX_WAKE_BITSET, INT_MAX, 0, 0, bitset 1), made by the stub's code. */
static void wake_kernel(uint64_t sc)
{
	struct jregs r = { 202, HANDOFF + OFF_STATE, 10, 0x7fffffff, 0, 0, 1, sc };

	jump(&r);
}

/* Write garbage for MODE into the hand-off page; 0, or -1 for an unknown
 * mode. */
static int scribble(const char *mode, uint64_t sc)
{
	volatile uint32_t *state = (uint32_t *)(HANDOFF + OFF_STATE);

	if (!strcmp(mode, "state")) {
		*state = 0xdeadbeef;
	} else if (!strcmp(mode, "signo")) {
		*(volatile int32_t *)(HANDOFF + OFF_SIGNO) = 1234;
		*state = 1;                                     /* STUB_STOPPED */
	} else if (!strcmp(mode, "fpstate")) {
		*(volatile uint64_t *)(HANDOFF + OFF_FPSTATE) = 0x7ff0000ffff0UL;
		*(volatile int32_t *)(HANDOFF + OFF_SIGNO) = SIGSEGV;
		*(volatile int32_t *)(HANDOFF + OFF_CODE) = SEGV_MAPERR;
		*(volatile uint64_t *)(HANDOFF + OFF_ADDR) = 0;
		*state = 1;
	} else if (!strcmp(mode, "random")) {
		for (unsigned long a = HANDOFF; a < HANDOFF + 4096; a += 4)
			*(volatile uint32_t *)a = rand() * 2u + (rand() & 1);
		for (unsigned long a = SIGSTACK; a < SIGSTACK + (16 << 10); a += 4)
			*(volatile uint32_t *)a = rand() * 2u + (rand() & 1);
	} else if (!strcmp(mode, "sleep")) {
		/* Sleep in the stub's futex wait in the kernel's turn, so the
		 * kernel would wait for ever. */
		struct jregs r = { 202, HANDOFF + OFF_STATE, 9, *state, 0, 0, 2, sc };

		jump(&r);
		return 0;
	} else {
		return -1;
	}
	wake_kernel(sc);
	return 0;
}

/* The stub's code after the wake may stop first (a ud2, a fault) and
 * overwrite the garbage with a real stop: then try again. The kernel must
 * kill us before we give up. */
static int do_scribble(const char *mode)
{
	uint64_t sc;

	catch_all();
	sc = stub_syscall();
	if (!sc) {
		printf("no syscall instruction in the stub\n");
		return 1;
	}
	/* fpstate: a forged fault with a bad XSAVE pointer; die of whatever
	 * signal Glass delivers for it. */
	if (!strcmp(mode, "fpstate"))
		for (int sig = 1; sig < 32; sig++)
			signal(sig, SIG_DFL);
	srand(time(NULL) ^ getpid());
	for (volatile int i = 0; i < 10000; i++) {
		if (sigsetjmp(env, 1))
			continue;
		if (scribble(mode, sc)) {
			printf("unknown mode %s\n", mode);
			return 1;
		}
	}
	printf("scribble %s: never killed\n", mode);
	return 3;
}

static int do_bystander(int secs)
{
	size_t n = 8 << 20;
	unsigned char *m = malloc(n);
	time_t end = time(NULL) + secs;

	if (!m)
		return 1;
	for (size_t i = 0; i < n; i++)
		m[i] = (unsigned char)(i * 7 + 3);
	do {
		for (size_t i = 0; i < n; i++) {
			if (m[i] != (unsigned char)(i * 7 + 3)) {
				printf("bystander: byte %zu changed\n", i);
				return 1;
			}
		}
	} while (time(NULL) < end);
	printf("bystander ok\n");
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && !strcmp(argv[1], "jump"))
		return do_jump(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "scribble"))
		return do_scribble(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "bystander"))
		return do_bystander(atoi(argv[2]));
	fprintf(stderr, "usage: escape jump PATH | scribble MODE | bystander SECS\n");
	return 2;
}

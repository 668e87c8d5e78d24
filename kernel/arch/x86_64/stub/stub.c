/*
 * The address-space stub: the only code in a guest's host process besides
 * the guest. No libc. glass execs it with the physmem memfd as fd 3 and the
 * physmem offset of its data area (hex) as argv[1]. It sets itself up,
 * then lives in its signal handler:
 *
 *   - a seccomp filter lets through only syscalls made from the stub's own
 *     code; a guest syscall raises SIGSYS (SECCOMP_RET_TRAP) instead;
 *   - SIGSYS, the fault signals and SIGVTALRM (the 10 ms virtual-time tick)
 *     run stub_handler on a sigaltstack in the data area: it copies the
 *     guest's registers and the stop's reason into the data area's header,
 *     hands the area to the kernel (futex word `state`) and sleeps until the
 *     kernel hands it back; then it applies the queued map/unmap/protect
 *     ops, writes the kernel's registers into the signal frame and returns
 *     into the guest through rt_sigreturn.
 *
 * The guest's FP/XSAVE state stays in the signal frame in the data area
 * while it is stopped; the kernel reads and writes it there (lazily).
 * The handler is built with -mgeneral-regs-only: it never touches it.
 * SIGSTOP/SIGCONT of the stub only pause the hand-off (futex waits restart).
 */
#include <glass/layout.h>
#include <glass/os.h>
#include <uapi/futex.h>
#include <uapi/mman.h>
#include <uapi/unistd.h>

#define PHYSMEM_FD 3
#define HOST_TOP 0x7ffffffff000UL

#define SIGILL 4
#define SIGTRAP 5
#define SIGBUS 7
#define SIGFPE 8
#define SIGSEGV 11
#define SIGVTALRM 26
#define SIGSYS 31

#define SA_SIGINFO 4
#define SA_ONSTACK 0x08000000
#define SA_RESTORER 0x04000000
#define SA_NODEFER 0x40000000

extern char __stub_end[] __attribute__((visibility("hidden")));

__asm__(".section .text.entry, \"ax\"\n"
	".globl stub_start\n"
	"stub_start:\n\t"
	"mov %rsp, %rdi\n\t"
	"and $-16, %rsp\n\t"
	"call stub_main\n\t"
	"ud2\n"
	".globl stub_restorer\n"
	"stub_restorer:\n\t"
	"mov $15, %eax\n\t"
	"syscall\n\t"
	"ud2\n"
	".text\n");

void stub_restorer(void) __attribute__((visibility("hidden")));

static inline long sys6(long nr, long a, long b, long c, long d, long e, long f)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

static __attribute__((noreturn)) void stub_exit(void)
{
	for (;;)
		sys6(__NR_exit, 127, 0, 0, 0, 0, 0);
}

/* The host's struct sigcontext / ucontext / siginfo, what the handler uses. */
struct sigctx {
	u64 r8, r9, r10, r11, r12, r13, r14, r15;
	u64 di, si, bp, bx, dx, ax, cx, sp, ip, flags;
	u16 cs, gs, fs, ss;
	u64 err, trapno, oldmask, cr2;
	u64 fpstate;
	u64 reserved1[8];
};
struct ucontext {
	u64 uc_flags, uc_link;
	u64 ss_sp;
	u32 ss_flags, pad;
	u64 ss_size;
	struct sigctx mc;
	u64 sigmask;
};
struct siginfo {
	s32 signo, errno_, code, pad;
	union {
		u64 addr;                       /* faults */
		struct { u64 call_addr; s32 syscall; u32 arch; } sys;  /* SIGSYS */
	};
};

static struct stub_data *const data = (struct stub_data *)STUB_DATA;

/* Hand the data area to the kernel and sleep until it hands it back. */
static void stop_and_wait(void)
{
	u32 *state = &data->state;
	u32 old = __atomic_exchange_n(state, STUB_STOPPED, __ATOMIC_ACQ_REL);

	/* Wake all: a killed stub that slept on this (reused) page may still
	 * be queued on it, and would swallow a wake of one. */
	if (old & STUB_WAITING)
		sys6(__NR_futex, (long)state, FUTEX_WAKE, 0x7fffffff, 0, 0, 0);
	for (;;) {
		u32 cur = STUB_STOPPED;

		if (__atomic_compare_exchange_n(state, &cur, STUB_STOPPED | STUB_WAITING,
						false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			cur = STUB_STOPPED | STUB_WAITING;
		if (STUB_STATE(cur) == STUB_BUSY)
			return;
		sys6(__NR_futex, (long)state, FUTEX_WAIT, STUB_STOPPED | STUB_WAITING, 0, 0, 0);
	}
}

/* Apply the queued ops; the first failure stops the batch. */
static long run_batch(void)
{
	unsigned long n = data->nr_ops;

	data->err = 0;
	for (unsigned long i = 0; i < n; i++) {
		struct stub_op *op = &data->ops[i];
		long r;

		switch (op->type) {
		case STUB_MMAP:
			r = sys6(__NR_mmap, op->addr, op->len, op->prot,
				 MAP_SHARED | MAP_FIXED, PHYSMEM_FD, op->off);
			if (r == (long)op->addr)
				r = 0;
			break;
		case STUB_MUNMAP:
			r = sys6(__NR_munmap, op->addr, op->len, 0, 0, 0, 0);
			break;
		case STUB_MPROTECT:
			r = sys6(__NR_mprotect, op->addr, op->len, op->prot, 0, 0, 0);
			break;
		default:
			r = -22;
		}
		if (r) {
			data->err = r;
			data->err_op = i;
			break;
		}
	}
	data->nr_ops = 0;
	return data->err;
}

static void save_regs(const struct sigctx *mc)
{
	struct pt_regs *r = &data->regs;

	r->r8 = mc->r8; r->r9 = mc->r9; r->r10 = mc->r10; r->r11 = mc->r11;
	r->r12 = mc->r12; r->r13 = mc->r13; r->r14 = mc->r14; r->r15 = mc->r15;
	r->di = mc->di; r->si = mc->si; r->bp = mc->bp; r->bx = mc->bx;
	r->dx = mc->dx; r->ax = mc->ax; r->cx = mc->cx; r->sp = mc->sp;
	r->ip = mc->ip; r->flags = mc->flags;
	r->cs = 0x33;
	r->ss = 0x2b;
	r->fs_base = data->fs_base;
	r->gs_base = data->gs_base;
	r->orig_ax = -1;
}

static void load_regs(struct sigctx *mc)
{
	const struct pt_regs *r = &data->regs;

	mc->r8 = r->r8; mc->r9 = r->r9; mc->r10 = r->r10; mc->r11 = r->r11;
	mc->r12 = r->r12; mc->r13 = r->r13; mc->r14 = r->r14; mc->r15 = r->r15;
	mc->di = r->di; mc->si = r->si; mc->bp = r->bp; mc->bx = r->bx;
	mc->dx = r->dx; mc->ax = r->ax; mc->cx = r->cx; mc->sp = r->sp;
	mc->ip = r->ip; mc->flags = r->flags;
	mc->cs = 0x33;          /* only 64-bit user segments exist here */
	mc->ss = 0x2b;
	if (r->fs_base != data->fs_base &&
	    !sys6(__NR_arch_prctl, 0x1002 /* ARCH_SET_FS */, r->fs_base, 0, 0, 0, 0))
		data->fs_base = r->fs_base;
	if (r->gs_base != data->gs_base &&
	    !sys6(__NR_arch_prctl, 0x1001 /* ARCH_SET_GS */, r->gs_base, 0, 0, 0, 0))
		data->gs_base = r->gs_base;
}

/*
 * Every stop of the guest lands here, on the sigaltstack, all signals
 * blocked: report it, wait for the kernel, apply its batch, resume the
 * guest with its registers. A batch that fails reports again at once
 * (result != 0) without running the guest.
 */
void stub_handler(int sig, struct siginfo *si, struct ucontext *uc)
	__attribute__((used));
void stub_handler(int sig, struct siginfo *si, struct ucontext *uc)
{
	save_regs(&uc->mc);
	data->signo = sig;
	data->code = si->code;
	data->addr = si->addr;
	data->trapno = uc->mc.trapno;
	data->error_code = uc->mc.err;
	data->ucontext = (u64)uc;
	data->fpstate = uc->mc.fpstate;
	if (sig == SIGSYS) {
		data->regs.orig_ax = (u64)(s64)si->sys.syscall;
		data->regs.ax = (u64)-38;       /* -ENOSYS, as the host leaves it */
		data->addr = 0;
	}
	data->result = 0;
	for (;;) {
		stop_and_wait();
		data->result = data->nr_ops ? (s32)run_batch() : 0;
		if (data->cmd == STUB_CMD_RUN && !data->result)
			break;
	}
	load_regs(&uc->mc);
}

/* The seccomp filter: syscalls from the stub's code run, all others trap. */
#define BPF_LD_W_ABS 0x20
#define BPF_JEQ_K 0x15
#define BPF_JGE_K 0x35
#define BPF_RET_K 0x06
struct sock_filter { u16 code; u8 jt, jf; u32 k; };
struct sock_fprog { u16 len; const struct sock_filter *filter; };

static long install_filter(void)
{
	const struct sock_filter filter[] = {
		{ BPF_LD_W_ABS, 0, 0, 4 },                      /* arch */
		{ BPF_JEQ_K, 0, 5, 0xc000003e },                /* AUDIT_ARCH_X86_64 */
		{ BPF_LD_W_ABS, 0, 0, 12 },                     /* ip, high half */
		{ BPF_JEQ_K, 0, 3, STUB_CODE >> 32 },
		{ BPF_LD_W_ABS, 0, 0, 8 },                      /* ip, low half */
		{ BPF_JGE_K, 1, 0, (u32)((u64)__stub_end - STUB_CODE) },
		{ BPF_RET_K, 0, 0, 0x7fff0000 },                /* SECCOMP_RET_ALLOW */
		{ BPF_RET_K, 0, 0, 0x00030000 },                /* SECCOMP_RET_TRAP */
	};
	struct sock_fprog prog = { sizeof(filter) / sizeof(filter[0]), filter };
	long r = sys6(__NR_prctl, 38 /* PR_SET_NO_NEW_PRIVS */, 1, 0, 0, 0, 0);

	if (r)
		return r;
	return sys6(__NR_seccomp, 1 /* SECCOMP_SET_MODE_FILTER */, 0, (long)&prog, 0, 0, 0);
}

static long set_handler(int sig)
{
	struct { u64 handler, flags, restorer, mask; } sa = {
		(u64)stub_handler, SA_SIGINFO | SA_ONSTACK | SA_RESTORER | SA_NODEFER,
		(u64)stub_restorer, ~0UL,
	};

	return sys6(__NR_rt_sigaction, sig, (long)&sa, 0, 8, 0, 0);
}

/* Runs on the start-up stack in the data area; ends in the first stop. */
static void __attribute__((noreturn, used)) stub_setup(void)
{
	static const int sigs[] = { SIGSYS, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP,
				    SIGVTALRM };
	/* A 10 ms virtual-time tick: a spinning guest stops with SIGVTALRM. */
	static const long tick[4] = { 0, 10000, 0, 10000 };
	struct { u64 sp; u32 flags, pad; u64 size; } ss = {
		STUB_DATA + STUB_DATA_PAGES * PAGE_SIZE - STUB_SIGSTACK_SIZE, 0,
		0, STUB_SIGSTACK_SIZE,
	};
	u64 mask = 0;

	/* Nothing of the host's layout stays: below the stub, between it and
	 * the data area, above the data area. */
	sys6(__NR_munmap, 0, STUB_CODE, 0, 0, 0, 0);
	sys6(__NR_munmap, (long)__stub_end, STUB_DATA - (u64)__stub_end, 0, 0, 0, 0);
	sys6(__NR_munmap, STUB_DATA + STUB_DATA_PAGES * PAGE_SIZE,
	     HOST_TOP - (STUB_DATA + STUB_DATA_PAGES * PAGE_SIZE), 0, 0, 0, 0);
	if (sys6(__NR_sigaltstack, (long)&ss, 0, 0, 0, 0, 0))
		stub_exit();
	for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		if (set_handler(sigs[i]))
			stub_exit();
		mask |= 1UL << (sigs[i] - 1);
	}
	/* Every other signal stays blocked: the guest never sees host signals
	 * (SIGKILL and SIGSTOP/SIGCONT still work on the stub). */
	mask = ~mask;
	if (sys6(__NR_rt_sigprocmask, 2 /* SIG_SETMASK */, (long)&mask, 0, 8, 0, 0))
		stub_exit();
	if (install_filter())
		stub_exit();
	sys6(__NR_setitimer, 1 /* ITIMER_VIRTUAL */, (long)tick, 0, 0, 0, 0);
	/* The first stop says "ready"; the kernel's first run replaces it. */
	for (;;)
		__asm__ volatile("int3" ::: "memory");
}

static unsigned long parse_hex(const char *s)
{
	unsigned long v = 0;

	for (; *s; s++)
		v = v * 16 + (*s <= '9' ? *s - '0' : (*s | 0x20) - 'a' + 10);
	return v;
}

/* On the exec stack: die with glass, close what glass left open, map the
 * data area, move onto its start-up stack. */
void stub_main(u64 *sp) __attribute__((used, noreturn));
void stub_main(u64 *sp)
{
	const char *arg = sp[0] >= 2 ? (const char *)sp[2] : 0;
	long r;

	sys6(__NR_prctl, 1 /* PR_SET_PDEATHSIG */, 9 /* SIGKILL */, 0, 0, 0, 0);
	if (!arg)
		stub_exit();
	for (int fd = 0; fd < 3; fd++)
		sys6(__NR_close, fd, 0, 0, 0, 0, 0);
	r = sys6(__NR_mmap, STUB_DATA, STUB_DATA_PAGES * PAGE_SIZE, 3,
		 MAP_SHARED | MAP_FIXED, PHYSMEM_FD, parse_hex(arg));
	if (r != (long)STUB_DATA)
		stub_exit();
	__asm__ volatile("mov %0, %%rsp\n\t"
			 "jmp stub_setup"
			 :
			 : "r"(STUB_DATA + STUB_DATA_PAGES * PAGE_SIZE - STUB_SIGSTACK_SIZE - 8)
			 : "memory");
	__builtin_unreachable();
}

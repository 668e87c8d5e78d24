/*
 * The debug trap (docs/DESIGN.md, gdbstub): SIGTRAP on the CPU thread is the
 * one entry for int3, single steps (TF), hardware watchpoints (perf events
 * with sigtrap) and stops the monitor asks for (tgkill). The handler gives
 * debug_trap() (kernel/debug) a struct os_trap; while that runs, possibly
 * parked for a long time, the interrupted registers are the ucontext's and
 * are read and written through os_trap_*_regs as a struct os_regs. Also
 * here: the park's wait and wake-up, the guest's pause while the kernel
 * is stopped, a syscall instruction run as one step, and the vDSO stepped
 * as one instruction.
 *
 * SIGTRAP is never blocked (docs/reference/gdb-rsp.md: a forced SIGTRAP while
 * blocked kills the process), and the handler runs with SA_NODEFER.
 */
#include <errno.h>
#include <link.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>
#include <asm/prctl.h>

#include <glass/monitor.h>
#include <glass/os.h>
#include <glass/os_upcalls.h>
#include <glass/raw_syscall.h>
#include "os_internal.h"

#define X86_EFLAGS_TF 0x100UL
#ifndef TRAP_PERF
#define TRAP_PERF 6             /* Linux 5.13; newer than Debian 12's glibc */
#endif

/* si_perf_data: the word after si_addr in the fault layout (Linux's
 * siginfo _sigfault._perf._data). */
static unsigned long si_perf_data(const siginfo_t *si)
{
	unsigned long v;

	memcpy(&v, (const char *)&si->si_addr + sizeof(void *), sizeof(v));
	return v;
}

int os_cpu_tid;
static int park_fd = -1;
static ucontext_t *trap_uc;             /* valid inside debug_trap() */
static unsigned long trap_fs_base;

/* The vDSO, stepped as one instruction (vdso_step). */
static unsigned long vdso_start, vdso_end;

static bool __monitor_text is_syscall_insn(unsigned long ip)
{
	const unsigned char *p = (const unsigned char *)ip;

	return p[0] == 0x0f && p[1] == 0x05;
}

/*
 * A step that ends inside the vDSO goes on at once, without a report,
 * until the CPU leaves it: at a debugger's pace its clock_gettime never
 * gets through a read section before the host updates the clock page, so
 * it retries for ever. Steps taken here cost microseconds. A syscall
 * instruction in it (the fallback path) is run as one step.
 */
static bool __monitor_text vdso_step(greg_t *g)
{
	while (g[REG_RIP] >= (greg_t)vdso_start && g[REG_RIP] < (greg_t)vdso_end) {
		if (!is_syscall_insn(g[REG_RIP]) || os_trap_emulate_syscall()) {
			g[REG_EFL] |= X86_EFLAGS_TF;
			return true;
		}
	}
	return false;
}

static void __monitor_text trap_handler(int sig, siginfo_t *si, void *arg)
{
	ucontext_t *uc = arg, *outer = trap_uc;
	greg_t *g = uc->uc_mcontext.gregs;
	struct os_trap t = { .code = si->si_code, .safe_point = os_in_event_wait };
	int saved_errno = errno;
	/* Another trap (a stop request) came before a watch step finished:
	 * that step must still happen when this one returns. */
	bool keep_tf = os_watch_stepping() && si->si_code != TRAP_TRACE;
	bool gdb_step = true;

	os_watch_trap_enter();
	/* Signal delivery keeps TF in the saved flags: a finished step
	 * must not step again unless asked to. */
	g[REG_EFL] &= ~X86_EFLAGS_TF;
	switch (si->si_code) {
	case SI_KERNEL:
		t.kind = OS_TRAP_INT3;
		t.addr = g[REG_RIP] - 1;
		break;
	case TRAP_TRACE:
		t.kind = OS_TRAP_STEP;
		if (os_watch_step_done(&t.slot, &gdb_step) && t.slot >= 0)
			t.kind = OS_TRAP_WATCH;
		break;
	case TRAP_PERF:
		t.kind = OS_TRAP_WATCH;
		t.slot = (int)si_perf_data(si);
		t.addr = (unsigned long)si->si_addr;
		break;
	case SI_TKILL:
		t.kind = si->si_pid == getpid() ? OS_TRAP_REQUEST : OS_TRAP_OTHER;
		break;
	default:
		t.kind = OS_TRAP_OTHER;
	}
	/* Only the CPU thread parks; a step of another thread's access to
	 * a watched page ends here. So does a watch step of kernel code
	 * that hit nothing, unless gdb was stepping it anyway. */
	if (!os_is_cpu_thread() || (t.kind == OS_TRAP_STEP && !gdb_step))
		goto out;
	trap_uc = uc;
	syscall(SYS_arch_prctl, ARCH_GET_FS, &trap_fs_base);
	if (t.kind == OS_TRAP_STEP && vdso_step(g))
		goto restore;
	if (!debug_trap(&t))
		os_fault_dispatch(sig, si->si_code, g[REG_RIP] - 1, uc);
restore:
	trap_uc = outer;
out:
	if (keep_tf)
		g[REG_EFL] |= X86_EFLAGS_TF;
	errno = saved_errno;
	os_watch_trap_leave();
}

bool __monitor_text os_is_cpu_thread(void)
{
	return gettid() == os_cpu_tid;
}

/* A fault parks (panic=gdb) or reads registers through os_trap_*: its
 * ucontext is the register set while it is handled. Nests. */
#define TRAP_NEST 4
static ucontext_t *trap_outer[TRAP_NEST];
static int trap_depth;

void os_trap_enter(struct ucontext_t *uc)
{
	if (trap_depth < TRAP_NEST)
		trap_outer[trap_depth] = trap_uc;
	trap_depth++;
	trap_uc = uc;
	syscall(SYS_arch_prctl, ARCH_GET_FS, &trap_fs_base);
}

void os_trap_leave(void)
{
	trap_depth--;
	if (trap_depth < TRAP_NEST)
		trap_uc = trap_outer[trap_depth];
}

/* The vDSO's extent, from its ELF header (it is a PIC object at its
 * auxv address). */
static void vdso_range(void)
{
	const ElfW(Ehdr) *eh = (const ElfW(Ehdr) *)getauxval(AT_SYSINFO_EHDR);
	const ElfW(Phdr) *ph;

	if (!eh)
		return;
	ph = (const ElfW(Phdr) *)((const char *)eh + eh->e_phoff);
	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		vdso_start = (unsigned long)eh;
		vdso_end = vdso_start + ph[i].p_vaddr + ph[i].p_memsz;
	}
}

int os_trap_init(void)
{
	struct sigaction sa = { .sa_sigaction = trap_handler,
				.sa_flags = SA_SIGINFO | SA_RESTART | SA_NODEFER };

	os_cpu_tid = gettid();
	park_fd = eventfd(0, EFD_CLOEXEC);
	if (park_fd < 0)
		return -errno;
	vdso_range();
	os_probe_host();
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTRAP, &sa, NULL))
		return -errno;
	return 0;
}

/* ---- the interrupted registers (the monitor reads them: monitor text) ---- */

void __monitor_text os_trap_get_regs(struct os_regs *r)
{
	greg_t *g = trap_uc->uc_mcontext.gregs;
	struct _libc_fpstate *fp = trap_uc->uc_mcontext.fpregs;
	u64 csgsfs = g[REG_CSGSFS];

	memset(r, 0, sizeof(*r));
	r->rax = g[REG_RAX];
	r->rbx = g[REG_RBX];
	r->rcx = g[REG_RCX];
	r->rdx = g[REG_RDX];
	r->rsi = g[REG_RSI];
	r->rdi = g[REG_RDI];
	r->rbp = g[REG_RBP];
	r->rsp = g[REG_RSP];
	r->r8 = g[REG_R8];
	r->r9 = g[REG_R9];
	r->r10 = g[REG_R10];
	r->r11 = g[REG_R11];
	r->r12 = g[REG_R12];
	r->r13 = g[REG_R13];
	r->r14 = g[REG_R14];
	r->r15 = g[REG_R15];
	r->rip = g[REG_RIP];
	r->eflags = g[REG_EFL];
	r->cs = csgsfs & 0xffff;
	r->gs = (csgsfs >> 16) & 0xffff;
	r->fs = (csgsfs >> 32) & 0xffff;
	r->ss = (csgsfs >> 48) & 0xffff;
	r->fs_base = trap_fs_base;
	if (!fp)
		return;
	r->has_fp = true;
	r->fcw = fp->cwd;
	r->fsw = fp->swd;
	r->ftw = fp->ftw;
	r->fop = fp->fop;
	r->fip = fp->rip;
	r->fdp = fp->rdp;
	r->mxcsr = fp->mxcsr;
	for (int i = 0; i < 8; i++)
		memcpy(r->st[i], &fp->_st[i], 10);
	for (int i = 0; i < 16; i++)
		memcpy(r->xmm[i], &fp->_xmm[i], 16);
}

void __monitor_text os_trap_set_regs(const struct os_regs *r)
{
	greg_t *g = trap_uc->uc_mcontext.gregs;
	struct _libc_fpstate *fp = trap_uc->uc_mcontext.fpregs;

	g[REG_RAX] = r->rax;
	g[REG_RBX] = r->rbx;
	g[REG_RCX] = r->rcx;
	g[REG_RDX] = r->rdx;
	g[REG_RSI] = r->rsi;
	g[REG_RDI] = r->rdi;
	g[REG_RBP] = r->rbp;
	g[REG_RSP] = r->rsp;
	g[REG_R8] = r->r8;
	g[REG_R9] = r->r9;
	g[REG_R10] = r->r10;
	g[REG_R11] = r->r11;
	g[REG_R12] = r->r12;
	g[REG_R13] = r->r13;
	g[REG_R14] = r->r14;
	g[REG_R15] = r->r15;
	g[REG_RIP] = r->rip;
	g[REG_EFL] = r->eflags;
	if (!fp || !r->has_fp)
		return;
	fp->cwd = r->fcw;
	fp->swd = r->fsw;
	fp->mxcsr = r->mxcsr;
	for (int i = 0; i < 8; i++)
		memcpy(&fp->_st[i], r->st[i], 10);
	for (int i = 0; i < 16; i++)
		memcpy(&fp->_xmm[i], r->xmm[i], 16);
}

void os_trap_set_step(bool step)
{
	greg_t *g = trap_uc->uc_mcontext.gregs;

	if (step)
		g[REG_EFL] |= X86_EFLAGS_TF;
	else
		g[REG_EFL] &= ~X86_EFLAGS_TF;
}

/* ---- a step over a syscall instruction, where no debug register fires ---- */

/* rt_sigreturn from a handler of the CPU thread's: what the host would do
 * with the frame at rsp (the restorer has popped its return address) is
 * what our own handler's return does once that frame is ours. */
static void __monitor_text sigreturn_from_frame(void)
{
	const ucontext_t *f = (const ucontext_t *)trap_uc->uc_mcontext.gregs[REG_RSP];
	struct _libc_fpstate *to = trap_uc->uc_mcontext.fpregs;

	memcpy(trap_uc->uc_mcontext.gregs, f->uc_mcontext.gregs, sizeof(gregset_t));
	if (to && f->uc_mcontext.fpregs)
		memcpy(to, f->uc_mcontext.fpregs, sizeof(*to));
	trap_uc->uc_sigmask = f->uc_sigmask;
	trap_uc->uc_stack = f->uc_stack;
}

/* What the CPU does for `syscall`: the result in rax, the return address
 * in rcx, the flags in r11, rip past it. A clone family call would go on
 * on another stack or in another process: the caller steps it with TF. */
int __monitor_text os_trap_emulate_syscall(void)
{
	greg_t *g = trap_uc->uc_mcontext.gregs;

	switch (g[REG_RAX]) {
	case SYS_clone:
	case SYS_clone3:
	case SYS_fork:
	case SYS_vfork:
		return -EAGAIN;
	case SYS_rt_sigreturn:
		sigreturn_from_frame();
		return 0;
	}
	g[REG_RAX] = raw_syscall6(g[REG_RAX], g[REG_RDI], g[REG_RSI], g[REG_RDX],
				  g[REG_R10], g[REG_R8], g[REG_R9]);
	g[REG_RIP] += 2;
	g[REG_RCX] = g[REG_RIP];
	g[REG_R11] = g[REG_EFL];
	return 0;
}

/* ---- stopping and parking ---- */

void __monitor_text os_cpu_interrupt(void)
{
	syscall(SYS_tgkill, getpid(), os_cpu_tid, SIGTRAP);
}

/* A running guest must not run on while the kernel is stopped (rule explicit-stops):
 * its stub gets SIGSTOP, and SIGCONT when the stop ends (the hand-off
 * just waits meanwhile). */
static int paused_stub;
volatile int os_cpu_parked;

void os_guest_pause(void)
{
	int pid = os_guest_running;

	os_cpu_parked = 1;
	if (pid > 0 && !kill(pid, SIGSTOP))
		paused_stub = pid;
}

void os_guest_unpause(void)
{
	if (paused_stub > 0)
		kill(paused_stub, SIGCONT);
	paused_stub = 0;
	os_cpu_parked = 0;
}

void os_park_wait(void)
{
	struct pollfd p = { .fd = park_fd, .events = POLLIN };
	u64 v;

	if (poll(&p, 1, -1) == 1 && read(park_fd, &v, sizeof(v)) < 0) {
		/* another wake-up took the count: nothing to do */
	}
}

void __monitor_text os_park_poke(void)
{
	u64 one = 1;

	if (write(park_fd, &one, sizeof(one)) < 0) {
		/* the counter is full: a wake-up is pending anyway */
	}
}

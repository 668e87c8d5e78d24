/*
 * The debug trap (DESIGN.md, gdbstub): SIGTRAP on the CPU thread is the
 * one entry for int3, single steps (TF), hardware watchpoints (perf events
 * with sigtrap) and stops the monitor asks for (tgkill). The handler gives
 * debug_trap() (kernel/debug) a struct os_trap; while that runs, possibly
 * parked for a long time, the interrupted registers are the ucontext's and
 * are read and written through os_trap_*_regs. Also here: memory access
 * through /proc/self/mem for the monitor thread (an unmapped address is an
 * error, not a fault; int3 reaches read-only text), perf-event hardware
 * breakpoints, and the host library list gdb needs to unwind libc frames.
 *
 * SIGTRAP is never blocked (docs/reference/gdb-rsp.md: a forced SIGTRAP while
 * blocked kills the process), and the handler runs with SA_NODEFER.
 */
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>
#include <poll.h>
#include <spawn.h>
#include <stdio.h>
#include <signal.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>
#include <asm/prctl.h>

#include <glass/gdbstub.h>
#include <glass/monitor.h>
#include <glass/os.h>
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

bool debug_trap(struct os_trap *t);

static int mem_fd = -1;
static int park_fd = -1;
static pid_t cpu_tid;
static ucontext_t *trap_uc;             /* valid inside debug_trap() */
static unsigned long trap_fs_base;
static int hw_fd[OS_HW_SLOTS] = { -1, -1, -1, -1 };

#define MAX_LIBS 16
static struct {
	char path[256];
	unsigned long addr;
} libs[MAX_LIBS];
static unsigned nr_libs;

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
	return gettid() == cpu_tid;
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

static int snapshot_library(struct dl_phdr_info *info, size_t size, void *unused)
{
	if (!info->dlpi_name[0] || nr_libs == MAX_LIBS ||
	    strlen(info->dlpi_name) >= sizeof(libs[0].path) ||
	    info->dlpi_name[0] != '/')
		return 0;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		if (info->dlpi_phdr[i].p_type != PT_LOAD)
			continue;
		strcpy(libs[nr_libs].path, info->dlpi_name);
		libs[nr_libs].addr = info->dlpi_addr + info->dlpi_phdr[i].p_vaddr;
		nr_libs++;
		break;
	}
	return 0;
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

int os_debug_init(void)
{
	struct sigaction sa = { .sa_sigaction = trap_handler,
				.sa_flags = SA_SIGINFO | SA_RESTART | SA_NODEFER };

	cpu_tid = gettid();
	mem_fd = open("/proc/self/mem", O_RDWR | O_CLOEXEC);
	park_fd = eventfd(0, EFD_CLOEXEC);
	if (mem_fd < 0 || park_fd < 0)
		return -errno;
	/* Now, while nothing else runs: dl_iterate_phdr takes a lock. */
	dl_iterate_phdr(snapshot_library, NULL);
	vdso_range();
	os_probe_host();
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTRAP, &sa, NULL))
		return -errno;
	return 0;
}

/* ---- the interrupted registers ---- */

static const int gpr_map[16] = {
	REG_RAX, REG_RBX, REG_RCX, REG_RDX, REG_RSI, REG_RDI, REG_RBP, REG_RSP,
	REG_R8, REG_R9, REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15,
};

void os_trap_get_regs(struct gdb_regs *r)
{
	greg_t *g = trap_uc->uc_mcontext.gregs;
	struct _libc_fpstate *fp = trap_uc->uc_mcontext.fpregs;
	u64 csgsfs = g[REG_CSGSFS];

	memset(r, 0, sizeof(*r));
	for (int i = 0; i < 16; i++)
		r->gpr[i] = g[gpr_map[i]];
	r->rip = g[REG_RIP];
	r->eflags = g[REG_EFL];
	r->seg[0] = csgsfs & 0xffff;            /* cs */
	r->seg[1] = (csgsfs >> 48) & 0xffff;    /* ss */
	r->seg[4] = (csgsfs >> 32) & 0xffff;    /* fs */
	r->seg[5] = (csgsfs >> 16) & 0xffff;    /* gs */
	r->fs_base = trap_fs_base;
	r->valid = GDB_REGS_ALL;
	if (!fp) {
		r->valid &= ~((GDB_REG_BIT(GDB_MXCSR + 1) - 1) & ~(GDB_REG_BIT(GDB_ST0) - 1));
		return;
	}
	for (int i = 0; i < 8; i++)
		memcpy(r->st[i], &fp->_st[i], 10);
	r->fpu[0] = fp->cwd;
	r->fpu[1] = fp->swd;
	/* The abridged tag: 1 = in use; gdb's full tag 0 valid, 3 empty. */
	for (int i = 0; i < 8; i++)
		r->fpu[2] |= (fp->ftw >> i & 1 ? 0U : 3U) << (2 * i);
	r->fpu[3] = (fp->rip >> 32) & 0xffff;
	r->fpu[4] = (u32)fp->rip;
	r->fpu[5] = (fp->rdp >> 32) & 0xffff;
	r->fpu[6] = (u32)fp->rdp;
	r->fpu[7] = fp->fop;
	for (int i = 0; i < 16; i++)
		memcpy(r->xmm[i], &fp->_xmm[i], 16);
	r->mxcsr = fp->mxcsr;
}

void os_trap_set_regs(const struct gdb_regs *r)
{
	greg_t *g = trap_uc->uc_mcontext.gregs;
	struct _libc_fpstate *fp = trap_uc->uc_mcontext.fpregs;

	for (int i = 0; i < 16; i++)
		if (r->valid & GDB_REG_BIT(GDB_RAX + i))
			g[gpr_map[i]] = r->gpr[i];
	if (r->valid & GDB_REG_BIT(GDB_RIP))
		g[REG_RIP] = r->rip;
	if (r->valid & GDB_REG_BIT(GDB_EFLAGS))
		g[REG_EFL] = r->eflags;
	if (!fp)
		return;
	for (int i = 0; i < 8; i++)
		if (r->valid & GDB_REG_BIT(GDB_ST0 + i))
			memcpy(&fp->_st[i], r->st[i], 10);
	if (r->valid & GDB_REG_BIT(GDB_FCTRL))
		fp->cwd = r->fpu[0];
	if (r->valid & GDB_REG_BIT(GDB_FCTRL + 1))
		fp->swd = r->fpu[1];
	for (int i = 0; i < 16; i++)
		if (r->valid & GDB_REG_BIT(GDB_XMM0 + i))
			memcpy(&fp->_xmm[i], r->xmm[i], 16);
	if (r->valid & GDB_REG_BIT(GDB_MXCSR))
		fp->mxcsr = r->mxcsr;
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

static long __monitor_text raw_syscall6(long nr, long a, long b, long c, long d, long e, long f)
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
	syscall(SYS_tgkill, getpid(), cpu_tid, SIGTRAP);
}

/* A running guest must not run on while the kernel is stopped (rule 7):
 * its stub gets SIGSTOP, and SIGCONT when the stop ends (the hand-off
 * just waits meanwhile). */
static int paused_stub;

void os_guest_pause(void)
{
	int pid = os_guest_running;

	if (pid > 0 && !kill(pid, SIGSTOP))
		paused_stub = pid;
}

void os_guest_unpause(void)
{
	if (paused_stub > 0)
		kill(paused_stub, SIGCONT);
	paused_stub = 0;
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

/* ---- memory, for the monitor thread ---- */

long __monitor_text os_mem_read(unsigned long addr, void *buf, unsigned long len)
{
	ssize_t n = pread(mem_fd, buf, len, (off_t)addr);

	return n > 0 ? n : -EFAULT;
}

long __monitor_text os_mem_write(unsigned long addr, const void *buf, unsigned long len)
{
	ssize_t n = pwrite(mem_fd, buf, len, (off_t)addr);

	return n > 0 ? n : -EFAULT;
}

/* ---- hardware breakpoints ---- */

int __monitor_text os_hw_break_set(int slot, int type, unsigned long addr, int len)
{
	struct perf_event_attr pe;
	int fd;

	if (slot < 0 || slot >= OS_HW_SLOTS)
		return -EINVAL;
	if (os_features.hw_breakpoints)
		return os_watch_set(slot, type, addr, len);
	memset(&pe, 0, sizeof(pe));
	pe.type = PERF_TYPE_BREAKPOINT;
	pe.size = sizeof(pe);
	pe.bp_addr = addr;
	pe.bp_type = type == 0 ? HW_BREAKPOINT_X : type == 1 ? HW_BREAKPOINT_W : HW_BREAKPOINT_RW;
	pe.bp_len = type == 0 ? sizeof(long) : (u64)len;
	pe.sample_period = 1;
	pe.exclude_kernel = 1;
	pe.exclude_hv = 1;
	pe.sigtrap = 1;
	pe.remove_on_exec = 1;  /* sigtrap requires it; reboot re-execs */
	pe.sig_data = slot;
	fd = syscall(SYS_perf_event_open, &pe, cpu_tid, -1, -1, PERF_FLAG_FD_CLOEXEC);
	if (fd < 0)
		return -errno;
	os_hw_break_clear(slot);
	hw_fd[slot] = fd;
	return 0;
}

void __monitor_text os_hw_break_clear(int slot)
{
	os_watch_clear(slot);
	if (hw_fd[slot] >= 0)
		close(hw_fd[slot]);
	hw_fd[slot] = -1;
}

int __monitor_text os_host_library(unsigned idx, const char **path, unsigned long *addr)
{
	if (idx >= nr_libs)
		return -ENOENT;
	*path = libs[idx].path;
	*addr = libs[idx].addr;
	return 0;
}

/* inject hang-host: block in read() on a pipe nobody will write. */
void os_hang(void)
{
	int p[2];
	char c;

	if (pipe(p) == 0)
		while (read(p[0], &c, 1) <= 0)
			;
	for (;;)
		pause();
}

/* config gdb=xterm: a debugger in a window of its own, as UML's HOWTO. */
int os_spawn_gdb_xterm(const char *endpoint)
{
	extern char **environ;
	char exe[4096], target[512];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *argv[] = { "xterm", "-T", "glass gdb", "-e", "gdb", exe, "-ex", target, NULL };
	pid_t pid;

	if (n < 0)
		return -errno;
	exe[n] = '\0';
	snprintf(target, sizeof(target), "target remote %s", endpoint);
	return -posix_spawnp(&pid, "xterm", NULL, NULL, argv, environ);
}

unsigned long os_strlen(const char *s)
{
	return strlen(s);
}

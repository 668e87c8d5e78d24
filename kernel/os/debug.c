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
 * SIGTRAP is never blocked (reference/gdb-rsp.md: a forced SIGTRAP while
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

static void trap_handler(int sig, siginfo_t *si, void *arg)
{
	ucontext_t *uc = arg, *outer = trap_uc;
	greg_t *g = uc->uc_mcontext.gregs;
	struct os_trap t = { .code = si->si_code, .safe_point = os_in_event_wait };
	int saved_errno = errno;

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
	trap_uc = uc;
	syscall(SYS_arch_prctl, ARCH_GET_FS, &trap_fs_base);
	if (!debug_trap(&t))
		os_fault_dispatch(sig, si->si_code, g[REG_RIP] - 1, uc);
	trap_uc = outer;
	errno = saved_errno;
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

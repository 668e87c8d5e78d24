/*
 * Faults in the glass process itself (kernel code): SIGSEGV, SIGBUS, SIGILL,
 * SIGFPE (and, from kernel/os/trap.c, an int3 no debugger planted) land in
 * one handler on a large alternate stack, so even a kernel stack
 * overflowing into its guard gap gets a report. The handler passes the
 * fault to kernel_fault() (kernel/diag/oops.c), which reports it and either
 * panics or rewrites the registers so the faulting task leaves through
 * make_task_dead() on its own stack when the handler returns.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include <glass/os.h>
#include <glass/os_upcalls.h>
#include "os_internal.h"

#define ALTSTACK_SIZE (256 << 10)

static ucontext_t *fault_uc;

void *os_fault_context(void)
{
	return fault_uc;
}

static void regs_from_uc(const void *uc_arg, struct os_fault_regs *r)
{
	const ucontext_t *uc = uc_arg;
	const greg_t *g = uc->uc_mcontext.gregs;

	*r = (struct os_fault_regs){
		.ip = g[REG_RIP], .sp = g[REG_RSP], .bp = g[REG_RBP],
		.ax = g[REG_RAX], .bx = g[REG_RBX], .cx = g[REG_RCX], .dx = g[REG_RDX],
		.si = g[REG_RSI], .di = g[REG_RDI], .r8 = g[REG_R8], .r9 = g[REG_R9],
		.r10 = g[REG_R10], .r11 = g[REG_R11], .r12 = g[REG_R12], .r13 = g[REG_R13],
		.r14 = g[REG_R14], .r15 = g[REG_R15], .flags = g[REG_EFL],
		.err = g[REG_ERR], .trapno = g[REG_TRAPNO],
	};
}

/* The report decided the task dies: resume at r's ip and sp. */
static void regs_to_uc(ucontext_t *uc, const struct os_fault_regs *r)
{
	greg_t *g = uc->uc_mcontext.gregs;

	g[REG_RIP] = r->ip;
	g[REG_RSP] = r->sp;
	g[REG_RBP] = r->bp;
	g[REG_RDI] = r->di;
}

/* Shared with the SIGTRAP handler (an int3 no debugger planted). */
void os_fault_dispatch(int sig, int code, unsigned long addr, ucontext_t *uc)
{
	ucontext_t *outer = fault_uc;
	struct os_fault_regs r;

	regs_from_uc(uc, &r);
	fault_uc = uc;
	os_trap_enter(uc);
	if (kernel_fault(sig, code, addr, &r) == OOPS_RESUME)
		regs_to_uc(uc, &r);
	os_trap_leave();
	fault_uc = outer;
}

static void fault_handler(int sig, siginfo_t *si, void *uc_arg)
{
	/* First, before any write: an access to a watched page is a step. */
	if (sig == SIGSEGV && os_watch_fault((unsigned long)si->si_addr, uc_arg))
		return;
	/* A bad frame while walking the stack for a report ends the walk. */
	os_unwind_guard();
	os_watch_trap_enter();
	os_fault_dispatch(sig, si->si_code, (unsigned long)si->si_addr, uc_arg);
	os_watch_trap_leave();
}

int os_fault_init(void)
{
	stack_t ss;
	struct sigaction sa;
	/* SIGABRT too: glibc aborting inside a host call (a heap check, an
	 * assertion), or a kill -ABRT, is reported with the CPU thread's
	 * backtrace before the process dies. */
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT };

	ss.ss_sp = mmap(NULL, ALTSTACK_SIZE, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ss.ss_sp == MAP_FAILED)
		return -1;
	ss.ss_size = ALTSTACK_SIZE;
	ss.ss_flags = 0;
	if (sigaltstack(&ss, NULL))
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fault_handler;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
	return 0;
}

void os_sleep_ns(u64 ns)
{
	struct timespec ts = { .tv_sec = ns / 1000000000ULL, .tv_nsec = ns % 1000000000ULL };

	while (nanosleep(&ts, &ts))
		;
}

/*
 * Faults in the glass process itself (kernel code): SIGSEGV, SIGBUS, SIGILL,
 * SIGFPE and a stray SIGTRAP land in one handler on a large alternate
 * stack, so even a kernel stack overflowing into its guard gap gets a
 * report. The handler passes the fault to kernel_fault() (kernel/diag).
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include <glass/os.h>
#include "os_internal.h"

#define ALTSTACK_SIZE (256 << 10)

void kernel_fault(int sig, int code, unsigned long addr, struct os_fault_regs *regs);

void os_ucontext_fault_regs(const void *uc_arg, struct os_fault_regs *r)
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

static void fault_handler(int sig, siginfo_t *si, void *uc_arg)
{
	struct os_fault_regs r;

	os_ucontext_fault_regs(uc_arg, &r);
	kernel_fault(sig, si->si_code, (unsigned long)si->si_addr, &r);
	/* kernel_fault returns only to let the default action happen. */
	signal(sig, SIG_DFL);
}

int os_fault_init(void)
{
	stack_t ss;
	struct sigaction sa;
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE };

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

/*
 * A fault in kernel code: report it Linux-style (the faulting function and
 * registers), naming a kernel stack overflow when the address is in a
 * task's guard gap, then panic. Runs in the host signal handler on the
 * alternate stack, so it only formats and writes.
 */
#include <glass/kernel.h>
#include <glass/layout.h>
#include <glass/os.h>
#include <glass/sched.h>

static const char *sig_name(int sig)
{
	switch (sig) {
	case 11: return "SIGSEGV";
	case 7: return "SIGBUS";
	case 4: return "SIGILL";
	case 8: return "SIGFPE";
	}
	return "signal";
}

static bool in_guard_gap(unsigned long addr)
{
	if (addr < STACK_AREA || addr >= STACK_AREA + STACK_SLOTS * STACK_SLOT)
		return false;
	return (addr - STACK_AREA) % STACK_SLOT < THREAD_SIZE;
}

void kernel_fault(int sig, int code, unsigned long addr, struct os_fault_regs *r)
{
	static int depth;

	/* A fault while reporting one (a bad frame pointer): stop there. */
	if (depth++)
		panic("fault at %#lx while reporting a kernel fault", addr);
	console_loglevel = 8;
	if (sig == 11 && in_guard_gap(addr))
		pr_emerg("BUG: kernel stack overflow in task %d (%s): guard gap hit at %#lx\n",
			 current->pid, current->comm, addr);
	else if (sig == 11 || sig == 7)
		pr_emerg("BUG: unable to handle page fault for address %#lx\n", addr);
	else
		pr_emerg("BUG: %s (code %d) in kernel code\n", sig_name(sig), code);
	pr_emerg("IP: %pS\n", (void *)r->ip);
	pr_emerg("CPU: 0 PID: %d Comm: %s\n", current->pid, current->comm);
	pr_emerg("RIP: %016llx RSP: %016llx EFLAGS: %08llx\n",
		 (unsigned long long)r->ip, (unsigned long long)r->sp,
		 (unsigned long long)r->flags);
	pr_emerg("RAX: %016llx RBX: %016llx RCX: %016llx\n", (unsigned long long)r->ax,
		 (unsigned long long)r->bx, (unsigned long long)r->cx);
	pr_emerg("RDX: %016llx RSI: %016llx RDI: %016llx\n", (unsigned long long)r->dx,
		 (unsigned long long)r->si, (unsigned long long)r->di);
	pr_emerg("RBP: %016llx R08: %016llx R09: %016llx\n", (unsigned long long)r->bp,
		 (unsigned long long)r->r8, (unsigned long long)r->r9);
	pr_emerg("R10: %016llx R11: %016llx R12: %016llx\n", (unsigned long long)r->r10,
		 (unsigned long long)r->r11, (unsigned long long)r->r12);
	pr_emerg("R13: %016llx R14: %016llx R15: %016llx\n", (unsigned long long)r->r13,
		 (unsigned long long)r->r14, (unsigned long long)r->r15);
	/* Frame-pointer walk, when the stack is still readable. */
	if (!in_guard_gap(addr)) {
		unsigned long bp = r->bp;
		pr_emerg("Call Trace:\n");
		for (int i = 0; i < 16 && bp && !(bp & 7); i++) {
			unsigned long *frame = (unsigned long *)bp;
			if (bp < 0x1000 || (bp >= STACK_AREA + STACK_SLOTS * STACK_SLOT &&
					    bp < 0x7f0000000000UL))
				break;
			pr_emerg(" %pS\n", (void *)frame[1]);
			bp = frame[0];
		}
	}
	panic("Fatal exception in kernel code");
}

/*
 * A fault in kernel code: the oops report and what follows it (docs/DESIGN.md,
 * Diagnostics). kernel_fault() runs in the host fault handler on the
 * alternate stack (kernel/os/fault.c), on the CPU thread. It prints the
 * signal and address, the registers, the faulting function and its source
 * line — the frame the signal trampoline hides — and a backtrace through
 * the fault with file:line per frame (libunwind and libdw, in kernel/os).
 *
 * Then, as Linux's die(): a fault in kernel code proper in task context
 * (a kernel thread, a task in a syscall) kills that task — the handler
 * returns into make_task_dead() on the top of the task's own stack, so the
 * faulting code never runs again — and the kernel runs on. A fault in a
 * host library or kernel/os (host locks may be held), in interrupt
 * context, in idle, in init or in a task already exiting panics.
 */
#include <glass/init.h>
#include <glass/kernel.h>
#include <glass/layout.h>
#include <glass/module.h>
#include <glass/os.h>
#include <glass/os_upcalls.h>
#include <glass/sched.h>

#include "diag.h"

#define OOPS_FRAMES 32

struct oops_info oops_now;
extern char __executable_start[], etext[];

static const char *sig_name(int sig)
{
	switch (sig) {
	case 4: return "SIGILL";
	case 5: return "SIGTRAP";
	case 6: return "SIGABRT";
	case 7: return "SIGBUS";
	case 8: return "SIGFPE";
	case 11: return "SIGSEGV";
	}
	return "signal";
}

static bool in_guard_gap(unsigned long addr)
{
	if (addr < STACK_AREA || addr >= STACK_AREA + STACK_SLOTS * STACK_SLOT)
		return false;
	return (addr - STACK_AREA) % STACK_SLOT < THREAD_SIZE;
}

static bool in_glass_text(unsigned long ip)
{
	return ip >= (unsigned long)__executable_start && ip < (unsigned long)etext;
}

/* A source path relative to the tree glass was built in. */
static const char *tree_path(const char *file)
{
	const char *k = strstr(file, "/kernel/");

	return k ? k + 1 : file;
}

/* Is ip host code: a host library, or glass's own kernel/os/? */
static bool host_code(unsigned long ip)
{
	struct os_srcinfo si;

	if (__module_address(ip))
		return false;
	if (!in_glass_text(ip))
		return true;
	return os_addr_info(ip, &si) && si.file && strstr(si.file, "kernel/os/");
}

/* "libc.so.6+0x17bad8": the host library holding ip (the one loaded
 * highest below it) and the offset; no libdw, as malloc's lock may be
 * held by the faulting code. libunwind's name for such a frame is only
 * the nearest exported symbol, often another function's. */
static const char *host_lib(unsigned long ip, unsigned long *off)
{
	const char *path, *best = "?";
	unsigned long base, best_base = 0;

	for (unsigned i = 0; !os_host_library(i, &path, &base); i++)
		if (base <= ip && base > best_base) {
			best = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
			best_base = base;
		}
	*off = ip - best_base;
	return best;
}

static unsigned long module_section_addr(const void *mod, const char *name)
{
	const struct module_section *s = module_find_section(mod, name);

	return s ? s->addr : 0;
}

/*
 * "func+0xoff/0xsize [module]" for ip in module mod, as Linux prints it,
 * then " at file:line" (at) or " (file:line)" from the module's debug
 * info when its .ko can be read; look is the address whose line it is.
 */
static void module_where(const struct module *mod, unsigned long ip, unsigned long look,
			 bool at, char *buf, size_t size)
{
	unsigned long off, fsize, lo = ULONG_MAX, hi = 0;
	const char *modname, *func = module_address_lookup(ip, &off, &fsize, &modname);
	struct os_srcinfo si;
	int n;

	if (func)
		n = scnprintf(buf, size, "%s+0x%lx/0x%lx [%s]", func, off, fsize, modname);
	else
		n = scnprintf(buf, size, "%#lx [%s]", ip, mod->name);
	for (unsigned i = 0; i < mod->nr_sections; i++) {
		const struct module_section *s = &mod->sections[i];

		if (!s->size || !s->addr)       /* empty, or not loaded */
			continue;
		if (s->addr < lo)
			lo = s->addr;
		if (s->addr + s->size > hi)
			hi = s->addr + s->size;
	}
	if (lo < hi && os_module_addr_info(mod->name, mod->image_path, lo, hi,
					   module_section_addr, mod, look, &si) && si.file)
		scnprintf(buf + n, size - n, at ? " at %s:%d" : " (%s:%d)", si.file, si.line);
}

/* " #N [<ip>] func+0xoff/0xsize (file:line)": frames after the first
 * are return addresses, so their line is the call's (ip - 1). */
void print_frames(const struct os_frame *f, int n, bool trap)
{
	for (int i = 0; i < n; i++) {
		bool exact = i == 0 ? !trap : f[i - 1].signal_frame;
		unsigned long look = exact ? f[i].ip : f[i].ip - 1;
		struct os_srcinfo si;

		const struct module *mod = __module_address(f[i].ip);
		char where[256];

		if (f[i].broken) {
			pr_emerg(" #%d (the stack cannot be read further)\n", i);
			break;
		}
		if (mod) {
			module_where(mod, f[i].ip, look, false, where, sizeof(where));
			pr_emerg(" #%d [<%016lx>] %s\n", i, f[i].ip, where);
		} else if (!in_glass_text(f[i].ip)) {
			unsigned long off;
			const char *lib = host_lib(f[i].ip, &off);

			pr_emerg(" #%d [<%016lx>] %s+0x%lx (host library)\n", i, f[i].ip, lib, off);
		}
		else if (!os_addr_info(look, &si) || !si.func)
			pr_emerg(" #%d [<%016lx>] %pS\n", i, f[i].ip, (void *)f[i].ip);
		else if (si.file)
			pr_emerg(" #%d [<%016lx>] %s+0x%lx/0x%lx (%s:%d)\n", i, f[i].ip, si.func,
				 si.off + (f[i].ip - look), si.size, tree_path(si.file), si.line);
		else
			pr_emerg(" #%d [<%016lx>] %s+0x%lx/0x%lx (%s)\n", i, f[i].ip, si.func,
				 si.off + (f[i].ip - look), si.size, si.module ? si.module : "?");
	}
}

/* Three registers a line, as Linux's __show_regs(). */
static void print_regs(const struct os_fault_regs *r)
{
	const struct { const char *name; u64 v; } regs[] = {
		{ "RIP", r->ip }, { "RSP", r->sp }, { "EFLAGS", r->flags },
		{ "RAX", r->ax }, { "RBX", r->bx }, { "RCX", r->cx },
		{ "RDX", r->dx }, { "RSI", r->si }, { "RDI", r->di },
		{ "RBP", r->bp }, { "R08", r->r8 }, { "R09", r->r9 },
		{ "R10", r->r10 }, { "R11", r->r11 }, { "R12", r->r12 },
		{ "R13", r->r13 }, { "R14", r->r14 }, { "R15", r->r15 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(regs); i += 3)
		pr_emerg("%s: %016llx %s: %016llx %s: %016llx\n",
			 regs[i].name, (unsigned long long)regs[i].v,
			 regs[i + 1].name, (unsigned long long)regs[i + 1].v,
			 regs[i + 2].name, (unsigned long long)regs[i + 2].v);
	pr_emerg("TRAPNO: %llu ERR: %#llx\n", (unsigned long long)r->trapno,
		 (unsigned long long)r->err);
}

static void print_header(int sig, int code, unsigned long addr)
{
	static int count;

	if (sig == 11 && in_guard_gap(addr))
		pr_emerg("BUG: kernel stack overflow in task %d (%s): guard gap hit at %#lx\n",
			 current->pid, current->comm, addr);
	else if ((sig == 11 || sig == 7) && addr < PAGE_SIZE)
		pr_emerg("BUG: kernel NULL pointer dereference, address: %016lx\n", addr);
	else if (sig == 11 || sig == 7)
		pr_emerg("BUG: unable to handle page fault for address: %016lx\n", addr);
	else if (sig == 4)
		pr_emerg("BUG: invalid opcode at %016lx\n", addr);
	else if (sig == 5)
		pr_emerg("BUG: int3 with no debugger attached at %016lx\n", addr);
	else if (sig == 6)
		pr_emerg("BUG: SIGABRT on the CPU thread (an abort in a host call, or kill -ABRT)\n");
	else
		pr_emerg("BUG: %s in kernel code at %016lx\n", sig_name(sig), addr);
	pr_emerg("Oops: %s (si_code %d, fault address 0x%lx) [#%d]\n", sig_name(sig), code,
		 addr, ++count);
	pr_emerg("CPU: 0 PID: %d Comm: %.16s%s\n", current->pid, current->comm,
		 in_interrupt() ? " (in interrupt)" : "");
}

/* The faulting function and line, as Linux's "RIP: func+off/size". */
static void print_ip(unsigned long ip, bool trap)
{
	const struct module *mod = __module_address(ip);
	struct os_srcinfo si;
	unsigned long off;
	char where[256];

	if (mod) {
		module_where(mod, ip, ip - trap, true, where, sizeof(where));
		pr_emerg("IP: %s\n", where);
	} else if (!in_glass_text(ip)) {
		const char *lib = host_lib(ip, &off);

		pr_emerg("IP: %s+0x%lx, in a host library\n", lib, off);
	} else if (!os_addr_info(ip - trap, &si) || !si.func)
		pr_emerg("IP: %pS\n", (void *)ip);
	else if (si.file)
		pr_emerg("IP: %s+0x%lx/0x%lx at %s:%d\n", si.func, si.off + trap, si.size,
			 tree_path(si.file), si.line);
	else
		pr_emerg("IP: %s+0x%lx/0x%lx in %s\n", si.func, si.off + trap, si.size,
			 si.module ? si.module : "?");
}

/* Why this fault cannot be survived by killing the task, or NULL. */
static const char *fatal_reason(unsigned long ip)
{
	if (host_code(ip))
		return "Fatal exception in host code (a host library or kernel/os)";
	if (in_interrupt())
		return "Fatal exception in interrupt";
	if (current == &init_task)
		return "Attempted to kill the idle task!";
	if (current->flags & PF_EXITING)
		return "Fatal exception in an exiting task";
	if (current->tgid == 1 && !is_kthread(current))
		return "Attempted to kill init!";
	return NULL;
}

/* The killed task leaves here, on the top of its own stack. */
__noreturn void make_task_dead(int sig)
{
	do_exit(sig & 0x7f);
}

int kernel_fault(int sig, int code, unsigned long addr, struct os_fault_regs *r)
{
	static struct os_frame frames[OOPS_FRAMES];
	static int depth;
	const char *fatal;
	unsigned long top;
	int n;

	/* A fault while reporting one: stop there. */
	if (depth++)
		panic("fault at %#lx while reporting a kernel fault", addr);
	console_loglevel = 8;
	oops_now = (struct oops_info){ .sig = sig, .regs = r, .task = current };
	print_header(sig, code, addr);
	n = os_unwind(os_fault_context(), frames, OOPS_FRAMES);
	/* After an int3 the ip is past it: its line is the one before. */
	print_ip(r->ip, sig == 5);
	print_regs(r);
	pr_emerg("Call Trace:\n");
	print_frames(frames, n, sig == 5);
	/* An abort (glibc's checks, a kill -ABRT) never blames a task. */
	fatal = sig == 6 ? "Aborted: SIGABRT on the CPU thread" : fatal_reason(r->ip);
	if (fatal)
		panic("%s", fatal);
	pr_emerg("---[ end trace: killing task %d (%s) ]---\n", current->pid, current->comm);
	/* Resume in make_task_dead(sig) on the top of the task's stack. */
	top = (unsigned long)current->stack + THREAD_SIZE;
	r->sp = (top & ~15UL) - 8;
	r->bp = 0;
	r->di = sig;
	r->ip = (unsigned long)make_task_dead;
	oops_now = (struct oops_info){ 0 };
	depth = 0;
	return OOPS_RESUME;
}

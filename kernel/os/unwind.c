/*
 * Backtraces and source lines for the oops report (kernel/diag/oops.c):
 * libunwind walks the stack from a fault's ucontext (through signal
 * frames, so the frame the trampoline hides is frame 0), libdw turns an
 * address into function, file and line.
 *
 * Both run on the CPU thread only, in the fault path (rule monitor-never-blocks:
 * libdw allocates and locks, never on the monitor thread). libdw's tables
 * are loaded and every compilation unit's line table read at boot
 * (os_symbolize_start), so a lookup in the fault path only searches. A
 * thread of their own reads them, started when the kernel first goes idle
 * (cpu_idle), not on the boot path: they cost ~10 ms of CPU and 800 host
 * page faults, a fifth of `glass init=/bin/true`. The first lookup starts
 * it if need be and waits for it, at most WARM_WAIT_S: longer means the
 * faulting code holds malloc's lock, which the thread needs, and the oops
 * does without libdw (kallsyms names the functions).
 * A fault while libunwind reads a broken stack comes back to the fault
 * handler, which jumps back here (os_unwind_guard): the trace just ends.
 */
#define UNW_LOCAL_ONLY
#include <elfutils/libdwfl.h>
#include <libunwind.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <glass/monitor.h>
#include <glass/os.h>
#include "os_internal.h"

#define WARM_WAIT_S 2

static Dwfl *dwfl;
static pthread_t warm_thread;
static enum { WARM_NONE, WARM_RUNNING, WARM_READY } warm_state;
static bool warm_failed;        /* no thread, or it did not finish in time */
static sigjmp_buf unwind_jmp;
volatile int os_unwinding;

static const Dwfl_Callbacks dwfl_callbacks = {
	.find_elf = dwfl_linux_proc_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
};

/* notrace here and in symbolize_warm: a PROFILE=1 build's __fentry__
 * (mcount.c) is for the CPU thread only. */
static notrace int warm_module(Dwfl_Module *mod, void **userdata, const char *name,
		       Dwarf_Addr start, void *arg)
{
	Dwarf_Die *cu = NULL;
	Dwarf_Addr bias;
	size_t n;

	if (start > (Dwarf_Addr)warm_module)
		return DWARF_CB_OK;     /* not glass (linked low, non-PIE) */
	while ((cu = dwfl_module_nextcu(mod, cu, &bias)))
		dwfl_getsrclines(cu, &n);
	/* One lookup builds the address ranges. */
	dwfl_module_getsrc(mod, start);
	return DWARF_CB_OK;
}

/* The warming thread: load the modules of this process (glass and its
 * libraries) and glass's line tables. Nobody else touches dwfl until it
 * has been joined. */
static notrace void *symbolize_warm(void *unused)
{
	os_cpu_home_release();  /* off the CPU thread's CPU where it can */
	dwfl = dwfl_begin(&dwfl_callbacks);
	if (!dwfl)
		return NULL;
	dwfl_report_begin(dwfl);
	if (dwfl_linux_proc_report(dwfl, getpid()) ||
	    dwfl_report_end(dwfl, NULL, NULL)) {
		dwfl_end(dwfl);
		dwfl = NULL;
		return NULL;
	}
	/* glass's own line tables only: a library's (libc's debug info is
	 * large) are read when a fault first needs them. */
	dwfl_getmodules(dwfl, warm_module, NULL, 0);
	return NULL;
}

/* CPU thread: start the warming thread once, with every signal blocked
 * (they are the CPU thread's and the monitor's to take). */
void os_symbolize_start(void)
{
	sigset_t all, old;
	int r;

	if (warm_state != WARM_NONE || warm_failed)
		return;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	r = pthread_create(&warm_thread, NULL, symbolize_warm, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r) {
		warm_failed = true;
		return;
	}
	pthread_setname_np(warm_thread, "glass-symbols");
	warm_state = WARM_RUNNING;
}

/* CPU thread: is dwfl ready? The first call waits for the warming thread,
 * at most WARM_WAIT_S; after a time-out dwfl is never used. */
static bool symbolize_ready(void)
{
	struct timespec ts;

	os_symbolize_start();
	if (warm_state == WARM_RUNNING) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += WARM_WAIT_S;
		if (pthread_timedjoin_np(warm_thread, NULL, &ts))
			warm_failed = true;
		else
			warm_state = WARM_READY;
	}
	return warm_state == WARM_READY && !warm_failed && dwfl;
}

/* Function, file and line of ip in mod: glass or a library here, a
 * kernel module's .ko in module_lines.c. */
void os_dwfl_srcinfo(Dwfl_Module *mod, unsigned long ip, struct os_srcinfo *si)
{
	Dwfl_Line *line;
	GElf_Sym sym;
	GElf_Off off;
	const char *name = dwfl_module_addrinfo(mod, ip, &off, &sym, NULL, NULL, NULL);

	if (name) {
		si->func = name;
		si->off = off;
		si->size = sym.st_size;
	}
	line = dwfl_module_getsrc(mod, ip);
	if (line)
		si->file = dwfl_lineinfo(line, NULL, &si->line, NULL, NULL, NULL);
}

bool os_addr_info(unsigned long ip, struct os_srcinfo *si)
{
	Dwfl_Module *mod;

	memset(si, 0, sizeof(*si));
	if (!symbolize_ready() || !(mod = dwfl_addrmodule(dwfl, ip)))
		return false;
	dwfl_module_info(mod, NULL, NULL, NULL, NULL, NULL, &si->module, NULL);
	os_dwfl_srcinfo(mod, ip, si);
	return true;
}

/* Called by the fault handler for a fault inside os_unwind: end the walk. */
void os_unwind_guard(void)
{
	if (os_unwinding) {
		os_unwinding = 0;
		siglongjmp(unwind_jmp, 1);
	}
}

/* Walk from ctx (a ucontext_t of a fault) or, when NULL, from the caller.
 * Frame 0 is the faulting instruction itself. */
int os_unwind(void *ctx, struct os_frame *f, int max)
{
	static unw_context_t here;
	static unw_cursor_t c;
	static int n;           /* static: survives the siglongjmp */
	unw_word_t ip;

	n = 0;
	if (sigsetjmp(unwind_jmp, 1)) {
		if (n < max)
			f[n++] = (struct os_frame){ .ip = 0, .broken = true };
		return n;
	}
	os_unwinding = 1;
	if (ctx) {
		if (unw_init_local2(&c, (unw_context_t *)ctx, UNW_INIT_SIGNAL_FRAME))
			goto out;
	} else {
		unw_getcontext(&here);
		if (unw_init_local(&c, &here))
			goto out;
	}
	do {
		if (unw_get_reg(&c, UNW_REG_IP, &ip) || !ip)
			break;
		f[n].ip = ip;
		f[n].signal_frame = unw_is_signal_frame(&c) > 0;
		f[n].broken = false;

		n++;
	} while (n < max && unw_step(&c) > 0);
out:
	os_unwinding = 0;
	return n;
}

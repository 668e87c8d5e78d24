/*
 * Watchpoints without debug registers: the watched page is write-protected
 * (read-protected too for an access watchpoint). A write to it faults; the
 * fault handler lifts the protection and single-steps the faulting
 * instruction with TF; the step's trap compares the watched bytes, puts
 * the protection back, and reports a hit as a debug register would have —
 * after the instruction, with the slot that fired.
 *
 * Both host threads can touch a watched page: any thread that faults steps
 * its own access, but only the CPU thread's accesses outside the debug
 * trap are kernel code, so only those are reported. While any thread is
 * mid-step or the CPU is inside the debug trap (parked, say), the pages
 * stay unprotected ("holds"): the park and the monitor write kernel data
 * freely. A write by another thread during that window is missed.
 *
 * Monitor text (rule monitor-never-blocks): the monitor thread runs all of it, and no
 * breakpoint may be planted where it runs.
 *
 * All state the fault path touches before it lifts the protection is in
 * one page-aligned object that no watchpoint may cover, or in TLS and on
 * the signal stack, neither of which can be watched (see watch_allowed).
 * Host calls that write into a watched page get EFAULT from the host
 * kernel; see kernel/debug/README.md.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include <glass/layout.h>
#include <glass/monitor.h>
#include <glass/os.h>
#include "os_internal.h"

#define X86_EFLAGS_TF 0x100UL

struct watch {
	unsigned long addr, len;
	int type;               /* 1 write, 3 access */
	bool used;
};

static struct watch_state {
	struct watch w[OS_HW_SLOTS];
	int nr;
	int holds;              /* threads mid-step, plus the debug trap */
} ws __attribute__((aligned(PAGE_SIZE)));
_Static_assert(sizeof(ws) <= PAGE_SIZE, "the watch state fits one page");

/* This thread's step over an access to a watched page. */
static __thread struct {
	bool active;
	bool was_stepping;      /* TF was already set: gdb's own step */
	bool report;            /* kernel code on the CPU thread */
	unsigned long addr;     /* the faulting address */
	unsigned char old[OS_HW_SLOTS][8];
} step;
static __thread int trap_nest;

extern char __data_start[], _end[];

static unsigned long __monitor_text page_down(unsigned long a)
{
	return a & ~(PAGE_SIZE - 1);
}

/* Kernel data only: glass's .data and .bss, physmem (kmalloc objects,
 * guest pages). Never the watch state's own page, and never kernel stacks:
 * host signal frames are written there. */
static bool __monitor_text watch_allowed(unsigned long addr, unsigned long len)
{
	unsigned long end = addr + len, ws_page = (unsigned long)&ws;

	if (end <= addr)
		return false;
	if (addr < ws_page + PAGE_SIZE && end > ws_page)
		return false;
	if (addr >= (unsigned long)__data_start && end <= (unsigned long)_end)
		return true;
	return addr >= PHYSMEM_BASE && end <= PHYSMEM_BASE + os_physmem_size;
}

static bool __monitor_text on_watched_page(unsigned long a)
{
	for (int i = 0; i < OS_HW_SLOTS; i++) {
		const struct watch *w = &ws.w[i];

		if (w->used && page_down(a) >= page_down(w->addr) &&
		    page_down(a) <= page_down(w->addr + w->len - 1))
			return true;
	}
	return false;
}

static void __monitor_text protect(const struct watch *w, int prot)
{
	unsigned long start = page_down(w->addr);

	mprotect((void *)start, page_down(w->addr + w->len - 1) + PAGE_SIZE - start, prot);
}

/* Make the protections match the state; another thread may change it
 * meanwhile, so look again until what was applied still holds. A stale
 * protection costs one more fault, never a lost access. */
static void __monitor_text watch_sync(void)
{
	int armed;

	do {
		armed = ws.nr && !__atomic_load_n(&ws.holds, __ATOMIC_SEQ_CST);
		for (int i = 0; i < OS_HW_SLOTS; i++)
			if (ws.w[i].used)
				protect(&ws.w[i], !armed ? PROT_READ | PROT_WRITE :
					ws.w[i].type == 1 ? PROT_READ : PROT_NONE);
	} while (armed != (ws.nr && !__atomic_load_n(&ws.holds, __ATOMIC_SEQ_CST)));
}

static void __monitor_text hold(int n)
{
	__atomic_add_fetch(&ws.holds, n, __ATOMIC_SEQ_CST);
	watch_sync();
}

/* Monitor thread, the CPU parked (gdb inserts and removes while stopped),
 * so the debug trap holds the pages: they are protected when it ends. */
int __monitor_text os_watch_set(int slot, int type, unsigned long addr, int len)
{
	struct watch *w = &ws.w[slot];

	if (type != 1 && type != 3)
		return -ENODEV;
	if (!watch_allowed(addr, len))
		return -EPERM;
	os_watch_clear(slot);
	*w = (struct watch){ .addr = addr, .len = len, .type = type, .used = true };
	ws.nr++;
	watch_sync();
	return 0;
}

void __monitor_text os_watch_clear(int slot)
{
	struct watch *w = &ws.w[slot];

	if (!w->used)
		return;
	protect(w, PROT_READ | PROT_WRITE);
	w->used = false;
	ws.nr--;
	watch_sync();
}

/* The SIGSEGV handler's first call: an access to a watched page is
 * stepped, not reported as a fault. */
bool __monitor_text os_watch_fault(unsigned long addr, ucontext_t *uc)
{
	greg_t *g = uc->uc_mcontext.gregs;

	if (!ws.nr || !on_watched_page(addr))
		return false;
	if (step.active) {      /* the protection came back under our step */
		watch_sync();
		return true;
	}
	step.active = true;
	step.was_stepping = g[REG_EFL] & X86_EFLAGS_TF;
	step.report = !trap_nest && os_is_cpu_thread();
	step.addr = addr;
	hold(1);
	for (int i = 0; i < OS_HW_SLOTS; i++)
		if (ws.w[i].used)
			memcpy(step.old[i], (void *)ws.w[i].addr, ws.w[i].len);
	g[REG_EFL] |= X86_EFLAGS_TF;
	return true;
}

/* Debug trap entry and exit on any thread: the pages stay unprotected
 * while the trap runs (a park writes kernel data everywhere). */
void __monitor_text os_watch_trap_enter(void)
{
	trap_nest++;
	hold(1);
}

void __monitor_text os_watch_trap_leave(void)
{
	trap_nest--;
	hold(-1);
}

bool __monitor_text os_watch_stepping(void)
{
	return step.active;
}

/* A finished single step (TRAP_TRACE) on this thread: was it ours? Then
 * *slot is the watchpoint hit (or -1) and *gdb_step whether gdb's own
 * step also ended here. */
bool __monitor_text os_watch_step_done(int *slot, bool *gdb_step)
{
	if (!step.active)
		return false;
	step.active = false;
	*gdb_step = step.was_stepping;
	*slot = -1;
	for (int i = 0; i < OS_HW_SLOTS && step.report; i++) {
		const struct watch *w = &ws.w[i];

		if (!w->used)
			continue;
		/* A change, or an access that starts inside the range (the
		 * fault gives only the access's first byte, not its size, so
		 * one that starts below the range and reaches into it is not
		 * seen unless it changes the value). */
		if (memcmp(step.old[i], (void *)w->addr, w->len) ||
		    (step.addr >= w->addr && step.addr < w->addr + w->len)) {
			*slot = i;
			break;
		}
	}
	hold(-1);
	return true;
}

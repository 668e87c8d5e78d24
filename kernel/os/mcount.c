/*
 * What -pg -mfentry calls at the entry of every profiled function (make
 * PROFILE=1): __fentry__, which records the arc caller -> callee for
 * gprof's call graph (profiling/gprof.c writes it). glibc has a __fentry__
 * too, feeding its hidden gmon state that only _mcleanup writes, once, at
 * exit: this one, in the host layer because it stands in for libc's, is
 * what glass's own calls bind to. Built without -pg itself, and with general
 * registers only: it runs before the function's prologue, while the
 * arguments are still in registers, and must give them back untouched —
 * the UML HOWTO's "hangs on boot when compiled with gprof support" was a
 * profiling hook that did not (i386 regparm arguments clobbered by
 * mcount). CPU thread only (monitor text is never instrumented); a hook
 * that interrupts another (a signal handler's code) records nothing.
 */
#include <glass/monitor.h>
#include <glass/os.h>
#include <glass/profile_format.h>
#include "os_internal.h"

#ifdef GLASS_GPROF
#define MAX_ARCS 65536
#define ARC_HASH (1U << 17)     /* slots, a power of two */

struct gmon_arc gprof_arcs[MAX_ARCS];
u32 gprof_nr_arcs;
static u32 slots[ARC_HASH];     /* arc index + 1, 0: free */
static int busy;

void gprof_arc(unsigned long from, unsigned long self);

/* Every register an argument may be in (rdi, rsi, rdx, rcx, r8, r9; rax
 * holds the vector count of a varargs call, r10 a static chain) and r11
 * are kept; the stack is 16-byte aligned at the call. */
__asm__(".pushsection .text\n"
	".globl __fentry__\n"
	".type __fentry__, @function\n"
	"__fentry__:\n"
	"	push %rax\n	push %rcx\n	push %rdx\n	push %rsi\n	push %rdi\n"
	"	push %r8\n	push %r9\n	push %r10\n	push %r11\n"
	"	mov 72(%rsp), %rsi\n"   /* self: our return address */
	"	mov 80(%rsp), %rdi\n"   /* from: the function's own */
	"	sub $8, %rsp\n"
	"	call gprof_arc\n"
	"	add $8, %rsp\n"
	"	pop %r11\n	pop %r10\n	pop %r9\n	pop %r8\n	pop %rdi\n"
	"	pop %rsi\n	pop %rdx\n	pop %rcx\n	pop %rax\n"
	"	ret\n"
	".size __fentry__, . - __fentry__\n"
	".popsection\n");

void notrace gprof_arc(unsigned long from, unsigned long self)
{
	u64 h;

	if (busy)
		return;
	busy = 1;
	h = (from * 0x9e3779b97f4a7c15ULL) ^ (self * 0xc2b2ae3d27d4eb4fULL);
	for (u32 i = 0, s = (u32)(h >> 40) & (ARC_HASH - 1); i < ARC_HASH;
	     i++, s = (s + 1) & (ARC_HASH - 1)) {
		struct gmon_arc *a;

		if (!slots[s]) {
			if (gprof_nr_arcs == MAX_ARCS)
				break;          /* full: gprof shows fewer calls */
			a = &gprof_arcs[gprof_nr_arcs++];
			a->from = from;
			a->self = self;
			a->count = 1;
			slots[s] = gprof_nr_arcs;
			break;
		}
		a = &gprof_arcs[slots[s] - 1];
		if (a->from == from && a->self == self) {
			a->count++;
			break;
		}
	}
	busy = 0;
}

void notrace gprof_reset_arcs(void)
{
	busy = 1;
	for (u32 i = 0; i < ARC_HASH; i++)
		slots[i] = 0;
	gprof_nr_arcs = 0;
	busy = 0;
}
#endif

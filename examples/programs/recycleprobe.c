/*
 * recycleprobe: what a program finds of the one before it when Glass hands
 * it a parked stub (kernel/arch/x86_64/host_mm.c, tests/integration/
 * stub_recycle.sh). No libc, so that nothing runs before its own entry.
 *   recycleprobe dirty     sets every xmm register (ymm too with AVX) to
 *                          ones, MXCSR to round-to-zero, the x87 control
 *                          word, and fs and gs bases of its own; exits 0
 *   recycleprobe clean [fsgsbase]
 *                          checks, at its first instruction, that those
 *                          are as exec leaves them (zero, 0x1f80, 0x37f;
 *                          the fs and gs bases with rdfsbase/rdgsbase when
 *                          told the host has them); prints "clean ok" or
 *                          "clean BAD: WHAT" and exits 0 or 1
 */
#include "bare.h"

/* What _start saw before anything else ran. */
struct first {
	unsigned char ymm[16][32];
	unsigned int mxcsr;
	unsigned short fcw;
	unsigned long fs, gs;
} first __attribute__((aligned(32)));

void probe_main(const long *sp);
/* Saved at once: xmm (and with AVX the whole ymm, read only after a
 * cpuid, which touches no vector register), MXCSR, the x87 control word.
 * The bases are read later, when asked (rdfsbase faults where the host
 * has not enabled it). */
__asm__(".text\n.globl _start\n_start:\n\t"
	"lea first(%rip), %rdi\n\t"
	".irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n\t"
	"movdqu %xmm\\n, 32*\\n(%rdi)\n\t"
	".endr\n\t"
	"stmxcsr 512(%rdi)\n\t"
	"fnstcw 516(%rdi)\n\t"
	"mov %rsp, %rsi\n\t"
	"mov $1, %eax\n\t"
	"cpuid\n\t"
	"bt $28, %ecx\n\t"              /* AVX */
	"jnc 1f\n\t"
	"lea first(%rip), %rdi\n\t"
	".irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n\t"
	"vmovdqu %ymm\\n, 32*\\n(%rdi)\n\t"
	".endr\n"
	"1:\n\t"
	"xor %ebp, %ebp\n\t"
	"mov %rsi, %rdi\n\t"
	"and $-16, %rsp\n\t"
	"call probe_main\n\t"
	"hlt\n");

static int eq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

static void __attribute__((noreturn)) out(int status)
{
	for (;;)
		raw(SYS_exit_group, status, 0, 0, 0);
}

static int avx(void)
{
	unsigned int a = 1, b, c, d;

	__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "=c"(c), "=d"(d));
	return c >> 28 & 1;
}

static void dirty(void)
{
	unsigned int mxcsr = 0x7f80;            /* round toward zero */
	unsigned short fcw = 0x27f;             /* 53-bit precision */

	if (avx())
		__asm__ volatile(".irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n\t"
				 "vpcmpeqb %%ymm\\n, %%ymm\\n, %%ymm\\n\n\t"
				 ".endr" ::: "memory");
	else
		__asm__ volatile(".irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n\t"
				 "pcmpeqb %%xmm\\n, %%xmm\\n\n\t"
				 ".endr" ::: "memory");
	__asm__ volatile("ldmxcsr %0\n\tfldcw %1" : : "m"(mxcsr), "m"(fcw));
	raw(SYS_arch_prctl, 0x1002 /* ARCH_SET_FS */, 0x12345000, 0, 0);
	raw(SYS_arch_prctl, 0x1001 /* ARCH_SET_GS */, 0x6789a000, 0, 0);
	out(0);
}

static void bad(const char *what)
{
	put("clean BAD: ");
	put(what);
	put("\n");
	out(1);
}

static void clean(int fsgsbase)
{
	int width = avx() ? 32 : 16;

	for (int r = 0; r < 16; r++)
		for (int i = 0; i < width; i++)
			if (first.ymm[r][i])
				bad(i < 16 ? "an xmm register is not zero" : "a ymm upper half is not zero");
	if (first.mxcsr != 0x1f80)
		bad("MXCSR is not 0x1f80");
	if (first.fcw != 0x37f)
		bad("the x87 control word is not 0x37f");
	if (fsgsbase) {
		__asm__ volatile("rdfsbase %0\n\trdgsbase %1" : "=r"(first.fs), "=r"(first.gs));
		if (first.fs)
			bad("the fs base is not 0");
		if (first.gs)
			bad("the gs base is not 0");
	}
	put("clean ok\n");
	out(0);
}

void probe_main(const long *sp)
{
	long argc = sp[0];
	const char *const *argv = (const char *const *)(sp + 1);

	if (argc >= 2 && eq(argv[1], "dirty"))
		dirty();
	if (argc >= 2 && eq(argv[1], "clean"))
		clean(argc >= 3 && eq(argv[2], "fsgsbase"));
	put("usage: recycleprobe dirty | clean [fsgsbase]\n");
	out(2);
}

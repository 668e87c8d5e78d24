/*
 * Registers across stops. The stub returns into the guest by restoring
 * the registers itself, not through rt_sigreturn
 * (kernel/arch/x86_64/README.md): every general register, the arithmetic
 * and direction flags, xmm0-15, MXCSR and (with AVX) ymm0-15 must come
 * back exactly from a syscall (but rax, rcx and r11, which the syscall ABI
 * defines), a page fault and a spin long enough for the 10 ms tick to stop
 * it. The values change each round, so a stale copy shows.
 */
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check.h"

struct regs {
	uint64_t rbx, rbp, r12, r13, r14, r15, rsi, rdi, rdx, r8, r9, r10;
	uint64_t rax, rcx, r11, flags;
	uint32_t mxcsr, pad[3];
	uint8_t xmm[16][16];
};

/* xmm0-15, at offset 144 of struct regs: loaded from in (rdi), stored
 * to out (rax). */
#define XMM_ALL(X) X(0, 144) X(1, 160) X(2, 176) X(3, 192) X(4, 208)        \
	X(5, 224) X(6, 240) X(7, 256) X(8, 272) X(9, 288) X(10, 304)      \
	X(11, 320) X(12, 336) X(13, 352) X(14, 368) X(15, 384)
#define XMM_LOAD(n, off) "movdqu " #off "(%rdi), %xmm" #n "\n\t"
#define XMM_STORE(n, off) "movdqu %xmm" #n ", " #off "(%rax)\n\t"

/*
 * regs_NAME(in, out): load every register from in, do ACTION, store them
 * all in out. rdi holds in until it is loaded last; out stays on the stack.
 */
#define REGS_FN(name, action)                                             \
	void regs_##name(const struct regs *in, struct regs *out);        \
	__asm__(".text\n.globl regs_" #name "\nregs_" #name ":\n\t"        \
		"push %rbx\n\tpush %rbp\n\tpush %r12\n\t"                 \
		"push %r13\n\tpush %r14\n\tpush %r15\n\t"                 \
		"push %rsi\n\t"                                           \
		XMM_ALL(XMM_LOAD)                        \
		"ldmxcsr 128(%rdi)\n\t"                                   \
		"push 120(%rdi)\n\tpopfq\n\t"                             \
		"mov 0(%rdi), %rbx\n\tmov 8(%rdi), %rbp\n\t"              \
		"mov 16(%rdi), %r12\n\tmov 24(%rdi), %r13\n\t"            \
		"mov 32(%rdi), %r14\n\tmov 40(%rdi), %r15\n\t"            \
		"mov 48(%rdi), %rsi\n\tmov 64(%rdi), %rdx\n\t"            \
		"mov 72(%rdi), %r8\n\tmov 80(%rdi), %r9\n\t"              \
		"mov 88(%rdi), %r10\n\tmov 96(%rdi), %rax\n\t"            \
		"mov 104(%rdi), %rcx\n\tmov 112(%rdi), %r11\n\t"          \
		"mov 56(%rdi), %rdi\n\t"                                  \
		action "\n\t"                                             \
		"pushfq\n\t"                                              \
		"push %rax\n\t"                                           \
		"mov 16(%rsp), %rax\n\t"                                  \
		"popq 96(%rax)\n\t"                                       \
		"popq 120(%rax)\n\t"                                      \
		"cld\n\t"                                                 \
		"mov %rbx, 0(%rax)\n\tmov %rbp, 8(%rax)\n\t"              \
		"mov %r12, 16(%rax)\n\tmov %r13, 24(%rax)\n\t"            \
		"mov %r14, 32(%rax)\n\tmov %r15, 40(%rax)\n\t"            \
		"mov %rsi, 48(%rax)\n\tmov %rdi, 56(%rax)\n\t"            \
		"mov %rdx, 64(%rax)\n\tmov %r8, 72(%rax)\n\t"             \
		"mov %r9, 80(%rax)\n\tmov %r10, 88(%rax)\n\t"             \
		"mov %rcx, 104(%rax)\n\tmov %r11, 112(%rax)\n\t"          \
		"stmxcsr 128(%rax)\n\t"                                   \
		XMM_ALL(XMM_STORE)                        \
		"add $8, %rsp\n\t"                                        \
		"push $0x1f80\n\tldmxcsr (%rsp)\n\tadd $8, %rsp\n\t"      \
		"pop %r15\n\tpop %r14\n\tpop %r13\n\t"                    \
		"pop %r12\n\tpop %rbp\n\tpop %rbx\n\t"                    \
		"ret\n")

_Static_assert(__builtin_offsetof(struct regs, flags) == 120 &&
	       __builtin_offsetof(struct regs, mxcsr) == 128 &&
	       __builtin_offsetof(struct regs, xmm) == 144, "the asm's offsets");

/* A getpid; a first touch of the page at r15; rcx rounds of a loop that
 * leaves the flags alone. */
REGS_FN(syscall, "mov $39, %eax\n\tsyscall");
REGS_FN(fault, "movb $1, (%r15)");
REGS_FN(spin, "1:\n\tlea -1(%rcx), %rcx\n\tjrcxz 2f\n\tjmp 1b\n2:");

/* ymm0-15 (all 32 bytes) from in, a getpid, ymm0-15 to out: the
 * upper halves are AVX state, restored from the XSAVE image only. */
#define YMM_ALL(X) X(0, 0) X(1, 32) X(2, 64) X(3, 96) X(4, 128) X(5, 160)    \
	X(6, 192) X(7, 224) X(8, 256) X(9, 288) X(10, 320) X(11, 352)     \
	X(12, 384) X(13, 416) X(14, 448) X(15, 480)
#define YMM_LOAD(n, off) "vmovdqu " #off "(%rdi), %ymm" #n "\n\t"
#define YMM_STORE(n, off) "vmovdqu %ymm" #n ", " #off "(%rsi)\n\t"
void ymm_syscall(const uint8_t in[512], uint8_t out[512]);
__asm__(".text\n.globl ymm_syscall\nymm_syscall:\n\t"
	YMM_ALL(YMM_LOAD)
	"mov %rsi, %r8\n\t"
	"mov $39, %eax\n\t"
	"syscall\n\t"
	"mov %r8, %rsi\n\t"
	YMM_ALL(YMM_STORE)
	"vzeroupper\n\t"
	"ret\n");

/* CF PF AF ZF SF DF OF: what popfq sets and the test compares. */
#define FLAGS_MASK 0xcd5ul

static uint64_t seed = 0x9e3779b97f4a7c15ull;

static uint64_t next(void)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return seed;
}

static void fill(struct regs *r)
{
	uint64_t *w = &r->rbx;

	for (int i = 0; i < 15; i++)
		w[i] = next();
	/* bit 1 is always set; the rest of FLAGS_MASK by chance, DF too */
	r->flags = 2 | (next() & FLAGS_MASK);
	/* round toward zero or up, all exceptions masked, by chance DAZ/FTZ */
	r->mxcsr = 0x1f80 | (next() & 0x8040) | (next() & 1 ? 0x6000 : 0x4000);
	for (int i = 0; i < 16; i++)
		for (int j = 0; j < 16; j += 8) {
			uint64_t v = next();

			memcpy(&r->xmm[i][j], &v, 8);
		}
}

/* The first register of in and out that differ, or NULL; rax, rcx and
 * r11 only when all says so. */
static const char *differs(const struct regs *in, const struct regs *out, int all)
{
	static const char *const names[] = {
		"rbx", "rbp", "r12", "r13", "r14", "r15", "rsi", "rdi", "rdx",
		"r8", "r9", "r10", "rax", "rcx", "r11",
	};
	const uint64_t *a = &in->rbx, *b = &out->rbx;

	for (int i = 0; i < (all ? 15 : 12); i++)
		if (a[i] != b[i])
			return names[i];
	if ((in->flags ^ out->flags) & FLAGS_MASK)
		return "rflags";
	if (in->mxcsr != out->mxcsr)
		return "mxcsr";
	for (int i = 0; i < 16; i++)
		if (memcmp(in->xmm[i], out->xmm[i], 16))
			return "an xmm register";
	return NULL;
}

int main(void)
{
	struct regs in, out;
	const char *bad = NULL;
	char *pages;
	int n;

	for (n = 0; n < 2000 && !bad; n++) {
		fill(&in);
		regs_syscall(&in, &out);
		in.rax = getpid();
		bad = differs(&in, &out, 0);
		if (!bad && out.rax != in.rax)
			bad = "rax (getpid's result)";
	}
	CHECK("syscall keeps registers", !bad, "%s differs after %d syscalls", bad, n);

	if (__builtin_cpu_supports("avx")) {
		uint8_t yin[512], yout[512];

		for (n = 0, bad = NULL; n < 500 && !bad; n++) {
			for (int i = 0; i < 512; i += 8) {
				uint64_t v = next();

				memcpy(yin + i, &v, 8);
			}
			ymm_syscall(yin, yout);
			if (memcmp(yin, yout, sizeof(yin)))
				bad = "a ymm register";
		}
		CHECK("syscall keeps ymm registers", !bad, "%s differs after %d syscalls", bad, n);
	}

	pages = mmap(NULL, 256 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (pages == MAP_FAILED) {
		FAIL("fault keeps registers", "mmap: %s", strerror(errno));
		return check_done();
	}
	/* A page every 64 KiB: each touch is its own fault (fault-around
	 * maps the aligned 64 KiB around it). */
	for (n = 0, bad = NULL; n < 16 && !bad; n++) {
		fill(&in);
		in.r15 = (uint64_t)(pages + n * 16 * 4096);
		regs_fault(&in, &out);
		bad = differs(&in, &out, 1);
	}
	CHECK("fault keeps registers", !bad, "%s differs after fault %d", bad, n);

	/* About 60 ms of user time each: the tick stops it a few times. */
	for (n = 0, bad = NULL; n < 5 && !bad; n++) {
		fill(&in);
		in.rcx = 200 * 1000 * 1000;
		regs_spin(&in, &out);
		in.rcx = 0;
		bad = differs(&in, &out, 1);
	}
	CHECK("ticks keep registers", !bad, "%s differs after spin %d", bad, n);
	return check_done();
}

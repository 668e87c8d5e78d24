/*
 * Every register loaded, an action, every register stored: the machinery
 * of t_regs.c, shared with t_patch.c (the same checks across a rewritten
 * syscall site). REGS_FN and YMM_FN define the asm functions; fill() makes
 * fresh values, differs() names the first register that changed.
 */
#ifndef GLASS_EXAMPLES_REGS_H
#define GLASS_EXAMPLES_REGS_H

#include <stdint.h>
#include <string.h>

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

/* ymm0-15 (all 32 bytes) from in, ACTION, ymm0-15 to out: the upper
 * halves are AVX state, restored from the XSAVE image only. ACTION may
 * clobber r8 (out is kept there). */
#define YMM_ALL(X) X(0, 0) X(1, 32) X(2, 64) X(3, 96) X(4, 128) X(5, 160)    \
	X(6, 192) X(7, 224) X(8, 256) X(9, 288) X(10, 320) X(11, 352)     \
	X(12, 384) X(13, 416) X(14, 448) X(15, 480)
#define YMM_LOAD(n, off) "vmovdqu " #off "(%rdi), %ymm" #n "\n\t"
#define YMM_STORE(n, off) "vmovdqu %ymm" #n ", " #off "(%rsi)\n\t"
#define YMM_FN(name, action)                                              \
	void ymm_##name(const uint8_t in[512], uint8_t out[512]);         \
	__asm__(".text\n.globl ymm_" #name "\nymm_" #name ":\n\t"          \
		YMM_ALL(YMM_LOAD)                                         \
		"mov %rsi, %r8\n\t"                                       \
		action "\n\t"                                             \
		"mov %r8, %rsi\n\t"                                       \
		YMM_ALL(YMM_STORE)                                        \
		"vzeroupper\n\t"                                          \
		"ret\n")

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

/* Rounds of fn (a YMM_FN) with fresh values that kept every ymm
 * register, up to rounds: rounds when none changed. */
static int ymm_kept(void (*fn)(const uint8_t *, uint8_t *), int rounds)
{
	uint8_t in[512], out[512];
	int n;

	for (n = 0; n < rounds; n++) {
		for (int i = 0; i < 512; i += 8) {
			uint64_t v = next();

			memcpy(in + i, &v, 8);
		}
		fn(in, out);
		if (memcmp(in, out, sizeof(in)))
			break;
	}
	return n;
}

#endif

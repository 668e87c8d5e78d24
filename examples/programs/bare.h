/*
 * For the programs built without libc (patchprobe, recycleprobe): a raw
 * syscall whose number comes from a register (never the `mov $nr,%eax;
 * syscall` form Glass rewrites, so that only a program's own sites are
 * patched in its mm), and writing a string to stdout. One program per
 * file includes it.
 */
#ifndef GLASS_EXAMPLES_BARE_H
#define GLASS_EXAMPLES_BARE_H

#include <stddef.h>
#include <sys/syscall.h>

long raw(long nr, long a, long b, long c, long d);
__asm__(".text\n.globl raw\nraw:\n\tmov %rdi, %rax\n\tmov %rsi, %rdi\n\tmov %rdx, %rsi\n\t"
	"mov %rcx, %rdx\n\tmov %r8, %r10\n\tsyscall\n\tret\n");

static inline size_t len(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

static inline void put(const char *s)
{
	raw(SYS_write, 1, (long)s, len(s), 0);
}

#endif

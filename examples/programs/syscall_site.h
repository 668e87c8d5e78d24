/*
 * SYSCALL_SITE(name, nr): long name(a, b, c, d, e, f), a function that is
 * one syscall site encoded exactly `b8 <nr as imm32> 0f 05` (mov $nr,%eax;
 * syscall): the form Glass rewrites into a jump once the site has trapped
 * twice in an mm (issue 18). a-f are the syscall's arguments (d moved
 * from rcx to r10 first); it returns rax, so -errno on failure. name_at
 * labels the site, name_syscall its syscall instruction (byte 5), name_ret
 * the instruction after it (byte 7). Written as bytes so that no
 * assembler picks another encoding.
 */
#ifndef GLASS_EXAMPLES_SYSCALL_SITE_H
#define GLASS_EXAMPLES_SYSCALL_SITE_H

#include <sys/syscall.h>

#define SITE_STR(x) #x
#define SITE_XSTR(x) SITE_STR(x)
#define SYSCALL_SITE(name, nr)                                                   \
	long name(long, long, long, long, long, long);                         \
	extern const unsigned char name##_at[], name##_syscall[], name##_ret[]; \
	__asm__(".text\n.globl " #name "\n.type " #name ", @function\n"         \
		#name ":\n\tmov %rcx, %r10\n"                                     \
		".globl " #name "_at\n" #name "_at:\n"                            \
		"\t.byte 0xb8\n\t.long " SITE_XSTR(nr) "\n"                       \
		".globl " #name "_syscall\n" #name "_syscall:\n\tsyscall\n"       \
		".globl " #name "_ret\n" #name "_ret:\n\tret\n"                   \
		".size " #name ", . - " #name "\n")

/* Where Glass maps a patched mm's slots and trampolines, and its stub's
 * code and data (glass/layout.h): a guest's own code is never there (nor,
 * natively, anything), so no rip a guest is shown may be. */
#define SITE_REGION_START 0x60000UL
#define SITE_REGION_END 0x6a000UL
#define in_site_region(a) ((unsigned long)(a) - SITE_REGION_START < \
			   SITE_REGION_END - SITE_REGION_START)
#define in_glass_code(a) (in_site_region(a) || \
			  (unsigned long)(a) - 0x7ff000000000UL < 0x200000UL)

/* The site's original bytes, as a reader of its text must see them. */
#define SITE_BYTES(nr) { 0xb8, (nr) & 0xff, ((nr) >> 8) & 0xff, 0, 0, 0x0f, 0x05 }

#endif

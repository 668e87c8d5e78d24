/*
 * A host system call made with the syscall instruction itself, returning
 * -errno as the host kernel does: for the address-space stub, which has no
 * libc, and for kernel/os code that must make exactly the call a guest or
 * the CPU made (the syscall-step emulation). Nothing else uses it: kernel
 * code reaches the host through os_* functions (rule host-boundary).
 * Always inlined, so monitor-thread and stub code call nothing.
 */
#ifndef GLASS_RAW_SYSCALL_H
#define GLASS_RAW_SYSCALL_H

static inline __attribute__((always_inline)) long
raw_syscall6(long nr, long a, long b, long c, long d, long e, long f)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

#endif

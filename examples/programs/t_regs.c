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
#include "regs.h"

/* A getpid; a first touch of the page at r15; rcx rounds of a loop that
 * leaves the flags alone; a getpid between ymm loads and stores. */
REGS_FN(syscall, "mov $39, %eax\n\tsyscall");
REGS_FN(fault, "movb $1, (%r15)");
REGS_FN(spin, "1:\n\tlea -1(%rcx), %rcx\n\tjrcxz 2f\n\tjmp 1b\n2:");
YMM_FN(syscall, "mov $39, %eax\n\tsyscall");

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
		n = ymm_kept(ymm_syscall, 500);
		CHECK("syscall keeps ymm registers", n == 500, "a ymm register differs after %d syscalls",
		      n + 1);
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

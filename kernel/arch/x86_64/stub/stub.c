/*
 * The address-space stub: the only code in a guest's host process besides
 * the guest. No libc, no stack until the kernel gives it one in its data
 * area. The kernel drives it with ptrace: it points rip at an entry of the
 * table below, resumes it, and waits for the int3 that ends each entry.
 *
 *   STUB_CODE + 0x00  stub_start: exec lands here (never run: the exec stop
 *                     comes first; if it ever runs, the stub exits).
 *   STUB_CODE + 0x10  stub_init(data_off): close the inherited fds, arm the
 *                     tick, unmap everything but the stub, map the data
 *                     area from physmem (fd 3) at STUB_DATA.
 *   STUB_CODE + 0x20  stub_batch: apply the stub_data ops in the data area.
 */
#include <glass/layout.h>
#include <glass/os.h>

#define NR_MMAP 9
#define NR_MPROTECT 10
#define NR_MUNMAP 11
#define NR_CLOSE 3
#define NR_SETITIMER 38
#define NR_PRCTL 157
#define NR_EXIT 60
#define PHYSMEM_FD 3
#define HOST_TOP 0x7ffffffff000UL

__asm__(".section .text.entry, \"ax\"\n"
	".globl stub_start\n"
	"stub_start: jmp stub_exit\n"
	".balign 16\n"
	"jmp stub_init\n"
	".balign 16\n"
	"jmp stub_batch\n"
	".text\n");

static inline long sys6(long nr, long a, long b, long c, long d, long e, long f)
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

static inline __attribute__((noreturn)) void trap(long result)
{
	for (;;)
		__asm__ volatile("int3" : : "a"(result) : "memory");
}

void stub_exit(void) __attribute__((used, noreturn));
void stub_exit(void)
{
	for (;;)
		sys6(NR_EXIT, 127, 0, 0, 0, 0, 0);
}

/* Runs on the stack the host gave the process at exec, which it unmaps:
 * the unmapping and the data-area mapping are one asm block that touches
 * no memory. */
void stub_init(unsigned long data_off) __attribute__((used, noreturn));
void stub_init(unsigned long data_off)
{
	/* A 10 ms virtual-time tick: a spinning guest stops with SIGVTALRM. */
	static const long tick[4] = { 0, 10000, 0, 10000 };

	sys6(NR_PRCTL, 1 /* PR_SET_PDEATHSIG */, 9 /* SIGKILL */, 0, 0, 0, 0);
	for (int fd = 0; fd < 3; fd++)
		sys6(NR_CLOSE, fd, 0, 0, 0, 0, 0);
	sys6(NR_SETITIMER, 1 /* ITIMER_VIRTUAL */, (long)tick, 0, 0, 0, 0);
	__asm__ volatile(
		"mov %[nr_munmap], %%eax\n\t"
		"xor %%edi, %%edi\n\t"
		"movabs %[code], %%rsi\n\t"
		"syscall\n\t"
		"mov %[nr_munmap], %%eax\n\t"
		"lea __stub_end(%%rip), %%rdi\n\t"
		"movabs %[top], %%rsi\n\t"
		"sub %%rdi, %%rsi\n\t"
		"syscall\n\t"
		"mov %[nr_mmap], %%eax\n\t"
		"movabs %[data], %%rdi\n\t"
		"mov %[len], %%esi\n\t"
		"mov $3, %%edx\n\t"
		"mov $0x11, %%r10d\n\t"   /* MAP_SHARED | MAP_FIXED */
		"mov %[fd], %%r8d\n\t"
		"mov %[off], %%r9\n\t"
		"syscall\n\t"
		"1: int3\n\t"
		"jmp 1b"
		:
		: [nr_munmap] "i"(NR_MUNMAP), [nr_mmap] "i"(NR_MMAP),
		  [code] "i"(STUB_CODE), [top] "i"(HOST_TOP), [data] "i"(STUB_DATA),
		  [len] "i"(STUB_DATA_PAGES * PAGE_SIZE), [fd] "i"(PHYSMEM_FD),
		  [off] "r"(data_off)
		: "rax", "rdi", "rsi", "rdx", "r10", "r8", "r9", "rcx", "r11", "memory");
	__builtin_unreachable();
}

/* Entered with rsp at the top of the data area. */
void stub_batch(void) __attribute__((used, noreturn));
void stub_batch(void)
{
	struct stub_data *d = (struct stub_data *)STUB_DATA;
	unsigned long n = d->nr_ops;

	d->err = 0;
	for (unsigned long i = 0; i < n; i++) {
		struct stub_op *op = &d->ops[i];
		long r;

		switch (op->type) {
		case STUB_MMAP:
			r = sys6(NR_MMAP, op->addr, op->len, op->prot,
				 0x11, PHYSMEM_FD, op->off);
			if (r == (long)op->addr)
				r = 0;
			break;
		case STUB_MUNMAP:
			r = sys6(NR_MUNMAP, op->addr, op->len, 0, 0, 0, 0);
			break;
		case STUB_MPROTECT:
			r = sys6(NR_MPROTECT, op->addr, op->len, op->prot, 0, 0, 0);
			break;
		default:
			r = -22;
		}
		if (r) {
			d->err = r;
			d->err_op = i;
			break;
		}
	}
	d->nr_ops = 0;
	trap(d->err);
}

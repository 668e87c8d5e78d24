/*
 * The address-space stub: the only code in a guest's host process besides
 * the guest. No libc. glass execs it once with the physmem memfd as fd 3
 * and a memfd for its area as fd 4: that process is the template, which
 * does the set-up a fork inherits and then forks one stub per request
 * (template_loop); each stub maps its own data area from physmem, gets
 * the write end of its confirmation pipe as fd 4 (STUB_ACK_FD) and sets
 * up the rest itself (stub_child_setup). Two threads live in a stub:
 *
 *   - the guest thread runs the guest under a seccomp filter that traps
 *     every syscall (SIGSYS, SECCOMP_RET_TRAP) except the few its signal
 *     handler needs, with their arguments checked: futex on its own
 *     hand-off word, rt_sigreturn, arch_prctl(ARCH_SET_FS/GS). SIGSYS, the
 *     fault signals and SIGVTALRM (the 10 ms virtual-time tick) run
 *     stub_handler on a sigaltstack in the data area: it copies the
 *     guest's registers and the stop's reason into the hand-off page,
 *     hands it to the kernel (futex word `state`), polls the word for
 *     the budget the kernel set (data->spin) and then sleeps until the
 *     kernel hands it back, then returns into the guest;
 *   - the mapper thread applies the kernel's map/unmap/protect batches.
 *     Guest code can jump to any byte here with any registers and write
 *     every writable page, so the mapper is a register-only loop (no
 *     stack, nothing loaded from a writable page) reading the batch from
 *     pages mapped read-only, under its own filter (mmap of fd 3 only,
 *     MAP_SHARED|MAP_FIXED, MAP_POPULATE allowed,
 *     below TASK_SIZE; munmap, mprotect below TASK_SIZE; futex on the two
 *     words; write of one byte to STUB_ACK_FD). Each batch ends with one
 *     byte on the pipe — the kernel's unforgeable confirmation — and, when
 *     the kernel asked for it, the guest thread's turn.
 *
 * The guest's FP/XSAVE state stays in the signal frame in the data area
 * while it is stopped; the kernel reads and writes it there (lazily).
 * The handler is built with -mgeneral-regs-only: it never touches it.
 * SIGSTOP/SIGCONT of the stub only pause the hand-off (futex waits restart).
 */
#include <glass/layout.h>
#include <glass/os.h>
#include <glass/raw_syscall.h>
#include <uapi/futex.h>
#include <uapi/sched.h>
#include <uapi/signal.h>
#include <uapi/mman.h>
#include <uapi/unistd.h>

#define PHYSMEM_FD 3
#define HOST_TOP 0x7ffffffff000UL

/* The mapper is a thread of this process. */
#define MAPPER_CLONE_FLAGS (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | \
			    CLONE_THREAD | CLONE_SYSVSEM)

#define BATCH_ADDR STUB_DATA
#define STATE_ADDR (STUB_DATA + STUB_HANDOFF_OFF)

extern char __stub_end[] __attribute__((visibility("hidden")));

/* The syscall entry's frame is laid out as a host signal frame's
 * ucontext: its offsets in the entry's assembly (UC_R8: mc, UC_SP: mc.sp). */
#define UC_R8 40
#define UC_SP 160

#define STR_(x) #x
#define STR(x) STR_(x)

/* clone(flags, no new stack, no tids, no tls), then test its result. */
#define CLONE_ASM(flags) \
	"mov $" STR(flags) ", %edi\n\t" \
	"xor %esi, %esi\n\t" \
	"xor %edx, %edx\n\t" \
	"xor %r10d, %r10d\n\t" \
	"xor %r8d, %r8d\n\t" \
	"mov $" STR(__NR_clone) ", %eax\n\t" \
	"syscall\n\t" \
	"test %rax, %rax\n\t"

/*
 * Entry, the signal restorer, and the mapper's loop. The mapper runs with
 * no stack (rsp = 0): its state is in registers, it reads only the batch
 * pages (read-only here) and its own code and rodata.
 *   r12d  the last batch seq it applied    r13  the op it is at
 *   r14   ops left                          r15  0 or the failing -errno
 *   rbx   the batch                         rbp  batch->run, read once
 */
__asm__(".section .text.entry, \"ax\"\n"
	".globl stub_start\n"
	"stub_start:\n\t"
	"and $-16, %rsp\n\t"
	"call stub_main\n\t"
	"ud2\n"
	".globl stub_restorer\n"
	"stub_restorer:\n\t"
	"mov $15, %eax\n\t"
	"syscall\n"
	".globl stub_ud2\n"
	"stub_ud2:\n\t"
	"ud2\n"

	/* The syscall entry of patched sites (glass/os.h), at a fixed
	 * address: eax the number, rcx the return address. It touches
	 * nothing of the guest's (not its stack: the red zone). One xchg
	 * trades the guest's rsp for the frame's, in the top of the
	 * sigaltstack (stub_data.entry_sp holds entry_uc between calls), so
	 * a tick before it stops the guest at the entry, which runs again,
	 * and one after it is dropped (stub_handler). The frame and the
	 * XSAVE image are reached rip-relative (entry_uc, entry_xs, set in
	 * stub_entry_stop). r11 gets rflags, as the syscall instruction
	 * leaves it. The image holds every feature XCR0 enables: the kernel
	 * patches only where those fit the image's page, and nothing of it
	 * comes from a page the guest can write. */
	".org " STR(STUB_SYSCALL_ENTRY_OFF) "\n"
	".globl stub_syscall_entry\n"
	"stub_syscall_entry:\n\t"
	"xchg %rsp, entry_sp(%rip)\n\t"
	"pushfq\n\t"
	"pop %r11\n\t"
	"cld\n\t"
	"mov %r8, " STR(UC_R8) "(%rsp)\n\t"
	"mov %r9, " STR(UC_R8) "+8(%rsp)\n\t"
	"mov %r10, " STR(UC_R8) "+16(%rsp)\n\t"
	"mov %r11, " STR(UC_R8) "+24(%rsp)\n\t"
	"mov %r12, " STR(UC_R8) "+32(%rsp)\n\t"
	"mov %r13, " STR(UC_R8) "+40(%rsp)\n\t"
	"mov %r14, " STR(UC_R8) "+48(%rsp)\n\t"
	"mov %r15, " STR(UC_R8) "+56(%rsp)\n\t"
	"mov %rdi, " STR(UC_R8) "+64(%rsp)\n\t"
	"mov %rsi, " STR(UC_R8) "+72(%rsp)\n\t"
	"mov %rbp, " STR(UC_R8) "+80(%rsp)\n\t"
	"mov %rbx, " STR(UC_R8) "+88(%rsp)\n\t"
	"mov %rdx, " STR(UC_R8) "+96(%rsp)\n\t"
	"mov %rax, " STR(UC_R8) "+104(%rsp)\n\t"
	"mov %rcx, " STR(UC_R8) "+112(%rsp)\n\t"
	"mov %rcx, " STR(UC_R8) "+128(%rsp)\n\t"     /* ip */
	"mov %r11, " STR(UC_R8) "+136(%rsp)\n\t"     /* flags */
	"mov entry_sp(%rip), %rcx\n\t"
	"mov %rcx, " STR(UC_SP) "(%rsp)\n\t"
	"lea entry_uc(%rip), %rcx\n\t"
	"mov %rcx, entry_sp(%rip)\n\t"
	"xor %ecx, %ecx\n\t"
	"xgetbv\n\t"                         /* every feature XCR0 has */
	"xsave64 entry_xs(%rip)\n\t"
	"mov %rsp, %rdi\n\t"
	"call stub_entry_stop\n\t"
	"ud2\n"

	/* A stub parked for another mm (os_stub_park). The kernel runs the
	 * guest thread at stub_park; it announces the stop and sleeps in the
	 * futex call at the fixed STUB_PARK_SYSCALL. Whatever registers,
	 * flags and stack a thread sleeps there with (guest code can jump
	 * here too), it wakes into stub_park_wait, which takes its own
	 * stack, clears the flags and decides in C: so a thread the host
	 * shows asleep at STUB_PARK_PC runs only the stub's code from then
	 * on. */
	".org " STR(STUB_PARK_SYSCALL_OFF) ", 0xcc\n"
	"stub_park_syscall:\n\t"
	"syscall\n\t"
	"jmp stub_park_wait\n"
	".org " STR(STUB_PARK_OFF) ", 0xcc\n"
	".globl stub_park\n"
	"stub_park:\n\t"
	"lea entry_uc(%rip), %rsp\n\t"
	"push $2\n\t"
	"popfq\n\t"
	"call stub_park_enter\n"
	"stub_park_wait:\n\t"
	"lea entry_uc(%rip), %rsp\n\t"
	"push $2\n\t"
	"popfq\n\t"
	"call stub_park_next\n\t"
	"mov %eax, %edx\n\t"
	"movabs $" STR(STATE_ADDR) ", %rdi\n\t"
	"mov $" STR(FUTEX_WAIT_BITSET) ", %esi\n\t"
	"xor %r10d, %r10d\n\t"
	"xor %r8d, %r8d\n\t"
	"mov $2, %r9d\n\t"
	"mov $" STR(__NR_futex) ", %eax\n\t"
	"jmp stub_park_syscall\n"

	/* long mapper_clone(void): the parent gets the tid; the child
	 * goes to mapper_start. */
	".globl mapper_clone\n"
	"mapper_clone:\n\t"
	CLONE_ASM(MAPPER_CLONE_FLAGS)
	"jz mapper_start\n\t"
	"ret\n"

	"mapper_start:\n\t"
	"xor %esp, %esp\n\t"
	"mov $" STR(__NR_seccomp) ", %eax\n\t"
	"mov $1, %edi\n\t"                      /* SECCOMP_SET_MODE_FILTER */
	"xor %esi, %esi\n\t"
	"lea mapper_prog(%rip), %rdx\n\t"
	"syscall\n\t"
	"test %rax, %rax\n\t"
	"jnz mapper_die\n\t"
	/* Batches are posted only after the first stop: note the seq now. */
	"movabs $" STR(BATCH_ADDR) ", %rbx\n\t"
	"mov (%rbx), %r12d\n\t"
	/* Tell the guest thread it may go on: state STUB_BUSY becomes
	 * STUB_MAPPING (the kernel's wait bit kept), then wake it. */
	"movabs $" STR(STATE_ADDR) ", %rdi\n\t"
	"lock orl $" "2" ", (%rdi)\n\t"
	"mov $" STR(FUTEX_WAKE_BITSET) ", %esi\n\t"
	"mov $1, %edx\n\t"
	"xor %r10d, %r10d\n\t"
	"xor %r8d, %r8d\n\t"
	"mov $2, %r9d\n\t"
	"mov $" STR(__NR_futex) ", %eax\n\t"
	"syscall\n"

	"mapper_wait:\n\t"
	"mov (%rbx), %eax\n\t"
	"cmp %eax, %r12d\n\t"
	"jne mapper_batch\n\t"
	"mov %rbx, %rdi\n\t"
	"mov $" STR(FUTEX_WAIT) ", %esi\n\t"
	"mov %r12d, %edx\n\t"
	"xor %r10d, %r10d\n\t"
	"mov $" STR(__NR_futex) ", %eax\n\t"
	"syscall\n\t"
	"jmp mapper_wait\n"

	"mapper_batch:\n\t"
	"mov %eax, %r12d\n\t"
	"mov 4(%rbx), %ebp\n\t"                 /* run */
	"mov 8(%rbx), %r14\n\t"                 /* nr_ops */
	"lea 16(%rbx), %r13\n\t"                /* ops */
	"xor %r15d, %r15d\n"
	"mapper_op:\n\t"
	"test %r14, %r14\n\t"
	"jz mapper_ack\n\t"
	"mov 8(%r13), %rdi\n\t"                 /* addr */
	"mov 16(%r13), %rsi\n\t"                /* len */
	"mov 4(%r13), %edx\n\t"                 /* prot */
	"mov (%r13), %eax\n\t"                  /* type */
	"cmp $" "1" ", %eax\n\t"
	"je mapper_mmap\n\t"
	"cmp $" "2" ", %eax\n\t"
	"je mapper_munmap\n\t"
	"cmp $" "3" ", %eax\n\t"
	"je mapper_mprotect\n\t"
	"cmp $" "4" ", %eax\n\t"
	"je mapper_mmap_populate\n\t"
	"cmp $" "5" ", %eax\n\t"
	"je mapper_munmap_all\n\t"
	"mov $-22, %rax\n\t"                    /* -EINVAL */
	"jmp mapper_fail\n"
	"mapper_mmap_populate:\n\t"
	"mov $" STR(MAP_SHARED | MAP_FIXED | MAP_POPULATE) ", %r10d\n\t"
	"jmp 3f\n"
	"mapper_mmap:\n\t"
	"mov $" STR(MAP_SHARED | MAP_FIXED) ", %r10d\n"
	"3:\n\t"
	"mov $" STR(PHYSMEM_FD) ", %r8d\n\t"
	"mov 24(%r13), %r9\n\t"                 /* off */
	"mov $" STR(__NR_mmap) ", %eax\n\t"
	"syscall\n\t"
	"cmp 8(%r13), %rax\n\t"
	"je mapper_next\n\t"
	"jmp mapper_fail\n"
	"mapper_munmap_all:\n\t"
	"xor %edi, %edi\n\t"
	"movabs $" STR(TASK_SIZE) ", %rsi\n"
	"mapper_munmap:\n\t"
	"mov $" STR(__NR_munmap) ", %eax\n\t"
	"syscall\n\t"
	"test %rax, %rax\n\t"
	"jz mapper_next\n\t"
	"jmp mapper_fail\n"
	"mapper_mprotect:\n\t"
	"mov $" STR(__NR_mprotect) ", %eax\n\t"
	"syscall\n\t"
	"test %rax, %rax\n\t"
	"jz mapper_next\n"
	"mapper_fail:\n\t"
	"mov %rax, %r15\n\t"
	"jmp mapper_ack\n"
	"mapper_next:\n\t"
	"add $32, %r13\n\t"
	"dec %r14\n\t"
	"jmp mapper_op\n"

	/* One byte on the pipe: ack_bytes[errno], 255 for anything larger. */
	"mapper_ack:\n\t"
	"mov %r15, %rax\n\t"
	"neg %rax\n\t"
	"cmp $255, %rax\n\t"
	"jbe 1f\n\t"
	"mov $255, %eax\n"
	"1:\n\t"
	"lea ack_bytes(%rip), %rsi\n\t"
	"add %rax, %rsi\n\t"
	"mov $" STR(STUB_ACK_FD) ", %edi\n\t"
	"mov $1, %edx\n\t"
	"mov $" STR(__NR_write) ", %eax\n\t"
	"syscall\n\t"
	"test %ebp, %ebp\n\t"
	"jz mapper_wait\n\t"
	/* The guest thread's turn (STUB_BUSY, and the kernel may sleep:
	 * STUB_KWAIT), or after a failure the kernel's (STUB_STOPPED). */
	"movabs $" STR(STATE_ADDR) ", %rdi\n\t"
	"mov $" STR(STUB_KWAIT) ", %eax\n\t"    /* BUSY | KWAIT */
	"mov $2, %r9d\n\t"                      /* wake the guest thread */
	"test %r15, %r15\n\t"
	"jz 2f\n\t"
	"mov $1, %eax\n\t"                      /* STUB_STOPPED */
	"mov $1, %r9d\n"                        /* wake the kernel */
	"2:\n\t"
	"xchg %eax, (%rdi)\n\t"
	"mov $" STR(FUTEX_WAKE_BITSET) ", %esi\n\t"
	"mov $0x7fffffff, %edx\n\t"
	"xor %r10d, %r10d\n\t"
	"xor %r8d, %r8d\n\t"
	"mov $" STR(__NR_futex) ", %eax\n\t"
	"syscall\n\t"
	"jmp mapper_wait\n"
	"mapper_die:\n\t"
	"ud2\n"
	".text\n");

void stub_restorer(void) __attribute__((visibility("hidden")));
void stub_ud2(void) __attribute__((visibility("hidden")));
long mapper_clone(void) __attribute__((visibility("hidden")));

_Static_assert(STUB_BUSY == 0 && STUB_STOPPED == 1 && STUB_MAPPING == 2 &&
	       STUB_MMAP == 1 && STUB_MUNMAP == 2 && STUB_MPROTECT == 3 &&
	       STUB_MMAP_POPULATE == 4 && STUB_MUNMAP_ALL == 5,
	       "the mapper's constants");
_Static_assert(__builtin_offsetof(struct stub_batch, ops) == 16 &&
	       sizeof(struct stub_op) == 32 &&
	       __builtin_offsetof(struct stub_op, addr) == 8 &&
	       __builtin_offsetof(struct stub_op, off) == 24,
	       "the mapper's offsets");

/* The mapper's confirmation bytes: ack_bytes[e] == e. */
#define B4(n) n, n + 1, n + 2, n + 3
#define B16(n) B4(n), B4(n + 4), B4(n + 8), B4(n + 12)
#define B64(n) B16(n), B16(n + 16), B16(n + 32), B16(n + 48)
const unsigned char ack_bytes[256] __attribute__((used)) = {
	B64(0), B64(64), B64(128), B64(192)
};

/*
 * seccomp filters, classic BPF on struct seccomp_data (nr, arch, ip, six
 * 64-bit args). Every argument check compares both 32-bit halves. The
 * check macros fall through to the next instruction (a RET) on failure.
 */
#define BPF_LD_W_ABS 0x20
#define BPF_JEQ_K 0x15
#define BPF_JGE_K 0x35
#define BPF_JSET_K 0x45
#define BPF_RET_K 0x06
#define RET_KILL 0x80000000u            /* SECCOMP_RET_KILL_PROCESS */
#define RET_TRAP 0x00030000u
#define RET_ALLOW 0x7fff0000u
#define OFF_NR 0
#define OFF_ARCH 4
#define OFF_IP 8
#define ARG_LO(i) (16 + 8 * (i))
#define ARG_HI(i) (20 + 8 * (i))
struct sock_filter { u16 code; u8 jt, jf; u32 k; };
struct sock_fprog { u16 len; const struct sock_filter *filter; };

#define LD(off) { BPF_LD_W_ABS, 0, 0, (off) }
#define RET(k) { BPF_RET_K, 0, 0, (k) }
#define IF_NE(k) { BPF_JEQ_K, 1, 0, (u32)(k) }          /* then: next insn */
#define IF_GE(k) { BPF_JGE_K, 0, 1, (u32)(k) }
#define IF_SET(k) { BPF_JSET_K, 0, 1, (u32)(k) }
#define SKIP_UNLESS(k, n) { BPF_JEQ_K, 0, (n), (u32)(k) }  /* nr dispatch */
/* 6 instructions: arg i == k (64-bit), else fail. */
#define ARG_EQ(i, k, fail) LD(ARG_LO(i)), IF_NE((u64)(k)), RET(fail), \
	LD(ARG_HI(i)), IF_NE((u64)(k) >> 32), RET(fail)
/* 6: prot (arg 2) has only PROT_READ|WRITE|EXEC. */
#define PROT_OK LD(ARG_LO(2)), IF_SET(~7u), RET(RET_KILL), \
	LD(ARG_HI(2)), IF_NE(0), RET(RET_KILL)
/* 7: addr (arg 0) below TASK_SIZE, len (arg 1) below 4 GiB: the range
 * ends below the stub. */
#define RANGE_OK LD(ARG_HI(0)), IF_GE(TASK_SIZE >> 32), RET(RET_KILL), \
	LD(ARG_HI(1)), IF_NE(0), RET(RET_KILL), RET(RET_ALLOW)
/* 9: munmap(0, TASK_SIZE), STUB_MUNMAP_ALL's call: allowed; anything else
 * goes on to the instruction after these. */
#define ALL_OF_TASK LD(ARG_LO(0)), { BPF_JEQ_K, 0, 7, 0 }, \
	LD(ARG_HI(0)), { BPF_JEQ_K, 0, 5, 0 }, \
	LD(ARG_LO(1)), { BPF_JEQ_K, 0, 3, (u32)TASK_SIZE }, \
	LD(ARG_HI(1)), { BPF_JEQ_K, 0, 1, TASK_SIZE >> 32 }, RET(RET_ALLOW)
/* 7: arg i (32-bit values) is a or b. */
#define ARG_IS(i, a, b, fail) LD(ARG_HI(i)), IF_NE(0), RET(fail), \
	LD(ARG_LO(i)), { BPF_JEQ_K, 2, 0, (a) }, IF_NE(b), RET(fail)
/* 7: arg 1 (a futex op) is a or b. */
#define OP_IS(a, b, fail) ARG_IS(1, a, b, fail)

_Static_assert((TASK_SIZE & 0xffffffffUL) == 0 && (STUB_DATA >> 32) == (STATE_ADDR >> 32),
	       "the filters compare address halves");

/* The mapper: exactly what applying a batch and confirming it needs. */
static const struct sock_filter mapper_filter[] = {
	LD(OFF_ARCH), IF_NE(0xc000003e), RET(RET_KILL),         /* x86_64 */
	LD(OFF_NR),
	SKIP_UNLESS(__NR_mmap, 26),
	ARG_EQ(4, PHYSMEM_FD, RET_KILL),
	ARG_IS(3, MAP_SHARED | MAP_FIXED, MAP_SHARED | MAP_FIXED | MAP_POPULATE, RET_KILL),
	PROT_OK, RANGE_OK,
	SKIP_UNLESS(__NR_munmap, 16),
	ALL_OF_TASK, RANGE_OK,
	SKIP_UNLESS(__NR_mprotect, 13),
	PROT_OK, RANGE_OK,
	SKIP_UNLESS(__NR_futex, 15),
	OP_IS(FUTEX_WAIT, FUTEX_WAKE_BITSET, RET_KILL),
	LD(ARG_HI(0)), IF_NE(STUB_DATA >> 32), RET(RET_KILL),
	LD(ARG_LO(0)), { BPF_JEQ_K, 2, 0, (u32)BATCH_ADDR }, IF_NE((u32)STATE_ADDR),
	RET(RET_KILL), RET(RET_ALLOW),
	SKIP_UNLESS(__NR_write, 13),
	ARG_EQ(0, STUB_ACK_FD, RET_KILL), ARG_EQ(2, 1, RET_KILL), RET(RET_ALLOW),
	RET(RET_KILL),
};
const struct sock_fprog mapper_prog __attribute__((used)) = {
	sizeof(mapper_filter) / sizeof(mapper_filter[0]), mapper_filter,
};

static __attribute__((noreturn)) void stub_exit(void)
{
	for (;;)
		raw_syscall6(__NR_exit, 127, 0, 0, 0, 0, 0);
}

/* The host's struct sigcontext / ucontext / siginfo, what the handler uses. */
struct sigctx {
	u64 r8, r9, r10, r11, r12, r13, r14, r15;
	u64 di, si, bp, bx, dx, ax, cx, sp, ip, flags;
	u16 cs, gs, fs, ss;
	u64 err, trapno, oldmask, cr2;
	u64 fpstate;
	u64 reserved1[8];
};
struct ucontext {
	u64 uc_flags, uc_link;
	u64 ss_sp;
	u32 ss_flags, pad;
	u64 ss_size;
	struct sigctx mc;
	u64 sigmask;
};
struct siginfo {
	s32 signo, errno_, code, pad;
	union {
		u64 addr;                       /* faults */
		struct { u64 call_addr; s32 syscall; u32 arch; } sys;  /* SIGSYS */
	};
};

static struct stub_data *const data = (struct stub_data *)STATE_ADDR;

/* The signals the handler takes; a stub keeps every other one blocked. */
#define SIGBIT(sig) (1UL << ((sig) - 1))
#define HANDLED_SIGS (SIGBIT(SIGSYS) | SIGBIT(SIGSEGV) | SIGBIT(SIGBUS) | SIGBIT(SIGILL) | \
		      SIGBIT(SIGFPE) | SIGBIT(SIGTRAP) | SIGBIT(SIGVTALRM))

_Static_assert(__builtin_offsetof(struct ucontext, mc.r8) == UC_R8 &&
	       __builtin_offsetof(struct ucontext, mc.sp) == UC_SP &&
	       __builtin_offsetof(struct ucontext, mc.di) == UC_R8 + 64 &&
	       __builtin_offsetof(struct ucontext, mc.ip) == UC_R8 + 128 &&
	       __builtin_offsetof(struct ucontext, mc.flags) == UC_R8 + 136,
	       "the syscall entry's offsets");
#define ENTRY_XS (STUB_DATA + STUB_ENTRY_XSAVE_OFF)
#define ENTRY_UC (ENTRY_XS - 320)       /* a ucontext, 64-byte aligned */
_Static_assert(sizeof(struct ucontext) <= 320, "the entry's frame fits");

static long futex_bitset(u32 *word, int op, u32 val, u32 bitset)
{
	return raw_syscall6(__NR_futex, (long)word, op, val, 0, 0, bitset);
}

static inline u64 rdtsc(void)
{
	u32 lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (u64)hi << 32 | lo;
}

/* Hand the data area to the kernel and wait until it (or the mapper,
 * after a batch) hands it back: poll the word for as long as the kernel
 * said (it answers most stops within microseconds, and a futex sleep and
 * wake-up cost more than that), then sleep. The kernel takes the budget
 * back (zero) when it turns to other work first. */
static void stop_and_wait(void)
{
	u32 *state = &data->state;
	u64 t0;
	u32 old;

	/* For the kernel: when its turn came, against when it saw it. */
	data->stopped = rdtsc();
	old = __atomic_exchange_n(state, STUB_STOPPED, __ATOMIC_ACQ_REL);

	if (old & STUB_KWAIT)
		futex_bitset(state, FUTEX_WAKE_BITSET, 0x7fffffff, 1);
	for (t0 = rdtsc(); rdtsc() - t0 < __atomic_load_n(&data->spin, __ATOMIC_RELAXED);
	     __builtin_ia32_pause())
		if (STUB_STATE(__atomic_load_n(state, __ATOMIC_ACQUIRE)) == STUB_BUSY)
			goto resumed;
	for (;;) {
		u32 cur = __atomic_load_n(state, __ATOMIC_ACQUIRE);

		if (STUB_STATE(cur) == STUB_BUSY)
			goto resumed;
		if (!(cur & STUB_GWAIT) &&
		    !__atomic_compare_exchange_n(state, &cur, cur | STUB_GWAIT, false,
						 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			continue;
		futex_bitset(state, FUTEX_WAIT_BITSET, cur | STUB_GWAIT, 2);
	}
resumed:
	/* For the kernel: how late after its answer this thread ran. */
	data->resumed = rdtsc();
}

static void save_regs(const struct sigctx *mc)
{
	struct pt_regs *r = &data->regs;

	r->r8 = mc->r8; r->r9 = mc->r9; r->r10 = mc->r10; r->r11 = mc->r11;
	r->r12 = mc->r12; r->r13 = mc->r13; r->r14 = mc->r14; r->r15 = mc->r15;
	r->di = mc->di; r->si = mc->si; r->bp = mc->bp; r->bx = mc->bx;
	r->dx = mc->dx; r->ax = mc->ax; r->cx = mc->cx; r->sp = mc->sp;
	r->ip = mc->ip; r->flags = mc->flags;
	r->cs = 0x33;
	r->ss = 0x2b;
	r->fs_base = data->fs_base;
	r->gs_base = data->gs_base;
	r->orig_ax = -1;
}

static void load_regs(struct sigctx *mc)
{
	const struct pt_regs *r = &data->regs;

	mc->r8 = r->r8; mc->r9 = r->r9; mc->r10 = r->r10; mc->r11 = r->r11;
	mc->r12 = r->r12; mc->r13 = r->r13; mc->r14 = r->r14; mc->r15 = r->r15;
	mc->di = r->di; mc->si = r->si; mc->bp = r->bp; mc->bx = r->bx;
	mc->dx = r->dx; mc->ax = r->ax; mc->cx = r->cx; mc->sp = r->sp;
	mc->ip = r->ip; mc->flags = r->flags;
	mc->cs = 0x33;          /* only 64-bit user segments exist here */
	mc->ss = 0x2b;
	if (r->fs_base != data->fs_base &&
	    !raw_syscall6(__NR_arch_prctl, 0x1002 /* ARCH_SET_FS */, r->fs_base, 0, 0, 0, 0))
		data->fs_base = r->fs_base;
	if (r->gs_base != data->gs_base &&
	    !raw_syscall6(__NR_arch_prctl, 0x1001 /* ARCH_SET_GS */, r->gs_base, 0, 0, 0, 0))
		data->gs_base = r->gs_base;
}

#define X86_EFLAGS_TF 0x100ul

/*
 * Back into the guest without rt_sigreturn, a host syscall that is a
 * third of a round trip on these VMs: what the host would restore from
 * the frame at uc is restored here. The XSAVE image first (the kernel may
 * have changed it; the handler never touched the FP registers), then
 * rflags, every register, and rsp and rip last, through the two words in
 * data this code reaches rip-relative (the stub's own symbols for them are
 * set here). The signal mask needs nothing: a stop runs with the guest's
 * (set_handler). Not with TF set: popfq would trap in our next
 * instruction. A signal after the switch to the guest's rsp finds rip at
 * stub_resume_jmp (stub_handler).
 */
static void __attribute__((noreturn, noipa)) resume_guest(struct ucontext *uc)
{
	__asm__ volatile(
		/* As offsets from stub_start (at STUB_CODE, stub.lds): an
		 * absolute address would not do for a rip-relative operand. */
		".set stub_resume_sp, stub_start + %c[sp_slot]\n\t"
		".set stub_resume_ip, stub_start + %c[ip_slot]\n\t"
		"mov %c[fp](%%rdi), %%rsi\n\t"
		"test %%rsi, %%rsi\n\t"
		"jz 2f\n\t"
		"cmpl $0x46505853, 464(%%rsi)\n\t"    /* FP_XSTATE_MAGIC1 */
		"jne 1f\n\t"
		"mov 472(%%rsi), %%eax\n\t"            /* its xfeatures */
		"mov 476(%%rsi), %%edx\n\t"
		"xrstor64 (%%rsi)\n\t"
		"jmp 2f\n"
		"1:\n\t"
		"fxrstor64 (%%rsi)\n"
		"2:\n\t"
		"lea %c[mc](%%rdi), %%rdi\n\t"
		"mov %c[sp](%%rdi), %%rax\n\t"
		"mov %%rax, stub_resume_sp(%%rip)\n\t"
		"mov %c[ip](%%rdi), %%rax\n\t"
		"mov %%rax, stub_resume_ip(%%rip)\n\t"
		"push %c[fl](%%rdi)\n\t"
		"popfq\n\t"
		"mov %c[r8](%%rdi), %%r8\n\t"
		"mov %c[r9](%%rdi), %%r9\n\t"
		"mov %c[r10](%%rdi), %%r10\n\t"
		"mov %c[r11](%%rdi), %%r11\n\t"
		"mov %c[r12](%%rdi), %%r12\n\t"
		"mov %c[r13](%%rdi), %%r13\n\t"
		"mov %c[r14](%%rdi), %%r14\n\t"
		"mov %c[r15](%%rdi), %%r15\n\t"
		"mov %c[si](%%rdi), %%rsi\n\t"
		"mov %c[bp](%%rdi), %%rbp\n\t"
		"mov %c[bx](%%rdi), %%rbx\n\t"
		"mov %c[dx](%%rdi), %%rdx\n\t"
		"mov %c[ax](%%rdi), %%rax\n\t"
		"mov %c[cx](%%rdi), %%rcx\n\t"
		"mov %c[di](%%rdi), %%rdi\n\t"
		"mov stub_resume_sp(%%rip), %%rsp\n\t"
		".globl stub_resume_jmp\n"
		"stub_resume_jmp:\n\t"
		"jmp *stub_resume_ip(%%rip)"
		:
		: "D"(uc),
		  [sp_slot] "i"(STATE_ADDR - STUB_CODE +
				__builtin_offsetof(struct stub_data, resume_sp)),
		  [ip_slot] "i"(STATE_ADDR - STUB_CODE +
				__builtin_offsetof(struct stub_data, resume_ip)),
		  [fp] "i"(__builtin_offsetof(struct ucontext, mc.fpstate)),
		  [mc] "i"(__builtin_offsetof(struct ucontext, mc)),
		  [sp] "i"(__builtin_offsetof(struct sigctx, sp)),
		  [ip] "i"(__builtin_offsetof(struct sigctx, ip)),
		  [fl] "i"(__builtin_offsetof(struct sigctx, flags)),
		  [r8] "i"(__builtin_offsetof(struct sigctx, r8)),
		  [r9] "i"(__builtin_offsetof(struct sigctx, r9)),
		  [r10] "i"(__builtin_offsetof(struct sigctx, r10)),
		  [r11] "i"(__builtin_offsetof(struct sigctx, r11)),
		  [r12] "i"(__builtin_offsetof(struct sigctx, r12)),
		  [r13] "i"(__builtin_offsetof(struct sigctx, r13)),
		  [r14] "i"(__builtin_offsetof(struct sigctx, r14)),
		  [r15] "i"(__builtin_offsetof(struct sigctx, r15)),
		  [si] "i"(__builtin_offsetof(struct sigctx, si)),
		  [bp] "i"(__builtin_offsetof(struct sigctx, bp)),
		  [bx] "i"(__builtin_offsetof(struct sigctx, bx)),
		  [dx] "i"(__builtin_offsetof(struct sigctx, dx)),
		  [ax] "i"(__builtin_offsetof(struct sigctx, ax)),
		  [cx] "i"(__builtin_offsetof(struct sigctx, cx)),
		  [di] "i"(__builtin_offsetof(struct sigctx, di))
		: "memory");
	__builtin_unreachable();
}
extern const char stub_resume_jmp[] __attribute__((visibility("hidden")));

/* The stub's own fault: return into a ud2 with every signal blocked; the
 * host resets a blocked SIGILL to its default action, which kills. */
static void stub_die(struct ucontext *uc)
{
	uc->sigmask = ~0UL;
	uc->mc.ip = (u64)stub_ud2;
}

#define FPX_SW_OFF 464                   /* the XSAVE image's software bytes */
#define FP_XSTATE_MAGIC1 0x46505853U
#define STUB_NR_STEP 0x5354                 /* no host syscall's number */

/* Report the stop (nr: the syscall's, or -1), wait for the kernel, take
 * the registers it gives back. */
static void stop(struct ucontext *uc, int sig, int code, u64 addr, long nr)
{
	save_regs(&uc->mc);
	data->signo = sig;
	data->code = code;
	data->addr = addr;
	data->trapno = uc->mc.trapno;
	data->error_code = uc->mc.err;
	data->fpstate = uc->mc.fpstate;
	if (nr >= 0) {
		data->regs.orig_ax = (u64)nr;
		data->regs.ax = (u64)-38;       /* -ENOSYS, as the host leaves it */
	}
	stop_and_wait();
	load_regs(&uc->mc);
}

/*
 * Back into the guest with TF set from the syscall entry, which has no
 * host frame to rt_sigreturn through: load the image, then make a
 * syscall the filter traps. Its SIGSYS frame holds those FP registers;
 * the handler (stub_handler) puts the guest's in and returns through it.
 */
void stub_step_resume(const void *img) __attribute__((noreturn));
__asm__(".text\n"
	".globl stub_step_resume\n"
	"stub_step_resume:\n\t"
	"mov " STR(FPX_SW_OFF) "+8(%rdi), %eax\n\t"
	"mov " STR(FPX_SW_OFF) "+12(%rdi), %edx\n\t"
	"xrstor64 (%rdi)\n\t"
	"mov $" STR(STUB_NR_STEP) ", %eax\n\t"
	"syscall\n"
	".globl stub_step_ret\n"
	"stub_step_ret:\n\t"
	"ud2\n");
extern const char stub_step_ret[] __attribute__((visibility("hidden")));

/*
 * A patched site's syscall (stub_syscall_entry saved the registers into
 * uc and the XSAVE image): give the image the software bytes a host
 * frame's has (the features saved; its size: the whole page), so that
 * the kernel and resume_guest read it alike, and stop as SIGSYS. xsave
 * leaves the header's other bits and bytes as they were, and the guest
 * can write this page: they are set to what xrstor accepts.
 */
void stub_entry_stop(struct ucontext *uc) __attribute__((noreturn, used));
void stub_entry_stop(struct ucontext *uc)
{
	char *img = (char *)ENTRY_XS;
	u64 *hdr = (u64 *)(img + 512);
	u32 lo, hi;

	/* The symbols the entry's assembly reaches rip-relative. */
	__asm__(".set entry_uc, stub_start + %c0\n\t"
		".set entry_xs, stub_start + %c1\n\t"
		".set entry_sp, stub_start + %c2"
		:
		: "i"(ENTRY_UC - STUB_CODE), "i"(ENTRY_XS - STUB_CODE),
		  "i"(STATE_ADDR - STUB_CODE + __builtin_offsetof(struct stub_data, entry_sp)));
	__asm__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	hdr[0] &= (u64)hi << 32 | lo;   /* XSTATE_BV: only what XCR0 has */
	hdr[1] = hdr[2] = hdr[3] = hdr[4] = hdr[5] = hdr[6] = hdr[7] = 0;
	*(u32 *)(img + FPX_SW_OFF) = FP_XSTATE_MAGIC1;
	*(u32 *)(img + FPX_SW_OFF + 4) = PAGE_SIZE;
	*(u64 *)(img + FPX_SW_OFF + 8) = (u64)hi << 32 | lo;
	*(u32 *)(img + FPX_SW_OFF + 16) = PAGE_SIZE - 4;
	uc->mc.fpstate = (u64)img;
	uc->mc.trapno = 0;
	uc->mc.err = 0;
	stop(uc, SIGSYS, STUB_SYSCALL_PATCHED, 0, (long)uc->mc.ax);
	if (uc->mc.flags & X86_EFLAGS_TF)
		stub_step_resume(img);
	resume_guest(uc);
}

/*
 * Parking (os_stub_park, glass/os.h; the assembly at stub_park). A guest
 * can leave things in its thread's host state that the next mm's guest
 * must not inherit: it can run any of the stub's code with any registers,
 * and its forged rt_sigreturn frames set the signal mask and the
 * sigaltstack. So the kernel first runs the thread into the park and
 * checks in the host that it sleeps at STUB_PARK_PC (from where only this
 * code runs), wipes the data area, and wakes it: then it resets its fs
 * and gs bases and its FP registers, and traps (stub_park_trap) from
 * outside the sigaltstack, so that the host writes a signal frame with
 * the mask and sigaltstack it really has. The handler stops as
 * STUB_PARKED only if they are a stub's own; the next mm starts from that
 * stop.
 */
#define STUB_NR_PARK 0x5041             /* no host syscall's number */

/*
 * The FP registers are reset by an xrstor of an image with XSTATE_BV 0,
 * which puts every feature in its initial state and MXCSR at the value
 * given: written here, at the bottom of the sigaltstack (the CPU reads the
 * whole image's span, so it must be in the data area), below the frame
 * the trap is taken on. Its stack: the start-up stack's.
 */
void stub_park_trap(void) __attribute__((noreturn));
__asm__(".text\n"
	".globl stub_park_trap\n"
	"stub_park_trap:\n\t"
	"movabs $" STR(STUB_DATA + STUB_SIGSTACK_OFF - 64) ", %rsp\n\t"
	"movabs $" STR(STUB_DATA + STUB_SIGSTACK_OFF) ", %rdi\n\t"
	"movl $0x1f80, 24(%rdi)\n\t"          /* MXCSR */
	"xor %eax, %eax\n\t"
	"mov $8, %ecx\n\t"
	"1:\n\t"
	"mov %rax, 504(%rdi,%rcx,8)\n\t"      /* the header: 512..575 */
	"loop 1b\n\t"
	"xgetbv\n\t"                           /* ecx 0: XCR0 */
	"xrstor64 (%rdi)\n\t"
	"mov $" STR(STUB_NR_PARK) ", %eax\n\t"
	"syscall\n"
	".globl stub_park_ret\n"
	"stub_park_ret:\n\t"
	"ud2\n");
extern const char stub_park_ret[] __attribute__((visibility("hidden")));

/* The thread was run at stub_park: say so (a claim; the kernel looks in
 * the host) and go to sleep. */
void stub_park_enter(void) __attribute__((used));
void stub_park_enter(void)
{
	u32 old;

	data->signo = SIGSYS;
	data->code = STUB_PARKING;
	data->stopped = rdtsc();
	old = __atomic_exchange_n(&data->state, STUB_STOPPED, __ATOMIC_ACQ_REL);
	if (old & STUB_KWAIT)
		futex_bitset(&data->state, FUTEX_WAKE_BITSET, 0x7fffffff, 1);
}

/* Between sleeps in the park: the value to sleep on, or, once the
 * kernel has given the turn back, the check. */
u32 stub_park_next(void) __attribute__((used));
u32 stub_park_next(void)
{
	u32 *state = &data->state;

	for (;;) {
		u32 cur = __atomic_load_n(state, __ATOMIC_ACQUIRE);

		if (STUB_STATE(cur) == STUB_BUSY) {
			data->resumed = rdtsc();
			raw_syscall6(__NR_arch_prctl, 0x1002 /* ARCH_SET_FS */, 0, 0, 0, 0, 0);
			raw_syscall6(__NR_arch_prctl, 0x1001 /* ARCH_SET_GS */, 0, 0, 0, 0, 0);
			data->fs_base = data->gs_base = 0;
			stub_park_trap();
		}
		if ((cur & STUB_GWAIT) ||
		    __atomic_compare_exchange_n(state, &cur, cur | STUB_GWAIT, false,
						__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			return cur | STUB_GWAIT;
	}
}

/* stub_park_trap's frame: the mask and sigaltstack the host has for this
 * thread are a stub's own. */
static bool parked_clean(const struct ucontext *uc)
{
	return uc->ss_sp == STUB_DATA + STUB_SIGSTACK_OFF && uc->ss_flags == 0 &&
	       uc->ss_size == STUB_SIGSTACK_SIZE &&
	       uc->sigmask == (~HANDLED_SIGS & ~(SIGBIT(SIGKILL) | SIGBIT(SIGSTOP))) &&
	       (u64)uc - (STUB_DATA + STUB_SIGSTACK_OFF) < STUB_SIGSTACK_SIZE;
}

/*
 * Every trapped stop of the guest lands here, on the sigaltstack, with
 * the guest's signals deliverable (so that resume_guest needs no host
 * call to restore the mask): report it, wait for the kernel (any batch
 * is the mapper's business), resume the guest with its registers.
 *
 * So a signal can also interrupt the stub itself on this stack (sp in the
 * sigaltstack, ip in the stub): the tick is dropped (the stop it interrupts gives the
 * kernel its turn anyway), stub_step_resume's syscall returns into the
 * guest with its registers, anything else is the stub's own fault and
 * ends it. Guest code that runs the stub's code on its own stack, or its
 * own code on this one, stops as from anywhere else.
 */
void stub_handler(int sig, struct siginfo *si, struct ucontext *uc)
	__attribute__((used));
void stub_handler(int sig, struct siginfo *si, struct ucontext *uc)
{
	/* stub_park_trap's, from the start-up stack: a stop of its own. */
	bool parked = sig == SIGSYS && si->sys.syscall == STUB_NR_PARK &&
		      uc->mc.ip == (u64)stub_park_ret;

	if (parked && !parked_clean(uc)) {
		stub_die(uc);
		return;
	}
	if (uc->mc.sp - (STUB_DATA + STUB_SIGSTACK_OFF) < STUB_SIGSTACK_SIZE &&
	    uc->mc.ip - STUB_CODE < (u64)__stub_end - STUB_CODE) {
		if (sig == SIGSYS && si->sys.syscall == STUB_NR_STEP &&
		    uc->mc.ip == (u64)stub_step_ret)
			load_regs(&uc->mc);
		else if (sig != SIGVTALRM)
			stub_die(uc);
		return;
	}
	/* Between resume_guest's switch to the guest's rsp and its jump. */
	if (uc->mc.ip == (u64)stub_resume_jmp)
		uc->mc.ip = data->resume_ip;
	/* Guest code that jumped into the entry or wrote the word may have
	 * left anything there: its next patched syscall must not fault. */
	data->entry_sp = ENTRY_UC;
	if (parked)
		stop(uc, SIGSYS, STUB_PARKED, 0, -1);
	else if (sig == SIGSYS)
		stop(uc, sig, si->code, 0, si->sys.syscall);
	else
		stop(uc, sig, si->code, si->addr, -1);
	if (!(uc->mc.flags & X86_EFLAGS_TF))
		resume_guest(uc);
}

/*
 * The guest thread's filter: the hand-off's own syscalls, made from the
 * stub's code with the arguments it uses, run; everything else traps into
 * stub_handler as a guest syscall. Guest code that jumps into the stub can
 * reach only these: sleeping on or waking its own hand-off word, its own
 * sigreturn, its own fs/gs base — nothing outside its process.
 */
static long install_guest_filter(void)
{
	const struct sock_filter filter[] = {
		LD(OFF_ARCH), IF_NE(0xc000003e), RET(RET_TRAP),
		/* The stub's code: [STUB_CODE, __stub_end). */
		LD(OFF_IP + 4), IF_NE(STUB_CODE >> 32), RET(RET_TRAP),
		LD(OFF_IP), IF_GE((u64)__stub_end - STUB_CODE), RET(RET_TRAP),
		LD(OFF_NR),
		SKIP_UNLESS(__NR_rt_sigreturn, 1),
		RET(RET_ALLOW),
		SKIP_UNLESS(__NR_arch_prctl, 8),
		LD(ARG_HI(0)), IF_NE(0), RET(RET_TRAP),
		LD(ARG_LO(0)), { BPF_JEQ_K, 2, 0, 0x1001 }, IF_NE(0x1002), RET(RET_TRAP),
		RET(RET_ALLOW),
		SKIP_UNLESS(__NR_futex, 14),
		OP_IS(FUTEX_WAIT_BITSET, FUTEX_WAKE_BITSET, RET_TRAP),
		ARG_EQ(0, STATE_ADDR, RET_TRAP),
		RET(RET_ALLOW),
		RET(RET_TRAP),
	};
	struct sock_fprog prog = { sizeof(filter) / sizeof(filter[0]), filter };

	return raw_syscall6(__NR_seccomp, 1 /* SECCOMP_SET_MODE_FILTER */, 0, (long)&prog, 0, 0, 0);
}

static long set_handler(int sig)
{
	struct { u64 handler, flags, restorer, mask; } sa = {
		(u64)stub_handler, SA_SIGINFO | SA_ONSTACK | SA_RESTORER | SA_NODEFER,
		(u64)stub_restorer, 0,
	};

	return raw_syscall6(__NR_rt_sigaction, sig, (long)&sa, 0, 8, 0, 0);
}

/* Start the mapper with every signal blocked (it inherits the mask) and
 * wait until its filter is in place (it turns state from STUB_BUSY into
 * STUB_MAPPING). Before any guest code exists. */
static void start_mapper(void)
{
	u64 all = ~0UL;
	long tid;

	if (raw_syscall6(__NR_rt_sigprocmask, 2 /* SIG_SETMASK */, (long)&all, 0, 8, 0, 0))
		stub_exit();
	tid = mapper_clone();
	if (tid <= 0)
		stub_exit();
	data->mapper_tid = (s32)tid;
	for (;;) {
		u32 cur = __atomic_load_n(&data->state, __ATOMIC_ACQUIRE);

		if (STUB_STATE(cur) == STUB_MAPPING)
			return;
		futex_bitset(&data->state, FUTEX_WAIT_BITSET, cur, 2);
	}
}

/* Both threads on cpu, where the kernel's CPU thread ran when it asked
 * for this stub: then its first run usually needs no sched_setaffinity
 * of the kernel's (guest.c:place). */
static void pin(long cpu)
{
	u64 mask = 1UL << cpu;

	data->placed_cpu = -1;
	if (cpu < 0 || cpu >= 64 ||
	    raw_syscall6(__NR_sched_setaffinity, 0, 8, (long)&mask, 0, 0, 0) ||
	    raw_syscall6(__NR_sched_setaffinity, data->mapper_tid, 8, (long)&mask, 0, 0, 0))
		return;
	data->placed_cpu = (s32)cpu;
}

/*
 * A new stub, forked from the template, on its own start-up stack in its
 * own data area: die with glass, keep only fds 3 and 4 (the pipe's write
 * end), then what a fork does not inherit: the mapper thread, the signal
 * mask, the tick, the filters. Ends in the first stop ("ready").
 */
void stub_child_setup(long ack_fd, long glass_pid, long cpu) __attribute__((noreturn, used));
void stub_child_setup(long ack_fd, long glass_pid, long cpu)
{
	/* A 10 ms virtual-time tick: a spinning guest stops with SIGVTALRM. */
	static const long tick[4] = { 0, 10000, 0, 10000 };
	/* Every other signal stays blocked: the guest never sees host signals
	 * (SIGKILL and SIGSTOP/SIGCONT still work on the stub). */
	u64 mask = ~HANDLED_SIGS;

	raw_syscall6(__NR_prctl, 1 /* PR_SET_PDEATHSIG */, 9 /* SIGKILL */, 0, 0, 0, 0);
	if (raw_syscall6(__NR_getppid, 0, 0, 0, 0, 0, 0) != glass_pid)
		stub_exit();
	if ((ack_fd != STUB_ACK_FD &&
	     raw_syscall6(__NR_dup2, ack_fd, STUB_ACK_FD, 0, 0, 0, 0) != STUB_ACK_FD) ||
	    raw_syscall6(__NR_close_range, 0, PHYSMEM_FD - 1, 0, 0, 0, 0) ||
	    raw_syscall6(__NR_close_range, STUB_ACK_FD + 1, ~0U, 0, 0, 0, 0))
		stub_exit();
	start_mapper();
	pin(cpu);
	if (raw_syscall6(__NR_rt_sigprocmask, 2 /* SIG_SETMASK */, (long)&mask, 0, 8, 0, 0))
		stub_exit();
	raw_syscall6(__NR_setitimer, 1 /* ITIMER_VIRTUAL */, (long)tick, 0, 0, 0, 0);
	if (install_guest_filter())
		stub_exit();
	/* The first stop says "ready"; the kernel's first run replaces it. */
	for (;;)
		__asm__ volatile("int3" ::: "memory");
}

/*
 * long template_fork(u64 data_off, long ack_fd, long glass_pid, long cpu):
 * fork a child of glass (CLONE_PARENT; its exit signal is the template's,
 * SIGCHLD). The stub has no writable data and the template's stack is in
 * its own area, shared with glass, so the child touches no memory before
 * it has mapped its own data area over that one: it keeps its arguments
 * in registers (r9, r12-r14: syscalls keep them), then starts
 * stub_child_setup on the start-up stack there.
 */
__asm__(".text\n"
	".globl template_fork\n"
	"template_fork:\n\t"
	"push %r12\n\t"
	"push %r13\n\t"
	"push %r14\n\t"
	"mov %rdi, %r9\n\t"
	"mov %rsi, %r12\n\t"
	"mov %rdx, %r13\n\t"
	"mov %rcx, %r14\n\t"
	CLONE_ASM(CLONE_PARENT | SIGCHLD)
	"jz 1f\n\t"
	"pop %r14\n\t"
	"pop %r13\n\t"
	"pop %r12\n\t"
	"ret\n"
	"1:\n\t"
	"movabs $" STR(BATCH_ADDR) ", %rdi\n\t"
	"mov $" STR(STUB_HANDOFF_OFF) ", %esi\n\t"
	"mov $1, %edx\n\t"                      /* PROT_READ */
	"mov $0x11, %r10d\n\t"                  /* MAP_SHARED | MAP_FIXED */
	"mov $" STR(PHYSMEM_FD) ", %r8d\n\t"
	"mov $" STR(__NR_mmap) ", %eax\n\t"
	"syscall\n\t"
	"cmp %rdi, %rax\n\t"
	"jne 2f\n\t"
	"movabs $" STR(STATE_ADDR) ", %rdi\n\t"
	"mov $" STR(STUB_DATA_PAGES * PAGE_SIZE - STUB_HANDOFF_OFF) ", %esi\n\t"
	"mov $3, %edx\n\t"                      /* PROT_READ | PROT_WRITE */
	"add $" STR(STUB_HANDOFF_OFF) ", %r9\n\t"
	"mov $" STR(__NR_mmap) ", %eax\n\t"
	"syscall\n\t"
	"cmp %rdi, %rax\n\t"
	"jne 2f\n\t"
	"movabs $" STR(STUB_DATA + STUB_SIGSTACK_OFF - 8) ", %rsp\n\t"
	"mov %r12, %rdi\n\t"
	"mov %r13, %rsi\n\t"
	"mov %r14, %rdx\n\t"
	"jmp stub_child_setup\n"
	"2:\n\t"
	"mov $" STR(__NR_exit) ", %eax\n\t"
	"mov $127, %edi\n\t"
	"syscall\n\t"
	"ud2\n");
long template_fork(u64 data_off, long ack_fd, long glass_pid, long cpu)
	__attribute__((visibility("hidden")));

/* One request: a pipe, a child with its write end; the template keeps the
 * read end until the kernel has taken it. */
static void template_spawn(u64 data_off, long cpu, long glass_pid, s32 *pid,
			   s32 *ack_fd)
{
	int fds[2];
	long r;

	r = raw_syscall6(__NR_pipe2, (long)fds, 0, 0, 0, 0, 0);
	if (r) {
		*pid = (s32)r;
		*ack_fd = -1;
		return;
	}
	r = template_fork(data_off, fds[1], glass_pid, cpu);
	raw_syscall6(__NR_close, fds[1], 0, 0, 0, 0, 0);
	if (r < 0) {
		raw_syscall6(__NR_close, fds[0], 0, 0, 0, 0, 0);
		fds[0] = -1;
	}
	*ack_fd = fds[0];
	*pid = (s32)r;
}

/* The template's loop: close the read ends the kernel has taken, answer
 * the requests posted, sleep until the next. */
static void __attribute__((noreturn)) template_loop(long glass_pid)
{
	const struct stub_spawn_req *rq = (const struct stub_spawn_req *)BATCH_ADDR;
	struct stub_spawn_ans *an = (struct stub_spawn_ans *)STATE_ADDR;
	u32 done = 0, closed = 0;

	for (;;) {
		u32 seq = __atomic_load_n(&rq->seq, __ATOMIC_ACQUIRE);
		u32 taken = __atomic_load_n(&rq->taken, __ATOMIC_ACQUIRE);
		unsigned i = done % STUB_SPAWN_RING;

		for (; closed != taken && closed != done; closed++)
			raw_syscall6(__NR_close, an->ack_fd[closed % STUB_SPAWN_RING],
				     0, 0, 0, 0, 0);
		if (done == seq) {
			raw_syscall6(__NR_futex, (long)&rq->seq, FUTEX_WAIT, seq, 0, 0, 0);
			continue;
		}
		template_spawn(rq->data_off[i], rq->cpu[i], glass_pid, &an->pid[i], &an->ack_fd[i]);
		__atomic_store_n(&an->done, ++done, __ATOMIC_RELEASE);
		raw_syscall6(__NR_futex, (long)&an->done, FUTEX_WAKE, 0x7fffffff, 0, 0, 0);
	}
}

/* Runs on the start-up stack in the template's area: every set-up step a
 * fork inherits, then the loop. */
static void __attribute__((noreturn, used)) template_setup(void)
{
	static const int sigs[] = { SIGSYS, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP,
				    SIGVTALRM };
	struct { u64 sp; u32 flags, pad; u64 size; } ss = {
		STUB_DATA + STUB_SIGSTACK_OFF, 0, 0, STUB_SIGSTACK_SIZE,
	};
	static const u64 no_core[2];
	u64 all = ~0UL;

	/* Nothing of the host's layout stays: below the stub, between it and
	 * the data area, above the data area. */
	raw_syscall6(__NR_munmap, 0, STUB_CODE, 0, 0, 0, 0);
	raw_syscall6(__NR_munmap, (long)__stub_end, STUB_DATA - (u64)__stub_end, 0, 0, 0, 0);
	raw_syscall6(__NR_munmap, STUB_DATA + STUB_DATA_PAGES * PAGE_SIZE,
	     HOST_TOP - (STUB_DATA + STUB_DATA_PAGES * PAGE_SIZE), 0, 0, 0, 0);
	/* A stub that dies of a signal leaves no core file on the host. */
	if (raw_syscall6(__NR_prctl, 38 /* PR_SET_NO_NEW_PRIVS */, 1, 0, 0, 0, 0) ||
	    raw_syscall6(__NR_prlimit64, 0, 4 /* RLIMIT_CORE */, (long)no_core, 0, 0, 0))
		stub_exit();
	/* The template itself takes no signal but SIGKILL/SIGSTOP. */
	if (raw_syscall6(__NR_rt_sigprocmask, 2 /* SIG_SETMASK */, (long)&all, 0, 8, 0, 0) ||
	    raw_syscall6(__NR_sigaltstack, (long)&ss, 0, 0, 0, 0, 0))
		stub_exit();
	for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (set_handler(sigs[i]))
			stub_exit();
	template_loop(raw_syscall6(__NR_getppid, 0, 0, 0, 0, 0, 0));
}

/* On the exec stack: die with glass, close every fd but physmem and the
 * template's area (fd 4 until it is mapped), map the area (the requests
 * read-only), move onto its start-up stack. */
void stub_main(void) __attribute__((used, noreturn));
void stub_main(void)
{
	raw_syscall6(__NR_prctl, 1 /* PR_SET_PDEATHSIG */, 9 /* SIGKILL */, 0, 0, 0, 0);
	if (raw_syscall6(__NR_close_range, 0, PHYSMEM_FD - 1, 0, 0, 0, 0) ||
	    raw_syscall6(__NR_close_range, STUB_ACK_FD + 1, ~0U, 0, 0, 0, 0))
		stub_exit();
	if (raw_syscall6(__NR_mmap, STUB_DATA, STUB_HANDOFF_OFF, 1 /* PROT_READ */,
		 0x11 /* MAP_SHARED | MAP_FIXED */, STUB_ACK_FD, 0) != (long)STUB_DATA ||
	    raw_syscall6(__NR_mmap, STATE_ADDR, STUB_DATA_PAGES * PAGE_SIZE - STUB_HANDOFF_OFF,
		 3, 0x11, STUB_ACK_FD, STUB_HANDOFF_OFF) != (long)STATE_ADDR ||
	    raw_syscall6(__NR_close, STUB_ACK_FD, 0, 0, 0, 0, 0))
		stub_exit();
	__asm__ volatile("mov %0, %%rsp\n\t"
			 "jmp template_setup"
			 :
			 : "r"(STUB_DATA + STUB_SIGSTACK_OFF - 8)
			 : "memory");
	__builtin_unreachable();
}

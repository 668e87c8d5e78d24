/*
 * The guest-execution path against the real host: spawn a stub (seccomp,
 * signal handler, futex hand-off), map code from physmem through a batch,
 * run it and check every kind of stop and the round-trip count each costs.
 */
#include <check.h>
#include <stddef.h>
#include <signal.h>
#include <stdio.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <sys/wait.h>
#include <elf.h>
#include <fcntl.h>
#include <ucontext.h>

#include <glass/layout.h>
#include <glass/os.h>
#include "check_run.h"

bool stub_parked_line(const char *line);       /* kernel/os/stub_park.c */
/* kernel/os/cpu_home.c */
const cpu_set_t *os_host_cpus(void);
void os_cpu_home_release(void);
void os_cpu_home_return(void);
int schedstat_run_delay(const char *line, u64 *delay_ns);

#define MB (1UL << 20)
#define CODE_ADDR 0x400000UL
#define DATA_ADDR 0x600000UL
#define CODE_OFF (64 * PAGE_SIZE)       /* physmem offsets */
#define DATA_OFF (65 * PAGE_SIZE)

static int pid;
static struct stub_batch *ops;

static void add_op(int type, unsigned long addr, unsigned long len, int prot,
		   unsigned long off)
{
	struct stub_op *op = &ops->ops[ops->nr_ops++];

	op->type = type;
	op->addr = addr;
	op->len = len;
	op->prot = prot;
	op->off = off;
}

static void setup(void)
{
	static int physmem_ready;
	/* getpid; getppid; write to DATA_ADDR; read from 0x12345000; int3 */
	static const unsigned char code[] = {
		0xb8, 39, 0, 0, 0, 0x0f, 0x05,             /* mov $39,%eax; syscall */
		0x48, 0x89, 0xc7,                          /* mov %rax,%rdi */
		0xb8, 110, 0, 0, 0, 0x0f, 0x05,            /* mov $110,%eax; syscall */
		0x48, 0xc7, 0xc3, 0x00, 0x00, 0x60, 0x00,  /* mov $0x600000,%rbx */
		0xc7, 0x03, 0x2a, 0x00, 0x00, 0x00,        /* movl $42,(%rbx) */
		0x48, 0xc7, 0xc3, 0x00, 0x50, 0x34, 0x12,  /* mov $0x12345000,%rbx */
		0x8b, 0x03,                                /* mov (%rbx),%eax */
		0xcc,                                      /* int3 */
	};

	if (!physmem_ready) {
		ck_assert_int_eq(os_physmem_init(16 * MB), 0);
		physmem_ready = 1;
	}
	memcpy((char *)PHYSMEM_BASE + CODE_OFF, code, sizeof(code));
	memset((char *)PHYSMEM_BASE + DATA_OFF, 0, PAGE_SIZE);
	pid = os_stub_spawn(0);
	ck_assert_int_gt(pid, 0);
	ops = (struct stub_batch *)PHYSMEM_BASE;
}

static void teardown(void)
{
	os_stub_kill(pid);
}

static struct pt_regs start_regs(void)
{
	struct pt_regs r = { 0 };

	r.ip = CODE_ADDR;
	r.cs = 0x33;
	r.ss = 0x2b;
	r.flags = 0x202;
	return r;
}

START_TEST(batch_then_syscalls_faults_and_trap)
{
	struct pt_regs r = start_regs();
	struct guest_stop stop;
	unsigned long before;

	add_op(STUB_MMAP, CODE_ADDR, PAGE_SIZE, 1 | 4, CODE_OFF);
	add_op(STUB_MMAP, DATA_ADDR, PAGE_SIZE, 1, DATA_OFF);   /* read-only */
	before = os_round_trips;
	ck_assert_int_eq(os_stub_flush(pid), 0);
	ck_assert_uint_eq(os_round_trips - before, 1);
	ck_assert_uint_eq(ops->nr_ops, 0);

	before = os_round_trips;
	ck_assert_int_eq(os_guest_run(pid, &r, &stop), 0);
	ck_assert_int_eq(stop.kind, GUEST_SYSCALL);
	ck_assert_uint_eq(r.orig_ax, 39);
	ck_assert_uint_eq(os_round_trips - before, 1);
	r.ax = 1234;
	ck_assert_int_eq(os_guest_run(pid, &r, &stop), 0);
	ck_assert_int_eq(stop.kind, GUEST_SYSCALL);
	ck_assert_uint_eq(r.orig_ax, 110);
	ck_assert_uint_eq(r.di, 1234);             /* the guest saw our return value */
	ck_assert_uint_eq(r.ax, (unsigned long)-38);   /* -ENOSYS: not run on the host */
	ck_assert_uint_eq(os_round_trips - before, 2);

	/* A write to the read-only page: SEGV_ACCERR at its address. */
	ck_assert_int_eq(os_guest_run(pid, &r, &stop), 0);
	ck_assert_int_eq(stop.kind, GUEST_SIGNAL);
	ck_assert_int_eq(stop.signo, SIGSEGV);
	ck_assert_int_eq(stop.code, 2);
	ck_assert_uint_eq(stop.addr, DATA_ADDR);

	/* Make it writable, retry: the store lands in physmem. */
	add_op(STUB_MPROTECT, DATA_ADDR, PAGE_SIZE, 3, 0);
	ck_assert_int_eq(os_stub_flush(pid), 0);
	ck_assert_int_eq(os_guest_run(pid, &r, &stop), 0);
	ck_assert_int_eq(stop.kind, GUEST_SIGNAL);
	ck_assert_int_eq(*(int *)((char *)PHYSMEM_BASE + DATA_OFF), 42);
	/* ... and the load from nothing: SEGV_MAPERR. */
	ck_assert_int_eq(stop.code, 1);
	ck_assert_uint_eq(stop.addr, 0x12345000);

	/* Map it (populated, as a fault's pages are: the mapper's filter
	 * lets MAP_POPULATE through) and go on to the int3. */
	add_op(STUB_MMAP_POPULATE, 0x12345000, PAGE_SIZE, 1, DATA_OFF);
	ck_assert_int_eq(os_stub_flush(pid), 0);
	ck_assert_int_eq(os_guest_run(pid, &r, &stop), 0);
	ck_assert_int_eq(stop.kind, GUEST_SIGNAL);
	ck_assert_int_eq(stop.signo, SIGTRAP);
	ck_assert_uint_eq(r.ax, 42);
}
END_TEST

START_TEST(failed_op_reports_error)
{
	add_op(STUB_MMAP, CODE_ADDR + 1, PAGE_SIZE, 1, CODE_OFF);   /* misaligned */
	ck_assert_int_eq(os_stub_flush(pid), -22);
	ck_assert_uint_eq(ops->nr_ops, 0);
}
END_TEST

/* The guest's tick can expire while the stub runs a batch (it is armed in
 * the stub): that must not fail the batch. (Under ptrace it once did:
 * "host_flush: op 0 failed: -5", and the guest was killed; the stub now
 * runs batches with every signal blocked.) */
START_TEST(tick_during_batch_is_dropped)
{
	add_op(STUB_MMAP, CODE_ADDR, PAGE_SIZE, 1 | 4, CODE_OFF);
	ck_assert_int_eq(kill(pid, SIGVTALRM), 0);
	ck_assert_int_eq(os_stub_flush(pid), 0);
	ck_assert_uint_eq(ops->nr_ops, 0);
	/* The batch ran: a second one still works. */
	add_op(STUB_MPROTECT, CODE_ADDR, PAGE_SIZE, 1, 0);
	ck_assert_int_eq(os_stub_flush(pid), 0);
}
END_TEST

START_TEST(spinning_guest_is_preempted)
{
	static const unsigned char spin[] = { 0xeb, 0xfe };     /* jmp . */
	struct pt_regs r = start_regs();
	struct guest_stop stop;

	memcpy((char *)PHYSMEM_BASE + CODE_OFF, spin, sizeof(spin));
	add_op(STUB_MMAP, CODE_ADDR, PAGE_SIZE, 5, CODE_OFF);
	ck_assert_int_eq(os_stub_flush(pid), 0);
	ck_assert_int_eq(os_guest_run(pid, &r, &stop), 0);
	ck_assert_int_eq(stop.kind, GUEST_TICK);
	ck_assert_uint_eq(r.ip, CODE_ADDR);
}
END_TEST

START_TEST(stub_has_nothing_but_itself)
{
	struct pt_regs r = start_regs();
	struct guest_stop stop;

	/* Nothing mapped at the host's usual places: a jump there faults. */
	r.ip = 0x7ffff7fc0000UL;
	ck_assert_int_eq(os_guest_run(pid, &r, &stop), 0);
	ck_assert_int_eq(stop.kind, GUEST_SIGNAL);
	ck_assert_int_eq(stop.signo, SIGSEGV);
}
END_TEST

START_TEST(killed_stub_is_gone)
{
	struct pt_regs r = start_regs();
	struct guest_stop stop;

	add_op(STUB_MMAP, CODE_ADDR, PAGE_SIZE, 5, CODE_OFF);
	ck_assert_int_eq(os_stub_flush(pid), 0);
	kill(pid, SIGKILL);
	ck_assert_int_eq(os_guest_run(pid, &r, &stop), -ESRCH);
	ck_assert_int_eq(stop.kind, GUEST_GONE);
}
END_TEST

/* The monitor stops a running guest with SIGSTOP on its stub and resumes
 * it with SIGCONT: the hand-off just waits, then goes on. */
START_TEST(stopped_stub_resumes)
{
	struct pt_regs r = start_regs();
	struct guest_stop stop;
	pid_t helper;

	add_op(STUB_MMAP, CODE_ADDR, PAGE_SIZE, 5, CODE_OFF);
	ck_assert_int_eq(os_stub_flush(pid), 0);
	kill(pid, SIGSTOP);
	helper = fork();
	if (helper == 0) {
		usleep(100 * 1000);
		kill(pid, SIGCONT);
		_exit(0);
	}
	ck_assert_int_eq(os_guest_run(pid, &r, &stop), 0);
	ck_assert_int_eq(stop.kind, GUEST_SYSCALL);
	ck_assert_uint_eq(r.orig_ax, 39);
	waitpid(helper, NULL, 0);
}
END_TEST

extern const char stub_image[];

/* The stub's loaded text: its one PT_LOAD segment. */
static const unsigned char *stub_text(unsigned long *len)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)stub_image;
	const Elf64_Phdr *ph = (const Elf64_Phdr *)(stub_image + eh->e_phoff);

	for (int i = 0; i < eh->e_phnum; i++, ph++) {
		if (ph->p_type == PT_LOAD) {
			ck_assert_uint_eq(ph->p_vaddr, STUB_CODE);
			*len = ph->p_filesz;
			return (const unsigned char *)stub_image + ph->p_offset;
		}
	}
	ck_abort_msg("no PT_LOAD in the stub");
	return NULL;
}

/*
 * Guest code that jumps to each `syscall` instruction of the stub with the
 * registers of a host openat(O_CREAT) or of an mmap of physmem (fd 3):
 * each is trapped as a guest syscall (not run on the host), and the file
 * does not appear. (Before the hardening the stub's filter let every
 * syscall from its text through.)
 */
START_TEST(stub_syscalls_trap_for_the_guest)
{
	char path[64];
	unsigned long len;
	const unsigned char *text = stub_text(&len);
	int tried = 0;

	snprintf(path, sizeof(path), "/tmp/glass-stub-escape-%d", getpid());
	unlink(path);
	strcpy((char *)PHYSMEM_BASE + DATA_OFF, path);
	add_op(STUB_MMAP, DATA_ADDR, PAGE_SIZE, 1, DATA_OFF);
	ck_assert_int_eq(os_stub_flush(pid), 0);
	for (unsigned long o = 0; o + 1 < len; o++) {
		struct pt_regs r = start_regs();
		struct guest_stop stop;

		if (text[o] != 0x0f || text[o + 1] != 0x05)
			continue;
		tried++;
		r.ip = STUB_CODE + o;
		r.ax = 257;                             /* openat */
		r.di = (unsigned long)AT_FDCWD;
		r.si = DATA_ADDR;
		r.dx = O_CREAT | O_WRONLY;
		r.r10 = 0644;
		ck_assert_int_eq(os_guest_run(pid, &r, &stop), 0);
		ck_assert_int_eq(stop.kind, GUEST_SYSCALL);
		ck_assert_uint_eq(r.orig_ax, 257);
		ck_assert_int_ne(access(path, F_OK), 0);

		r = start_regs();
		r.ip = STUB_CODE + o;
		r.ax = 9;                               /* mmap of physmem */
		r.di = 0x10000000;
		r.si = PAGE_SIZE;
		r.dx = 3;
		r.r10 = 0x11;
		r.r8 = 3;
		ck_assert_int_eq(os_guest_run(pid, &r, &stop), 0);
		ck_assert_int_eq(stop.kind, GUEST_SYSCALL);
		ck_assert_uint_eq(r.orig_ax, 9);
	}
	ck_assert_int_ge(tried, 5);     /* entry, restorer, mapper, handler */
}
END_TEST

/* A guest that forges a stop with garbage in the hand-off page (here: a
 * signal number the stub never reports) gets GUEST_CORRUPT, not a crash. */
START_TEST(forged_stop_is_corrupt)
{
	unsigned long len, wake = 0;
	const unsigned char *text = stub_text(&len);
	struct pt_regs r = start_regs();
	struct guest_stop stop;
	/* movl $1234, signo; movl $1, state; mov $202, %eax; jmp *%rbx (futex) */
	unsigned char code[64], *c = code;
	u64 state = STUB_DATA + STUB_HANDOFF_OFF;
	u64 signo = state + __builtin_offsetof(struct stub_data, signo);

	for (unsigned long o = 0; o + 1 < len && !wake; o++)
		if (text[o] == 0x0f && text[o + 1] == 0x05)
			wake = STUB_CODE + o;
	*c++ = 0x48; *c++ = 0xb8; memcpy(c, &signo, 8); c += 8;       /* movabs signo, %rax */
	*c++ = 0xc7; *c++ = 0x00; *c++ = 0xd2; *c++ = 0x04; *c++ = 0; *c++ = 0; /* movl $1234, (%rax) */
	*c++ = 0x48; *c++ = 0xb8; memcpy(c, &state, 8); c += 8;       /* movabs state, %rax */
	*c++ = 0xc7; *c++ = 0x00; *c++ = 1; *c++ = 0; *c++ = 0; *c++ = 0;  /* movl $1, (%rax) */
	*c++ = 0x48; *c++ = 0x89; *c++ = 0xc7;                         /* mov %rax, %rdi */
	*c++ = 0xb8; *c++ = 202; *c++ = 0; *c++ = 0; *c++ = 0;         /* mov $202, %eax */
	*c++ = 0xff; *c++ = 0xe3;                                      /* jmp *%rbx */
	memcpy((char *)PHYSMEM_BASE + CODE_OFF, code, c - code);
	add_op(STUB_MMAP, CODE_ADDR, PAGE_SIZE, 5, CODE_OFF);
	ck_assert_int_eq(os_stub_flush(pid), 0);
	/* It then sleeps on its own word rather than waking the kernel:
	 * after a wake it would run on into the restorer's ud2, and the
	 * stub's real SIGILL stop could replace the garbage before the
	 * kernel reads it. The kernel sees the forged state at its next
	 * look (its waits time out). */
	r.bx = wake;
	r.si = 9;               /* FUTEX_WAIT_BITSET while the word is 1 */
	r.dx = 1;
	r.r10 = 0;
	r.r9 = 2;
	ck_assert_int_eq(os_guest_run(pid, &r, &stop), -EIO);
	ck_assert_int_eq(stop.kind, GUEST_CORRUPT);
}
END_TEST

/* Guest code for the park's tests, copied into physmem: position
 * independent, fixed addresses passed in registers. */
#define GUEST_CODE(name, body) \
	extern const unsigned char name[], name##_end[]; \
	__asm__(".pushsection .rodata\n" #name ":\n\t" body "\n" #name "_end:\n.popsection")

/* Dirty the FP registers and MXCSR, then a syscall. Its fs base comes
 * from its registers; it zeroes the stub's note of it (rbx: that word in
 * the hand-off page), so that only a reset that trusts nothing of the
 * page's puts the base back. */
GUEST_CODE(dirty_code,
	   "pcmpeqb %xmm0, %xmm0\n\t"
	   "movl $0x7f80, -8(%rsp)\n\t"
	   "ldmxcsr -8(%rsp)\n\t"
	   "movq $0, (%rbx)\n\t"
	   "mov $39, %eax\n\t"
	   "syscall\n\t"
	   "int3");
/* What a new mm's thread finds: xmm0's byte mask in ax, MXCSR in dx;
 * then a load at %fs:0, which faults at 0 unless the fs base is still
 * the last guest's (where a page is mapped now). */
GUEST_CODE(probe_code,
	   "pmovmskb %xmm0, %eax\n\t"
	   "stmxcsr -8(%rsp)\n\t"
	   "mov -8(%rsp), %edx\n\t"
	   "mov %fs:0, %rbx\n\t"
	   "int3");
/* Forge a stop (state STUB_STOPPED, rbx: the word) and sleep in the stub's
 * futex call at r12 (rdi, esi, edx, r9, r10 set by the test). */
GUEST_CODE(forge_code,
	   "movl $1, (%rbx)\n\t"
	   "mov $202, %eax\n\t"
	   "mov $0x1234, %rsp\n\t"
	   "std\n\t"
	   "jmp *%r12");
/* rt_sigreturn through the stub's restorer (r12) with the frame at rbx,
 * which comes back here to make a syscall. */
GUEST_CODE(sigreturn_code,
	   "mov %rbx, %rsp\n\t"
	   "jmp *%r12\n"
	   ".globl sigreturn_code_back\n"
	   "sigreturn_code_back:\n\t"
	   "mov $39, %eax\n\t"
	   "syscall\n\t"
	   "int3");
extern const unsigned char sigreturn_code_back[];

static void load_code(const unsigned char *code, const unsigned char *end)
{
	memcpy((char *)PHYSMEM_BASE + CODE_OFF, code, end - code);
	add_op(STUB_MMAP, CODE_ADDR, PAGE_SIZE, 5, CODE_OFF);
	add_op(STUB_MMAP, DATA_ADDR, 4 * PAGE_SIZE, 3, DATA_OFF);
	ck_assert_int_eq(os_stub_flush(pid), 0);
}

/* The first `mov $nr, %eax; syscall` of the stub with this nr. */
static unsigned long stub_syscall_of(int nr)
{
	const unsigned char want[] = { 0xb8, (unsigned char)nr, 0, 0, 0, 0x0f, 0x05 };
	unsigned long len;
	const unsigned char *text = stub_text(&len);

	for (unsigned long o = 0; o + sizeof(want) <= len; o++)
		if (!memcmp(text + o, want, sizeof(want)))
			return STUB_CODE + o;
	ck_abort_msg("no syscall %d in the stub", nr);
	return 0;
}

/* Park the stub as host_mm_destroy does: everything unmapped, then the
 * guest thread into the park. */
static int park(void)
{
	ops->nr_ops = 0;
	add_op(STUB_MUNMAP_ALL, 0, 0, 0, 0);
	return os_stub_park(pid);
}

/* A stub that ran a guest, parked, starts the next with nothing of it:
 * no mapping, FP registers and MXCSR reset, fs base 0. */
START_TEST(parked_stub_starts_clean)
{
	struct pt_regs r = start_regs();
	struct guest_stop stop;
	unsigned long before;
	int err;

	load_code(dirty_code, dirty_code_end);
	r.sp = DATA_ADDR + 4 * PAGE_SIZE;
	r.fs_base = 0x5000;
	r.bx = STUB_DATA + STUB_HANDOFF_OFF + offsetof(struct stub_data, fs_base);
	ck_assert_int_eq(os_guest_run(pid, &r, &stop), 0);
	ck_assert_int_eq(stop.kind, GUEST_SYSCALL);
	ck_assert_uint_eq(r.orig_ax, 39);

	before = os_round_trips;
	err = park();
	if (err == -EACCES || err == -EPERM) {
		/* A host that will not show where threads sleep: Glass
		 * parks nothing there (and says so at boot). */
		printf("parked_stub_starts_clean: skipped: /proc/PID/syscall: %d\n", err);
		return;
	}
	ck_assert_int_eq(err, 0);
	ck_assert_uint_eq(os_round_trips - before, 2);
	ck_assert(os_stub_alive(pid));

	/* Nothing mapped: the old code faults. */
	r = start_regs();
	ck_assert_int_eq(os_guest_run(pid, &r, &stop), 0);
	ck_assert_int_eq(stop.kind, GUEST_SIGNAL);
	ck_assert_int_eq(stop.signo, SIGSEGV);
	ck_assert_uint_eq(stop.addr, CODE_ADDR);

	load_code(probe_code, probe_code_end);
	add_op(STUB_MMAP, 0x5000, PAGE_SIZE, 1, DATA_OFF);
	ck_assert_int_eq(os_stub_flush(pid), 0);
	r = start_regs();
	r.sp = DATA_ADDR + 4 * PAGE_SIZE;
	ck_assert_int_eq(os_guest_run(pid, &r, &stop), 0);
	ck_assert_int_eq(stop.signo, SIGSEGV);          /* fs base 0 */
	ck_assert_uint_eq(stop.addr, 0);
	ck_assert_uint_eq(r.ax, 0);                     /* xmm0 */
	ck_assert_uint_eq(r.dx, 0x1f80);                /* MXCSR */
}
END_TEST

/* A guest that forged its last stop is not where the kernel thinks: it
 * sleeps in some futex call of the stub's with its own registers. Parked,
 * it would run on in the next mm; it is refused. So is one that put
 * itself to sleep in the park's own call: it was not run there. */
static void park_refuses_forger(unsigned long where)
{
	struct pt_regs r = start_regs();
	struct guest_stop stop;

	load_code(forge_code, forge_code_end);
	r.bx = STUB_DATA + STUB_HANDOFF_OFF;
	r.di = r.bx;
	r.si = 9;               /* FUTEX_WAIT_BITSET while the word is 1 */
	r.dx = 1;
	r.r10 = 0;
	r.r9 = 2;
	r.r12 = where;
	ck_assert_int_eq(os_guest_run(pid, &r, &stop), 0);
	ck_assert_int_lt(park(), 0);
}

START_TEST(park_refuses_a_forged_stop)
{
	park_refuses_forger(stub_syscall_of(15) + 5);   /* the restorer's */
}
END_TEST

START_TEST(park_refuses_a_self_parked_thread)
{
	park_refuses_forger(STUB_PARK_SYSCALL);
}
END_TEST

/* A guest can set its host sigaltstack (and mask) with an rt_sigreturn
 * frame of its own: then, though really stopped, it is refused. */
START_TEST(park_refuses_a_foreign_sigaltstack)
{
	struct pt_regs r = start_regs();
	struct guest_stop stop;
	ucontext_t *uc = (ucontext_t *)((char *)PHYSMEM_BASE + DATA_OFF);
	u64 mask = ~((1UL << (SIGSYS - 1)) | (1UL << (SIGSEGV - 1)) | (1UL << (SIGBUS - 1)) |
		     (1UL << (SIGILL - 1)) | (1UL << (SIGFPE - 1)) | (1UL << (SIGTRAP - 1)) |
		     (1UL << (SIGVTALRM - 1)));

	load_code(sigreturn_code, sigreturn_code_end);
	memset(uc, 0, sizeof(*uc));
	/* Inside the data area, so that it is still mapped in the park. */
	uc->uc_stack.ss_sp = (void *)(STUB_DATA + STUB_HANDOFF_OFF + PAGE_SIZE);
	uc->uc_stack.ss_size = 3 * PAGE_SIZE;
	uc->uc_mcontext.gregs[REG_RIP] = CODE_ADDR + (sigreturn_code_back - sigreturn_code);
	uc->uc_mcontext.gregs[REG_RSP] = DATA_ADDR + 4 * PAGE_SIZE;
	uc->uc_mcontext.gregs[REG_EFL] = 0x202;
	uc->uc_mcontext.gregs[REG_CSGSFS] = 0x33 | (0x2bUL << 48);
	memcpy(&uc->uc_sigmask, &mask, sizeof(mask));
	r.bx = DATA_ADDR;
	r.r12 = stub_syscall_of(15);
	ck_assert_int_eq(os_guest_run(pid, &r, &stop), 0);
	ck_assert_int_eq(stop.kind, GUEST_SYSCALL);     /* a real stop */
	ck_assert_uint_eq(r.orig_ax, 39);
	ck_assert_int_lt(park(), 0);
}
END_TEST

/* The run queue delay is schedstat's second field; the host's own line
 * parses, near misses do not. */
START_TEST(schedstat_line)
{
	char line[96];
	u64 delay = 1;
	ssize_t n;
	int fd;

	ck_assert_int_eq(schedstat_run_delay("3990029 0 1\n", &delay), 0);
	ck_assert_uint_eq(delay, 0);
	ck_assert_int_eq(schedstat_run_delay("5 18446744073709551615 9", &delay), 0);
	ck_assert_uint_eq(delay, ~0ull);
	ck_assert_int_eq(schedstat_run_delay("5 6\n", &delay), -EINVAL);
	ck_assert_int_eq(schedstat_run_delay("5 x 7\n", &delay), -EINVAL);
	ck_assert_int_eq(schedstat_run_delay("5 6 7 8\n", &delay), -EINVAL);
	ck_assert_int_eq(schedstat_run_delay("", &delay), -EINVAL);
	fd = open("/proc/thread-self/schedstat", O_RDONLY);
	if (fd < 0)
		return;         /* a host kernel without it: never pinned */
	n = read(fd, line, sizeof(line) - 1);
	close(fd);
	ck_assert_int_gt(n, 0);
	line[n] = 0;
	ck_assert_int_eq(schedstat_run_delay(line, &delay), 0);
}
END_TEST

static int cpus_of_self(void)
{
	cpu_set_t set;

	ck_assert_int_eq(sched_getaffinity(0, sizeof(set), &set), 0);
	return CPU_COUNT(&set);
}

/* The CPU thread is pinned to the CPU it runs on, released for what it
 * starts and pinned back; on one CPU nothing is pinned. */
START_TEST(home_is_one_cpu)
{
	int all = CPU_COUNT(os_host_cpus());

	ck_assert_int_eq(cpus_of_self(), all);
	os_cpu_home_init(true);
	if (all < 2 || access("/proc/thread-self/schedstat", R_OK)) {
		ck_assert_int_eq(os_cpu_home_stats.cpu, -1);
		ck_assert_int_eq(cpus_of_self(), all);
		return;
	}
	ck_assert_int_eq(cpus_of_self(), 1);
	ck_assert_int_eq(sched_getcpu(), os_cpu_home_stats.cpu);
	os_cpu_home_release();
	ck_assert_int_eq(cpus_of_self(), all);
	os_cpu_home_return();
	ck_assert_int_eq(cpus_of_self(), 1);
	ck_assert_int_eq(sched_getcpu(), os_cpu_home_stats.cpu);
	ck_assert_uint_eq(os_cpu_home_stats.moves, 0);
	os_cpu_home_release();
}
END_TEST

START_TEST(no_home_when_off)
{
	int all = CPU_COUNT(os_host_cpus());

	os_cpu_home_init(false);
	ck_assert_int_eq(os_cpu_home_stats.cpu, -1);
	ck_assert_int_eq(cpus_of_self(), all);
	os_cpu_home_release();
	os_cpu_home_return();
	ck_assert_int_eq(cpus_of_self(), all);
}
END_TEST

/* The host's line for a thread asleep in the park, and near misses. */
START_TEST(parked_line)
{
	char line[256];

	snprintf(line, sizeof(line), "202 0x%lx 0x9 0x101 0x0 0x0 0x2 0x7ff00010bf00 0x%lx\n",
		 STUB_DATA + STUB_HANDOFF_OFF, STUB_PARK_PC);
	ck_assert(stub_parked_line(line));
	snprintf(line, sizeof(line), "202 0x%lx 0x9 0x101 0x0 0x0 0x2 0x7ff00010bf00 0x%lx\n",
		 STUB_DATA + STUB_HANDOFF_OFF, STUB_PARK_PC + 1);
	ck_assert(!stub_parked_line(line));
	snprintf(line, sizeof(line), "202 0x%lx 0x9 0x101 0x0 0x0 0x2 0x7ff00010bf00 0x%lx\n",
		 STUB_DATA, STUB_PARK_PC);
	ck_assert(!stub_parked_line(line));
	snprintf(line, sizeof(line), "202 0x%lx 0xa 0x101 0x0 0x0 0x2 0x7ff00010bf00 0x%lx\n",
		 STUB_DATA + STUB_HANDOFF_OFF, STUB_PARK_PC);
	ck_assert(!stub_parked_line(line));
	snprintf(line, sizeof(line), "15 0x%lx 0x9 0x101 0x0 0x0 0x2 0x7ff00010bf00 0x%lx\n",
		 STUB_DATA + STUB_HANDOFF_OFF, STUB_PARK_PC);
	ck_assert(!stub_parked_line(line));
	snprintf(line, sizeof(line), "202 0x%lx 0x9 0x101 0x0 0x0 0x2 0x7ff00010bf00 0x%lx junk\n",
		 STUB_DATA + STUB_HANDOFF_OFF, STUB_PARK_PC);
	ck_assert(!stub_parked_line(line));
	ck_assert(!stub_parked_line("running\n"));
	ck_assert(!stub_parked_line("-1 0x7ff00010bf00 0x7ff000000202\n"));
	ck_assert(!stub_parked_line(""));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("stub");
	TCase *tc = tcase_create("guest");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, batch_then_syscalls_faults_and_trap);
	tcase_add_test(tc, failed_op_reports_error);
	tcase_add_test(tc, tick_during_batch_is_dropped);
	tcase_add_test(tc, spinning_guest_is_preempted);
	tcase_add_test(tc, stub_has_nothing_but_itself);
	tcase_add_test(tc, killed_stub_is_gone);
	tcase_add_test(tc, stopped_stub_resumes);
	tcase_add_test(tc, stub_syscalls_trap_for_the_guest);
	tcase_add_test(tc, forged_stop_is_corrupt);
	tcase_add_test(tc, parked_stub_starts_clean);
	tcase_add_test(tc, park_refuses_a_forged_stop);
	tcase_add_test(tc, park_refuses_a_self_parked_thread);
	tcase_add_test(tc, park_refuses_a_foreign_sigaltstack);
	tcase_add_test(tc, parked_line);
	tcase_add_test(tc, schedstat_line);
	tcase_add_test(tc, no_home_when_off);   /* before: tests share a process */
	tcase_add_test(tc, home_is_one_cpu);
	suite_add_tcase(s, tc);
	/* One process for all tests: physmem is set up once, and the stubs
	 * are its children (their zombies reaped by os_stub_kill's list). */
	return check_run(s, CK_NOFORK);
}

/*
 * The guest-execution path against the real host: spawn a stub (seccomp,
 * signal handler, futex hand-off), map code from physmem through a batch,
 * run it and check every kind of stop and the round-trip count each costs.
 */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <sys/wait.h>
#include <elf.h>
#include <fcntl.h>

#include <glass/layout.h>
#include <glass/os.h>
#include "check_run.h"

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
	suite_add_tcase(s, tc);
	/* One process for all tests: physmem is set up once, and the stubs
	 * are its children (their zombies reaped by os_stub_kill's list). */
	return check_run(s, CK_NOFORK);
}

/*
 * The x86-64 signal frame against Linux's ABI (the offsets glibc and musl
 * use), sigset helpers, the syscall restart table, and a full round trip:
 * setup_rt_frame on a fake user stack, then rt_sigreturn from it.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "kernel_in_host.h"
#include <glass/signal.h>
#include <uapi/unistd.h>

#include "sig_fakes.h"

long sys_rt_sigreturn(unsigned long, unsigned long, unsigned long,
		      unsigned long, unsigned long, unsigned long);
long sys_sigaltstack(unsigned long, unsigned long, unsigned long,
		     unsigned long, unsigned long, unsigned long);

START_TEST(ucontext_layout_is_linux)
{
	/* include/uapi/asm-generic/ucontext.h with x86-64's sigcontext. */
	ck_assert_uint_eq(offsetof(struct kernel_ucontext, uc_flags), 0);
	ck_assert_uint_eq(offsetof(struct kernel_ucontext, uc_link), 8);
	ck_assert_uint_eq(offsetof(struct kernel_ucontext, uc_stack), 16);
	ck_assert_uint_eq(offsetof(struct kernel_ucontext, uc_mcontext), 40);
	ck_assert_uint_eq(offsetof(struct kernel_ucontext, uc_sigmask), 296);
	ck_assert_uint_eq(sizeof(struct kernel_ucontext), 304);
	ck_assert_uint_eq(sizeof(struct kernel_stack), 24);
	ck_assert_uint_eq(offsetof(struct kernel_stack, ss_flags), 8);
	ck_assert_uint_eq(offsetof(struct kernel_stack, ss_size), 16);
	ck_assert_uint_eq(offsetof(struct rt_sigframe, uc), 8);
	ck_assert_uint_eq(offsetof(struct rt_sigframe, info), 312);
	ck_assert_uint_eq(sizeof(struct rt_sigframe), 440);
}
END_TEST

START_TEST(sigcontext_is_glibc_gregs_order)
{
	/* glibc's REG_R8 = 0 ... REG_CR2 = 22 index 8-byte gregs. */
	static const struct { size_t off; int reg; } regs[] = {
		{ offsetof(struct sigcontext_64, r8), 0 },
		{ offsetof(struct sigcontext_64, r15), 7 },
		{ offsetof(struct sigcontext_64, di), 8 },
		{ offsetof(struct sigcontext_64, si), 9 },
		{ offsetof(struct sigcontext_64, bp), 10 },
		{ offsetof(struct sigcontext_64, bx), 11 },
		{ offsetof(struct sigcontext_64, dx), 12 },
		{ offsetof(struct sigcontext_64, ax), 13 },
		{ offsetof(struct sigcontext_64, cx), 14 },
		{ offsetof(struct sigcontext_64, sp), 15 },
		{ offsetof(struct sigcontext_64, ip), 16 },
		{ offsetof(struct sigcontext_64, flags), 17 },
		{ offsetof(struct sigcontext_64, cs), 18 },  /* REG_CSGSFS */
		{ offsetof(struct sigcontext_64, err), 19 },
		{ offsetof(struct sigcontext_64, trapno), 20 },
		{ offsetof(struct sigcontext_64, oldmask), 21 },
		{ offsetof(struct sigcontext_64, cr2), 22 },
		{ offsetof(struct sigcontext_64, fpstate), 23 },  /* mcontext fpregs */
	};

	for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
		ck_assert_uint_eq(regs[i].off, regs[i].reg * 8);
	ck_assert_uint_eq(offsetof(struct sigcontext_64, ss), 150);
	ck_assert_uint_eq(sizeof(struct sigcontext_64), 256);
}
END_TEST

START_TEST(siginfo_layout)
{
	kernel_siginfo_t si;

	ck_assert_uint_eq(sizeof(si), 128);
	ck_assert_uint_eq(offsetof(kernel_siginfo_t, si_signo), 0);
	ck_assert_uint_eq(offsetof(kernel_siginfo_t, si_errno), 4);
	ck_assert_uint_eq(offsetof(kernel_siginfo_t, si_code), 8);
	ck_assert_uint_eq((char *)&si.kill.pid - (char *)&si, 16);
	ck_assert_uint_eq((char *)&si.kill.uid - (char *)&si, 20);
	ck_assert_uint_eq((char *)&si.chld.status - (char *)&si, 24);
	ck_assert_uint_eq((char *)&si.chld.utime - (char *)&si, 32);
	ck_assert_uint_eq((char *)&si.chld.stime - (char *)&si, 40);
	ck_assert_uint_eq((char *)&si.fault.addr - (char *)&si, 16);
	ck_assert_uint_eq(sizeof(struct k_sigaction), 32);
	ck_assert_uint_eq(offsetof(struct k_sigaction, restorer), 16);
	ck_assert_uint_eq(offsetof(struct fpx_sw_bytes, xstate_size), 16);
}
END_TEST

START_TEST(sigset_operations)
{
	kernel_sigset_t a, b, r;

	sigemptyset(&a);
	ck_assert(sigisemptyset(&a));
	sigaddset(&a, SIGINT);
	sigaddset(&a, 64);
	ck_assert(sigismember(&a, SIGINT));
	ck_assert(sigismember(&a, 64));
	ck_assert(!sigismember(&a, SIGQUIT));
	ck_assert_uint_eq(a.sig, (1UL << 1) | (1UL << 63));
	sigemptyset(&b);
	sigaddset(&b, SIGQUIT);
	sigaddset(&b, SIGINT);
	sigorsets(&r, &a, &b);
	ck_assert_uint_eq(r.sig, a.sig | (1UL << 2));
	sigandnsets(&r, &r, &b);
	ck_assert_uint_eq(r.sig, 1UL << 63);
	sigandsets(&r, &a, &b);
	ck_assert_uint_eq(r.sig, 1UL << 1);
	sigdelset(&a, SIGINT);
	ck_assert(!sigismember(&a, SIGINT));
	ck_assert(sig_kernel_stop(SIGTSTP) && sig_kernel_stop(SIGSTOP));
	ck_assert(!sig_kernel_stop(SIGCONT) && !sig_kernel_stop(SIGRTMIN + 19));
	ck_assert(sig_kernel_ignore(SIGCHLD) && sig_kernel_ignore(SIGWINCH));
	ck_assert(sig_kernel_only(SIGKILL) && sig_kernel_only(SIGSTOP));
}
END_TEST

START_TEST(restart_table)
{
	/* no handler */
	ck_assert_int_eq(syscall_restart_action(-ERESTARTSYS, false, 0), RESTART_SYSCALL);
	ck_assert_int_eq(syscall_restart_action(-ERESTARTNOINTR, false, 0), RESTART_SYSCALL);
	ck_assert_int_eq(syscall_restart_action(-ERESTARTNOHAND, false, 0), RESTART_SYSCALL);
	ck_assert_int_eq(syscall_restart_action(-ERESTART_RESTARTBLOCK, false, 0), RESTART_BLOCK);
	/* handler without SA_RESTART */
	ck_assert_int_eq(syscall_restart_action(-ERESTARTSYS, true, 0), RESTART_EINTR);
	ck_assert_int_eq(syscall_restart_action(-ERESTARTNOINTR, true, 0), RESTART_SYSCALL);
	ck_assert_int_eq(syscall_restart_action(-ERESTARTNOHAND, true, 0), RESTART_EINTR);
	ck_assert_int_eq(syscall_restart_action(-ERESTART_RESTARTBLOCK, true, 0), RESTART_EINTR);
	/* handler with SA_RESTART */
	ck_assert_int_eq(syscall_restart_action(-ERESTARTSYS, true, SA_RESTART), RESTART_SYSCALL);
	ck_assert_int_eq(syscall_restart_action(-ERESTARTNOHAND, true, SA_RESTART), RESTART_EINTR);
	ck_assert_int_eq(syscall_restart_action(-ERESTART_RESTARTBLOCK, true, SA_RESTART),
			 RESTART_EINTR);
	/* ordinary results stay */
	ck_assert_int_eq(syscall_restart_action(0, true, 0), RESTART_NONE);
	ck_assert_int_eq(syscall_restart_action(-EINTR, false, 0), RESTART_NONE);
	ck_assert_int_eq(syscall_restart_action(-EAGAIN, true, SA_RESTART), RESTART_NONE);
}
END_TEST

START_TEST(restart_applies_to_registers)
{
	struct pt_regs r = { .ax = (u64)-ERESTARTSYS, .orig_ax = 0, .ip = 0x401002 };

	syscall_restart(&r, false, 0);
	ck_assert_uint_eq(r.ip, 0x401000);
	ck_assert_uint_eq(r.ax, 0);     /* read(2) again */
	r = (struct pt_regs){ .ax = (u64)-ERESTART_RESTARTBLOCK, .orig_ax = 230, .ip = 0x401002 };
	syscall_restart(&r, false, 0);
	ck_assert_uint_eq(r.ip, 0x401000);
	ck_assert_uint_eq(r.ax, __NR_restart_syscall);
	ck_assert_uint_eq(__NR_restart_syscall, 219);
	r = (struct pt_regs){ .ax = (u64)-ERESTARTSYS, .orig_ax = 61, .ip = 0x401002 };
	syscall_restart(&r, true, 0);
	ck_assert_int_eq((long)r.ax, -EINTR);
	ck_assert_uint_eq(r.ip, 0x401002);
}
END_TEST

/* A user stack on the host heap; returns its top. */
static unsigned char *stack_mem;
static unsigned long fake_stack(void)
{
	free(stack_mem);
	stack_mem = aligned_alloc(64, 65536);
	memset(stack_mem, 0xaa, 65536);
	return (unsigned long)stack_mem + 65536;
}

static void fill_live_fp(unsigned char seed)
{
	for (int i = 0; i < FAKE_XSTATE_SIZE; i++)
		fake_live_fp[i] = (unsigned char)(seed + i);
	/* what ptrace gives: a valid header and software bytes */
	memset(fake_live_fp + 512, 0, 64);
	*(unsigned long *)(fake_live_fp + 512) = 7;     /* x87 SSE AVX */
	*(unsigned int *)(fake_live_fp + 24) = 0x1f80;
	struct fpx_sw_bytes sw = { FP_XSTATE_MAGIC1, FAKE_XSTATE_SIZE + 4, 7,
				   FAKE_XSTATE_SIZE, { 0 } };
	memcpy(fake_live_fp + FPX_SW_BYTES_OFFSET, &sw, sizeof(sw));
}

static struct pt_regs sample_regs(unsigned long sp)
{
	struct pt_regs r = {
		.r15 = 15, .r14 = 14, .r13 = 13, .r12 = 12, .bp = 0xb0, .bx = 0xb1,
		.r11 = 11, .r10 = 10, .r9 = 9, .r8 = 8, .ax = 0xa0, .cx = 0xc0,
		.dx = 0xd0, .si = 0x51, .di = 0xd1, .orig_ax = -1, .ip = 0x401234,
		.cs = 0x33, .flags = 0x246 | 0x400, .sp = sp, .ss = 0x2b,
		.fs_base = 0x7000,
	};
	return r;
}

START_TEST(frame_round_trip)
{
	unsigned long top = fake_stack(), frame;
	struct k_sigaction ka = {
		.handler = (void *)0x402000, .flags = SA_SIGINFO | SA_RESTORER,
		.restorer = (void *)0x403000,
	};
	kernel_siginfo_t info = { .si_signo = SIGUSR1, .si_code = SI_USER };
	kernel_sigset_t old = { (1UL << 3) };
	struct pt_regs orig;
	struct rt_sigframe *f;
	unsigned char saved_fp[FAKE_XSTATE_SIZE];

	fake_reset_current();
	fill_live_fp(3);
	memcpy(saved_fp, fake_live_fp, sizeof(saved_fp));
	info.kill.pid = 7;
	current->regs = sample_regs(top - 1000);
	orig = current->regs;
	ck_assert_int_eq(setup_rt_frame(SIGUSR1, &info, &ka, &old, &current->regs), 0);

	frame = current->regs.sp;
	f = (struct rt_sigframe *)frame;
	/* ABI: entry as after a call: (sp + 8) % 16 == 0; below the red zone */
	ck_assert_uint_eq((frame + 8) % 16, 0);
	ck_assert_uint_le(frame + sizeof(*f), orig.sp - 128);
	ck_assert_uint_eq(current->regs.ip, 0x402000);
	ck_assert_uint_eq(current->regs.di, SIGUSR1);
	ck_assert_uint_eq(current->regs.si, frame + 312);
	ck_assert_uint_eq(current->regs.dx, frame + 8);
	ck_assert_uint_eq(current->regs.ax, 0);
	ck_assert_uint_eq(current->regs.flags & 0x400, 0);      /* DF clear */
	ck_assert_uint_eq(current->regs.fs_base, 0x7000);
	ck_assert_uint_eq(f->pretcode, 0x403000);
	ck_assert_int_eq(f->info.si_signo, SIGUSR1);
	ck_assert_int_eq(f->info.kill.pid, 7);
	ck_assert_uint_eq(f->uc.uc_sigmask.sig, 1UL << 3);
	ck_assert_uint_eq(f->uc.uc_mcontext.oldmask, 1UL << 3);
	ck_assert_uint_eq(f->uc.uc_mcontext.ip, orig.ip);
	ck_assert_uint_eq(f->uc.uc_mcontext.sp, orig.sp);
	ck_assert_uint_eq(f->uc.uc_mcontext.r8, 8);
	ck_assert_uint_eq(f->uc.uc_mcontext.cx, 0xc0);
	ck_assert_uint_eq(f->uc.uc_mcontext.cs, 0x33);
	ck_assert_uint_eq(f->uc.uc_flags & UC_FP_XSTATE, UC_FP_XSTATE);
	/* the XSAVE image: above the frame, 64-aligned, with both magics */
	unsigned long fp = f->uc.uc_mcontext.fpstate;
	ck_assert_uint_eq(fp % 64, 0);
	ck_assert_uint_ge(fp, frame + sizeof(*f));
	ck_assert_uint_le(fp + FAKE_XSTATE_SIZE + 4, orig.sp - 128);
	ck_assert_int_eq(memcmp((void *)fp, saved_fp, FPX_SW_BYTES_OFFSET), 0);
	struct fpx_sw_bytes *sw = (void *)(fp + FPX_SW_BYTES_OFFSET);
	ck_assert_uint_eq(sw->magic1, FP_XSTATE_MAGIC1);
	ck_assert_uint_eq(sw->extended_size, FAKE_XSTATE_SIZE + 4);
	ck_assert_uint_eq(sw->xstate_size, FAKE_XSTATE_SIZE);
	ck_assert_uint_eq(*(unsigned int *)(fp + FAKE_XSTATE_SIZE), FP_XSTATE_MAGIC2);
	/* the handler starts with reset FP state, loaded at the next run */
	ck_assert(current->fpstate_valid);
	ck_assert_ptr_null(current->mm->host.regs_owner);
	ck_assert_uint_eq(*(unsigned short *)current->fpstate, 0x37f);

	/* The handler changes registers and returns through its restorer. */
	current->regs.r12 = 999;
	current->regs.sp = frame + 8;
	current->blocked.sig = ~0UL;
	current->regs_replaced = false;
	sys_rt_sigreturn(0, 0, 0, 0, 0, 0);
	ck_assert(current->regs_replaced);
	ck_assert_int_eq(fake_force_sig_count, 0);
	ck_assert_uint_eq(current->regs.ip, orig.ip);
	ck_assert_uint_eq(current->regs.sp, orig.sp);
	ck_assert_uint_eq(current->regs.r12, 12);
	ck_assert_uint_eq(current->regs.ax, 0xa0);
	ck_assert_uint_eq(current->regs.di, 0xd1);
	ck_assert_uint_eq(current->regs.flags, orig.flags);
	ck_assert_uint_eq(current->regs.fs_base, 0x7000);
	ck_assert_uint_eq((long)current->regs.orig_ax, -1);
	ck_assert_uint_eq(current->blocked.sig, 1UL << 3);
	ck_assert(current->fpstate_valid);
	ck_assert_int_eq(memcmp(current->fpstate, saved_fp, 512), 0);
	ck_assert_uint_eq(*(unsigned long *)((char *)current->fpstate + 512), 7);
}
END_TEST

START_TEST(sigreturn_sanitizes_flags_and_segments)
{
	unsigned long top = fake_stack(), frame;
	struct k_sigaction ka = { .handler = (void *)0x402000,
				  .flags = SA_RESTORER, .restorer = (void *)0x403000 };
	kernel_siginfo_t info = { .si_signo = SIGINT };
	kernel_sigset_t old = { 0 };
	struct rt_sigframe *f;

	fake_reset_current();
	fill_live_fp(1);
	current->regs = sample_regs(top - 512);
	ck_assert_int_eq(setup_rt_frame(SIGINT, &info, &ka, &old, &current->regs), 0);
	frame = current->regs.sp;
	f = (struct rt_sigframe *)frame;
	/* without SA_SIGINFO, no siginfo is written */
	ck_assert_int_eq(f->info.si_signo, 0);
	f->uc.uc_mcontext.flags = ~0UL;         /* IOPL, IF, VM... must not pass */
	f->uc.uc_mcontext.cs = 0x10;            /* a kernel segment */
	f->uc.uc_sigmask.sig = ~0UL;            /* SIGKILL/SIGSTOP stay unblocked */
	/* bad magic: only the legacy area is taken */
	f = (struct rt_sigframe *)frame;
	*(unsigned int *)(f->uc.uc_mcontext.fpstate + FPX_SW_BYTES_OFFSET) = 0;
	current->regs.sp = frame + 8;
	sys_rt_sigreturn(0, 0, 0, 0, 0, 0);
	ck_assert_uint_eq(current->regs.flags & ~0x50dd5UL, 0x246 & ~0x50dd5UL);
	ck_assert_uint_eq(current->regs.cs, 0x33);
	ck_assert_uint_eq(current->regs.ss, 0x2b);
	ck_assert(!sigismember(&current->blocked, SIGKILL));
	ck_assert(!sigismember(&current->blocked, SIGSTOP));
	ck_assert(sigismember(&current->blocked, SIGINT));
	ck_assert_uint_eq(*(unsigned long *)((char *)current->fpstate + 512), 3);
}
END_TEST

START_TEST(bad_frame_is_sigsegv)
{
	unsigned long top = fake_stack();

	fake_reset_current();
	current->regs = sample_regs(top - 512);
	fake_fault_lo = 0;
	fake_fault_hi = ~0UL;
	current->regs_replaced = false;
	sys_rt_sigreturn(0, 0, 0, 0, 0, 0);
	ck_assert_int_eq(fake_force_sig_count, 1);
	ck_assert_int_eq(fake_last_force_sig, SIGSEGV);
	ck_assert(!current->regs_replaced);
}
END_TEST

START_TEST(no_restorer_no_frame)
{
	unsigned long top = fake_stack();
	struct k_sigaction ka = { .handler = (void *)0x402000 };
	kernel_siginfo_t info = { .si_signo = SIGINT };
	kernel_sigset_t old = { 0 };

	fake_reset_current();
	current->regs = sample_regs(top - 512);
	ck_assert_int_eq(setup_rt_frame(SIGINT, &info, &ka, &old, &current->regs), -EFAULT);
}
END_TEST

START_TEST(altstack_frames)
{
	unsigned long top = fake_stack(), alt = top - 40000, frame;
	struct kernel_stack ss = { (void *)alt, 0, 16384 }, oss;
	struct k_sigaction ka = { .handler = (void *)0x402000,
				  .flags = SA_RESTORER | SA_ONSTACK, .restorer = (void *)0x403000 };
	kernel_siginfo_t info = { .si_signo = SIGSEGV, .si_code = SEGV_MAPERR };
	kernel_sigset_t old = { 0 };
	struct rt_sigframe *f;

	fake_reset_current();
	fill_live_fp(9);
	current->regs = sample_regs(top - 64);
	/* too small */
	ss.ss_size = 1000;
	ck_assert_int_eq(sys_sigaltstack((unsigned long)&ss, 0, 0, 0, 0, 0), -ENOMEM);
	ss.ss_size = 16384;
	ss.ss_flags = 5;
	ck_assert_int_eq(sys_sigaltstack((unsigned long)&ss, 0, 0, 0, 0, 0), -EINVAL);
	ss.ss_flags = 0;
	ck_assert_int_eq(sys_sigaltstack((unsigned long)&ss, (unsigned long)&oss, 0, 0, 0, 0), 0);
	ck_assert_int_eq(oss.ss_flags, SS_DISABLE);
	info.fault.addr = (void *)0xdead;
	ck_assert_int_eq(setup_rt_frame(SIGSEGV, &info, &ka, &old, &current->regs), 0);
	frame = current->regs.sp;
	f = (struct rt_sigframe *)frame;
	ck_assert_uint_gt(frame, alt);
	ck_assert_uint_lt(frame, alt + 16384);
	ck_assert_ptr_eq(f->uc.uc_stack.ss_sp, (void *)alt);
	ck_assert_uint_eq(f->uc.uc_stack.ss_size, 16384);
	ck_assert_uint_eq(f->uc.uc_mcontext.cr2, 0xdead);
	ck_assert_uint_eq(f->uc.uc_mcontext.trapno, 14);
	/* on the altstack now: sigaltstack reports SS_ONSTACK and refuses */
	ck_assert_int_eq(sys_sigaltstack(0, (unsigned long)&oss, 0, 0, 0, 0), 0);
	ck_assert_int_eq(oss.ss_flags, SS_ONSTACK);
	ck_assert_int_eq(sys_sigaltstack((unsigned long)&ss, 0, 0, 0, 0, 0), -EPERM);
	/* a nested signal stays on the altstack, below the first frame */
	unsigned long first = frame;
	ck_assert_int_eq(setup_rt_frame(SIGSEGV, &info, &ka, &old, &current->regs), 0);
	ck_assert_uint_lt(current->regs.sp, first);
	ck_assert_uint_gt(current->regs.sp, alt);
	/* and overflowing it is refused */
	current->regs.sp = alt + 600;
	ck_assert_int_eq(setup_rt_frame(SIGSEGV, &info, &ka, &old, &current->regs), -EFAULT);
}
END_TEST

static Suite *signal_frame_suite(void)
{
	Suite *s = suite_create("signal_frame");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, ucontext_layout_is_linux);
	tcase_add_test(tc, sigcontext_is_glibc_gregs_order);
	tcase_add_test(tc, siginfo_layout);
	tcase_add_test(tc, sigset_operations);
	tcase_add_test(tc, restart_table);
	tcase_add_test(tc, restart_applies_to_registers);
	tcase_add_test(tc, frame_round_trip);
	tcase_add_test(tc, sigreturn_sanitizes_flags_and_segments);
	tcase_add_test(tc, bad_frame_is_sigsegv);
	tcase_add_test(tc, no_restorer_no_frame);
	tcase_add_test(tc, altstack_frames);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(signal_frame_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}

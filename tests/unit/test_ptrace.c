/*
 * ptrace's pure parts (kernel/proc/ptrace_user.c) against Linux's ABI as
 * the host's <sys/user.h> describes it: user-area offsets, what PEEKUSER
 * and POKEUSER do at each, putreg's checks, the wait status encodings,
 * the PTRACE_GET_SYSCALL_INFO record and the XSTATE software bytes.
 */
#include <check.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/user.h>
/* <sys/user.h>'s page macros: the kernel's layout.h has its own. */
#undef PAGE_SHIFT
#undef PAGE_SIZE
#undef PAGE_MASK

#include "kernel_in_host.h"
#include <glass/ptrace_task.h>

#include "check_run.h"

#define DR(n) (USER_DEBUGREG_OFFSET + 8 * (n))

START_TEST(user_area_is_linux)
{
	ck_assert_uint_eq(sizeof(struct pt_regs), sizeof(struct user_regs_struct));
	ck_assert_uint_eq(USER_REGS_SIZE, sizeof(struct user_regs_struct));
	ck_assert_uint_eq(offsetof(struct pt_regs, orig_ax),
			  offsetof(struct user_regs_struct, orig_rax));
	ck_assert_uint_eq(offsetof(struct pt_regs, ip), offsetof(struct user_regs_struct, rip));
	ck_assert_uint_eq(offsetof(struct pt_regs, flags), offsetof(struct user_regs_struct, eflags));
	ck_assert_uint_eq(offsetof(struct pt_regs, fs_base), offsetof(struct user_regs_struct, fs_base));
	ck_assert_uint_eq(offsetof(struct pt_regs, gs), offsetof(struct user_regs_struct, gs));
	ck_assert_uint_eq(USER_FPREGS_OFFSET, offsetof(struct user, i387));
	ck_assert_uint_eq(USER_FPREGS_SIZE, sizeof(struct user_fpregs_struct));
	ck_assert_uint_eq(USER_DEBUGREG_OFFSET, offsetof(struct user, u_debugreg));
	/* The kernel's struct user has error_code and fault_address after
	 * u_debugreg, which glibc's lacks. */
	ck_assert_uint_eq(USER_SIZE, sizeof(struct user) + 16);
}
END_TEST

START_TEST(peek_user_reads_regs_debugregs_and_zero)
{
	struct pt_regs r = { .orig_ax = 39, .ip = 0x401000, .gs = 0 };
	unsigned long dr[8] = { 0x1000, 0, 0, 0, 0, 0, 0xffff0ff0, 0x401 }, v = 77;

	ck_assert_int_eq(ptrace_peek_user(&r, dr, offsetof(struct pt_regs, orig_ax), &v), 0);
	ck_assert_uint_eq(v, 39);
	ck_assert_int_eq(ptrace_peek_user(&r, dr, offsetof(struct pt_regs, ip), &v), 0);
	ck_assert_uint_eq(v, 0x401000);
	ck_assert_int_eq(ptrace_peek_user(&r, dr, DR(0), &v), 0);
	ck_assert_uint_eq(v, 0x1000);
	ck_assert_int_eq(ptrace_peek_user(&r, dr, DR(7), &v), 0);
	ck_assert_uint_eq(v, 0x401);
	/* Inside struct user but neither: 0, as Linux. */
	ck_assert_int_eq(ptrace_peek_user(&r, dr, USER_FPREGS_OFFSET, &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(ptrace_peek_user(&r, dr, 3, &v), -EIO);
	ck_assert_int_eq(ptrace_peek_user(&r, dr, USER_SIZE, &v), -EIO);
	ck_assert_int_eq(ptrace_peek_user(&r, dr, USER_SIZE - 8, &v), 0);
}
END_TEST

START_TEST(poke_user_checks_as_linux)
{
	struct pt_regs r = { .flags = 0x202, .cs = 0x33, .ss = 0x2b };
	unsigned long dr[8] = { 0 };

	ck_assert_int_eq(ptrace_poke_user(&r, dr, offsetof(struct pt_regs, ax), 5), 0);
	ck_assert_uint_eq(r.ax, 5);
	/* Only FLAG_MASK bits change: IF stays, IOPL cannot be set. */
	ck_assert_int_eq(ptrace_poke_user(&r, dr, offsetof(struct pt_regs, flags), 0x3101), 0);
	ck_assert_uint_eq(r.flags, 0x303);
	ck_assert_int_eq(ptrace_poke_user(&r, dr, offsetof(struct pt_regs, cs), 0), -EIO);
	ck_assert_int_eq(ptrace_poke_user(&r, dr, offsetof(struct pt_regs, ss), 0x28), -EIO);
	ck_assert_int_eq(ptrace_poke_user(&r, dr, offsetof(struct pt_regs, ds), 0), 0);
	ck_assert_int_eq(ptrace_poke_user(&r, dr, offsetof(struct pt_regs, fs_base),
					  0x800000000000UL), -EIO);
	ck_assert_int_eq(ptrace_poke_user(&r, dr, DR(0), 0x401000), 0);
	ck_assert_uint_eq(dr[0], 0x401000);
	ck_assert_int_eq(ptrace_poke_user(&r, dr, DR(1), 0xffff800000000000UL), -EINVAL);
	ck_assert_int_eq(ptrace_poke_user(&r, dr, DR(4), 0), -EIO);
	ck_assert_int_eq(ptrace_poke_user(&r, dr, DR(5), 0), -EIO);
	ck_assert_int_eq(ptrace_poke_user(&r, dr, DR(6), 0xffff0ff0), 0);
	/* DR7: slot 0 enabled, execute, length 0: fine; I/O type or an
	 * execute breakpoint with a length: EINVAL. */
	ck_assert_int_eq(ptrace_poke_user(&r, dr, DR(7), 0x1), 0);
	ck_assert_uint_eq(dr[7], 0x1);
	ck_assert_int_eq(ptrace_poke_user(&r, dr, DR(7), 0x1 | (2UL << 16)), -EINVAL);
	ck_assert_int_eq(ptrace_poke_user(&r, dr, DR(7), 0x1 | (1UL << 18)), -EINVAL);
	ck_assert_int_eq(ptrace_poke_user(&r, dr, DR(7), 0x1 | (1UL << 16) | (3UL << 18)), 0);
	ck_assert_int_eq(ptrace_poke_user(&r, dr, USER_FPREGS_OFFSET, 0), -EIO);
	ck_assert_int_eq(ptrace_poke_user(&r, dr, 4, 0), -EIO);
}
END_TEST

START_TEST(setregs_stops_at_first_refused)
{
	struct pt_regs r = { .cs = 0x33, .ss = 0x2b }, n = r;

	n.ax = 1;
	n.cs = 0;
	ck_assert_int_eq(ptrace_setregs(&r, &n), -EIO);
	ck_assert_uint_eq(r.ax, 1);
	ck_assert_uint_eq(r.cs, 0x33);
	n.cs = 0x33;
	n.ip = 0x1234;
	ck_assert_int_eq(ptrace_setregs(&r, &n), 0);
	ck_assert_uint_eq(r.ip, 0x1234);
}
END_TEST

START_TEST(stop_status_encodings)
{
	/* What WIFSTOPPED/WSTOPSIG and status >> 16 see. */
	ck_assert_int_eq(ptrace_stop_status(SIGSTOP), 0x137f);
	ck_assert_int_eq(ptrace_stop_status(SIGTRAP | 0x80) >> 8, SIGTRAP | 0x80);
	ck_assert_int_eq(ptrace_stop_status(SIGTRAP | PTRACE_EVENT_FORK << 8), 0x1057f);
	ck_assert_int_eq(ptrace_stop_status(SIGTRAP | PTRACE_EVENT_STOP << 8) >> 16,
			 PTRACE_EVENT_STOP);
	ck_assert_int_eq(ptrace_stop_status(SIGTRAP | PTRACE_EVENT_STOP << 8) & 0xff, 0x7f);
	ck_assert_int_eq(PTRACE_O_TRACEEXIT, 0x40);
	ck_assert_int_eq(PTRACE_O_EXITKILL, 0x100000);
}
END_TEST

START_TEST(syscall_info_layout_and_sizes)
{
	struct pt_regs r = { .orig_ax = 1, .di = 2, .si = 3, .dx = 4, .r10 = 5, .r8 = 6,
			     .r9 = 7, .ip = 0x401000, .sp = 0x7ffd000, .ax = -9UL };
	struct ptrace_syscall_info i;

	ck_assert_uint_eq(offsetof(struct ptrace_syscall_info, arch), 4);
	ck_assert_uint_eq(offsetof(struct ptrace_syscall_info, entry.nr), 24);
	ck_assert_uint_eq(offsetof(struct ptrace_syscall_info, exit.is_error), 32);
	ck_assert_uint_eq(ptrace_fill_syscall_info(&i, PTRACE_SYSCALL_INFO_ENTRY, &r), 80);
	ck_assert_uint_eq(i.op, 1);
	ck_assert_uint_eq(i.arch, AUDIT_ARCH_X86_64);
	ck_assert_uint_eq(i.entry.nr, 1);
	ck_assert_uint_eq(i.entry.args[3], 5);
	ck_assert_uint_eq(i.entry.args[5], 7);
	ck_assert_uint_eq(i.stack_pointer, 0x7ffd000);
	ck_assert_uint_eq(ptrace_fill_syscall_info(&i, PTRACE_SYSCALL_INFO_EXIT, &r), 33);
	ck_assert_int_eq(i.exit.rval, -9);
	ck_assert_uint_eq(i.exit.is_error, 1);
	r.ax = -5000UL;         /* not an errno: a value */
	ptrace_fill_syscall_info(&i, PTRACE_SYSCALL_INFO_EXIT, &r);
	ck_assert_uint_eq(i.exit.is_error, 0);
	ck_assert_uint_eq(ptrace_fill_syscall_info(&i, PTRACE_SYSCALL_INFO_NONE, &r), 24);
	ck_assert_uint_eq(i.instruction_pointer, 0x401000);
}
END_TEST

START_TEST(xstate_sw_bytes_hold_xcr0)
{
	unsigned char x[1024];

	memset(x, 0xaa, sizeof(x));
	ptrace_xstate_sw_bytes(x, 0xe7);
	ck_assert_uint_eq(*(u64 *)(x + 464), 0xe7);
	for (int i = 472; i < 512; i++)
		ck_assert_uint_eq(x[i], 0);
	ck_assert_uint_eq(x[463], 0xaa);
	ck_assert_uint_eq(x[512], 0xaa);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ptrace");
	TCase *tc = tcase_create("layouts");

	tcase_add_test(tc, user_area_is_linux);
	tcase_add_test(tc, peek_user_reads_regs_debugregs_and_zero);
	tcase_add_test(tc, poke_user_checks_as_linux);
	tcase_add_test(tc, setregs_stops_at_first_refused);
	tcase_add_test(tc, stop_status_encodings);
	tcase_add_test(tc, syscall_info_layout_and_sizes);
	tcase_add_test(tc, xstate_sw_bytes_hold_xcr0);
	suite_add_tcase(s, tc);
	return check_run(s, CK_FORK_GETENV);
}

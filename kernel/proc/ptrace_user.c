/*
 * ptrace's pure layouts, as Linux's arch/x86/kernel/ptrace.c has them:
 * struct user offsets for PEEKUSER/POKEUSER (the registers, then
 * u_debugreg), what a tracer may write into each register, the
 * PTRACE_GET_SYSCALL_INFO record and the XSAVE software bytes. No host
 * call, no allocation: unit-tested (tests/unit/test_ptrace.c).
 */
#include <glass/kernel.h>
#include <glass/layout.h>
#include <glass/ptrace_task.h>

#define X86_EFLAGS_TF 0x100UL
/* The flags a tracer may change (Linux's FLAG_MASK): CF PF AF ZF SF TF
 * DF OF NT RF AC. */
#define FLAG_MASK 0x54dd5UL
/* Linux's TASK_SIZE_MAX for 4-level paging: no base or breakpoint at or
 * above it. */
#define TASK_SIZE_MAX 0x7ffffffff000UL

#define REG_OFF(r) offsetof(struct pt_regs, r)

/* A segment selector user mode could load: null or RPL 3. */
static bool valid_selector(unsigned long v)
{
	return v < 0x10000 && (!v || (v & 3) == 3);
}

/* Write the register at user-area offset off (8-aligned, within the
 * registers); -EIO for a value Linux refuses. */
int ptrace_putreg(struct pt_regs *regs, unsigned long off, unsigned long val)
{
	u64 *slot = (u64 *)((char *)regs + off);

	switch (off) {
	case REG_OFF(cs):
	case REG_OFF(ss):
		if (!val || !valid_selector(val))
			return -EIO;
		break;
	case REG_OFF(ds):
	case REG_OFF(es):
	case REG_OFF(fs):
	case REG_OFF(gs):
		if (!valid_selector(val))
			return -EIO;
		break;
	case REG_OFF(flags):
		val = (regs->flags & ~FLAG_MASK) | (val & FLAG_MASK);
		break;
	case REG_OFF(fs_base):
	case REG_OFF(gs_base):
		if (val >= TASK_SIZE_MAX)
			return -EIO;
		break;
	}
	*slot = val;
	return 0;
}

/* SETREGS: every register through putreg, in order, stopping at the first
 * refused (the earlier ones stay written, as Linux's regset copy does). */
int ptrace_setregs(struct pt_regs *regs, const struct pt_regs *new)
{
	for (unsigned long off = 0; off < sizeof(*regs); off += 8) {
		int err = ptrace_putreg(regs, off, *(const u64 *)((const char *)new + off));
		if (err)
			return err;
	}
	return 0;
}

static bool debugreg_off(unsigned long off)
{
	return off >= USER_DEBUGREG_OFFSET && off < USER_DEBUGREG_OFFSET + 8 * 8;
}

/* PEEKUSER: a register, a debug register, or 0 elsewhere in struct user;
 * -EIO off the end or unaligned. */
int ptrace_peek_user(const struct pt_regs *regs, const unsigned long *debugreg,
		     unsigned long off, unsigned long *val)
{
	if ((off & 7) || off >= USER_SIZE)
		return -EIO;
	*val = 0;
	if (off < USER_REGS_SIZE)
		*val = *(const u64 *)((const char *)regs + off);
	else if (debugreg_off(off))
		*val = debugreg[(off - USER_DEBUGREG_OFFSET) / 8];
	return 0;
}

/* DR7: each enabled slot's type (R/W bits) must not be I/O (10b), and an
 * execute breakpoint (00b) must have length 00b, as hw_breakpoint checks. */
static int check_dr7(unsigned long dr7)
{
	for (int i = 0; i < 4; i++) {
		unsigned long rw = (dr7 >> (16 + 4 * i)) & 3, len = (dr7 >> (18 + 4 * i)) & 3;

		if (!(dr7 & (3UL << (2 * i))))
			continue;
		if (rw == 2 || (rw == 0 && len))
			return -EINVAL;
	}
	return 0;
}

/* POKEUSER: a register (putreg's checks) or a debug register, which is
 * stored (Glass cannot arm it) with Linux's checks: DR4/DR5 -EIO, an
 * address beyond user space or a bad DR7 -EINVAL. Elsewhere -EIO. */
int ptrace_poke_user(struct pt_regs *regs, unsigned long *debugreg,
		     unsigned long off, unsigned long val)
{
	int n;

	if ((off & 7) || off >= USER_SIZE)
		return -EIO;
	if (off < USER_REGS_SIZE)
		return ptrace_putreg(regs, off, val);
	if (!debugreg_off(off))
		return -EIO;
	n = (off - USER_DEBUGREG_OFFSET) / 8;
	if (n == 4 || n == 5)
		return -EIO;
	if (n < 4 && val >= TASK_SIZE_MAX)
		return -EINVAL;
	if (n == 7 && check_dr7(val))
		return -EINVAL;
	debugreg[n] = val;
	return 0;
}

unsigned long ptrace_fill_syscall_info(struct ptrace_syscall_info *info, int op,
				       const struct pt_regs *regs)
{
	memset(info, 0, sizeof(*info));
	info->op = op;
	info->arch = AUDIT_ARCH_X86_64;
	info->instruction_pointer = regs->ip;
	info->stack_pointer = regs->sp;
	switch (op) {
	case PTRACE_SYSCALL_INFO_ENTRY:
		info->entry.nr = regs->orig_ax;
		info->entry.args[0] = regs->di;
		info->entry.args[1] = regs->si;
		info->entry.args[2] = regs->dx;
		info->entry.args[3] = regs->r10;
		info->entry.args[4] = regs->r8;
		info->entry.args[5] = regs->r9;
		return offsetof(struct ptrace_syscall_info, entry.args) + sizeof(info->entry.args);
	case PTRACE_SYSCALL_INFO_EXIT:
		info->exit.rval = (s64)regs->ax;
		info->exit.is_error = (s64)regs->ax < 0 && (s64)regs->ax >= -4095;
		return offsetof(struct ptrace_syscall_info, exit.is_error) + 1;
	}
	return offsetof(struct ptrace_syscall_info, entry);
}

/* Bytes 464..511 of the FXSAVE area (sw_reserved) as ptrace shows them:
 * XCR0 in the first word, which gdb reads to know the registers there
 * (not the signal frame's fpx_sw_bytes). */
void ptrace_xstate_sw_bytes(void *xsave, u64 xfeatures)
{
	u64 *sw = (u64 *)((char *)xsave + USER_XSTATE_SW_OFFSET);

	memset(sw, 0, USER_XSTATE_SW_SIZE);
	sw[0] = xfeatures;
}

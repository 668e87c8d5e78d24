/*
 * The trap's registers in gdb's layout (struct gdb_regs, gdbstub/), as
 * kgdb's pt_regs_to_gdb_regs and gdb_regs_to_pt_regs: kernel/os hands
 * them over by name (struct os_regs); gdb's order, its form of the x87
 * tag and pointers, and which registers it may write are decided here.
 * Monitor thread, or the CPU thread, while the CPU is parked in a trap
 * or a fault.
 */
#include <glass/debug.h>
#include <glass/monitor.h>

/* gdb's rax rbx rcx rdx rsi rdi rbp rsp r8-r15, in struct os_regs. */
static const u8 gpr_off[16] = {
	offsetof(struct os_regs, rax), offsetof(struct os_regs, rbx),
	offsetof(struct os_regs, rcx), offsetof(struct os_regs, rdx),
	offsetof(struct os_regs, rsi), offsetof(struct os_regs, rdi),
	offsetof(struct os_regs, rbp), offsetof(struct os_regs, rsp),
	offsetof(struct os_regs, r8), offsetof(struct os_regs, r9),
	offsetof(struct os_regs, r10), offsetof(struct os_regs, r11),
	offsetof(struct os_regs, r12), offsetof(struct os_regs, r13),
	offsetof(struct os_regs, r14), offsetof(struct os_regs, r15),
};

static __monitor_text u64 *gpr(struct os_regs *o, int i)
{
	return (u64 *)((char *)o + gpr_off[i]);
}

static __monitor_text void os_regs_to_gdb_regs(struct gdb_regs *r, struct os_regs *o)
{
	*r = (struct gdb_regs){ .valid = GDB_REGS_ALL };
	for (int i = 0; i < 16; i++)
		r->gpr[i] = *gpr(o, i);
	r->rip = o->rip;
	r->eflags = o->eflags;
	r->seg[0] = o->cs;
	r->seg[1] = o->ss;
	r->seg[4] = o->fs;
	r->seg[5] = o->gs;
	r->fs_base = o->fs_base;
	if (!o->has_fp) {
		r->valid &= ~((GDB_REG_BIT(GDB_MXCSR + 1) - 1) & ~(GDB_REG_BIT(GDB_ST0) - 1));
		return;
	}
	for (int i = 0; i < 8; i++)
		for (int j = 0; j < 10; j++)
			r->st[i][j] = o->st[i][j];
	r->fpu[0] = o->fcw;
	r->fpu[1] = o->fsw;
	/* The abridged tag: 1 = in use; gdb's full tag 0 valid, 3 empty. */
	for (int i = 0; i < 8; i++)
		r->fpu[2] |= (o->ftw >> i & 1 ? 0U : 3U) << (2 * i);
	r->fpu[3] = (o->fip >> 32) & 0xffff;
	r->fpu[4] = (u32)o->fip;
	r->fpu[5] = (o->fdp >> 32) & 0xffff;
	r->fpu[6] = (u32)o->fdp;
	r->fpu[7] = o->fop;
	for (int i = 0; i < 16; i++)
		for (int j = 0; j < 16; j++)
			r->xmm[i][j] = o->xmm[i][j];
	r->mxcsr = o->mxcsr;
}

/* The registers r has valid that gdb may change: general ones, rip,
 * eflags, st, fctrl, fstat, xmm and mxcsr. */
static __monitor_text void gdb_regs_to_os_regs(struct os_regs *o, const struct gdb_regs *r)
{
	for (int i = 0; i < 16; i++)
		if (r->valid & GDB_REG_BIT(GDB_RAX + i))
			*gpr(o, i) = r->gpr[i];
	if (r->valid & GDB_REG_BIT(GDB_RIP))
		o->rip = r->rip;
	if (r->valid & GDB_REG_BIT(GDB_EFLAGS))
		o->eflags = r->eflags;
	for (int i = 0; i < 8; i++)
		if (r->valid & GDB_REG_BIT(GDB_ST0 + i))
			for (int j = 0; j < 10; j++)
				o->st[i][j] = r->st[i][j];
	if (r->valid & GDB_REG_BIT(GDB_FCTRL))
		o->fcw = r->fpu[0];
	if (r->valid & GDB_REG_BIT(GDB_FCTRL + 1))
		o->fsw = r->fpu[1];
	for (int i = 0; i < 16; i++)
		if (r->valid & GDB_REG_BIT(GDB_XMM0 + i))
			for (int j = 0; j < 16; j++)
				o->xmm[i][j] = r->xmm[i][j];
	if (r->valid & GDB_REG_BIT(GDB_MXCSR))
		o->mxcsr = r->mxcsr;
}

void __monitor_text trap_gdb_regs(struct gdb_regs *r)
{
	struct os_regs o;

	os_trap_get_regs(&o);
	os_regs_to_gdb_regs(r, &o);
}

void __monitor_text trap_set_gdb_regs(const struct gdb_regs *r)
{
	struct os_regs o;

	os_trap_get_regs(&o);
	gdb_regs_to_os_regs(&o, r);
	os_trap_set_regs(&o);
}

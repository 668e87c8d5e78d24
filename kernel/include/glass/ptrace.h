/* A guest thread's user-mode registers, in the host's user_regs_struct
 * layout (the stub data area carries it between kernel and stub). */
#ifndef GLASS_PTRACE_H
#define GLASS_PTRACE_H

#include <glass/types.h>

struct pt_regs {
	u64 r15, r14, r13, r12, bp, bx, r11, r10, r9, r8;
	u64 ax, cx, dx, si, di, orig_ax, ip, cs, flags, sp, ss;
	u64 fs_base, gs_base, ds, es, fs, gs;
};

/* Syscall arguments and return value. */
#define regs_syscall_nr(r) ((r)->orig_ax)
#define regs_return(r) ((r)->ax)

#endif

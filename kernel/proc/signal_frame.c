/*
 * The x86-64 signal frame: building Linux's rt_sigframe on the guest
 * stack for a handler, rt_sigreturn, sigaltstack, and the syscall
 * restart rules. Guests' libc trampolines (glibc's and musl's
 * __restore_rt, passed as SA_RESTORER) depend on this layout:
 *
 *   higher addresses   interrupted sp, then 128 bytes of red zone
 *                      XSAVE image (64-byte aligned) + FP_XSTATE_MAGIC2
 *                      struct rt_sigframe { pretcode; ucontext; siginfo }
 *   sp at handler ->   pretcode (sp + 8 is 16-byte aligned, as after a call)
 *
 * Task context on the CPU thread, for current only.
 */
#include <glass/mm.h>
#include <glass/os.h>
#include <glass/proc.h>
#include <glass/sched.h>
#include <glass/syscalls.h>

#define X86_EFLAGS_CF 0x00000001
#define X86_EFLAGS_PF 0x00000004
#define X86_EFLAGS_AF 0x00000010
#define X86_EFLAGS_ZF 0x00000040
#define X86_EFLAGS_SF 0x00000080
#define X86_EFLAGS_TF 0x00000100
#define X86_EFLAGS_DF 0x00000400
#define X86_EFLAGS_OF 0x00000800
#define X86_EFLAGS_RF 0x00010000
#define X86_EFLAGS_AC 0x00040000
/* The flags a signal frame may change (Linux's FIX_EFLAGS). */
#define FIX_EFLAGS (X86_EFLAGS_AC | X86_EFLAGS_OF | X86_EFLAGS_DF | X86_EFLAGS_TF | \
		    X86_EFLAGS_SF | X86_EFLAGS_ZF | X86_EFLAGS_AF | X86_EFLAGS_PF | \
		    X86_EFLAGS_CF | X86_EFLAGS_RF)
#define GUEST_USER_CS 0x33
#define GUEST_USER_DS 0x2b
#define RED_ZONE 128

/* Offsets in the XSAVE image. */
#define XSAVE_MXCSR 24
#define XSAVE_HDR 512
#define XSAVE_HDR_SIZE 64
#define XFEATURE_MASK_FPSSE 0x3ULL

BUILD_BUG_ON(sizeof(struct sigcontext_64) != 256);
BUILD_BUG_ON(sizeof(struct kernel_ucontext) != 304);
BUILD_BUG_ON(sizeof(kernel_siginfo_t) != 128);
BUILD_BUG_ON(sizeof(struct rt_sigframe) != 440);
BUILD_BUG_ON(sizeof(struct fpx_sw_bytes) != 48);

/* ---- syscall restart ---- */

/*
 * What happens to a syscall that returned one of the kernel-internal
 * restart codes, given whether a handler is about to run (and its
 * flags). Linux's table:
 *   -ERESTARTNOINTR         always restart
 *   -ERESTARTSYS            restart, unless a handler without SA_RESTART runs: EINTR
 *   -ERESTARTNOHAND         restart if no handler runs, else EINTR
 *   -ERESTART_RESTARTBLOCK  like NOHAND, but restart through restart_syscall
 */
enum restart_action syscall_restart_action(long ret, bool handler, unsigned long sa_flags)
{
	switch (ret) {
	case -ERESTART_RESTARTBLOCK:
		return handler ? RESTART_EINTR : RESTART_BLOCK;
	case -ERESTARTNOHAND:
		return handler ? RESTART_EINTR : RESTART_SYSCALL;
	case -ERESTARTSYS:
		return handler && !(sa_flags & SA_RESTART) ? RESTART_EINTR : RESTART_SYSCALL;
	case -ERESTARTNOINTR:
		return RESTART_SYSCALL;
	}
	return RESTART_NONE;
}

/* rip points past the 2-byte `syscall`: back up to run it again. */
void syscall_restart(struct pt_regs *regs, bool handler, unsigned long sa_flags)
{
	switch (syscall_restart_action((long)regs->ax, handler, sa_flags)) {
	case RESTART_NONE:
		break;
	case RESTART_EINTR:
		regs->ax = -EINTR;
		break;
	case RESTART_SYSCALL:
		regs->ax = regs->orig_ax;
		regs->ip -= 2;
		break;
	case RESTART_BLOCK:
		regs->ax = __NR_restart_syscall;
		regs->ip -= 2;
		break;
	}
}

/* ---- the alternate signal stack ---- */

static bool __on_sig_stack(unsigned long sp)
{
	return sp > current->sas_ss_sp && sp - current->sas_ss_sp <= current->sas_ss_size;
}

bool on_sig_stack(unsigned long sp)
{
	/* With SS_AUTODISARM the stack is disarmed while in use. */
	if (current->sas_ss_flags & SS_AUTODISARM)
		return false;
	return __on_sig_stack(sp);
}

int sas_ss_flags(unsigned long sp)
{
	if (!current->sas_ss_size)
		return SS_DISABLE;
	return on_sig_stack(sp) ? SS_ONSTACK : 0;
}

static int do_sigaltstack(const struct kernel_stack *ss, struct kernel_stack *oss,
			  unsigned long sp)
{
	struct task_struct *t = current;

	if (oss) {
		memset(oss, 0, sizeof(*oss));
		oss->ss_sp = (void __user *)t->sas_ss_sp;
		oss->ss_size = t->sas_ss_size;
		oss->ss_flags = sas_ss_flags(sp) | t->sas_ss_flags;
	}
	if (ss) {
		unsigned long ss_sp = (unsigned long)ss->ss_sp;
		unsigned long ss_size = ss->ss_size;
		unsigned int ss_flags = ss->ss_flags;
		unsigned int ss_mode = ss_flags & ~SS_FLAG_BITS;

		if (on_sig_stack(sp))
			return -EPERM;
		if (ss_mode != SS_DISABLE && ss_mode != SS_ONSTACK && ss_mode != 0)
			return -EINVAL;
		if (ss_mode == SS_DISABLE) {
			ss_size = 0;
			ss_sp = 0;
		} else if (ss_size < MINSIGSTKSZ) {
			return -ENOMEM;
		}
		t->sas_ss_sp = ss_sp;
		t->sas_ss_size = ss_size;
		t->sas_ss_flags = ss_flags & SS_FLAG_BITS;
	}
	return 0;
}

SYSCALL_DEFINE2(sigaltstack, const struct kernel_stack __user *, uss,
		struct kernel_stack __user *, uoss)
{
	struct kernel_stack new, old;
	int err;

	if (uss && copy_from_user(&new, uss, sizeof(new)))
		return -EFAULT;
	err = do_sigaltstack(uss ? &new : NULL, uoss ? &old : NULL, current->regs.sp);
	if (!err && uoss && copy_to_user(uoss, &old, sizeof(old)))
		err = -EFAULT;
	return err;
}

/* ---- FP state ---- */

/* x87 and SSE in their reset configuration, as a new handler gets. */
static void fpstate_init(void *buf, unsigned long size)
{
	memset(buf, 0, size);
	*(u16 *)buf = 0x37f;                            /* fcw */
	*(u32 *)((char *)buf + XSAVE_MXCSR) = 0x1f80;
	*(u32 *)((char *)buf + XSAVE_MXCSR + 4) = 0xffff;  /* mxcsr_mask */
	if (size > XSAVE_HDR)
		*(u64 *)((char *)buf + XSAVE_HDR) = XFEATURE_MASK_FPSSE;
}

/* current->fpstate is about to be rewritten: keep another thread's live
 * registers, and have the entry path load ours before the next run. */
static void fpstate_will_change(void)
{
	struct mm_struct *mm = current->mm;

	if (mm->host.regs_owner && mm->host.regs_owner != current)
		save_fpstate(mm);
	mm->host.regs_owner = NULL;
}

/* current->fpstate, allocated and holding current's FP registers. */
static void *current_fpstate(unsigned long size)
{
	if (current->mm)
		save_fpstate(current->mm);
	if (!current->fpstate) {
		current->fpstate = kzalloc(size, GFP_KERNEL);
		if (!current->fpstate)
			return NULL;
		current->fpstate_valid = false;
	}
	if (!current->fpstate_valid) {
		/* Never ran with FP state of its own: the reset state. */
		fpstate_init(current->fpstate, size);
		current->fpstate_valid = true;
	}
	return current->fpstate;
}

/* The user features the host supports, learnt from the software bytes
 * ptrace leaves in the images it returns; x87 and SSE until then. */
static u64 host_xfeatures = XFEATURE_MASK_FPSSE;

static u64 user_xfeatures(const void *image, unsigned long size)
{
	const struct fpx_sw_bytes *sw = (const void *)((const char *)image + FPX_SW_BYTES_OFFSET);

	if (sw->magic1 == FP_XSTATE_MAGIC1 && sw->xfeatures)
		host_xfeatures = sw->xfeatures | XFEATURE_MASK_FPSSE;
	if (size > XSAVE_HDR)
		host_xfeatures |= *(const u64 *)((const char *)image + XSAVE_HDR);
	return host_xfeatures;
}

/* Copy current's FP registers to the frame's XSAVE area at buf. */
static int save_fpstate_to_frame(unsigned long buf, unsigned long size)
{
	struct fpx_sw_bytes sw = { 0 };
	void *image = current_fpstate(size);
	u32 magic2 = FP_XSTATE_MAGIC2;

	if (!image)
		return -ENOMEM;
	sw.magic1 = FP_XSTATE_MAGIC1;
	sw.extended_size = size + FP_XSTATE_MAGIC2_SIZE;
	sw.xfeatures = user_xfeatures(image, size);
	sw.xstate_size = size;
	if (copy_to_user((void __user *)buf, image, size) ||
	    copy_to_user((void __user *)(buf + FPX_SW_BYTES_OFFSET), &sw, sizeof(sw)) ||
	    copy_to_user((void __user *)(buf + size), &magic2, sizeof(magic2)))
		return -EFAULT;
	return 0;
}

/*
 * Load FP state from a frame's XSAVE area (0: the reset state). An image
 * without valid software bytes restores only the legacy x87/SSE part, as
 * Linux does; the header and MXCSR are sanitized so the host accepts them.
 */
static int restore_fpstate_from_frame(unsigned long ubuf)
{
	unsigned long size = os_xstate_size();
	void *buf = kmalloc(size, GFP_KERNEL);
	struct fpx_sw_bytes *sw;
	bool fx_only = true;
	u64 features;
	u32 magic2;

	if (!buf)
		return -ENOMEM;
	if (!ubuf) {
		fpstate_init(buf, size);
		goto install;
	}
	if (copy_from_user(buf, (void __user *)ubuf, size)) {
		kfree(buf);
		return -EFAULT;
	}
	features = host_xfeatures;
	sw = (void *)((char *)buf + FPX_SW_BYTES_OFFSET);
	if (sw->magic1 == FP_XSTATE_MAGIC1 && sw->xstate_size == size &&
	    sw->extended_size == size + FP_XSTATE_MAGIC2_SIZE &&
	    !get_user(magic2, (u32 __user *)(ubuf + size)) && magic2 == FP_XSTATE_MAGIC2)
		fx_only = false;
	*(u32 *)((char *)buf + XSAVE_MXCSR) &= 0xffff;
	if (size > XSAVE_HDR) {
		u64 *hdr = (u64 *)((char *)buf + XSAVE_HDR);
		u64 bv = fx_only ? XFEATURE_MASK_FPSSE : hdr[0] & features;

		memset(hdr, 0, XSAVE_HDR_SIZE);         /* xcomp_bv 0: standard form */
		hdr[0] = bv;
		if (fx_only)
			memset((char *)buf + XSAVE_HDR + XSAVE_HDR_SIZE, 0,
			       size - XSAVE_HDR - XSAVE_HDR_SIZE);
	}
install:
	fpstate_will_change();
	kfree(current->fpstate);
	current->fpstate = buf;
	current->fpstate_valid = true;
	return 0;
}

/* ---- the frame ---- */

/*
 * Where the frame goes: below the red zone, or at the top of the
 * altstack for SA_ONSTACK when not already on it. *fpstate gets the
 * XSAVE area's address. -1 when an altstack frame would not fit.
 */
static unsigned long get_sigframe(struct k_sigaction *ka, struct pt_regs *regs,
				  unsigned long xsize, unsigned long *fpstate)
{
	unsigned long sp = regs->sp - RED_ZONE;
	bool nested = on_sig_stack(regs->sp), entering = false;

	if ((ka->flags & SA_ONSTACK) && sas_ss_flags(sp) == 0) {
		sp = current->sas_ss_sp + current->sas_ss_size;
		entering = true;
	}
	sp = ALIGN_DOWN(sp - (xsize + FP_XSTATE_MAGIC2_SIZE), 64);
	*fpstate = sp;
	sp -= sizeof(struct rt_sigframe);
	sp = ALIGN_DOWN(sp, 16) - 8;
	if ((nested || entering) && !__on_sig_stack(sp))
		return -1UL;
	return sp;
}

static void fill_sigcontext(struct sigcontext_64 *sc, struct pt_regs *regs,
			    int sig, kernel_siginfo_t *info, const sigset_t *mask,
			    unsigned long fpstate)
{
	sc->r8 = regs->r8;
	sc->r9 = regs->r9;
	sc->r10 = regs->r10;
	sc->r11 = regs->r11;
	sc->r12 = regs->r12;
	sc->r13 = regs->r13;
	sc->r14 = regs->r14;
	sc->r15 = regs->r15;
	sc->di = regs->di;
	sc->si = regs->si;
	sc->bp = regs->bp;
	sc->bx = regs->bx;
	sc->dx = regs->dx;
	sc->ax = regs->ax;
	sc->cx = regs->cx;
	sc->sp = regs->sp;
	sc->ip = regs->ip;
	sc->flags = regs->flags;
	sc->cs = GUEST_USER_CS;
	sc->ss = GUEST_USER_DS;
	sc->oldmask = mask->sig;
	sc->fpstate = fpstate;
	/* What the trap told us about a fault: the address, and a page
	 * fault's trap number and error code (user, protection bit). */
	if ((sig == SIGSEGV || sig == SIGBUS) && info->si_code > 0) {
		sc->cr2 = (unsigned long)info->fault.addr;
		sc->trapno = 14;
		sc->err = 4 | (info->si_code == SEGV_ACCERR ? 1 : 0);
	} else if (sig == SIGSEGV && info->si_code == SI_KERNEL) {
		sc->trapno = 13;
	}
}

int setup_rt_frame(int sig, kernel_siginfo_t *info, struct k_sigaction *ka,
		   const sigset_t *oldset, struct pt_regs *regs)
{
	unsigned long xsize = os_xstate_size(), fpstate, sp;
	struct rt_sigframe frame;
	void *reset;

	/* x86-64 has no kernel trampoline: libc always passes one. */
	if (!(ka->flags & SA_RESTORER))
		return -EFAULT;
	sp = get_sigframe(ka, regs, xsize, &fpstate);
	if (sp == -1UL)
		return -EFAULT;
	if (save_fpstate_to_frame(fpstate, xsize))
		return -EFAULT;

	memset(&frame, 0, sizeof(frame));
	frame.pretcode = (u64)ka->restorer;
	frame.uc.uc_flags = UC_FP_XSTATE | UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS;
	frame.uc.uc_link = 0;
	frame.uc.uc_stack.ss_sp = (void __user *)current->sas_ss_sp;
	frame.uc.uc_stack.ss_flags = current->sas_ss_flags;
	frame.uc.uc_stack.ss_size = current->sas_ss_size;
	fill_sigcontext(&frame.uc.uc_mcontext, regs, sig, info, oldset, fpstate);
	frame.uc.uc_sigmask = *oldset;
	if (ka->flags & SA_SIGINFO)
		frame.info = *info;
	if (copy_to_user((void __user *)sp, &frame, sizeof(frame)))
		return -EFAULT;
	if (current->sas_ss_flags & SS_AUTODISARM) {
		current->sas_ss_sp = 0;
		current->sas_ss_size = 0;
		current->sas_ss_flags = 0;
	}

	regs->di = sig;
	regs->si = sp + offsetof(struct rt_sigframe, info);
	regs->dx = sp + offsetof(struct rt_sigframe, uc);
	regs->ax = 0;
	regs->sp = sp;
	regs->ip = (unsigned long)ka->handler;
	regs->cs = GUEST_USER_CS;
	regs->ss = GUEST_USER_DS;
	regs->flags &= ~(X86_EFLAGS_DF | X86_EFLAGS_RF | X86_EFLAGS_TF);

	/* The handler starts with clean FP state, as on Linux. */
	reset = kmalloc(xsize, GFP_KERNEL);
	if (reset) {
		fpstate_init(reset, xsize);
		fpstate_will_change();
		kfree(current->fpstate);
		current->fpstate = reset;
		current->fpstate_valid = true;
	}
	return 0;
}

static void restore_sigcontext(struct pt_regs *regs, const struct sigcontext_64 *sc)
{
	regs->r8 = sc->r8;
	regs->r9 = sc->r9;
	regs->r10 = sc->r10;
	regs->r11 = sc->r11;
	regs->r12 = sc->r12;
	regs->r13 = sc->r13;
	regs->r14 = sc->r14;
	regs->r15 = sc->r15;
	regs->di = sc->di;
	regs->si = sc->si;
	regs->bp = sc->bp;
	regs->bx = sc->bx;
	regs->dx = sc->dx;
	regs->ax = sc->ax;
	regs->cx = sc->cx;
	regs->sp = sc->sp;
	regs->ip = sc->ip;
	regs->flags = (regs->flags & ~FIX_EFLAGS) | (sc->flags & FIX_EFLAGS);
	/* Only 64-bit user segments exist here; fs_base stays as it is. */
	regs->cs = GUEST_USER_CS;
	regs->ss = GUEST_USER_DS;
	/* No syscall restart after a sigreturn. */
	regs->orig_ax = -1;
}

/*
 * The handler returned into its trampoline, which made this call with sp
 * just above pretcode. Everything comes back from the frame; a frame
 * that cannot be read is a SIGSEGV, as on Linux.
 */
SYSCALL_DEFINE0(rt_sigreturn)
{
	struct pt_regs *regs = &current->regs;
	unsigned long uframe = regs->sp - sizeof(u64);
	struct kernel_ucontext uc;
	sigset_t set;
	int err;

	if (copy_from_user(&uc, (void __user *)(uframe + offsetof(struct rt_sigframe, uc)),
			   sizeof(uc)))
		goto badframe;
	set = uc.uc_sigmask;
	set_current_blocked(&set);
	err = restore_fpstate_from_frame(uc.uc_mcontext.fpstate);
	if (err == -EFAULT)
		goto badframe;
	restore_sigcontext(regs, &uc.uc_mcontext);
	/* Errors other than a fault are ignored, as Linux's restore_altstack. */
	do_sigaltstack(&uc.uc_stack, NULL, regs->sp);
	current->restart_block.fn = do_no_restart_syscall;
	current->regs_replaced = true;
	return regs->ax;

badframe:
	pr_info("%s[%d] bad frame in rt_sigreturn frame:%#lx ip:%#llx sp:%#llx\n",
		current->comm, current->pid, uframe, (unsigned long long)regs->ip,
		(unsigned long long)regs->sp);
	force_sig(SIGSEGV);
	return 0;
}

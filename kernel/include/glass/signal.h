/* Signals: Linux x86-64 numbers, sigaction layout and siginfo. */
#ifndef GLASS_SIGNAL_H
#define GLASS_SIGNAL_H

#include <glass/types.h>
#include <glass/list.h>
#include <glass/resource.h>
#include <glass/wait.h>

#include <uapi/signal.h>

/* si_code values */
#define SI_USER 0
#define SI_KERNEL 0x80
#define SI_QUEUE (-1)
#define SI_TIMER (-2)
#define SI_TKILL (-6)
#define SEGV_MAPERR 1
#define SEGV_ACCERR 2
#define BUS_ADRERR 2
#define CLD_EXITED 1
#define CLD_KILLED 2
#define CLD_DUMPED 3
#define CLD_TRAPPED 4
#define CLD_STOPPED 5
#define CLD_CONTINUED 6

typedef struct {
	unsigned long sig;      /* bit (n - 1) for signal n */
} sigset_t;

#define sigmask(sig) (1UL << ((sig) - 1))
static inline void sigaddset(sigset_t *s, int sig) { s->sig |= sigmask(sig); }
static inline void sigdelset(sigset_t *s, int sig) { s->sig &= ~sigmask(sig); }
static inline bool sigismember(const sigset_t *s, int sig)
{
	return s->sig & sigmask(sig);
}

/* struct sigaction as rt_sigaction(2) passes it on x86-64. */
struct k_sigaction {
	void __user *handler;
	unsigned long flags;
	void __user *restorer;
	sigset_t mask;
};

/* Linux's siginfo_t: 128 bytes. */
typedef struct {
	int si_signo;
	int si_errno;
	int si_code;
	int _pad0;
	union {
		struct { int pid; unsigned int uid; } kill;
		struct { int pid; unsigned int uid; int status; int _p; long utime, stime; } chld;
		struct { void __user *addr; } fault;
		struct { int tid; int overrun; long value; } timer;
		char _pad[112];
	};
} kernel_siginfo_t;

struct sigqueue {
	struct list_head list;
	kernel_siginfo_t info;
};

struct sigpending {
	struct list_head list;
	sigset_t signal;
};

struct sighand_struct {
	int count;
	struct k_sigaction action[_NSIG];
};

struct tty_struct;

/* Shared by the threads of one process. */
struct signal_struct {
	int count;                      /* references (threads and zombie) */
	int live;                       /* threads not yet exited */
	struct sigpending shared_pending;
	int group_exit_code;
	unsigned int flags;
	struct task_struct *group_exit_task;
	int group_stop_count;
	pid_t pgrp;
	pid_t session;
	struct tty_struct *tty;         /* controlling terminal */
	wait_queue_head_t wait_chldexit;
	u64 itimer_real_interval_ns;
	struct timer_list *real_timer;
	/* ITIMER_VIRTUAL and ITIMER_PROF, on the process's CPU time counted
	 * since it began (user; user and system): where each fires next (0:
	 * disarmed) and its interval. kernel/proc/itimer.c. */
	u64 cpu_user_ns, cpu_prof_ns;
	u64 it_virt_expires, it_virt_incr, it_prof_expires, it_prof_incr;
	u64 utime_ns, stime_ns;         /* of exited threads */
	u64 cutime_ns, cstime_ns;       /* of reaped children */
	struct rlimit64 rlim[RLIM_NLIMITS];     /* inherited by fork and exec */
	/* exec is killing the other threads: they exit alone (de_thread) */
	struct task_struct *group_exec_task;
	bool is_child_subreaper;        /* prctl(PR_SET_CHILD_SUBREAPER) */
};
#define SIGNAL_GROUP_EXIT 0x1
#define SIGNAL_STOPPED 0x2
#define SIGNAL_CLD_STOPPED 0x4
#define SIGNAL_CLD_CONTINUED 0x8

#define SIGNAL_UNKILLABLE 0x10     /* init: default actions do not apply */

/* Per-thread job control state (task_struct.jobctl). */
#define JOBCTL_STOP_PENDING 0x1    /* must stop for the group stop under way */

/* More si_code values. */
#define SI_MESGQ (-3)
#define SI_ASYNCIO (-4)
#define SI_SIGIO (-5)

/* sigaltstack(2) */
#define SS_ONSTACK 1
#define SS_DISABLE 2
#define SS_AUTODISARM (1U << 31)
#define SS_FLAG_BITS SS_AUTODISARM
#define MINSIGSTKSZ 2048

/* rt_sigaction flags Linux keeps (others are cleared so user space can
 * detect what is unsupported). */
#define SA_UNSUPPORTED 0x00000400
#define SA_EXPOSE_TAGBITS 0x00000800
#define UAPI_SA_FLAGS (SA_NOCLDSTOP | SA_NOCLDWAIT | SA_SIGINFO | SA_ONSTACK | \
		       SA_RESTART | SA_NODEFER | SA_RESETHAND | SA_EXPOSE_TAGBITS | \
		       SA_RESTORER)

#define sig_kernel_only(sig) ((sig) == SIGKILL || (sig) == SIGSTOP)
#define SIG_KERNEL_STOP_MASK \
	(sigmask(SIGSTOP) | sigmask(SIGTSTP) | sigmask(SIGTTIN) | sigmask(SIGTTOU))
#define SIG_KERNEL_IGNORE_MASK \
	(sigmask(SIGCONT) | sigmask(SIGCHLD) | sigmask(SIGWINCH) | sigmask(SIGURG))
#define SIG_SYNCHRONOUS_MASK \
	(sigmask(SIGSEGV) | sigmask(SIGBUS) | sigmask(SIGILL) | sigmask(SIGTRAP) | \
	 sigmask(SIGFPE) | sigmask(SIGSYS))
#define sig_in_mask(sig, m) ((sig) < SIGRTMIN && (sigmask(sig) & (m)))
#define sig_kernel_stop(sig) sig_in_mask(sig, SIG_KERNEL_STOP_MASK)
#define sig_kernel_ignore(sig) sig_in_mask(sig, SIG_KERNEL_IGNORE_MASK)
#define valid_signal(sig) ((unsigned long)(sig) <= _NSIG)

static inline void sigemptyset(sigset_t *s) { s->sig = 0; }
static inline void sigfillset(sigset_t *s) { s->sig = ~0UL; }
static inline bool sigisemptyset(const sigset_t *s) { return !s->sig; }
static inline void sigorsets(sigset_t *r, const sigset_t *a, const sigset_t *b)
{
	r->sig = a->sig | b->sig;
}
static inline void sigandsets(sigset_t *r, const sigset_t *a, const sigset_t *b)
{
	r->sig = a->sig & b->sig;
}
static inline void sigandnsets(sigset_t *r, const sigset_t *a, const sigset_t *b)
{
	r->sig = a->sig & ~b->sig;
}
static inline void sigaddsetmask(sigset_t *s, unsigned long m) { s->sig |= m; }
static inline void sigdelsetmask(sigset_t *s, unsigned long m) { s->sig &= ~m; }

/* ---- the x86-64 signal frame, exactly as Linux lays it out ---- */

/* stack_t */
struct kernel_stack {
	void __user *ss_sp;
	int ss_flags;
	unsigned long ss_size;
};

/* struct sigcontext (uapi asm/sigcontext.h, 64-bit): glibc's gregs order. */
struct sigcontext_64 {
	u64 r8, r9, r10, r11, r12, r13, r14, r15;
	u64 di, si, bp, bx, dx, ax, cx, sp, ip, flags;
	u16 cs, gs, fs, ss;
	u64 err, trapno, oldmask, cr2;
	u64 fpstate;            /* user address of the XSAVE image, 0 if none */
	u64 reserved1[8];
};

#define UC_FP_XSTATE 0x1
#define UC_SIGCONTEXT_SS 0x2
#define UC_STRICT_RESTORE_SS 0x4

/* The kernel's struct ucontext (not glibc's larger ucontext_t). */
struct kernel_ucontext {
	unsigned long uc_flags;
	u64 uc_link;
	struct kernel_stack uc_stack;
	struct sigcontext_64 uc_mcontext;
	sigset_t uc_sigmask;    /* last, for extensibility */
};

struct rt_sigframe {
	u64 pretcode;           /* sa_restorer: the handler returns here */
	struct kernel_ucontext uc;
	kernel_siginfo_t info;
	/* the XSAVE image follows, 64-byte aligned, above the frame */
};

/* Software bytes at offset 464 of an XSAVE image on a signal frame. */
#define FP_XSTATE_MAGIC1 0x46505853U
#define FP_XSTATE_MAGIC2 0x46505845U
#define FP_XSTATE_MAGIC2_SIZE 4
struct fpx_sw_bytes {
	u32 magic1;
	u32 extended_size;      /* xstate size + FP_XSTATE_MAGIC2_SIZE */
	u64 xfeatures;
	u32 xstate_size;
	u32 padding[7];
};
#define FPX_SW_BYTES_OFFSET 464

struct task_struct;
struct pt_regs;
struct restart_block;

/* signal.c */
int send_sig_info(int sig, kernel_siginfo_t *info, struct task_struct *t);
int send_sig(int sig, struct task_struct *t, int priv);
/* To a whole process (the shared queue of t's thread group). */
int group_send_sig_info(int sig, kernel_siginfo_t *info, struct task_struct *t);
/* To every process in a process group; -ESRCH if there is none. */
int kill_pgrp(pid_t pgrp, int sig, int priv);
/* kill(tgid, sig) with tid 0, else tgkill/tkill (tgid 0): as the syscalls. */
long kernel_kill(pid_t tgid, pid_t tid, int sig);
/* Deliver a fault signal to current (from the trap path). */
void force_sig_fault(int sig, int code, unsigned long addr);
void force_sig(int sig);
void force_sig_info(kernel_siginfo_t *info);
/* On the way back to user mode: deliver pending signals. */
void do_signal(void);
bool task_sigpending(struct task_struct *t);
/* Take the lowest pending signal not in mask off t's queues (private
 * first); its info in *info; 0 if none. */
int dequeue_signal(struct task_struct *t, const sigset_t *mask, kernel_siginfo_t *info);
void set_current_blocked(const sigset_t *set);
/* Undo rt_sigsuspend's temporary mask when no handler saved it. */
void restore_saved_sigmask(void);
/* Is the handler of sig SIG_IGN, or sig blocked, in current? */
bool sig_ignored_or_blocked(int sig);

/* jobctl.c */
/* No member of pgrp has a parent in another group of the same session. */
bool is_current_pgrp_orphaned(void);
/* A process (group leader) with signal->pgrp == pgrp exists in session? */
bool pgrp_in_session(pid_t pgrp, pid_t session);
/* Any live process in the session? */
bool session_alive(pid_t session);

/* signal_frame.c */
/* What a syscall's result becomes when a signal is handled (see there). */
enum restart_action { RESTART_NONE, RESTART_EINTR, RESTART_SYSCALL, RESTART_BLOCK };
enum restart_action syscall_restart_action(long ret, bool handler, unsigned long sa_flags);
/* Apply the restart decision to regs (orig_ax >= 0: after a syscall). */
void syscall_restart(struct pt_regs *regs, bool handler, unsigned long sa_flags);
/* Build the rt_sigframe and point regs at the handler; 0 or -EFAULT. */
int setup_rt_frame(int sig, kernel_siginfo_t *info, struct k_sigaction *ka,
		   const sigset_t *oldset, struct pt_regs *regs);
bool on_sig_stack(unsigned long sp);
int sas_ss_flags(unsigned long sp);
long do_no_restart_syscall(struct restart_block *rb);

#endif

/* ptrace(2): the tracer/tracee state a task carries (task_struct.pt),
 * the calls the rest of the kernel makes into kernel/proc/ptrace.c, and
 * the pure layouts of kernel/proc/ptrace_user.c. Kernel side only: host
 * code sees glass/ptrace.h (struct pt_regs) alone. */
#ifndef GLASS_PTRACE_TASK_H
#define GLASS_PTRACE_TASK_H

#include <glass/ptrace.h>
#include <glass/signal.h>
#include <uapi/ptrace.h>

struct task_struct;

/* task_struct.pt: a tracee's side of ptrace. The tracer keeps no list:
 * its tracees are the tasks whose pt.tracer it is (the task list is
 * small), so nothing needs initialising at fork. */
struct ptrace_task {
	struct task_struct *tracer;     /* NULL: not traced */
	unsigned int flags;             /* PT_* */
	unsigned int options;           /* PTRACE_O_* */
	int code;                       /* the stop's wait code, then the resume signal */
	unsigned long message;          /* PTRACE_GETEVENTMSG */
	kernel_siginfo_t *last_siginfo; /* the stop's siginfo; NULL in a group stop */
	u8 syscall_op;                  /* PTRACE_SYSCALL_INFO_* of this stop */
	unsigned long debugreg[8];      /* u_debugreg: stored, never armed */
};
#define PT_PTRACED 0x1
#define PT_SEIZED 0x2
#define PT_SYSCALL 0x4          /* resumed by PTRACE_SYSCALL */
#define PT_SINGLESTEP 0x8       /* resumed by PTRACE_SINGLESTEP: TF is ours */
#define PT_STOPPED 0x10         /* in a ptrace stop (TASK_TRACED) */
#define PT_REPORT 0x20          /* the stop is not yet reported to wait */
#define PT_LISTENING 0x40       /* PTRACE_LISTEN: stays stopped */
#define PT_TRAP_STOP 0x80       /* PTRACE_INTERRUPT or a seized child's first stop */

/* ptrace.c: the tracee's stops (current; each may sleep in TASK_TRACED). */
/* Before and after a syscall's handler; true from the entry: skip it. */
bool ptrace_report_syscall_entry(struct pt_regs *regs);
void ptrace_report_syscall_exit(struct pt_regs *regs);
/* A single step delivered a signal to a handler: stop at its start. */
void ptrace_step_into_handler(void);
/* A signal about to be delivered: the signal to deliver instead (0: none). */
int ptrace_signal(int sig, kernel_siginfo_t *info);
/* Group stop of a traced task, or a pending INTERRUPT: true if it stopped. */
bool ptrace_group_stop(int signr);
bool ptrace_trap_pending(void);
void ptrace_event(int event, unsigned long message);
/* A signal arrives at a tracee in PTRACE_LISTEN: it reports again. */
void ptrace_trap_notify(struct task_struct *t);
/* fork.c: child p of current, created with clone_flags; the event to report. */
int ptrace_init_child(struct task_struct *p, unsigned long clone_flags);
/* exec.c: after a successful exec (old_pid: the thread id before it). */
void ptrace_exec_notify(pid_t old_pid);
/* exit.c: current exits with code (PTRACE_EVENT_EXIT); and its tracees
 * are detached or killed (EXITKILL). */
void ptrace_exit_tracer(struct task_struct *tracer);
void ptrace_unlink(struct task_struct *t);
/* The tracer reaped (or left) zombie t: unlink it and tell its parent. */
void ptrace_release_zombie(struct task_struct *t);
/* exit.c: a traced thread (not a leader) exits, and its tracer's wait4
 * takes the report: the thread's pid (0: none), its status in *status. */
void ptrace_report_thread_exit(struct task_struct *t);
pid_t ptrace_take_exit_report(struct task_struct *tracer, pid_t pid, int *status, bool keep);
/* exit.c: a dead leader tells its tracer rather than its parent. */
bool ptrace_notify_tracer_exit(struct task_struct *t);

/*
 * One request, as from ptrace(2) by tracer: pointers in addr/data are
 * tracer's user pointers, or kernel pointers under set_fs(KERNEL_DS) (how
 * a host proxy forwards a request: see kernel/proc/README.md).
 */
long ptrace_request(struct task_struct *tracer, long request, pid_t pid,
		    unsigned long addr, unsigned long data);
/* Read or write len bytes of t's memory as a debugger does (a write to a
 * private read-only mapping breaks copy-on-write). Bytes done, or <0. */
long ptrace_access_vm(struct task_struct *t, unsigned long addr, void *buf,
		      unsigned long len, bool write);

/* ptrace_user.c: pure layouts and encodings (unit-tested). */
struct ptrace_syscall_info {
	u8 op;
	u8 pad[3];
	u32 arch;
	u64 instruction_pointer;
	u64 stack_pointer;
	union {
		struct { u64 nr; u64 args[6]; } entry;
		struct { s64 rval; u8 is_error; } exit;
	};
};
/* The wait status of a ptrace stop with code (sig | event << 8). */
static inline int ptrace_stop_status(int code)
{
	return (code << 8) | 0x7f;
}
int ptrace_putreg(struct pt_regs *regs, unsigned long off, unsigned long val);
int ptrace_setregs(struct pt_regs *regs, const struct pt_regs *new);
int ptrace_peek_user(const struct pt_regs *regs, const unsigned long *debugreg,
		     unsigned long off, unsigned long *val);
int ptrace_poke_user(struct pt_regs *regs, unsigned long *debugreg,
		     unsigned long off, unsigned long val);
/* Fill info for a stop of kind op; returns the size Linux reports. */
unsigned long ptrace_fill_syscall_info(struct ptrace_syscall_info *info, int op,
				       const struct pt_regs *regs);
/* The XSAVE image's software bytes gdb reads XCR0 from (NT_X86_XSTATE). */
void ptrace_xstate_sw_bytes(void *xsave, u64 xfeatures);

#endif

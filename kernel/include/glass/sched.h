/* Tasks and the scheduler. One CPU thread runs all kernel code, so
 * `current` is a plain global. */
#ifndef GLASS_SCHED_H
#define GLASS_SCHED_H

#include <glass/kernel.h>
#include <glass/ptrace_task.h>
#include <glass/signal.h>
#include <glass/uaccess.h>
#include <glass/wait.h>
#include <glass/timer.h>

#define TASK_RUNNING 0x0
#define TASK_INTERRUPTIBLE 0x1
#define TASK_UNINTERRUPTIBLE 0x2
#define TASK_STOPPED 0x4
#define TASK_TRACED 0x8         /* in a ptrace stop (kernel/proc/ptrace.c) */
#define EXIT_ZOMBIE 0x10
#define EXIT_DEAD 0x20
#define TASK_DEAD 0x80

#define PF_KTHREAD 0x1
#define PF_EXITING 0x2
#define PF_IDLE 0x4
#define PF_VFORK_DONE 0x8
#define PF_FORKNOEXEC 0x10
#define PF_KTHREAD_STOP 0x20    /* kthread_stop() asked it to end */

#define TASK_COMM_LEN 16

struct mm_struct;
struct files_struct;
struct fs_struct;

/* A parent waiting in vfork(), or kthread_stop() waiting for a kernel
 * thread's exit: done (and exit_code) are set when the task releases its
 * mm or exits. */
struct vfork_done {
	bool done;
	int exit_code;
	wait_queue_head_t wait;
};

struct thread_struct {
	unsigned long sp;       /* saved by switch_to */
};

struct restart_block {
	long (*fn)(struct restart_block *);
	u64 expires_ns;
	int clockid;
	unsigned long rmtp;
};

struct task_struct {
	volatile long state;
	unsigned int flags;
	pid_t pid;              /* thread id */
	pid_t tgid;             /* process id */
	char comm[TASK_COMM_LEN];
	const char *wchan;      /* what it sleeps on, for ps and gdb */
	struct mutex *blocked_on;       /* the lock it waits for */
	u64 last_switch_ns;             /* when it last left the CPU */
	bool hung_reported;             /* this sleep was reported hung */

	struct thread_struct thread;
	void *stack;            /* THREAD_SIZE bytes in the stack area */
	struct page *stack_page;
	int stack_slot;
	int (*kthread_fn)(void *);
	void *kthread_arg;

	struct list_head tasks;         /* all tasks */
	struct list_head run_list;      /* run queue, by vruntime */
	bool on_rq;
	bool need_resched;
	u64 vruntime;                   /* CPU time received, for fairness */
	u64 slice_end;                  /* vruntime at which its turn ends */
	u64 exec_start_ns;              /* when its running time was last charged */

	struct task_struct *real_parent;   /* wait4 reaps from here */
	struct task_struct *group_leader;
	struct list_head children;         /* processes (leaders) */
	struct list_head sibling;
	struct list_head thread_group;
	int exit_state;
	int exit_code;                     /* wait status */
	int exit_signal;                   /* to parent on exit, 0 for threads */
	struct vfork_done *vfork_done;     /* parent waiting in vfork() */

	struct mm_struct *mm;
	struct files_struct *files;
	struct fs_struct *fs;
	mm_segment_t addr_limit;

	/* guest state */
	struct pt_regs regs;
	void *fpstate;          /* xsave image; NULL until first needed */
	bool fpstate_valid;     /* fpstate holds the thread's FP registers */
	bool regs_replaced;     /* the syscall set regs itself (execve, sigreturn) */
	unsigned long __user *set_child_tid;
	unsigned long __user *clear_child_tid;
	struct restart_block restart_block;

	/* signals */
	struct sighand_struct *sighand;
	struct signal_struct *signal;
	sigset_t blocked;
	sigset_t real_blocked;  /* blocked before rt_sigtimedwait's sleep */
	sigset_t saved_sigmask;
	unsigned int jobctl;    /* JOBCTL_* (signal.h) */
	bool restore_sigmask;
	struct sigpending pending;
	struct ptrace_task pt;  /* traced: by whom, and the stop (glass/ptrace.h) */
	unsigned long sas_ss_sp;
	unsigned long sas_ss_size;
	int sas_ss_flags;

	/* accounting */
	u64 start_time_ns;
	u64 utime_ns, stime_ns;
	unsigned long nvcsw, nivcsw;
	unsigned long min_flt;

	/* kcov (coverage/kcov.c, KCOV=1): the trace its syscalls fill */
	struct kcov *kcov;

	/* the tracer (kernel/trace/) */
	u64 trace_sys_ns;               /* entry of the syscall traced; 0: none */
	u64 trace_sys_args[6];          /* its number and arguments, for the exit */
	unsigned int trace_sys_nr;
	unsigned int trace_follow;      /* selected as a child: the selection's generation */
};

extern struct task_struct *current;

/* current's soft limit of resource res (RLIMIT_*, glass/resource.h). */
static inline u64 rlimit(unsigned int res)
{
	return current->signal->rlim[res].rlim_cur;
}

extern struct task_struct init_task;     /* pid 0, idle */

/* Interrupt context: irq handlers run from the event loop and timer
 * callbacks from run_timers() nest inside irq_enter()/irq_exit(). A fault
 * there panics (kernel/diag/oops.c): it cannot blame the current task. */
extern int hardirq_depth;
/* inject oops-syscall PID (kernel/debug/inject.c): that task's next
 * syscall faults in kernel code, in task context. */
extern int inject_syscall_pid;
void inject_syscall_fault(void);
static inline bool in_interrupt(void)
{
	return hardirq_depth > 0;
}
extern struct list_head task_list;       /* every task */
extern int nr_tasks, max_tasks;

/* core.c */
void sched_init(void);
void wake_up_process(struct task_struct *t);
void wake_up_new_task(struct task_struct *p);
bool wake_up_state(struct task_struct *t, long state);
void set_current_state(long state);
void cond_resched(void);
/* Charge current the time since its last charge, as user (in its guest)
 * or kernel time; ends its turn when its slice is spent. */
void account_task_time(u64 now, bool user);
/* kernel/proc/itimer.c: send what expired of sig's ITIMER_VIRTUAL and
 * ITIMER_PROF to t's process. */
void itimer_cpu_fire(struct task_struct *t, struct signal_struct *sig);

/*
 * delta ns of t's CPU time (the guest's, or the kernel's) towards its
 * process's CPU-time itimers. Kernel time is charged in schedule() too,
 * where no signal may be sent: expiry is checked at a user-time charge,
 * after each run of the guest. Inline: it runs at every round trip.
 */
static inline void itimer_cpu_account(struct task_struct *t, u64 delta, bool user)
{
	struct signal_struct *sig = t->signal;

	if (!sig)
		return;
	sig->cpu_prof_ns += delta;
	if (!user)
		return;
	sig->cpu_user_ns += delta;
	if ((sig->it_virt_expires && sig->cpu_user_ns >= sig->it_virt_expires) ||
	    (sig->it_prof_expires && sig->cpu_prof_ns >= sig->it_prof_expires))
		itimer_cpu_fire(t, sig);
}
struct task_struct *find_task_by_pid(pid_t pid);
/* Idle: run the event loop until something is runnable. Never returns. */
__noreturn void cpu_idle(void);

/* Allocate a task with a kernel stack; fields zeroed but for the stack. */
struct task_struct *alloc_task(void);
void free_task(struct task_struct *t);
void free_task_unstarted(struct task_struct *t);
pid_t alloc_pid(void);

void schedule_tail(void);

/* kthread.c: Linux's interface; the create and run calls return an
 * ERR_PTR on failure and take a printf-style name. */
__printf(3, 4) struct task_struct *kthread_create(int (*fn)(void *), void *arg,
						  const char *namefmt, ...);
__printf(3, 4) struct task_struct *kthread_run(int (*fn)(void *), void *arg,
					       const char *namefmt, ...);
bool kthread_should_stop(void);
int kthread_stop(struct task_struct *k);

/* arch: switch_to.S */
void __switch_to(unsigned long *prev_sp, unsigned long next_sp);
/* Prepare a new task's stack so switching to it calls fn. */
void arch_setup_kthread(struct task_struct *t);
void ret_from_kthread(void);

/* proc/: the guest side of a task */
__noreturn void ret_to_user(void);     /* run the guest until it exits */
long kernel_execve(const char *path, const char *const argv[],
		   const char *const envp[]);
__noreturn void do_exit(int code);
__noreturn void do_group_exit(int code);

/* Always inlined: monitor text (ps, sysrq t) calls it, and an
 * instrumented build (coverage/README.md) would otherwise keep a copy
 * outside the monitor's section. */
static inline __attribute__((always_inline)) bool is_kthread(const struct task_struct *t)
{
	return t->flags & PF_KTHREAD;
}

#endif

/* Signals: Linux x86-64 numbers, sigaction layout and siginfo. */
#ifndef GLASS_SIGNAL_H
#define GLASS_SIGNAL_H

#include <glass/types.h>
#include <glass/list.h>
#include <glass/wait.h>

#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGUSR1 10
#define SIGSEGV 11
#define SIGUSR2 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGSTKFLT 16
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22
#define SIGURG 23
#define SIGXCPU 24
#define SIGXFSZ 25
#define SIGVTALRM 26
#define SIGPROF 27
#define SIGWINCH 28
#define SIGIO 29
#define SIGPWR 30
#define SIGSYS 31
#define SIGRTMIN 32
#define _NSIG 64

#define SA_NOCLDSTOP 0x00000001
#define SA_NOCLDWAIT 0x00000002
#define SA_SIGINFO 0x00000004
#define SA_RESTORER 0x04000000
#define SA_ONSTACK 0x08000000
#define SA_RESTART 0x10000000
#define SA_NODEFER 0x40000000
#define SA_RESETHAND 0x80000000

#define SIG_DFL ((void *)0)
#define SIG_IGN ((void *)1)

#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2

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
	u64 utime_ns, stime_ns;         /* of exited threads */
	u64 cutime_ns, cstime_ns;       /* of reaped children */
	unsigned long rlim_stack;
};
#define SIGNAL_GROUP_EXIT 0x1
#define SIGNAL_STOPPED 0x2
#define SIGNAL_CLD_STOPPED 0x4
#define SIGNAL_CLD_CONTINUED 0x8

struct task_struct;

/* signal.c */
int send_sig_info(int sig, kernel_siginfo_t *info, struct task_struct *t);
int send_sig(int sig, struct task_struct *t, int priv);
/* To every process in a process group. */
int kill_pgrp(pid_t pgrp, int sig, int priv);
/* Deliver a fault signal to current (from the trap path). */
void force_sig_fault(int sig, int code, unsigned long addr);
void force_sig(int sig);
/* On the way back to user mode: deliver pending signals. */
void do_signal(void);
bool task_sigpending(struct task_struct *t);

#endif

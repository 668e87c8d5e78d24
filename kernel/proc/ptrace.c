/*
 * ptrace(2) with Linux's semantics (kernel/ptrace.c, arch/x86/kernel/
 * ptrace.c): the tracee's stops (syscall entry/exit, signal delivery,
 * group stop, PTRACE_EVENT_*, INTERRUPT) and the tracer's requests.
 *
 * A stopped tracee sleeps in TASK_TRACED inside ptrace_stop() with
 * PT_STOPPED set; its registers are task->regs (saved at its last trap),
 * so the tracer reads and writes them there. PT_REPORT says wait4 has not
 * yet reported the stop. The tracer resumes it by clearing PT_STOPPED and
 * waking it, with the signal to deliver in pt.code.
 *
 * Everything runs on the CPU thread in task context: the tracee's side
 * as current, the tracer's side as ptrace_request(tracer, ...), which
 * touches only the tracee's saved state and memory, so a caller other
 * than the guest syscall (a host proxy's kernel task) can make it.
 */
#include <glass/mm.h>
#include <glass/os.h>
#include <glass/proc.h>
#include <glass/sched.h>
#include <glass/syscalls.h>
#include <glass/uapi_fs.h>
#include <uapi/sched.h>
#include "internal.h"

#define X86_EFLAGS_TF 0x100UL
#define TRAP_BRKPT 1
#define XFEATURE_MASK_FPSSE 3

static bool same_group(const struct task_struct *a, const struct task_struct *b)
{
	return a && b && a->tgid == b->tgid;
}

/* ---- the tracee's side (current) ---- */

/* SIGCHLD (CLD_TRAPPED) to the tracer and a wake-up of its wait4. */
static void notify_tracer(struct task_struct *t)
{
	struct task_struct *tracer = t->pt.tracer;
	kernel_siginfo_t info;

	if (!tracer->signal || !tracer->sighand)
		return;
	memset(&info, 0, sizeof(info));
	info.si_signo = SIGCHLD;
	info.si_code = CLD_TRAPPED;
	info.chld.pid = t->pid;
	info.chld.status = t->pt.code & 0x7f;
	if (!(tracer->sighand->action[SIGCHLD - 1].flags & SA_NOCLDSTOP))
		send_signal(SIGCHLD, &info, tracer, true, true);
	wake_up(&tracer->signal->wait_chldexit);
}

/*
 * Stop current for its tracer: wait reports (code << 8) | 0x7f; info is
 * what GETSIGINFO shows (NULL in a group stop: -EINVAL, as Linux). Sleeps
 * until the tracer resumes or detaches it, or SIGKILL. Returns the
 * signal the tracer resumed it with.
 */
static int ptrace_stop(int code, kernel_siginfo_t *info)
{
	struct ptrace_task *pt = &current->pt;

	if (!pt->tracer || sigkill_pending(current))
		return 0;
	pt->code = code;
	pt->last_siginfo = info;
	pt->flags |= PT_STOPPED | PT_REPORT;
	notify_tracer(current);
	while ((pt->flags & PT_STOPPED) && !sigkill_pending(current)) {
		current->wchan = "ptrace_stop";
		set_current_state(TASK_TRACED);
		schedule();
	}
	pt->flags &= ~(PT_STOPPED | PT_REPORT | PT_LISTENING);
	pt->last_siginfo = NULL;
	code = pt->code;
	pt->code = 0;
	return code;
}

/* A stop with a SIGTRAP siginfo whose si_code is code (syscall and event
 * stops); returns the resume signal. */
static int ptrace_notify(int code, unsigned long message)
{
	kernel_siginfo_t info;

	memset(&info, 0, sizeof(info));
	info.si_signo = SIGTRAP;
	info.si_code = code;
	info.kill.pid = current->tgid;
	current->pt.message = message;
	return ptrace_stop(code, &info);
}

void ptrace_event(int event, unsigned long message)
{
	if (current->pt.tracer && (current->pt.options & (1U << event)))
		ptrace_notify(SIGTRAP | (event << 8), message);
}

static void report_syscall(int op)
{
	struct ptrace_task *pt = &current->pt;
	int code = SIGTRAP, sig;

	if (pt->options & PTRACE_O_TRACESYSGOOD)
		code |= 0x80;
	pt->syscall_op = op;
	sig = ptrace_notify(code, op);
	pt->syscall_op = PTRACE_SYSCALL_INFO_NONE;
	/* A signal given at a syscall stop is sent, as Linux does. */
	if (sig)
		send_sig(sig, current, 1);
}

/* The tracer may change the number (orig_ax -1 skips the call, leaving
 * ax, -ENOSYS unless it set it) and the arguments. */
bool ptrace_report_syscall_entry(struct pt_regs *regs)
{
	regs->ax = -ENOSYS;
	report_syscall(PTRACE_SYSCALL_INFO_ENTRY);
	return (long)regs->orig_ax == -1 || sigkill_pending(current);
}

/* A step over a syscall instruction traps right after it, as on Linux,
 * instead of after the next instruction. */
void ptrace_report_syscall_exit(struct pt_regs *regs)
{
	if (current->pt.flags & PT_SINGLESTEP)
		force_sig_fault(SIGTRAP, TRAP_BRKPT, regs->ip);
	else if (current->pt.flags & PT_SYSCALL)
		report_syscall(PTRACE_SYSCALL_INFO_EXIT);
}

/* A step that delivered a signal stops at the handler's first
 * instruction (TF is off: ptrace_signal took it out before the frame was
 * built), as Linux's signal_setup_done. */
void ptrace_step_into_handler(void)
{
	current->pt.flags &= ~PT_SINGLESTEP;
	ptrace_notify(SIGTRAP, 0);
}

/* Signal-delivery stop: the tracer may cancel sig, change it, or rewrite
 * its siginfo (SETSIGINFO). A signal now blocked is queued again. */
int ptrace_signal(int sig, kernel_siginfo_t *info)
{
	struct task_struct *tracer = current->pt.tracer;
	void __user *handler;

	sig = ptrace_stop(sig, info);
	if (!sig)
		return 0;
	if (sig != info->si_signo) {
		memset(info, 0, sizeof(*info));
		info->si_signo = sig;
		info->si_code = SI_USER;
		info->kill.pid = tracer ? tracer->tgid : 0;
	}
	if (sigismember(&current->blocked, sig)) {
		send_signal(sig, info, current, false, false);
		return 0;
	}
	/* A step into a handler: the frame must not save the TF we set
	 * (its rt_sigreturn would step on), as user_disable_single_step. */
	handler = current->sighand->action[sig - 1].handler;
	if ((current->pt.flags & PT_SINGLESTEP) && handler != SIG_DFL && handler != SIG_IGN)
		current->regs.flags &= ~X86_EFLAGS_TF;
	return sig;
}

/* Linux's do_jobctl_trap: a seized tracee stops with PTRACE_EVENT_STOP
 * and a siginfo; a tracee attached the old way with the bare signal and
 * none (so GETSIGINFO tells a group stop from a signal). */
static void ptrace_jobctl_trap(int signr)
{
	kernel_siginfo_t info;

	if (!(current->pt.flags & PT_SEIZED)) {
		ptrace_stop(signr, NULL);
		return;
	}
	memset(&info, 0, sizeof(info));
	info.si_signo = signr;
	info.si_code = signr | (PTRACE_EVENT_STOP << 8);
	info.kill.pid = current->tgid;
	ptrace_stop(info.si_code, &info);
}

/* A traced task's part in a group stop is a ptrace stop. False when the
 * tracer detached it meanwhile and the group is still stopped: the caller
 * stops it the ordinary way. */
bool ptrace_group_stop(int signr)
{
	ptrace_jobctl_trap(signr);
	return current->pt.tracer || !(current->signal->flags & SIGNAL_STOPPED);
}

/* PTRACE_INTERRUPT, or a seized child's first stop: true if it stopped. */
bool ptrace_trap_pending(void)
{
	struct signal_struct *sig = current->signal;

	if (!(current->pt.flags & PT_TRAP_STOP))
		return false;
	current->pt.flags &= ~PT_TRAP_STOP;
	ptrace_jobctl_trap((sig->flags & SIGNAL_STOPPED) ? sig->group_exit_code : SIGTRAP);
	return true;
}

/* A listening tracee (PTRACE_LISTEN) that gets a signal traps again:
 * with the stop signal while its group stays stopped, else SIGTRAP. */
void ptrace_trap_notify(struct task_struct *t)
{
	int signr = (t->signal->flags & SIGNAL_STOPPED) ? t->signal->group_exit_code : SIGTRAP;

	t->pt.code = signr | (PTRACE_EVENT_STOP << 8);
	if (t->pt.last_siginfo) {
		t->pt.last_siginfo->si_signo = signr;
		t->pt.last_siginfo->si_code = t->pt.code;
	}
	t->pt.flags = (t->pt.flags & ~PT_LISTENING) | PT_REPORT;
	notify_tracer(t);
}

/* The new child of a traced task is traced too when the tracer asked for
 * the event; it starts with SIGSTOP, or seized with a PTRACE_EVENT_STOP. */
int ptrace_init_child(struct task_struct *p, unsigned long clone_flags)
{
	struct ptrace_task *pt = &current->pt;
	int event;

	if (!pt->tracer || (clone_flags & CLONE_UNTRACED))
		return 0;
	if (clone_flags & CLONE_VFORK)
		event = PTRACE_EVENT_VFORK;
	else if (p->exit_signal != SIGCHLD)
		event = PTRACE_EVENT_CLONE;
	else
		event = PTRACE_EVENT_FORK;
	if (!(pt->options & (1U << event)))
		return 0;
	p->pt.tracer = pt->tracer;
	p->pt.flags = PT_PTRACED | (pt->flags & PT_SEIZED);
	p->pt.options = pt->options;
	if (pt->flags & PT_SEIZED)
		p->pt.flags |= PT_TRAP_STOP;
	else
		sigaddset(&p->pending.signal, SIGSTOP);
	return event;
}

void ptrace_exec_notify(pid_t old_pid)
{
	if (current->pt.options & PTRACE_O_TRACEEXEC)
		ptrace_notify(SIGTRAP | (PTRACE_EVENT_EXEC << 8), old_pid);
	else if (!(current->pt.flags & PT_SEIZED))
		send_sig(SIGTRAP, current, 0);
}

/* ---- attaching and detaching ---- */

/* t leaves its tracer: a stopped t runs on (with pt.code as the signal
 * to deliver, DETACH's data), a step the tracer set is undone. */
void ptrace_unlink(struct task_struct *t)
{
	bool stopped = t->pt.flags & PT_STOPPED;

	if (t->pt.flags & PT_SINGLESTEP)
		t->regs.flags &= ~X86_EFLAGS_TF;
	t->pt.tracer = NULL;
	t->pt.flags = 0;
	t->pt.options = 0;
	if (stopped)
		wake_up_state(t, TASK_TRACED);
}

/*
 * A dead group leader traced by someone other than its parent: the tracer
 * is told first (SIGCHLD, wait reports the exit), the parent only once
 * the tracer has reaped or left it. True when the tracer was told.
 */
/* SIGCHLD (CLD_EXITED/KILLED from the wait status) to the tracer, and a
 * wake-up of its wait4. */
static void notify_tracer_exit(struct task_struct *tracer, pid_t pid, int status)
{
	kernel_siginfo_t info;

	memset(&info, 0, sizeof(info));
	info.si_signo = SIGCHLD;
	info.si_code = (status & 0x7f) ? CLD_KILLED : CLD_EXITED;
	info.chld.pid = pid;
	info.chld.status = (status & 0x7f) ? status & 0x7f : (status >> 8) & 0xff;
	send_signal(SIGCHLD, &info, tracer, true, true);
	wake_up(&tracer->signal->wait_chldexit);
}

bool ptrace_notify_tracer_exit(struct task_struct *t)
{
	struct task_struct *tracer = t->pt.tracer;

	if (same_group(tracer, t->real_parent) || !tracer->signal || !tracer->sighand)
		return false;
	notify_tracer_exit(tracer, t->tgid, t->exit_code);
	return true;
}

/* A zombie the tracer leaves (reaped by wait, or the tracer exited) goes
 * back to its parent, who now hears of its exit. */
void ptrace_release_zombie(struct task_struct *t)
{
	ptrace_unlink(t);
	if (t->exit_signal < 0 || !t->real_parent || do_notify_parent(t, t->exit_signal))
		release_task(t);
}

/*
 * A traced thread that is not its group's leader still reaps itself at
 * exit (exec's de_thread and the leader wait for nobody), but its tracer
 * hears of the exit as Linux reports it, from a small record wait4 takes.
 */
struct exit_report {
	struct list_head list;
	struct task_struct *tracer;
	pid_t pid;
	int status;
};
static LIST_HEAD(exit_reports);

void ptrace_report_thread_exit(struct task_struct *t)
{
	struct exit_report *r = kmalloc(sizeof(*r), GFP_KERNEL);
	struct task_struct *tracer = t->pt.tracer;

	if (!r || !tracer->signal || !tracer->sighand) {
		kfree(r);
		return;
	}
	r->tracer = tracer;
	r->pid = t->pid;
	r->status = t->exit_code;
	list_add_tail(&r->list, &exit_reports);
	notify_tracer_exit(tracer, r->pid, r->status);
}

/* wait4 by tracer: a thread exit for pid (-1: any); its status in
 * *status, the record dropped unless keep. 0 if none. */
pid_t ptrace_take_exit_report(struct task_struct *tracer, pid_t pid, int *status, bool keep)
{
	struct exit_report *r;

	list_for_each_entry(r, &exit_reports, list) {
		if (r->tracer != tracer || (pid > 0 && r->pid != pid))
			continue;
		pid = r->pid;
		*status = r->status;
		if (!keep) {
			list_del(&r->list);
			kfree(r);
		}
		return pid;
	}
	return 0;
}

/* The tracer exits: its tracees are detached, or killed with EXITKILL;
 * the thread exits it never waited for are dropped. */
void ptrace_exit_tracer(struct task_struct *tracer)
{
	struct exit_report *r, *rn;
	struct task_struct *t, *n;

	list_for_each_entry_safe(r, rn, &exit_reports, list) {
		if (r->tracer == tracer) {
			list_del(&r->list);
			kfree(r);
		}
	}

	list_for_each_entry_safe(t, n, &task_list, tasks) {
		if (t->pt.tracer != tracer)
			continue;
		if (t->exit_state == EXIT_ZOMBIE) {
			if (t == t->group_leader && list_empty(&t->thread_group) &&
			    !same_group(tracer, t->real_parent))
				ptrace_release_zombie(t);
			else
				ptrace_unlink(t);
			continue;
		}
		if (t->pt.options & PTRACE_O_EXITKILL)
			send_sig(SIGKILL, t, 1);
		t->pt.code = 0;
		ptrace_unlink(t);
	}
}

static long ptrace_traceme(struct task_struct *tracer)
{
	struct task_struct *parent = tracer->real_parent;

	if (tracer->pt.tracer || !parent || is_kthread(parent) || parent == &init_task)
		return -EPERM;
	tracer->pt.tracer = parent;
	tracer->pt.flags = PT_PTRACED;
	return 0;
}

static long ptrace_attach(struct task_struct *tracer, struct task_struct *t,
			  bool seize, unsigned long addr, unsigned long flags)
{
	if (seize && (addr || (flags & ~(unsigned long)PTRACE_O_MASK)))
		return -EIO;
	/* Glass never lets init stop: its exit ends the machine. */
	if (is_kthread(t) || t->tgid == 1 || same_group(t, tracer) || t->pt.tracer)
		return -EPERM;
	if (t->exit_state || (t->flags & PF_EXITING))
		return -EPERM;
	t->pt.tracer = tracer;
	t->pt.flags = PT_PTRACED;
	t->pt.options = 0;
	if (seize) {
		t->pt.flags |= PT_SEIZED;
		t->pt.options = flags;
	} else {
		send_sig(SIGSTOP, t, 1);
	}
	/* A task already in a group stop reports it to the tracer. */
	if (t->state == TASK_STOPPED) {
		t->pt.flags |= PT_TRAP_STOP;
		wake_up_state(t, TASK_STOPPED);
	}
	return 0;
}

/* ---- the tracer's side ---- */

/* Requests other than attach, KILL and INTERRUPT need the tracee stopped
 * in a ptrace stop of this tracer, and not listening: else -ESRCH, as
 * Linux (ptrace_freeze_traced). */
static struct task_struct *traced_child(struct task_struct *tracer, pid_t pid,
					bool need_stopped)
{
	struct task_struct *t = find_task_by_pid(pid);

	if (!t || t->pt.tracer != tracer || t->exit_state)
		return NULL;
	if (need_stopped && (t->pt.flags & (PT_STOPPED | PT_LISTENING)) != PT_STOPPED)
		return NULL;
	return t;
}

static long ptrace_resume(struct task_struct *t, long request, unsigned long data)
{
	if (!valid_signal(data))
		return -EIO;
	t->pt.flags &= ~(PT_SYSCALL | PT_STOPPED | PT_REPORT | PT_LISTENING);
	if (request == PTRACE_SYSCALL)
		t->pt.flags |= PT_SYSCALL;
	if (request == PTRACE_SINGLESTEP) {
		/* The stub loads flags as they are: TF makes the host trap
		 * after one guest instruction (SIGTRAP, TRAP_TRACE). */
		t->regs.flags |= X86_EFLAGS_TF;
		t->pt.flags |= PT_SINGLESTEP;
	} else if (t->pt.flags & PT_SINGLESTEP) {
		t->regs.flags &= ~X86_EFLAGS_TF;
		t->pt.flags &= ~PT_SINGLESTEP;
	}
	t->pt.code = data;
	wake_up_state(t, TASK_TRACED);
	return 0;
}

/* The tracee's FP registers in its fpstate (saved from its host process
 * if they live there); NULL if it has none yet. */
static void *tracee_fpstate(struct task_struct *t)
{
	if (t->mm && t->mm->host.regs_owner == t)
		save_fpstate(t->mm);
	return t->fpstate_valid ? t->fpstate : NULL;
}

/* fpstate was changed: load it at the tracee's next run. */
static void tracee_fpstate_changed(struct task_struct *t)
{
	u64 *xstate_bv = (u64 *)((char *)t->fpstate + 512);

	if (os_xstate_size() > 512)
		*xstate_bv |= XFEATURE_MASK_FPSSE;
	if (t->mm && t->mm->host.regs_owner == t)
		t->mm->host.regs_owner = NULL;
}

/* The regset behind a note type: its size, and its data in *p. */
static long regset(struct task_struct *t, unsigned long type, void **p)
{
	switch (type) {
	case NT_PRSTATUS:
		*p = &t->regs;
		return sizeof(t->regs);
	case NT_PRFPREG:
		*p = tracee_fpstate(t);
		return *p ? USER_FPREGS_SIZE : -ENODEV;
	case NT_X86_XSTATE:
		*p = tracee_fpstate(t);
		if (!*p)
			return -ENODEV;
		ptrace_xstate_sw_bytes(*p, XFEATURE_MASK_FPSSE | *(u64 *)((char *)*p + 512));
		return os_xstate_size();
	}
	return -EINVAL;
}

/* GETREGSET/SETREGSET: data is a struct iovec; its length is cut down to
 * what was copied, as Linux. SETREGSET of NT_PRSTATUS goes through
 * putreg's checks. */
static long ptrace_regset(struct task_struct *t, bool set, unsigned long type,
			  struct linux_iovec __user *uiov)
{
	struct linux_iovec iov;
	struct pt_regs regs;
	void *p;
	long size = regset(t, type, &p), n;

	if (size < 0)
		return size;
	if (copy_from_user(&iov, uiov, sizeof(iov)))
		return -EFAULT;
	n = min_t(unsigned long, iov.iov_len, size);
	if (!set) {
		if (copy_to_user(iov.iov_base, p, n))
			return -EFAULT;
	} else if (type == NT_PRSTATUS) {
		regs = t->regs;
		if (copy_from_user(&regs, iov.iov_base, n))
			return -EFAULT;
		long err = ptrace_setregs(&t->regs, &regs);
		if (err)
			return err;
	} else {
		if (copy_from_user(p, iov.iov_base, n))
			return -EFAULT;
		tracee_fpstate_changed(t);
	}
	iov.iov_len = n;
	return put_user(n, &uiov->iov_len);
}

long ptrace_access_vm(struct task_struct *t, unsigned long addr, void *buf,
		      unsigned long len, bool write)
{
	return access_remote_vm(t->mm, addr, buf, len,
				FOLL_FORCE | (write ? FOLL_WRITE : 0));
}

static long ptrace_peek_data(struct task_struct *t, unsigned long addr,
			     unsigned long __user *data)
{
	unsigned long word;

	if (ptrace_access_vm(t, addr, &word, sizeof(word), false) != sizeof(word))
		return -EIO;
	return put_user(word, data);
}

static long ptrace_poke_data(struct task_struct *t, unsigned long addr, unsigned long word)
{
	if (ptrace_access_vm(t, addr, &word, sizeof(word), true) != sizeof(word))
		return -EIO;
	return 0;
}

static long ptrace_get_syscall_info(struct task_struct *t, unsigned long size,
				    void __user *data)
{
	struct ptrace_syscall_info info;
	kernel_siginfo_t *si = t->pt.last_siginfo;
	int op = PTRACE_SYSCALL_INFO_NONE;
	unsigned long n;

	/* Only TRACESYSGOOD stops say which half they are, as Linux. */
	if (si && si->si_signo == SIGTRAP && si->si_code == (SIGTRAP | 0x80))
		op = t->pt.syscall_op;
	n = ptrace_fill_syscall_info(&info, op, &t->regs);
	if (copy_to_user(data, &info, min(size, n)))
		return -EFAULT;
	return n;
}

/* FXSAVE's MXCSR: reserved bits set would fault the guest's restore. */
static long ptrace_set_fpregs(struct task_struct *t, const void __user *data)
{
	void *fp = tracee_fpstate(t);
	u8 buf[USER_FPREGS_SIZE];
	u32 mxcsr;

	if (!fp)
		return -EIO;
	if (copy_from_user(buf, data, sizeof(buf)))
		return -EFAULT;
	memcpy(&mxcsr, buf + 24, sizeof(mxcsr));
	if (mxcsr & ~0xffffU)
		return -EINVAL;
	memcpy(fp, buf, sizeof(buf));
	tracee_fpstate_changed(t);
	return 0;
}

static long ptrace_listen(struct task_struct *t)
{
	kernel_siginfo_t *si = t->pt.last_siginfo;

	if (!(t->pt.flags & PT_SEIZED) || !si || (si->si_code >> 8) != PTRACE_EVENT_STOP)
		return -EIO;
	t->pt.flags = (t->pt.flags & ~PT_REPORT) | PT_LISTENING;
	return 0;
}

static long ptrace_interrupt(struct task_struct *t)
{
	if (!(t->pt.flags & PT_SEIZED))
		return -EIO;
	if (t->pt.flags & PT_LISTENING) {
		ptrace_trap_notify(t);
		return 0;
	}
	if (t->pt.flags & PT_STOPPED)
		return 0;
	t->pt.flags |= PT_TRAP_STOP;
	wake_up_state(t, TASK_INTERRUPTIBLE);
	return 0;
}

/* Requests on a tracee in a ptrace stop. */
static long ptrace_stopped_request(struct task_struct *t, long request,
				   unsigned long addr, unsigned long data)
{
	void __user *udata = (void __user *)data;
	unsigned long word;
	struct pt_regs regs;
	void *fp;
	long ret;

	switch (request) {
	case PTRACE_PEEKTEXT:
	case PTRACE_PEEKDATA:
		return ptrace_peek_data(t, addr, udata);
	case PTRACE_POKETEXT:
	case PTRACE_POKEDATA:
		return ptrace_poke_data(t, addr, data);
	case PTRACE_PEEKUSR:
		ret = ptrace_peek_user(&t->regs, t->pt.debugreg, addr, &word);
		return ret ? ret : put_user(word, (unsigned long __user *)data);
	case PTRACE_POKEUSR:
		return ptrace_poke_user(&t->regs, t->pt.debugreg, addr, data);
	case PTRACE_GETREGS:
		return copy_to_user(udata, &t->regs, sizeof(t->regs)) ? -EFAULT : 0;
	case PTRACE_SETREGS:
		if (copy_from_user(&regs, udata, sizeof(regs)))
			return -EFAULT;
		return ptrace_setregs(&t->regs, &regs);
	case PTRACE_GETFPREGS:
		fp = tracee_fpstate(t);
		if (!fp)
			return -EIO;
		return copy_to_user(udata, fp, USER_FPREGS_SIZE) ? -EFAULT : 0;
	case PTRACE_SETFPREGS:
		return ptrace_set_fpregs(t, udata);
	case PTRACE_GETREGSET:
	case PTRACE_SETREGSET:
		return ptrace_regset(t, request == PTRACE_SETREGSET, addr, udata);
	case PTRACE_GETSIGINFO:
		if (!t->pt.last_siginfo)
			return -EINVAL;
		return copy_to_user(udata, t->pt.last_siginfo, sizeof(kernel_siginfo_t))
			? -EFAULT : 0;
	case PTRACE_SETSIGINFO:
		if (!t->pt.last_siginfo)
			return -EINVAL;
		return copy_from_user(t->pt.last_siginfo, udata, sizeof(kernel_siginfo_t))
			? -EFAULT : 0;
	case PTRACE_SETOPTIONS:
		if (data & ~(unsigned long)PTRACE_O_MASK)
			return -EINVAL;
		t->pt.options = data;
		return 0;
	case PTRACE_GETEVENTMSG:
		return put_user(t->pt.message, (unsigned long __user *)data);
	case PTRACE_GET_SYSCALL_INFO:
		return ptrace_get_syscall_info(t, addr, udata);
	case PTRACE_CONT:
	case PTRACE_SYSCALL:
	case PTRACE_SINGLESTEP:
		return ptrace_resume(t, request, data);
	case PTRACE_LISTEN:
		return ptrace_listen(t);
	case PTRACE_DETACH:
		if (!valid_signal(data))
			return -EIO;
		t->pt.code = data;
		ptrace_unlink(t);
		return 0;
	}
	return -EIO;
}

long ptrace_request(struct task_struct *tracer, long request, pid_t pid,
		    unsigned long addr, unsigned long data)
{
	struct task_struct *t;

	if (request == PTRACE_TRACEME)
		return ptrace_traceme(tracer);
	if (request == PTRACE_ATTACH || request == PTRACE_SEIZE) {
		t = pid > 0 ? find_task_by_pid(pid) : NULL;
		if (!t || t->exit_state == EXIT_DEAD)
			return -ESRCH;
		return ptrace_attach(tracer, t, request == PTRACE_SEIZE, addr, data);
	}
	t = traced_child(tracer, pid, request != PTRACE_KILL && request != PTRACE_INTERRUPT);
	if (!t)
		return -ESRCH;
	if (request == PTRACE_KILL)
		return send_sig(SIGKILL, t, 1);
	if (request == PTRACE_INTERRUPT)
		return ptrace_interrupt(t);
	return ptrace_stopped_request(t, request, addr, data);
}

SYSCALL_DEFINE4(ptrace, long, request, long, pid, unsigned long, addr,
		unsigned long, data)
{
	return ptrace_request(current, request, pid, addr, data);
}

/* ---- process_vm_readv / process_vm_writev ---- */

/*
 * Copy between current's iovecs and pid's; no FOLL_FORCE (a read-only
 * page of the target is -EFAULT for writev). Bytes copied; an error only
 * if nothing was.
 */
static long process_vm_rw(pid_t pid, const struct linux_iovec __user *lvec,
			  unsigned long liovcnt, const struct linux_iovec __user *rvec,
			  unsigned long riovcnt, unsigned long flags, bool write)
{
	struct linux_iovec l = { 0 }, r = { 0 };
	unsigned long li = 0, ri = 0;
	struct task_struct *t;
	long done = 0, err = 0;
	char *bounce;

	if (flags || liovcnt > UIO_MAXIOV || riovcnt > UIO_MAXIOV)
		return -EINVAL;
	t = find_task_by_pid(pid);
	if (!t || t->exit_state || !t->mm)
		return -ESRCH;
	bounce = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!bounce)
		return -ENOMEM;
	for (;;) {
		unsigned long n;
		long got;

		while (!l.iov_len && li < liovcnt)
			if (copy_from_user(&l, &lvec[li++], sizeof(l))) {
				err = -EFAULT;
				goto out;
			}
		while (!r.iov_len && ri < riovcnt)
			if (copy_from_user(&r, &rvec[ri++], sizeof(r))) {
				err = -EFAULT;
				goto out;
			}
		if (!l.iov_len || !r.iov_len)
			break;
		n = min(min(l.iov_len, r.iov_len), PAGE_SIZE);
		if (write && copy_from_user(bounce, l.iov_base, n)) {
			err = -EFAULT;
			break;
		}
		got = access_remote_vm(t->mm, (unsigned long)r.iov_base, bounce, n,
				       write ? FOLL_WRITE : 0);
		if (!write && got > 0 && copy_to_user(l.iov_base, bounce, got)) {
			err = -EFAULT;
			break;
		}
		if (got > 0)
			done += got;
		if (got < (long)n) {
			err = -EFAULT;
			break;
		}
		l.iov_base = (char __user *)l.iov_base + n;
		l.iov_len -= n;
		r.iov_base = (char __user *)r.iov_base + n;
		r.iov_len -= n;
	}
out:
	kfree(bounce);
	return done ? done : err;
}

SYSCALL_DEFINE6(process_vm_readv, pid_t, pid, const struct linux_iovec __user *, lvec,
		unsigned long, liovcnt, const struct linux_iovec __user *, rvec,
		unsigned long, riovcnt, unsigned long, flags)
{
	return process_vm_rw(pid, lvec, liovcnt, rvec, riovcnt, flags, false);
}

SYSCALL_DEFINE6(process_vm_writev, pid_t, pid, const struct linux_iovec __user *, lvec,
		unsigned long, liovcnt, const struct linux_iovec __user *, rvec,
		unsigned long, riovcnt, unsigned long, flags)
{
	return process_vm_rw(pid, lvec, liovcnt, rvec, riovcnt, flags, true);
}

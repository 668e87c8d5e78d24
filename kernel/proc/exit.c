/*
 * exit, exit_group, wait4, waitid: the end of a task, zombies, reaping and
 * reparenting to init. When init (pid 1) exits, Glass exits with its
 * status. Task context.
 *
 * Wait status encoding is Linux's: exited (code << 8), killed (sig; never
 * | 0x80, as no guest core is written), stopped (sig << 8 | 0x7f),
 * continued 0xffff.
 */
#include <glass/fs.h>
#include <glass/futex.h>
#include <glass/kcov.h>
#include <glass/mm.h>
#include <glass/os.h>
#include <glass/proc.h>
#include <glass/sched.h>
#include <glass/syscalls.h>
#include <glass/trace.h>
#include <uapi/wait.h>


#define P_ALL 0
#define P_PID 1
#define P_PGID 2

void mm_release_vfork(struct task_struct *t)
{
	if (t->vfork_done) {
		t->vfork_done->done = true;
		t->vfork_done->exit_code = t->exit_code;
		wake_up(&t->vfork_done->wait);
		t->vfork_done = NULL;
	}
}

/* Who takes t's children, as Linux's find_new_reaper: a live thread of
 * t's own process, else the nearest live subreaper above it, else init. */
static struct task_struct *find_new_reaper(struct task_struct *t)
{
	struct task_struct *init = find_task_by_pid(1), *p;

	list_for_each_entry(p, &t->thread_group, thread_group)
		if (!(p->flags & PF_EXITING))
			return p;
	for (p = t->real_parent; p && p != &init_task && p->tgid != 1; p = p->real_parent)
		if (p->signal && p->signal->is_child_subreaper && p->signal->live)
			return p->group_leader;
	if (!init || init->group_leader == t)
		return &init_task;
	return init->group_leader;
}

void forget_original_parent(struct task_struct *t)
{
	struct task_struct *reaper = find_new_reaper(t), *c, *n;

	list_for_each_entry_safe(c, n, &t->children, sibling) {
		list_del(&c->sibling);
		c->real_parent = reaper;
		list_add_tail(&c->sibling, &reaper->children);
		/* As Linux: the new parent hears of it with SIGCHLD (a clone's
		 * other exit signal would make it __WCLONE's only, and init,
		 * waiting without it, would never reap it). */
		if (c->exit_signal >= 0)
			c->exit_signal = SIGCHLD;
		/* An orphaned zombie must still be reaped. */
		if (c->exit_state == EXIT_ZOMBIE && reaper->signal)
			wake_up(&reaper->signal->wait_chldexit);
	}
}

/* The thread's own resources, in Linux's order. */
static void exit_mm(struct task_struct *t)
{
	struct mm_struct *mm = t->mm;

	/* Kernel threads too: kthread_stop() waits on it (Linux's mm_release). */
	mm_release_vfork(t);
	if (!mm)
		return;
	if (t->clear_child_tid) {
		/* pthread_join waits on this word. */
		if (!put_user(0, (int __user *)t->clear_child_tid))
			futex_wake_addr(mm, (unsigned long)t->clear_child_tid, 1);
		t->clear_child_tid = NULL;
	}
	if (mm->host.regs_owner == t)
		mm->host.regs_owner = NULL;
	t->mm = NULL;
	mmput(mm);
}

static void exit_files_fs(struct task_struct *t)
{
	if (t->files)
		put_files_struct(t->files);
	t->files = NULL;
	if (t->fs)
		free_fs_struct(t->fs);
	t->fs = NULL;
}

/* Is every thread of leader's group dead (so the process can be reaped)? */
static bool group_dead(struct task_struct *leader)
{
	return leader->exit_state && list_empty(&leader->thread_group);
}

void release_task(struct task_struct *t)
{
	struct task_struct *leader = t->group_leader;

	if (t->signal) {
		struct task_struct *parent = t->real_parent;
		if (t == leader && parent && parent->signal) {
			parent->signal->cutime_ns += t->utime_ns + t->signal->utime_ns +
						     t->signal->cutime_ns;
			parent->signal->cstime_ns += t->stime_ns + t->signal->stime_ns +
						     t->signal->cstime_ns;
		}
	}
	if (t == leader || t->exit_signal >= 0)
		list_del(&t->sibling);
	list_del(&t->thread_group);
	if (t->pt.tracer)
		ptrace_unlink(t);
	exit_signals(t);
	t->exit_state = EXIT_DEAD;
	if (!t->stack)
		free_task(t);
	/* A leader that died first waits for its last thread. */
	if (t != leader && group_dead(leader) && leader->exit_signal >= 0 &&
	    leader->real_parent && leader->real_parent->signal &&
	    do_notify_parent(leader, leader->exit_signal))
		release_task(leader);   /* the parent ignores SIGCHLD */
}

__noreturn void do_exit(int code)
{
	struct task_struct *t = current;

	if (t == &init_task)
		panic("Attempted to kill the idle task!");
	if (unlikely(t->pt.tracer))
		ptrace_event(PTRACE_EVENT_EXIT, code);
	t->flags |= PF_EXITING;
	t->exit_code = code;
	trace_task_exit(code);
	if (t->tgid == 1 && (list_empty(&t->thread_group) ||
			     (t->signal && t->signal->flags & SIGNAL_GROUP_EXIT))) {
		/* init is gone: so is the kernel, with init's status. */
		int status = (code & 0x7f) ? 128 + (code & 0x7f) : (code >> 8) & 0xff;
		if (code & 0x7f)
			pr_notice("init killed by signal %d\n", code & 0x7f);
		/* Shared mappings of others may hold dirty file pages. */
		writeback_inodes();
		os_exit(status);
	}
	kcov_task_exit(t);
	exit_mm(t);
	exit_files_fs(t);
	ptrace_exit_tracer(t);
	forget_original_parent(t);
	if (t->signal)
		t->signal->live--;
	t->exit_state = EXIT_ZOMBIE;
	if (t->group_leader != t) {
		/* Threads reap themselves; a traced one's tracer is told. */
		if (unlikely(t->pt.tracer) && t->pt.tracer->tgid != t->tgid)
			ptrace_report_thread_exit(t);
		release_task(t);
	} else if (group_dead(t)) {
		if (t->exit_signal < 0 || !t->real_parent || is_kthread(t))
			release_task(t);
		else if (do_notify_parent(t, t->exit_signal))
			release_task(t);        /* the parent ignores SIGCHLD */
	}
	t->state = TASK_DEAD;
	schedule();
	panic("dead task %d ran again", t->pid);
}

__noreturn void do_group_exit(int code)
{
	struct signal_struct *sig = current->signal;
	struct task_struct *t;

	if (sig && (sig->flags & SIGNAL_GROUP_EXIT)) {
		code = sig->group_exit_code;
	} else if (sig) {
		sig->flags |= SIGNAL_GROUP_EXIT;
		sig->group_exit_code = code;
		list_for_each_entry(t, &current->thread_group, thread_group)
			send_sig(SIGKILL, t, 1);
		if (current != current->group_leader && !current->group_leader->exit_state)
			send_sig(SIGKILL, current->group_leader, 1);
	}
	do_exit(code);
}

SYSCALL_DEFINE1(exit, int, code)
{
	do_exit((code & 0xff) << 8);
}

SYSCALL_DEFINE1(exit_group, int, code)
{
	do_group_exit((code & 0xff) << 8);
}

struct wait_opts {
	int which;              /* P_ALL, P_PID, P_PGID */
	pid_t pid;
	int options;
	int status;
	kernel_siginfo_t info;
	pid_t found;
};

static bool wait_match(struct wait_opts *wo, struct task_struct *c)
{
	if (wo->which == P_PID && c->pid != wo->pid)
		return false;
	if (wo->which == P_PGID && (!c->signal || c->signal->pgrp != wo->pid))
		return false;
	/* __WCLONE selects children that signal with something but SIGCHLD. */
	if (!(wo->options & __WALL) &&
	    !!(wo->options & __WCLONE) != (c->exit_signal != SIGCHLD))
		return false;
	return true;
}

static void fill_info(struct wait_opts *wo, pid_t pid, int code, int status)
{
	wo->info.si_signo = SIGCHLD;
	wo->info.si_code = code;
	wo->info.chld.pid = pid;
	wo->info.chld.uid = 0;
	wo->info.chld.status = status;
	wo->found = pid;
}

/* An exit: wait status st (exited (code << 8), or killed by a signal). */
static void fill_exit_info(struct wait_opts *wo, pid_t pid, int st)
{
	wo->status = st;
	if (st & 0x7f)
		fill_info(wo, pid, CLD_KILLED, st & 0x7f);
	else
		fill_info(wo, pid, CLD_EXITED, (st >> 8) & 0xff);
}

/* One child: reap it, report a stop or continue, or nothing (0). */
static int wait_one(struct wait_opts *wo, struct task_struct *c)
{
	struct signal_struct *sig = c->signal;

	if (c->exit_state == EXIT_ZOMBIE && group_dead(c)) {
		/* Traced by another: its tracer hears first (wait_traced). */
		if (!(wo->options & WEXITED) ||
		    (c->pt.tracer && c->pt.tracer->tgid != current->tgid))
			return 0;
		fill_exit_info(wo, c->tgid, c->exit_code);
		if (!(wo->options & WNOWAIT))
			release_task(c);
		return 1;
	}
	if (!sig || c->exit_state)
		return 0;
	if ((wo->options & WUNTRACED) && (sig->flags & SIGNAL_CLD_STOPPED) &&
	    (sig->flags & SIGNAL_STOPPED)) {
		int stopsig = sig->group_exit_code & 0x7f;
		wo->status = (stopsig << 8) | 0x7f;
		fill_info(wo, c->tgid, CLD_STOPPED, stopsig);
		if (!(wo->options & WNOWAIT))
			sig->flags &= ~SIGNAL_CLD_STOPPED;
		return 1;
	}
	if ((wo->options & WCONTINUED) && (sig->flags & SIGNAL_CLD_CONTINUED)) {
		wo->status = 0xffff;
		fill_info(wo, c->tgid, CLD_CONTINUED, SIGCONT);
		if (!(wo->options & WNOWAIT))
			sig->flags &= ~SIGNAL_CLD_CONTINUED;
		return 1;
	}
	return 0;
}

/*
 * A task t traces (kernel/proc/ptrace.c): its unreported ptrace stop
 * (whatever WUNTRACED says, as Linux), or its exit when t is not its
 * parent (a parent reaps its own children in wait_one). Traced threads
 * match with or without __WCLONE; the pid reported is the thread's.
 */
static int wait_traced(struct wait_opts *wo, struct task_struct *c)
{
	if (wo->which == P_PID && c->pid != wo->pid)
		return 0;
	if (wo->which == P_PGID && (!c->signal || c->signal->pgrp != wo->pid))
		return 0;
	if (c->exit_state == EXIT_ZOMBIE) {
		if (!(wo->options & WEXITED) || c != c->group_leader || !group_dead(c) ||
		    (c->real_parent && c->real_parent->tgid == current->tgid))
			return 0;
		fill_exit_info(wo, c->tgid, c->exit_code);
		if (!(wo->options & WNOWAIT))
			ptrace_release_zombie(c);
		return 1;
	}
	if (!(c->pt.flags & PT_REPORT))
		return 0;
	wo->status = ptrace_stop_status(c->pt.code);
	fill_info(wo, c->pid, CLD_TRAPPED, c->pt.code);
	if (!(wo->options & WNOWAIT))
		c->pt.flags &= ~PT_REPORT;
	return 1;
}

/* Children and tracees of every thread in the caller's group are eligible. */
static long do_wait(struct wait_opts *wo)
{
	struct wait_queue_entry we = { 0 };
	wait_queue_head_t *wq = &current->signal->wait_chldexit;
	long ret;

	for (;;) {
		struct task_struct *t = current->group_leader, *c, *n;
		bool any = false;

		prepare_to_wait(wq, &we, TASK_INTERRUPTIBLE);
		do {
			if ((wo->options & WEXITED) && wo->which != P_PGID &&
			    (wo->found = ptrace_take_exit_report(t, wo->which == P_PID ? wo->pid : -1,
								 &wo->status, wo->options & WNOWAIT))) {
				fill_exit_info(wo, wo->found, wo->status);
				ret = wo->found;
				goto out;
			}
			list_for_each_entry_safe(c, n, &task_list, tasks) {
				if (c->pt.tracer != t)
					continue;
				any = true;
				if (wait_traced(wo, c)) {
					ret = wo->found;
					goto out;
				}
			}
			list_for_each_entry_safe(c, n, &t->children, sibling) {
				if (!wait_match(wo, c))
					continue;
				any = true;
				if (wait_one(wo, c)) {
					ret = wo->found;
					goto out;
				}
			}
			t = list_next_entry(t, thread_group);
		} while (t != current->group_leader && !(wo->options & __WNOTHREAD));
		if (!any) {
			ret = -ECHILD;
			goto out;
		}
		if (wo->options & WNOHANG) {
			ret = 0;
			goto out;
		}
		if (signal_pending_current()) {
			ret = -ERESTARTSYS;
			goto out;
		}
		current->wchan = "do_wait";
		schedule();
	}
out:
	finish_wait(wq, &we);
	return ret;
}

#define WAIT4_OPTIONS (WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WCLONE | __WALL)

/* wait4's pid argument: -1 any, < -1 a group, 0 ours, > 0 that one. */
static long wait4_do(pid_t upid, int options, int *status)
{
	struct wait_opts wo = { .options = options | WEXITED };
	long ret;

	if (upid == -1) {
		wo.which = P_ALL;
	} else if (upid < 0) {
		wo.which = P_PGID;
		wo.pid = -upid;
	} else if (upid == 0) {
		wo.which = P_PGID;
		wo.pid = current->signal->pgrp;
	} else {
		wo.which = P_PID;
		wo.pid = upid;
	}
	ret = do_wait(&wo);
	*status = wo.status;
	return ret;
}

SYSCALL_DEFINE4(wait4, pid_t, upid, int __user *, stat_addr, int, options,
		void __user *, ru)
{
	int status;
	long ret;

	if (options & ~WAIT4_OPTIONS)
		return -EINVAL;
	ret = wait4_do(upid, options, &status);
	if (ret > 0 && stat_addr && put_user(status, stat_addr))
		return -EFAULT;
	if (ret > 0 && ru && clear_user(ru, 144))
		return -EFAULT;
	return ret;
}

/* wait4 for a kernel thread that traces (kernel/proc/ptproxy.c), into a
 * kernel int. WNOWAIT is allowed here (wait4 proper refuses it): the
 * proxy's thread peeks for a stop to announce without reaping it. */
long kernel_wait4(pid_t upid, int *status, int options)
{
	if (options & ~(WAIT4_OPTIONS | WNOWAIT))
		return -EINVAL;
	return wait4_do(upid, options, status);
}

SYSCALL_DEFINE5(waitid, int, which, pid_t, upid, kernel_siginfo_t __user *, infop,
		int, options, void __user *, ru)
{
	struct wait_opts wo = { .options = options, .pid = upid };
	long ret;

	if (options & ~(WNOHANG | WNOWAIT | WEXITED | WSTOPPED | WCONTINUED |
			__WNOTHREAD | __WCLONE | __WALL))
		return -EINVAL;
	if (!(options & (WEXITED | WSTOPPED | WCONTINUED)))
		return -EINVAL;
	switch (which) {
	case P_ALL:
		wo.which = P_ALL;
		break;
	case P_PID:
		if (upid <= 0)
			return -EINVAL;
		wo.which = P_PID;
		break;
	case P_PGID:
		wo.which = P_PGID;
		if (upid == 0)
			wo.pid = current->signal->pgrp;
		break;
	default:
		return -EINVAL;
	}
	ret = do_wait(&wo);
	if (ret < 0)
		return ret;
	if (infop) {
		if (!ret)
			memset(&wo.info, 0, sizeof(wo.info));
		if (copy_to_user(infop, &wo.info, sizeof(wo.info)))
			return -EFAULT;
	}
	if (ru && clear_user(ru, 144))
		return -EFAULT;
	return 0;
}

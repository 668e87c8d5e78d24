/*
 * fork, vfork, clone and clone3: a new task copying or sharing the
 * caller's address space, files, fs root and signal handlers. A new mm is
 * a new host process (the stub); its pages are shared copy-on-write.
 */
#include <glass/fs.h>
#include <glass/mm.h>
#include <glass/os.h>
#include <glass/proc.h>
#include <glass/sched.h>
#include <glass/syscalls.h>
#include <glass/trace.h>
#include <uapi/sched.h>

#define CLONE_NAMESPACES 0x7e020000UL   /* NEWNS, NEWCGROUP, NEWUTS, ... */

struct kernel_clone_args {
	u64 flags;
	int __user *pidfd;
	int __user *child_tid;
	int __user *parent_tid;
	int exit_signal;
	unsigned long stack;
	unsigned long stack_size;
	unsigned long tls;
};

unsigned long fork_count;

/* A forked task's first run: report its tid if asked, then user mode. */
static int ret_from_fork(void *unused)
{
	if (current->set_child_tid)
		put_user(current->pid, (int __user *)current->set_child_tid);
	ret_to_user();
}

/* Give the child a copy of the parent's FP registers. */
static int copy_fpstate(struct task_struct *p)
{
	struct mm_struct *mm = current->mm;
	bool live = mm->host.regs_owner == current;

	save_fpstate(mm);
	if (current->fpstate_valid && current->fpstate) {
		p->fpstate = kmemdup(current->fpstate, os_xstate_size(), GFP_KERNEL);
		if (!p->fpstate)
			return -ENOMEM;
		p->fpstate_valid = true;
	}
	/* The live registers stay authoritative for the parent. */
	if (live)
		current->fpstate_valid = false;
	return 0;
}

static void mm_put_task(struct task_struct *p)
{
	if (p->mm)
		mmput(p->mm);
	p->mm = NULL;
}

static long do_fork(struct kernel_clone_args *args)
{
	u64 flags = args->flags;
	struct task_struct *p;
	struct vfork_done vfork;
	pid_t pid;
	int err, trace;

	if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND))
		return -EINVAL;
	if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
		return -EINVAL;
	if (flags & CLONE_NAMESPACES)
		return -EPERM;
	p = alloc_task();
	if (!p)
		return -EAGAIN;
	pid = alloc_pid();
	if (pid < 0) {
		err = pid;
		goto fail_task;
	}
	p->pid = pid;
	p->tgid = flags & CLONE_THREAD ? current->tgid : pid;
	memcpy(p->comm, current->comm, sizeof(p->comm));
	p->flags = PF_FORKNOEXEC;
	p->state = TASK_STOPPED;
	p->regs = current->regs;
	p->regs.ax = 0;
	if (args->stack)
		p->regs.sp = args->stack + args->stack_size;
	if (flags & CLONE_SETTLS)
		p->regs.fs_base = args->tls;
	p->blocked = current->blocked;
	p->addr_limit = USER_DS;

	err = copy_fpstate(p);
	if (err)
		goto fail_task;
	if (flags & CLONE_VM) {
		p->mm = current->mm;
		mmget(p->mm);
	} else {
		p->mm = dup_mm(current->mm, current->regs.sp);
		if (!p->mm) {
			err = -ENOMEM;
			goto fail_task;
		}
		fork_count++;
	}
	if (flags & CLONE_FILES) {
		p->files = current->files;
		p->files->count++;
	} else {
		p->files = dup_fd(current->files);
		if (!p->files) {
			err = -ENOMEM;
			goto fail_mm;
		}
	}
	if (flags & CLONE_FS) {
		p->fs = current->fs;
		p->fs->users++;
	} else {
		p->fs = copy_fs_struct(current->fs);
		if (!p->fs) {
			err = -ENOMEM;
			goto fail_files;
		}
	}
	err = copy_sighand_signal(flags, p);
	if (err)
		goto fail_fs;

	if (flags & CLONE_CHILD_SETTID)
		p->set_child_tid = (unsigned long __user *)args->child_tid;
	if (flags & CLONE_CHILD_CLEARTID)
		p->clear_child_tid = (unsigned long __user *)args->child_tid;
	if ((flags & CLONE_PARENT_SETTID) &&
	    put_user(pid, args->parent_tid)) {
		err = -EFAULT;
		goto fail_signal;
	}

	if (flags & CLONE_THREAD) {
		p->exit_signal = -1;
		p->group_leader = current->group_leader;
		p->real_parent = current->real_parent;
		list_add_tail(&p->thread_group, &current->group_leader->thread_group);
	} else {
		p->exit_signal = args->exit_signal;
		p->group_leader = p;
		p->real_parent = flags & CLONE_PARENT ? current->real_parent : current;
		list_add_tail(&p->sibling, &p->real_parent->children);
	}
	p->kthread_fn = ret_from_fork;
	arch_setup_kthread(p);
	list_add_tail(&p->tasks, &task_list);

	if (flags & CLONE_VFORK) {
		vfork.done = false;
		init_waitqueue_head(&vfork.wait);
		p->vfork_done = &vfork;
	}
	trace = ptrace_init_child(p, flags);
	trace_task_fork(p, flags);
	p->state = TASK_INTERRUPTIBLE;
	wake_up_new_task(p);
	if (trace)
		ptrace_event(trace, pid);
	if (flags & CLONE_VFORK) {
		current->wchan = "vfork";
		wait_event(vfork.wait, vfork.done);
	}
	return pid;

fail_signal:
	exit_signals(p);
fail_fs:
	free_fs_struct(p->fs);
fail_files:
	put_files_struct(p->files);
fail_mm:
	mm_put_task(p);
fail_task:
	kfree(p->fpstate);
	p->fpstate = NULL;
	p->state = TASK_DEAD;
	p->exit_state = EXIT_DEAD;
	/* Never ran: free it here (its stack was never switched to). */
	free_task_unstarted(p);
	return err;
}

SYSCALL_DEFINE0(fork)
{
	struct kernel_clone_args a = { .exit_signal = SIGCHLD };
	return do_fork(&a);
}

SYSCALL_DEFINE0(vfork)
{
	struct kernel_clone_args a = {
		.flags = CLONE_VFORK | CLONE_VM,
		.exit_signal = SIGCHLD,
	};
	return do_fork(&a);
}

SYSCALL_DEFINE5(clone, unsigned long, flags, unsigned long, newsp,
		int __user *, parent_tidptr, int __user *, child_tidptr,
		unsigned long, tls)
{
	struct kernel_clone_args a = {
		.flags = flags & ~CSIGNAL,
		.child_tid = child_tidptr,
		.parent_tid = parent_tidptr,
		.exit_signal = flags & CSIGNAL,
		.stack = newsp,
		.tls = tls,
	};
	return do_fork(&a);
}

struct clone_args {
	u64 flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size,
	    tls, set_tid, set_tid_size, cgroup;
};

SYSCALL_DEFINE2(clone3, struct clone_args __user *, uargs, size_t, size)
{
	struct clone_args ca = { 0 };
	struct kernel_clone_args a;

	if (size < 64 || size > PAGE_SIZE)
		return -EINVAL;
	if (copy_from_user(&ca, uargs, min(size, sizeof(ca))))
		return -EFAULT;
	if ((ca.flags & CSIGNAL) || ca.exit_signal >= _NSIG || ca.set_tid ||
	    (ca.flags & CLONE_PIDFD))
		return -EINVAL;
	a = (struct kernel_clone_args){
		.flags = ca.flags,
		.child_tid = (int __user *)ca.child_tid,
		.parent_tid = (int __user *)ca.parent_tid,
		.exit_signal = (int)ca.exit_signal,
		.stack = ca.stack,
		.stack_size = ca.stack_size,
		.tls = ca.tls,
	};
	return do_fork(&a);
}

/*
 * Kernel threads, with Linux's interface: kthread_create/kthread_run
 * return the task or an ERR_PTR; kthread_stop() asks a thread to end
 * (kthread_should_stop() turns true), wakes it and waits for its exit,
 * as a module's exit routine does for the threads it started.
 */
#include <glass/export.h>
#include <glass/sched.h>
#include <glass/fs.h>

/* First C code of every new task, from ret_from_kthread. A thread stopped
 * before it ever ran does not run its function, as Linux's. */
__noreturn void kthread_entry(void);
__noreturn void kthread_entry(void)
{
	schedule_tail();
	if (kthread_should_stop())
		do_exit(-EINTR);
	do_exit(current->kthread_fn(current->kthread_arg));
}

static struct task_struct *kthread_create_name(int (*fn)(void *), void *arg,
					       const char *namefmt, va_list ap)
{
	struct task_struct *t = alloc_task();
	pid_t pid;

	if (!t)
		return ERR_PTR(-ENOMEM);
	pid = alloc_pid();
	t->pid = t->tgid = pid;
	t->flags = PF_KTHREAD;
	t->state = TASK_STOPPED;
	t->kthread_fn = fn;
	t->kthread_arg = arg;
	t->group_leader = t;
	t->real_parent = &init_task;
	t->exit_signal = 0;
	vscnprintf(t->comm, sizeof(t->comm), namefmt, ap);
	t->fs = init_task.fs;
	if (t->fs)
		t->fs->users++;
	t->files = init_task.files;
	if (t->files)
		t->files->count++;
	t->sighand = init_task.sighand;
	t->signal = init_task.signal;
	if (t->sighand)
		t->sighand->count++;
	if (t->signal)
		t->signal->count++;
	arch_setup_kthread(t);
	list_add_tail(&t->tasks, &task_list);
	list_add_tail(&t->sibling, &init_task.children);
	return t;
}

/* A new kernel thread, not yet runnable (wake_up_process starts it).
 * Shares idle's fs and files. */
struct task_struct *kthread_create(int (*fn)(void *), void *arg, const char *namefmt, ...)
{
	struct task_struct *t;
	va_list ap;

	va_start(ap, namefmt);
	t = kthread_create_name(fn, arg, namefmt, ap);
	va_end(ap);
	return t;
}
EXPORT_SYMBOL(kthread_create);

struct task_struct *kthread_run(int (*fn)(void *), void *arg, const char *namefmt, ...)
{
	struct task_struct *t;
	va_list ap;

	va_start(ap, namefmt);
	t = kthread_create_name(fn, arg, namefmt, ap);
	va_end(ap);
	if (!IS_ERR(t)) {
		t->state = TASK_INTERRUPTIBLE;
		wake_up_process(t);
	}
	return t;
}
EXPORT_SYMBOL(kthread_run);

bool kthread_should_stop(void)
{
	return current->flags & PF_KTHREAD_STOP;
}
EXPORT_SYMBOL(kthread_should_stop);

/*
 * Tell k to stop, wake it and wait until it has exited; returns its
 * function's result (-EINTR if it never ran). As in Linux, k must not
 * exit on its own before this is called: the task is freed at its exit.
 * do_exit's mm_release_vfork() reports the exit through vfork_done, as
 * Linux's kthreads do. Task context; sleeps uninterruptibly.
 */
int kthread_stop(struct task_struct *k)
{
	struct vfork_done exited = { .done = false };

	init_waitqueue_head(&exited.wait);
	k->vfork_done = &exited;
	k->flags |= PF_KTHREAD_STOP;
	wake_up_state(k, TASK_STOPPED | TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE);
	wait_event(exited.wait, exited.done);
	return exited.exit_code;
}
EXPORT_SYMBOL(kthread_stop);

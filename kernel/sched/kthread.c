/* Kernel threads. */
#include <glass/sched.h>
#include <glass/fs.h>

/* First C code of every new task, from ret_from_kthread. */
__noreturn void kthread_entry(void);
__noreturn void kthread_entry(void)
{
	schedule_tail();
	do_exit(current->kthread_fn(current->kthread_arg));
}

/* A new kernel thread, not yet runnable. Shares idle's fs and files. */
struct task_struct *kthread_create(int (*fn)(void *), void *arg, const char *name)
{
	struct task_struct *t = alloc_task();
	pid_t pid;

	if (!t)
		return NULL;
	pid = alloc_pid();
	t->pid = t->tgid = pid;
	t->flags = PF_KTHREAD;
	t->state = TASK_STOPPED;
	t->kthread_fn = fn;
	t->kthread_arg = arg;
	t->group_leader = t;
	t->real_parent = &init_task;
	t->exit_signal = 0;
	strscpy(t->comm, name, sizeof(t->comm));
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

struct task_struct *kthread_run(int (*fn)(void *), void *arg, const char *name)
{
	struct task_struct *t = kthread_create(fn, arg, name);

	if (t) {
		t->state = TASK_INTERRUPTIBLE;
		wake_up_process(t);
	}
	return t;
}

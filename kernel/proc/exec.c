/*
 * execve: copy the arguments in, follow #! scripts to their interpreter,
 * end the group's other threads, switch to a fresh address space (or the
 * old one emptied) and start the program the ELF loader (binfmt_elf.c) has
 * mapped. Task context.
 */
#include <glass/binfmts.h>
#include <glass/fs.h>
#include <glass/mm.h>
#include <glass/os.h>
#include <glass/proc.h>
#include <glass/sched.h>
#include <glass/syscalls.h>
#include <glass/trace.h>

#define MAX_ARG_STRLEN (128 * 1024)
#define MAX_ARG_TOTAL (2 * 1024 * 1024)
#define MAX_ARGS 65536

static void free_strings(char **v, int n)
{
	for (int i = 0; i < n; i++)
		kfree(v[i]);
	kfree(v);
}

static void bprm_free(struct linux_binprm *b)
{
	if (b->file)
		fput(b->file);
	if (b->interp)
		fput(b->interp);
	if (b->argv)
		free_strings(b->argv, b->argc);
	if (b->envp)
		free_strings(b->envp, b->envc);
	kfree(b->filename);
	kfree(b);
}

/* Copy a NULL-terminated array of strings from the caller (user or kernel). */
static int copy_strings(struct linux_binprm *b, const char *const *v, bool kernel,
			char ***out, int *count)
{
	int n = 0, cap = 16;
	char **arr = kcalloc(cap, sizeof(char *), GFP_KERNEL);

	if (!arr)
		return -ENOMEM;
	*out = arr;
	*count = 0;
	for (;;) {
		const char *p;
		char *s;

		if (!v)
			break;
		if (kernel)
			p = v[n];
		else if (get_user(p, (const char *const __user *)&v[n]))
			return -EFAULT;
		if (!p)
			break;
		if (n >= MAX_ARGS)
			return -E2BIG;
		s = kernel ? kstrdup(p, GFP_KERNEL) : strndup_user(p, MAX_ARG_STRLEN);
		if (IS_ERR_OR_NULL(s))
			return s ? (PTR_ERR(s) == -ENAMETOOLONG ? -E2BIG : PTR_ERR(s)) : -ENOMEM;
		b->total += strlen(s) + 1 + sizeof(char *);
		if (b->total > MAX_ARG_TOTAL) {
			kfree(s);
			return -E2BIG;
		}
		if (n + 1 >= cap) {
			char **na = krealloc(arr, 2 * cap * sizeof(char *), GFP_KERNEL);
			if (!na) {
				kfree(s);
				return -ENOMEM;
			}
			arr = *out = na;
			cap *= 2;
		}
		arr[n++] = s;
		*count = n;
	}
	return 0;
}

struct file *open_exec(const char *path)
{
	struct file *f = filp_open(path, O_RDONLY, 0);

	if (IS_ERR(f))
		return f;
	if (!S_ISREG(f->f_inode->i_mode) || may_exec(f->f_inode)) {
		fput(f);
		return ERR_PTR(-EACCES);
	}
	return f;
}

/* Make path b's file and read its first bytes. */
static int bprm_open(struct linux_binprm *b, const char *path)
{
	struct file *f = open_exec(path);
	loff_t pos = 0;
	ssize_t n;

	if (IS_ERR(f))
		return PTR_ERR(f);
	if (b->file)
		fput(b->file);
	b->file = f;
	memset(b->buf, 0, sizeof(b->buf));
	n = kernel_read(f, b->buf, sizeof(b->buf), &pos);
	return n < 0 ? (int)n : 0;
}

/* "#!interp [arg]": rewrite argv to interp [arg] script args... */
static int load_script(struct linux_binprm *b)
{
	char line[BINPRM_BUF], *p, *interp, *arg = NULL, **nargv;
	int extra, i, err;

	memcpy(line, b->buf + 2, sizeof(line) - 2);
	line[sizeof(line) - 3] = '\0';
	p = strchr(line, '\n');
	if (p)
		*p = '\0';
	for (p = line; *p == ' ' || *p == '\t'; p++)
		;
	interp = p;
	while (*p && *p != ' ' && *p != '\t')
		p++;
	if (*p) {
		*p++ = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p) {
			arg = p;
			p += strlen(p);
			while (p > arg && (p[-1] == ' ' || p[-1] == '\t'))
				*--p = '\0';
		}
	}
	if (!*interp)
		return -ENOEXEC;
	extra = arg ? 2 : 1;
	nargv = kcalloc(b->argc + extra + 1, sizeof(char *), GFP_KERNEL);
	if (!nargv)
		return -ENOMEM;
	nargv[0] = kstrdup(interp, GFP_KERNEL);
	if (arg)
		nargv[1] = kstrdup(arg, GFP_KERNEL);
	nargv[extra] = kstrdup(b->filename, GFP_KERNEL);
	for (i = 1; i < b->argc; i++)
		nargv[extra + i] = b->argv[i];
	for (i = 0; i < extra + 1; i++)
		if (!nargv[i]) {
			for (int j = 0; j < extra + 1; j++)
				kfree(nargv[j]);
			kfree(nargv);
			return -ENOMEM;
		}
	if (b->argc)
		kfree(b->argv[0]);
	kfree(b->argv);
	b->argv = nargv;
	b->argc = b->argc ? b->argc + extra : extra + 1;
	err = bprm_open(b, interp);
	return err;
}

/* A fresh FP state: x87 and SSE in their reset configuration. */
static void reset_fpstate(struct task_struct *t)
{
	unsigned long size = os_xstate_size();

	if (!t->fpstate)
		t->fpstate = kzalloc(size, GFP_KERNEL);
	if (!t->fpstate)
		return;
	memset(t->fpstate, 0, size);
	*(u16 *)t->fpstate = 0x37f;                     /* fcw */
	*(u32 *)((char *)t->fpstate + 24) = 0x1f80;     /* mxcsr */
	*(u32 *)((char *)t->fpstate + 28) = 0xffff;     /* mxcsr_mask */
	if (size > 512)
		*(u64 *)((char *)t->fpstate + 512) = 3; /* xstate_bv: x87, SSE */
	t->fpstate_valid = true;
}

/* Is t's group down to t and its dead leader? */
static bool only_dead_leader_left(struct task_struct *t)
{
	struct task_struct *leader = t->group_leader;

	return leader != t && leader->exit_state &&
	       t->thread_group.next == &leader->thread_group &&
	       leader->thread_group.next == &t->thread_group;
}

/*
 * Other threads of the group die before exec replaces the image. A thread
 * that is not the leader then takes the place of the leader's zombie, with
 * its pid, parent and start time, and releases it, as Linux's de_thread
 * does (the zombie would otherwise wait for this thread forever).
 */
static void de_thread(void)
{
	struct task_struct *t, *leader = current->group_leader;

	/* The SIGKILLs below end only their threads, not the group. */
	current->signal->group_exec_task = current;
	list_for_each_entry(t, &current->thread_group, thread_group)
		if (t != current)
			send_sig(SIGKILL, t, 1);
	/* Each dying thread unlinks itself from the group as it exits, but
	 * for the leader, which stays a zombie. */
	while (!list_empty(&current->thread_group) && !only_dead_leader_left(current))
		schedule_timeout_ns(NSEC_PER_MSEC, false, NULL);
	if (leader != current) {
		current->pid = leader->pid;
		current->start_time_ns = leader->start_time_ns;
		current->real_parent = leader->real_parent;
		current->exit_signal = leader->exit_signal;
		current->group_leader = current;
		list_add(&current->sibling, &leader->sibling);
		list_del(&leader->sibling);
		leader->group_leader = current;
		leader->exit_signal = -1;
		release_task(leader);
	}
	current->signal->group_exec_task = NULL;
}

/* Past the point of no return: replace current's image. */
static int exec_binprm(struct linux_binprm *b)
{
	struct mm_struct *old = current->mm, *mm;
	const char *base;
	int err;

	if (old && old->mm_users == 1) {
		mm_clear(old);
		mm = old;
	} else {
		mm = mm_alloc();
		if (!mm)
			return -ENOMEM;
		current->mm = mm;
		if (old)
			mmput(old);
	}
	mm_release_vfork(current);
	mm->host.regs_owner = NULL;
	mm->mmap_base = mmap_base(rlimit(RLIMIT_STACK));
	err = load_elf_binary(b);
	if (err)
		return err;
	if (mm->exe_file)
		fput(mm->exe_file);
	mm->exe_file = get_file(b->file);

	base = strrchr(b->filename, '/');
	strscpy(current->comm, base ? base + 1 : b->filename, sizeof(current->comm));
	current->flags &= ~(PF_KTHREAD | PF_FORKNOEXEC);
	current->set_child_tid = NULL;
	flush_signal_handlers(current);
	do_close_on_exec(current->files);
	memset(&current->regs, 0, sizeof(current->regs));
	current->regs.ip = b->entry;
	current->regs.sp = b->p;
	current->regs.cs = 0x33;
	current->regs.ss = 0x2b;
	current->regs.flags = 0x202;
	current->regs.orig_ax = -1;
	current->regs_replaced = true;
	reset_fpstate(current);
	/* The first instruction would fault at once: its page (and the text
	 * around it, kernel/mm/fault.c) goes in exec's own batch instead of
	 * costing a round trip of its own. A failure is left to that fault. */
	handle_mm_fault(mm, b->entry, FAULT_FLAG_USER | FAULT_FLAG_EXEC, NULL);
	return 0;
}

/* The common path of execve(2) and kernel_execve(). */
static int do_execve(const char *filename, const char *const *argv,
		     const char *const *envp, bool kernel)
{
	struct linux_binprm *b = kzalloc(sizeof(*b), GFP_KERNEL);
	pid_t old_pid = current->pid;
	int err, depth;

	if (!b)
		return -ENOMEM;
	b->filename = kernel ? kstrdup(filename, GFP_KERNEL)
			     : strndup_user(filename, 4096);
	if (IS_ERR_OR_NULL(b->filename)) {
		err = b->filename ? PTR_ERR(b->filename) : -ENOMEM;
		b->filename = NULL;
		goto out;
	}
	err = copy_strings(b, argv, kernel, &b->argv, &b->argc);
	if (!err)
		err = copy_strings(b, envp, kernel, &b->envp, &b->envc);
	if (err)
		goto out;
	err = bprm_open(b, b->filename);
	for (depth = 0; !err && b->buf[0] == '#' && b->buf[1] == '!'; depth++) {
		if (depth == 4) {
			err = -ELOOP;
			break;
		}
		err = load_script(b);
	}
	if (err)
		goto out;
	err = load_elf_phdrs(b);
	if (err)
		goto out;
	if (!list_empty(&current->thread_group))
		de_thread();
	err = exec_binprm(b);
	if (err) {
		/* Too late to return: the old image is gone. */
		pr_err("%s[%d]: exec of %s failed after the point of no return: %d\n",
		       current->comm, current->pid, b->filename, err);
		bprm_free(b);
		force_sig(SIGSEGV);
		return err;
	}
	if (unlikely(current->pt.tracer))
		ptrace_exec_notify(old_pid);
	trace_task_exec(b->filename);
out:
	bprm_free(b);
	return err;
}

long kernel_execve(const char *path, const char *const argv[],
		   const char *const envp[])
{
	long err = do_execve(path, argv, envp, true);

	/* Not inside a syscall: nothing must skip the next return value. */
	current->regs_replaced = false;
	return err;
}

SYSCALL_DEFINE3(execve, const char __user *, filename,
		const char __user *const __user *, argv,
		const char __user *const __user *, envp)
{
	return do_execve(filename, argv, envp, false);
}

SYSCALL_DEFINE5(execveat, int, dfd, const char __user *, filename,
		const char __user *const __user *, argv,
		const char __user *const __user *, envp, int, flags)
{
	/* Only the AT_FDCWD form guests use. */
	if (dfd != AT_FDCWD || flags)
		return -ENOSYS;
	return do_execve(filename, argv, envp, false);
}

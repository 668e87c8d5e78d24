/*
 * execve: load a static ELF executable (ET_EXEC or static-pie ET_DYN) or a
 * #! script into a fresh address space and start it. Task context.
 */
#include <glass/usersyms.h>
#include <glass/elf.h>
#include <glass/fs.h>
#include <glass/mm.h>
#include <glass/os.h>
#include <glass/proc.h>
#include <glass/sched.h>
#include <glass/syscalls.h>

#define MAX_ARG_STRLEN (128 * 1024)
#define MAX_ARG_TOTAL (2 * 1024 * 1024)
#define MAX_ARGS 65536
#define BINPRM_BUF 256
#define ELF_ET_DYN_BASE 0x555555554000UL
#define STACK_INIT_SIZE (128 * 1024UL)

#define MAP_PRIVATE 0x02
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_GROWSDOWN 0x0100

/* auxv tags */
#define AT_NULL 0
#define AT_PHDR 3
#define AT_PHENT 4
#define AT_PHNUM 5
#define AT_PAGESZ 6
#define AT_BASE 7
#define AT_FLAGS 8
#define AT_ENTRY 9
#define AT_UID 11
#define AT_EUID 12
#define AT_GID 13
#define AT_EGID 14
#define AT_PLATFORM 15
#define AT_HWCAP 16
#define AT_CLKTCK 17
#define AT_SECURE 23
#define AT_RANDOM 25
#define AT_HWCAP2 26
#define AT_EXECFN 31
#define AT_MINSIGSTKSZ 51

struct linux_binprm {
	char *filename;         /* as given, for AT_EXECFN and scripts */
	char **argv, **envp;    /* kernel copies */
	int argc, envc;
	size_t total;
	struct file *file;
	char buf[BINPRM_BUF];
	struct elf64_hdr eh;
	struct elf64_phdr ph[ELF_MAX_PHNUM];
};

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

static int open_exec(struct linux_binprm *b, const char *path)
{
	struct file *f = filp_open(path, O_RDONLY, 0);
	loff_t pos = 0;
	ssize_t n;

	if (IS_ERR(f))
		return PTR_ERR(f);
	if (!S_ISREG(f->f_inode->i_mode) || may_exec(f->f_inode)) {
		fput(f);
		return -EACCES;
	}
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
	err = open_exec(b, interp);
	return err;
}

static int read_elf_headers(struct linux_binprm *b)
{
	struct inode *inode = b->file->f_inode;
	loff_t pos = 0;
	const char *why;

	if (kernel_read(b->file, &b->eh, sizeof(b->eh), &pos) != sizeof(b->eh))
		return -ENOEXEC;
	if (memcmp(b->eh.e_ident, "\177ELF", 4))
		return -ENOEXEC;
	if (b->eh.e_phnum > ELF_MAX_PHNUM || b->eh.e_phentsize != sizeof(struct elf64_phdr))
		goto bad;
	pos = b->eh.e_phoff;
	if (kernel_read(b->file, b->ph, b->eh.e_phnum * sizeof(struct elf64_phdr), &pos) !=
	    (ssize_t)(b->eh.e_phnum * sizeof(struct elf64_phdr)))
		goto bad;
	why = elf_check(&b->eh, b->ph, inode->i_size);
	if (!why)
		return 0;
	pr_notice("exec %s: %s\n", b->filename, why);
	return -ENOEXEC;
bad:
	pr_notice("exec %s: bad program headers\n", b->filename);
	return -ENOEXEC;
}

static int elf_prot(u32 flags)
{
	return (flags & PF_R ? 1 : 0) | (flags & PF_W ? 2 : 0) | (flags & PF_X ? 4 : 0);
}

/* Map the PT_LOAD segments; returns the load bias or -errno. */
static long map_segments(struct linux_binprm *b, unsigned long *brk_start)
{
	unsigned long bias = b->eh.e_type == ET_DYN ? ELF_ET_DYN_BASE : 0;
	unsigned long end_max = 0;

	for (int i = 0; i < b->eh.e_phnum; i++) {
		struct elf64_phdr *p = &b->ph[i];
		unsigned long start, fend, mend, off;
		long r;

		if (p->p_type != PT_LOAD)
			continue;
		start = ALIGN_DOWN(bias + p->p_vaddr, PAGE_SIZE);
		off = ALIGN_DOWN(p->p_offset, PAGE_SIZE);
		fend = bias + p->p_vaddr + p->p_filesz;
		mend = bias + p->p_vaddr + p->p_memsz;
		if (p->p_filesz) {
			r = do_mmap(b->file, start, PAGE_ALIGN(fend) - start,
				    elf_prot(p->p_flags), MAP_PRIVATE | MAP_FIXED,
				    off >> PAGE_SHIFT);
			if (r < 0)
				return r;
		}
		if (mend > fend) {
			unsigned long zstart = PAGE_ALIGN(fend);
			/* The bss part of the last file page must read as zero. */
			if (p->p_filesz && (fend & (PAGE_SIZE - 1)) &&
			    clear_user((void __user *)fend, min(mend, zstart) - fend))
				return -EFAULT;
			if (!p->p_filesz)
				zstart = start;
			if (PAGE_ALIGN(mend) > zstart) {
				r = do_mmap(NULL, zstart, PAGE_ALIGN(mend) - zstart,
					    elf_prot(p->p_flags),
					    MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS, 0);
				if (r < 0)
					return r;
			}
		}
		if (mend > end_max)
			end_max = mend;
		if (p->p_flags & PF_X) {
			if (!current->mm->start_code || start < current->mm->start_code)
				current->mm->start_code = start;
			if (fend > current->mm->end_code)
				current->mm->end_code = fend;
		} else {
			if (!current->mm->start_data)
				current->mm->start_data = start;
			current->mm->end_data = fend;
		}
	}
	*brk_start = PAGE_ALIGN(end_max);
	return bias;
}

/* Push bytes down the new stack; returns the user address. */
static unsigned long push_bytes(unsigned long *sp, const void *data, size_t n)
{
	*sp -= n;
	if (copy_to_user((void __user *)*sp, data, n))
		return 0;
	return *sp;
}

static int create_tables(struct linux_binprm *b, unsigned long bias,
			 unsigned long *sp_out)
{
	struct mm_struct *mm = current->mm;
	unsigned long sp = STACK_TOP, execfn, platform, random, phdr = 0;
	unsigned long *argv_u, *envp_u;
	unsigned long auxv[2 * 24], *vec;
	u8 rnd[16];
	int i, na = 0;

	execfn = push_bytes(&sp, b->filename, strlen(b->filename) + 1);
	mm->env_end = sp + strlen(b->filename) + 1;
	for (i = b->envc - 1; i >= 0; i--)
		push_bytes(&sp, b->envp[i], strlen(b->envp[i]) + 1);
	mm->env_start = sp;
	mm->arg_end = sp;
	for (i = b->argc - 1; i >= 0; i--)
		push_bytes(&sp, b->argv[i], strlen(b->argv[i]) + 1);
	mm->arg_start = sp;
	mm->env_end = execfn;
	platform = push_bytes(&sp, "x86_64", 7);
	os_random_bytes(rnd, sizeof(rnd));
	sp &= ~15UL;
	random = push_bytes(&sp, rnd, sizeof(rnd));
	if (!execfn || !platform || !random)
		return -EFAULT;

	for (i = 0; i < b->eh.e_phnum; i++)
		if (b->ph[i].p_type == PT_PHDR)
			phdr = bias + b->ph[i].p_vaddr;
	for (i = 0; !phdr && i < b->eh.e_phnum; i++)
		if (b->ph[i].p_type == PT_LOAD && b->ph[i].p_offset <= b->eh.e_phoff &&
		    b->eh.e_phoff < b->ph[i].p_offset + b->ph[i].p_filesz)
			phdr = bias + b->ph[i].p_vaddr + b->eh.e_phoff - b->ph[i].p_offset;

#define NEW_AUX(id, val) (auxv[na++] = (id), auxv[na++] = (val))
	NEW_AUX(AT_HWCAP, 0x178bfbff);
	NEW_AUX(AT_PAGESZ, PAGE_SIZE);
	NEW_AUX(AT_CLKTCK, 100);
	NEW_AUX(AT_PHDR, phdr);
	NEW_AUX(AT_PHENT, sizeof(struct elf64_phdr));
	NEW_AUX(AT_PHNUM, b->eh.e_phnum);
	NEW_AUX(AT_BASE, 0);
	NEW_AUX(AT_FLAGS, 0);
	NEW_AUX(AT_ENTRY, bias + b->eh.e_entry);
	NEW_AUX(AT_UID, 0);
	NEW_AUX(AT_EUID, 0);
	NEW_AUX(AT_GID, 0);
	NEW_AUX(AT_EGID, 0);
	NEW_AUX(AT_SECURE, 0);
	NEW_AUX(AT_RANDOM, random);
	NEW_AUX(AT_HWCAP2, 0);
	NEW_AUX(AT_EXECFN, execfn);
	NEW_AUX(AT_PLATFORM, platform);
	NEW_AUX(AT_MINSIGSTKSZ, 2048 + os_xstate_size());
	NEW_AUX(AT_NULL, 0);
#undef NEW_AUX

	/* argc, argv[], NULL, envp[], NULL, auxv: argc 16-byte aligned. */
	size_t words = 1 + b->argc + 1 + b->envc + 1 + na;
	sp -= words * sizeof(unsigned long);
	sp &= ~15UL;
	vec = kcalloc(words, sizeof(unsigned long), GFP_KERNEL);
	if (!vec)
		return -ENOMEM;
	vec[0] = b->argc;
	argv_u = &vec[1];
	envp_u = &vec[1 + b->argc + 1];
	{
		unsigned long a = mm->arg_start;
		for (i = 0; i < b->argc; i++) {
			argv_u[i] = a;
			a += strlen(b->argv[i]) + 1;
		}
		a = mm->env_start;
		for (i = 0; i < b->envc; i++) {
			envp_u[i] = a;
			a += strlen(b->envp[i]) + 1;
		}
	}
	memcpy(&vec[1 + b->argc + 1 + b->envc + 1], auxv, na * sizeof(unsigned long));
	i = copy_to_user((void __user *)sp, vec, words * sizeof(unsigned long)) ? -EFAULT : 0;
	kfree(vec);
	*sp_out = sp;
	return i;
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
	unsigned long brk, sp;
	const char *base;
	long bias, bias_or_err;
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
	bias = map_segments(b, &brk);
	if (bias < 0)
		return (int)bias;
	mm_set_brk(mm, brk);
	bias_or_err = do_mmap(NULL, STACK_TOP - STACK_INIT_SIZE, STACK_INIT_SIZE, 3,
			      MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS | MAP_GROWSDOWN, 0);
	if (bias_or_err < 0)
		return (int)bias_or_err;
	mm->start_stack = STACK_TOP;
	err = create_tables(b, bias, &sp);
	if (err)
		return err;
	if (mm->exe_file)
		fput(mm->exe_file);
	mm->exe_file = get_file(b->file);
	user_syms_load(mm, b->file, &b->eh, bias);

	base = strrchr(b->filename, '/');
	strscpy(current->comm, base ? base + 1 : b->filename, sizeof(current->comm));
	current->flags &= ~(PF_KTHREAD | PF_FORKNOEXEC);
	current->set_child_tid = NULL;
	flush_signal_handlers(current);
	do_close_on_exec(current->files);
	memset(&current->regs, 0, sizeof(current->regs));
	current->regs.ip = bias + b->eh.e_entry;
	current->regs.sp = sp;
	current->regs.cs = 0x33;
	current->regs.ss = 0x2b;
	current->regs.flags = 0x202;
	current->regs.orig_ax = -1;
	current->regs_replaced = true;
	reset_fpstate(current);
	return 0;
}

/* The common path of execve(2) and kernel_execve(). */
static int do_execve(const char *filename, const char *const *argv,
		     const char *const *envp, bool kernel)
{
	struct linux_binprm *b = kzalloc(sizeof(*b), GFP_KERNEL);
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
	err = open_exec(b, b->filename);
	for (depth = 0; !err && b->buf[0] == '#' && b->buf[1] == '!'; depth++) {
		if (depth == 4) {
			err = -ELOOP;
			break;
		}
		err = load_script(b);
	}
	if (err)
		goto out;
	err = read_elf_headers(b);
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

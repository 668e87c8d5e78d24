/*
 * The ELF loader of exec: map an executable's PT_LOAD segments (ET_EXEC,
 * or ET_DYN at ELF_ET_DYN_BASE), and for a dynamic one its PT_INTERP
 * program (ld.so) where mmap puts it, which then starts first and maps
 * the libraries itself; build the initial stack with argc, argv, envp and
 * the auxiliary vector as Linux lays them out. Task context, in the
 * execing task, its new mm current.
 */
#include <glass/binfmts.h>
#include <glass/fs.h>
#include <glass/mm.h>
#include <glass/os.h>
#include <glass/proc.h>
#include <glass/usersyms.h>
#include <uapi/auxvec.h>
#include <uapi/param.h>

#define ELF_ET_DYN_BASE 0x555555554000UL
#define STACK_INIT_SIZE (128 * 1024UL)

/* Read f's ELF and program headers into eh and ph and check them; name
 * is for the log. */
static int read_elf_headers(struct file *f, const char *name, struct elf64_hdr *eh,
			    struct elf64_phdr *ph)
{
	loff_t pos = 0;
	const char *why;

	if (kernel_read(f, eh, sizeof(*eh), &pos) != sizeof(*eh))
		return -ENOEXEC;
	if (memcmp(eh->e_ident, "\177ELF", 4))
		return -ENOEXEC;
	if (eh->e_phnum > ELF_MAX_PHNUM || eh->e_phentsize != sizeof(struct elf64_phdr))
		goto bad;
	pos = eh->e_phoff;
	if (kernel_read(f, ph, eh->e_phnum * sizeof(struct elf64_phdr), &pos) !=
	    (ssize_t)(eh->e_phnum * sizeof(struct elf64_phdr)))
		goto bad;
	why = elf_check(eh, ph, f->f_inode->i_size);
	if (!why)
		return 0;
	pr_notice("exec %s: %s\n", name, why);
	return -ENOEXEC;
bad:
	pr_notice("exec %s: bad program headers\n", name);
	return -ENOEXEC;
}

/* Open and check the interpreter PT_INTERP names (looked up in the
 * execing task's root, as Linux's: a missing one is ENOENT). */
static int open_interp(struct linux_binprm *b, const struct elf64_phdr *p)
{
	char *name = kmalloc(p->p_filesz, GFP_KERNEL);
	loff_t pos = p->p_offset;
	struct file *f;
	int err = -ENOMEM;

	if (!name)
		return err;
	err = -ENOEXEC;
	if (kernel_read(b->file, name, p->p_filesz, &pos) != (ssize_t)p->p_filesz ||
	    strnlen(name, p->p_filesz) != p->p_filesz - 1) {
		pr_notice("exec %s: bad interpreter name\n", b->filename);
		goto out;
	}
	f = open_exec(name);
	if (IS_ERR(f)) {
		err = PTR_ERR(f);
		goto out;
	}
	b->interp = f;
	err = read_elf_headers(f, name, &b->ieh, b->iph);
	if (!err && elf_interp(&b->ieh, b->iph)) {
		pr_notice("exec %s: interpreter %s has an interpreter\n", b->filename, name);
		err = -ELIBBAD;
	}
out:
	kfree(name);
	return err;
}

int load_elf_phdrs(struct linux_binprm *b)
{
	const struct elf64_phdr *interp;
	int err = read_elf_headers(b->file, b->filename, &b->eh, b->ph);

	if (err)
		return err;
	interp = elf_interp(&b->eh, b->ph);
	return interp ? open_interp(b, interp) : 0;
}

static int elf_prot(u32 flags)
{
	return (flags & PF_R ? PROT_READ : 0) | (flags & PF_W ? PROT_WRITE : 0) |
	       (flags & PF_X ? PROT_EXEC : 0);
}

/* Map f's PT_LOAD segments at bias; the program's own (not the
 * interpreter's) also set the mm's code and data bounds and *brk_start. */
static int map_segments(struct file *f, const struct elf64_hdr *eh,
			const struct elf64_phdr *ph, unsigned long bias,
			unsigned long *brk_start)
{
	unsigned long end_max = 0;

	for (int i = 0; i < eh->e_phnum; i++) {
		const struct elf64_phdr *p = &ph[i];
		unsigned long start, fend, mend, off;
		long r;

		if (p->p_type != PT_LOAD)
			continue;
		start = ALIGN_DOWN(bias + p->p_vaddr, PAGE_SIZE);
		off = ALIGN_DOWN(p->p_offset, PAGE_SIZE);
		fend = bias + p->p_vaddr + p->p_filesz;
		mend = bias + p->p_vaddr + p->p_memsz;
		if (p->p_filesz) {
			r = do_mmap(f, start, PAGE_ALIGN(fend) - start,
				    elf_prot(p->p_flags), MAP_PRIVATE | MAP_FIXED,
				    off >> PAGE_SHIFT);
			if (r < 0)
				return r;
		}
		if (mend > fend) {
			unsigned long zstart = PAGE_ALIGN(fend);
			/* The last file page reads as zeros past the file part,
			 * up to its end (Linux's padzero): ld.so's early malloc
			 * takes that tail beyond its bss as zeroed memory. */
			if (p->p_filesz && (fend & (PAGE_SIZE - 1)) &&
			    clear_user((void __user *)fend, zstart - fend))
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
		if (!brk_start)
			continue;
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
	if (brk_start)
		*brk_start = PAGE_ALIGN(end_max);
	return 0;
}

/* Map the interpreter: an ET_DYN one (ld.so) wherever mmap finds room
 * for its whole extent, as Linux's load_elf_interp. Returns its bias. */
static long map_interp(struct linux_binprm *b)
{
	unsigned long lo, hi = elf_load_span(&b->ieh, b->iph, &lo);
	long base = 0, err;

	if (b->ieh.e_type == ET_DYN) {
		base = do_mmap(NULL, 0, hi - lo, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, 0);
		if (base < 0)
			return base;
		base -= lo;
	}
	err = map_segments(b->interp, &b->ieh, b->iph, base, NULL);
	return err ? err : base;
}

/* Push bytes down the new stack; returns the user address. */
static unsigned long push_bytes(unsigned long *sp, const void *data, size_t n)
{
	*sp -= n;
	if (copy_to_user((void __user *)*sp, data, n))
		return 0;
	return *sp;
}

static int create_elf_tables(struct linux_binprm *b, unsigned long bias,
			     unsigned long interp_bias, unsigned long *sp_out)
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
	NEW_AUX(AT_CLKTCK, USER_HZ);
	NEW_AUX(AT_PHDR, phdr);
	NEW_AUX(AT_PHENT, sizeof(struct elf64_phdr));
	NEW_AUX(AT_PHNUM, b->eh.e_phnum);
	NEW_AUX(AT_BASE, interp_bias);
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

int load_elf_binary(struct linux_binprm *b)
{
	struct mm_struct *mm = current->mm;
	unsigned long brk, bias = b->eh.e_type == ET_DYN ? ELF_ET_DYN_BASE : 0;
	long interp_bias = 0, err;

	err = map_segments(b->file, &b->eh, b->ph, bias, &brk);
	if (err)
		return (int)err;
	mm_set_brk(mm, brk);
	err = do_mmap(NULL, STACK_TOP - STACK_INIT_SIZE, STACK_INIT_SIZE,
		      PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS | MAP_GROWSDOWN, 0);
	if (err < 0)
		return (int)err;
	mm->start_stack = STACK_TOP;
	if (b->interp) {
		interp_bias = map_interp(b);
		if (interp_bias < 0)
			return (int)interp_bias;
	}
	err = create_elf_tables(b, bias, interp_bias, &b->p);
	if (err)
		return (int)err;
	user_syms_load(mm, b->file, &b->eh, bias);
	b->entry = b->interp ? interp_bias + b->ieh.e_entry : bias + b->eh.e_entry;
	return 0;
}

/*
 * The ELF loader of exec: map a static executable's PT_LOAD segments
 * (ET_EXEC, or static-pie ET_DYN at ELF_ET_DYN_BASE) and build the initial
 * stack with argc, argv, envp and the auxiliary vector as Linux lays them
 * out. Task context, in the execing task, its new mm current.
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

int load_elf_phdrs(struct linux_binprm *b)
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
	return (flags & PF_R ? PROT_READ : 0) | (flags & PF_W ? PROT_WRITE : 0) |
	       (flags & PF_X ? PROT_EXEC : 0);
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

static int create_elf_tables(struct linux_binprm *b, unsigned long bias,
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
	NEW_AUX(AT_CLKTCK, USER_HZ);
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

int load_elf_binary(struct linux_binprm *b)
{
	struct mm_struct *mm = current->mm;
	unsigned long brk;
	long bias, err;

	bias = map_segments(b, &brk);
	if (bias < 0)
		return (int)bias;
	mm_set_brk(mm, brk);
	err = do_mmap(NULL, STACK_TOP - STACK_INIT_SIZE, STACK_INIT_SIZE,
		      PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS | MAP_GROWSDOWN, 0);
	if (err < 0)
		return (int)err;
	mm->start_stack = STACK_TOP;
	err = create_elf_tables(b, bias, &b->p);
	if (err)
		return (int)err;
	user_syms_load(mm, b->file, &b->eh, bias);
	b->entry = bias + b->eh.e_entry;
	return 0;
}

/*
 * What exec (kernel/proc/exec.c) hands a binary loader: the program's
 * file and its first bytes, and the argument and environment strings
 * already copied into the kernel. The ELF loader (binfmt_elf.c) reads its
 * headers into the same struct.
 */
#ifndef GLASS_BINFMTS_H
#define GLASS_BINFMTS_H

#include <glass/elf.h>
#include <glass/types.h>

#define BINPRM_BUF 256

struct file;

struct linux_binprm {
	char *filename;         /* as given, for AT_EXECFN and scripts */
	char **argv, **envp;    /* kernel copies */
	int argc, envc;
	size_t total;
	struct file *file;
	char buf[BINPRM_BUF];
	struct elf64_hdr eh;
	struct elf64_phdr ph[ELF_MAX_PHNUM];
	/* PT_INTERP's program (ld.so), opened and checked before the point
	 * of no return; NULL for a static executable */
	struct file *interp;
	struct elf64_hdr ieh;
	struct elf64_phdr iph[ELF_MAX_PHNUM];
	unsigned long entry;    /* set by load_elf_binary: first instruction */
	unsigned long p;        /* and the initial stack pointer */
};

/* Open path to run it: a regular file with an x bit (else -EACCES), or
 * ERR_PTR with the open's error. */
struct file *open_exec(const char *path);
/* Read and check the ELF and program headers, and open and check the
 * interpreter a dynamic executable names: -ENOEXEC if b->file is not an
 * x86-64 executable, the open's error (ENOENT) for a missing interpreter.
 * Before the point of no return. */
int load_elf_phdrs(struct linux_binprm *b);
/* Map b's image into current's fresh mm and build its stack (argv, envp,
 * auxv); sets b->entry and b->p. After the point of no return. */
int load_elf_binary(struct linux_binprm *b);

#endif

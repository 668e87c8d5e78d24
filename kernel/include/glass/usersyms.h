/* A guest program's function symbols, for sysrq t (kernel/proc/usersyms.c). */
#ifndef GLASS_USERSYMS_H
#define GLASS_USERSYMS_H

#include <glass/elf.h>
#include <glass/types.h>

struct file;
struct mm_struct;

struct user_sym {
	u64 addr;               /* in the guest's address space */
	u32 size;
	u32 name;               /* offset into names */
};

/* Shared by the mms of a program and its forks; sorted by addr. */
struct user_syms {
	int refs;
	unsigned long nr;
	char *names;
	size_t names_size;
	struct user_sym sym[];
};

/* At exec: the symbols of f, loaded at bias (none if it has no table). */
void user_syms_load(struct mm_struct *mm, struct file *f, const struct elf64_hdr *eh,
		    unsigned long bias);
/* At fork: the child shares the parent's. */
void user_syms_share(struct mm_struct *child, struct mm_struct *parent);
void user_syms_free(struct mm_struct *mm);
/* The name of the function holding ip, or NULL. CPU thread (the monitor
 * thread reads the table with checked reads: kernel/debug/sysrq.c). */
const char *user_syms_lookup(const struct user_syms *us, u64 ip);
/* Index of the symbol holding ip in sym[0..nr), sorted by address, or -1.
 * Monitor text: sysrq t calls it once it has checked the table. */
long user_sym_index(const struct user_sym *sym, unsigned long nr, u64 ip);

#endif

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
/* The function of mm's program holding ip: its name (at most *max bytes,
 * maybe without a NUL) and ip's offset in it, or NULL. Monitor thread:
 * every pointer checked, as the CPU may be replacing the table. */
const char *user_sym_lookup(const struct mm_struct *mm, u64 ip, size_t *max, u64 *off);

#endif

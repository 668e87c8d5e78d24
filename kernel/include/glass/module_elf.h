/*
 * The ELF relocatable loader's pure half (kernel/module/elf_load.c): checks
 * an x86-64 ET_REL image, lays its SHF_ALLOC sections out in three
 * page-aligned parts (text RX, read-only RO, data and bss RW), copies them
 * to where the caller placed the area, resolves undefined symbols through
 * a callback and applies the RELA relocations. No host call, no
 * allocation: everything lives in the image (which it writes: section
 * addresses and symbol values are rewritten in place, as Linux does) and
 * in the area the caller maps. Each step returns 0 or -errno as Linux
 * would for the module, with the reason in info->reason.
 */
#ifndef GLASS_MODULE_ELF_H
#define GLASS_MODULE_ELF_H

#include <glass/elf.h>
#include <glass/types.h>

enum { MOD_TEXT, MOD_RO, MOD_RW, MOD_PARTS };

struct load_info {
	unsigned char *image;
	unsigned long len;
	struct elf64_hdr *hdr;
	struct elf64_shdr *sechdrs;
	const char *secstrings;
	unsigned long secstrings_size;
	struct elf64_sym *syms;
	unsigned int num_syms;
	const char *strtab;
	unsigned long strtab_size;
	unsigned int modinfo_idx;       /* 0: none */
	/* mod_layout: each part's size (page multiples) and the total. */
	unsigned long part_size[MOD_PARTS];
	unsigned long total;
	char reason[128];               /* why a step refused, for the log */
};

/* Resolve an undefined symbol's name to its address: 0, -ENOENT if there
 * is none, or another -errno (the symbol's owner is going away...). */
typedef int (*mod_resolve_t)(void *arg, const char *name, unsigned long *value);

/* Checks the headers, section table, string tables, symbol table and
 * relocation sections' links: -ENOEXEC on anything malformed. */
int mod_elf_check(struct load_info *info, void *image, unsigned long len);

/* The next "tag=value" of .modinfo after prev (NULL: the first); returns
 * the value, or NULL when no more. */
const char *mod_get_modinfo(const struct load_info *info, const char *tag,
			    const char *prev);

/* The index of the section called name, 0 if none. */
unsigned int mod_find_section(const struct load_info *info, const char *name);

/* Offsets of the SHF_ALLOC sections within their part; fills part_size
 * and total. .modinfo stops being SHF_ALLOC (read from the image, never
 * loaded). */
int mod_layout(struct load_info *info);

/* With the area at base (total bytes, writable): sets every allocated
 * section's sh_addr, copies its bytes there (zeroes NOBITS). */
void mod_place(struct load_info *info, unsigned long base);

/* Symbol values become addresses; undefined ones come from resolve (its
 * error: "Unknown symbol NAME (err E)" in reason; a weak one it does not
 * know is 0). */
int mod_simplify_symbols(struct load_info *info, mod_resolve_t resolve, void *arg);

/* Applies every RELA section that targets an allocated section. */
int mod_apply_relocations(struct load_info *info);

/* Whether a symbol names code or data in an allocated section (the module's
 * own symbol table: kallsyms for the module). */
bool mod_symbol_wanted(const struct load_info *info, const struct elf64_sym *sym);

#endif

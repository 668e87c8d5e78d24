/* ELF64 x86-64 structures and the pure header checks (proc/elf.c). */
#ifndef GLASS_ELF_H
#define GLASS_ELF_H

#include <glass/types.h>

#define ET_EXEC 2
#define ET_DYN 3
#define EM_X86_64 62
#define PT_LOAD 1
#define PT_INTERP 3
#define PT_PHDR 6
#define PT_GNU_STACK 0x6474e551
#define PF_X 1
#define PF_W 2
#define PF_R 4

struct elf64_hdr {
	unsigned char e_ident[16];
	u16 e_type, e_machine;
	u32 e_version;
	u64 e_entry, e_phoff, e_shoff;
	u32 e_flags;
	u16 e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
};

struct elf64_phdr {
	u32 p_type, p_flags;
	u64 p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
};

#define ELF_MAX_PHNUM 64

/* Validate an executable's header and program headers (already read into
 * memory). Returns NULL if usable, else a reason for the log. */
const char *elf_check(const struct elf64_hdr *eh, const struct elf64_phdr *ph,
		      unsigned long file_size);

#endif

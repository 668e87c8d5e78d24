/* ELF64 x86-64 structures and the pure header checks (proc/elf.c). */
#ifndef GLASS_ELF_H
#define GLASS_ELF_H

#include <glass/types.h>

#define ET_EXEC 2
#define ET_DYN 3
#define EM_X86_64 62
#define PT_LOAD 1
#define PT_INTERP 3
#define PT_NOTE 4
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
#define ELF_MAX_INTERP 4096     /* PT_INTERP's name, NUL included (PATH_MAX) */

/* Relocatable objects (loadable modules, kernel/module/). */
#define ET_REL 1
#define SHT_NULL 0
#define SHT_PROGBITS 1
#define SHT_SYMTAB 2
#define SHT_STRTAB 3
#define SHT_RELA 4
#define SHT_NOBITS 8
#define SHT_REL 9
#define SHF_WRITE 0x1
#define SHF_ALLOC 0x2
#define SHF_EXECINSTR 0x4
#define SHN_UNDEF 0
#define SHN_LORESERVE 0xff00
#define SHN_ABS 0xfff1
#define SHN_COMMON 0xfff2
#define STB_LOCAL 0
#define STB_GLOBAL 1
#define STB_WEAK 2
#define STT_OBJECT 1
#define STT_FUNC 2
#define ELF64_ST_BIND(i) ((i) >> 4)
#define ELF64_ST_TYPE(i) ((i) & 0xf)
#define ELF64_R_SYM(i) ((u32)((i) >> 32))
#define ELF64_R_TYPE(i) ((u32)(i))
#define R_X86_64_NONE 0
#define R_X86_64_64 1
#define R_X86_64_PC32 2
#define R_X86_64_PLT32 4
#define R_X86_64_32 10
#define R_X86_64_32S 11
#define R_X86_64_PC64 24

struct elf64_shdr {
	u32 sh_name, sh_type;
	u64 sh_flags, sh_addr, sh_offset, sh_size;
	u32 sh_link, sh_info;
	u64 sh_addralign, sh_entsize;
};

struct elf64_sym {
	u32 st_name;
	unsigned char st_info, st_other;
	u16 st_shndx;
	u64 st_value, st_size;
};

struct elf64_rela {
	u64 r_offset, r_info;
	s64 r_addend;
};

/* Validate an executable's header and program headers (already read into
 * memory). Returns NULL if usable, else a reason for the log. */
const char *elf_check(const struct elf64_hdr *eh, const struct elf64_phdr *ph,
		      unsigned long file_size);
/* The PT_INTERP header of a checked executable, or NULL (static). */
const struct elf64_phdr *elf_interp(const struct elf64_hdr *eh, const struct elf64_phdr *ph);
/* The page-aligned extent of a checked executable's PT_LOAD segments:
 * [*lo, returned end), in its own (unbiased) addresses. */
unsigned long elf_load_span(const struct elf64_hdr *eh, const struct elf64_phdr *ph,
			    unsigned long *lo);

#endif

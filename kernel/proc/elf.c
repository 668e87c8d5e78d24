/* Pure ELF checks for exec: no host calls, no allocation. */
#include <glass/elf.h>
#include <glass/kernel.h>
#include <glass/layout.h>

const char *elf_check(const struct elf64_hdr *eh, const struct elf64_phdr *ph,
		      unsigned long file_size)
{
	bool has_load = false, has_interp = false;

	if (memcmp(eh->e_ident, "\177ELF", 4))
		return "not an ELF file";
	if (eh->e_ident[4] != 2 || eh->e_ident[5] != 1)
		return "not a 64-bit little-endian ELF file";
	if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN)
		return "not an executable";
	if (eh->e_machine != EM_X86_64)
		return "not an x86-64 program";
	if (eh->e_phentsize != sizeof(struct elf64_phdr) || !eh->e_phnum ||
	    eh->e_phnum > ELF_MAX_PHNUM)
		return "bad program header table";
	if (eh->e_phoff > file_size ||
	    eh->e_phnum * sizeof(struct elf64_phdr) > file_size - eh->e_phoff)
		return "program headers beyond the end of the file";
	for (int i = 0; i < eh->e_phnum; i++) {
		const struct elf64_phdr *p = &ph[i];

		if (p->p_type == PT_INTERP) {
			if (has_interp)
				return "more than one interpreter";
			has_interp = true;
			if (p->p_filesz < 2 || p->p_filesz > ELF_MAX_INTERP)
				return "bad interpreter name size";
			if (p->p_offset > file_size || p->p_filesz > file_size - p->p_offset)
				return "interpreter name beyond the end of the file";
			continue;
		}
		if (p->p_type != PT_LOAD)
			continue;
		has_load = true;
		if (p->p_filesz > p->p_memsz)
			return "segment file size exceeds its memory size";
		if (p->p_offset > file_size || p->p_filesz > file_size - p->p_offset)
			return "segment beyond the end of the file";
		if ((p->p_vaddr & (PAGE_SIZE - 1)) != (p->p_offset & (PAGE_SIZE - 1)))
			return "misaligned segment";
		if (p->p_vaddr >= TASK_SIZE || p->p_memsz >= TASK_SIZE - p->p_vaddr)
			return "segment outside the user address space";
	}
	if (!has_load)
		return "no loadable segments";
	return NULL;
}

const struct elf64_phdr *elf_interp(const struct elf64_hdr *eh, const struct elf64_phdr *ph)
{
	for (int i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_INTERP)
			return &ph[i];
	return NULL;
}

unsigned long elf_load_span(const struct elf64_hdr *eh, const struct elf64_phdr *ph,
			    unsigned long *lo)
{
	unsigned long hi = 0;

	*lo = ~0UL;
	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		*lo = min(*lo, ALIGN_DOWN(ph[i].p_vaddr, PAGE_SIZE));
		hi = max(hi, PAGE_ALIGN(ph[i].p_vaddr + ph[i].p_memsz));
	}
	return hi;
}

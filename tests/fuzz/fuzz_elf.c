/*
 * libFuzzer target for exec's ELF checks (kernel/proc/elf.c): any bytes
 * as an executable file, read as load_elf_phdrs reads it (the ELF header,
 * then e_phnum program headers at e_phoff). What elf_check accepts must
 * be safe to map: its PT_INTERP name inside the file and of a sane size,
 * its PT_LOAD extent page-aligned and inside the user address space.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glass/elf.h>
#include <glass/layout.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct elf64_phdr ph[ELF_MAX_PHNUM];
	const struct elf64_phdr *ip;
	struct elf64_hdr eh;
	unsigned long lo, hi;

	if (size < sizeof(eh))
		return 0;
	memcpy(&eh, data, sizeof(eh));
	if (eh.e_phnum > ELF_MAX_PHNUM || eh.e_phentsize != sizeof(struct elf64_phdr) ||
	    eh.e_phoff > size || eh.e_phnum * sizeof(*ph) > size - eh.e_phoff)
		return 0;       /* exec's short read: refused before elf_check */
	memcpy(ph, data + eh.e_phoff, eh.e_phnum * sizeof(*ph));
	if (elf_check(&eh, ph, size))
		return 0;
	ip = elf_interp(&eh, ph);
	if (ip && (ip->p_filesz < 2 || ip->p_filesz > ELF_MAX_INTERP ||
		   ip->p_offset > size || ip->p_filesz > size - ip->p_offset))
		abort();
	hi = elf_load_span(&eh, ph, &lo);
	if (lo > hi || (lo | hi) & (PAGE_SIZE - 1) || hi > PAGE_ALIGN(TASK_SIZE))
		abort();
	return 0;
}

/*
 * The ELF relocatable loader, pure half (glass/module_elf.h): checks,
 * layout, placement, symbol resolution and x86-64 relocation of a module
 * image. Runs on the CPU thread inside load_module and in the unit tests
 * and fuzzer with no kernel at all. Every refusal is -ENOEXEC (Linux's
 * errno for a malformed module) but an unknown symbol (-ENOENT).
 */
#include <glass/errno.h>
#include <glass/kernel.h>
#include <glass/layout.h>
#include <glass/module_elf.h>
#include <glass/string.h>

#define refuse(info, ...)						\
	({ scnprintf((info)->reason, sizeof((info)->reason), __VA_ARGS__); -ENOEXEC; })

/* A part of the image [off, off + size) lies inside it. */
static bool in_image(const struct load_info *info, u64 off, u64 size)
{
	return off <= info->len && size <= info->len - off;
}

static const char *sec_name(const struct load_info *info, unsigned int i)
{
	return info->secstrings + info->sechdrs[i].sh_name;
}

/* A string table: in the image, not empty, NUL-terminated at its end. */
static bool strtab_ok(const struct load_info *info, const struct elf64_shdr *s)
{
	return s->sh_type == SHT_STRTAB && s->sh_size &&
	       in_image(info, s->sh_offset, s->sh_size) &&
	       !info->image[s->sh_offset + s->sh_size - 1];
}

static int check_header(struct load_info *info)
{
	const struct elf64_hdr *h = info->hdr;

	if (info->len < 4 || memcmp(h->e_ident, "\177ELF", 4))
		return refuse(info, "not an ELF object");
	if (info->len < sizeof(*h))
		return refuse(info, "truncated: %lu bytes, no ELF header", info->len);
	if (h->e_ident[4] != 2 || h->e_ident[5] != 1 || h->e_ident[6] != 1)
		return refuse(info, "not a little-endian ELF64 object");
	if (h->e_type != ET_REL)
		return refuse(info, "not a relocatable object (ELF type %u)", h->e_type);
	if (h->e_machine != EM_X86_64)
		return refuse(info, "wrong machine %u (not x86-64)", h->e_machine);
	if (h->e_shentsize != sizeof(struct elf64_shdr) || !h->e_shnum ||
	    h->e_shnum >= SHN_LORESERVE)
		return refuse(info, "bad section header table (%u entries of %u bytes)",
			      h->e_shnum, h->e_shentsize);
	if (!in_image(info, h->e_shoff, (u64)h->e_shnum * sizeof(struct elf64_shdr)))
		return refuse(info, "truncated: section headers past the end (%lu bytes)",
			      info->len);
	if (h->e_shoff % 8)
		return refuse(info, "misaligned section headers");
	if (!h->e_shstrndx || h->e_shstrndx >= h->e_shnum)
		return refuse(info, "section name table index %u out of range",
			      h->e_shstrndx);
	return 0;
}

static int check_section(struct load_info *info, unsigned int i)
{
	const struct elf64_shdr *s = &info->sechdrs[i];
	unsigned int shnum = info->hdr->e_shnum;

	if (s->sh_name >= info->secstrings_size)
		return refuse(info, "section %u: name out of range", i);
	if (s->sh_type == SHT_NULL && (s->sh_flags & SHF_ALLOC))
		return refuse(info, "section %u (%s): allocated but of no type", i, sec_name(info, i));
	if (s->sh_type != SHT_NOBITS && s->sh_type != SHT_NULL &&
	    !in_image(info, s->sh_offset, s->sh_size))
		return refuse(info, "truncated: section %u (%s) past the end", i, sec_name(info, i));
	if (s->sh_addralign & (s->sh_addralign - 1) || s->sh_addralign > PAGE_SIZE)
		return refuse(info, "section %u (%s): bad alignment %#llx", i,
			      sec_name(info, i), (unsigned long long)s->sh_addralign);
	/* Bounds what the layout adds up to, whatever NOBITS claims. */
	if ((s->sh_flags & SHF_ALLOC) && s->sh_size > MODULE_AREA_SIZE)
		return refuse(info, "section %u (%s) too big", i, sec_name(info, i));
	if (s->sh_type == SHT_REL)
		return refuse(info, "section %u (%s): SHT_REL relocations (x86-64 uses RELA)",
			      i, sec_name(info, i));
	if (s->sh_type != SHT_RELA)
		return 0;
	if (s->sh_entsize != sizeof(struct elf64_rela) || s->sh_size % sizeof(struct elf64_rela) ||
	    s->sh_offset % 8)
		return refuse(info, "section %u (%s): bad relocation entries", i, sec_name(info, i));
	if (s->sh_info >= shnum || !s->sh_info)
		return refuse(info, "section %u (%s): target section index %u out of range",
			      i, sec_name(info, i), s->sh_info);
	if (s->sh_link >= shnum || info->sechdrs[s->sh_link].sh_type != SHT_SYMTAB)
		return refuse(info, "section %u (%s): symbol table index %u out of range",
			      i, sec_name(info, i), s->sh_link);
	return 0;
}

static int check_symtab(struct load_info *info)
{
	unsigned int shnum = info->hdr->e_shnum, symidx = 0;
	const struct elf64_shdr *s;

	for (unsigned int i = 1; i < shnum; i++) {
		if (info->sechdrs[i].sh_type != SHT_SYMTAB)
			continue;
		if (symidx)
			return refuse(info, "two symbol tables (sections %u and %u)", symidx, i);
		symidx = i;
	}
	if (!symidx)
		return refuse(info, "no symbol table");
	s = &info->sechdrs[symidx];
	if (s->sh_entsize != sizeof(struct elf64_sym) || s->sh_size % sizeof(struct elf64_sym) ||
	    !s->sh_size || s->sh_offset % 8)
		return refuse(info, "bad symbol table entries");
	if (s->sh_link >= shnum || !strtab_ok(info, &info->sechdrs[s->sh_link]))
		return refuse(info, "symbol string table index %u out of range or malformed",
			      s->sh_link);
	info->syms = (struct elf64_sym *)(info->image + s->sh_offset);
	info->num_syms = s->sh_size / sizeof(struct elf64_sym);
	info->strtab = (const char *)info->image + info->sechdrs[s->sh_link].sh_offset;
	info->strtab_size = info->sechdrs[s->sh_link].sh_size;
	for (unsigned int i = 1; i < info->num_syms; i++) {
		const struct elf64_sym *sym = &info->syms[i];

		if (sym->st_name >= info->strtab_size)
			return refuse(info, "symbol %u: name out of range", i);
		if (sym->st_shndx == SHN_COMMON)
			return refuse(info, "common symbol %s: compile with -fno-common",
				      info->strtab + sym->st_name);
		if (sym->st_shndx >= shnum && sym->st_shndx != SHN_ABS)
			return refuse(info, "symbol %s: section index %u out of range",
				      info->strtab + sym->st_name, sym->st_shndx);
	}
	return 0;
}

static bool overlap(u64 a, u64 alen, u64 b, u64 blen)
{
	return a < b + blen && b < a + alen;
}

/*
 * The loader writes into two parts of the image: section addresses and
 * flags into the section headers, symbol values into the symbol table.
 * Neither may share bytes with another section, or a write would change
 * what the checks above passed.
 */
static int check_written_parts(struct load_info *info)
{
	u64 sh_off = info->hdr->e_shoff;
	u64 sh_len = (u64)info->hdr->e_shnum * sizeof(struct elf64_shdr);
	u64 sym_off = (unsigned char *)info->syms - info->image;
	u64 sym_len = (u64)info->num_syms * sizeof(struct elf64_sym);

	if (overlap(sh_off, sh_len, sym_off, sym_len))
		return refuse(info, "the symbol table overlaps the section headers");
	for (unsigned int i = 1; i < info->hdr->e_shnum; i++) {
		const struct elf64_shdr *s = &info->sechdrs[i];

		if (s->sh_type == SHT_NOBITS || s->sh_type == SHT_NULL || !s->sh_size)
			continue;
		if (overlap(sh_off, sh_len, s->sh_offset, s->sh_size))
			return refuse(info, "section %u (%s) overlaps the section headers", i,
				      sec_name(info, i));
		if (s->sh_type != SHT_SYMTAB && overlap(sym_off, sym_len, s->sh_offset, s->sh_size))
			return refuse(info, "section %u (%s) overlaps the symbol table", i,
				      sec_name(info, i));
	}
	return 0;
}

int mod_elf_check(struct load_info *info, void *image, unsigned long len)
{
	const struct elf64_shdr *ss;
	int err;

	memset(info, 0, sizeof(*info));
	info->image = image;
	info->len = len;
	info->hdr = image;
	err = check_header(info);
	if (err)
		return err;
	info->sechdrs = (struct elf64_shdr *)(info->image + info->hdr->e_shoff);
	ss = &info->sechdrs[info->hdr->e_shstrndx];
	if (!strtab_ok(info, ss))
		return refuse(info, "section name table malformed");
	info->secstrings = (const char *)info->image + ss->sh_offset;
	info->secstrings_size = ss->sh_size;
	for (unsigned int i = 1; i < info->hdr->e_shnum; i++) {
		err = check_section(info, i);
		if (err)
			return err;
	}
	err = check_symtab(info);
	if (err)
		return err;
	err = check_written_parts(info);
	if (err)
		return err;
	info->modinfo_idx = mod_find_section(info, ".modinfo");
	if (info->modinfo_idx) {
		const struct elf64_shdr *mi = &info->sechdrs[info->modinfo_idx];

		if (mi->sh_type != SHT_PROGBITS || !mi->sh_size ||
		    info->image[mi->sh_offset + mi->sh_size - 1])
			return refuse(info, ".modinfo malformed");
	}
	return 0;
}

unsigned int mod_find_section(const struct load_info *info, const char *name)
{
	for (unsigned int i = 1; i < info->hdr->e_shnum; i++)
		if (!strcmp(sec_name(info, i), name))
			return i;
	return 0;
}

const char *mod_get_modinfo(const struct load_info *info, const char *tag,
			    const char *prev)
{
	const struct elf64_shdr *mi;
	const char *p, *end;
	size_t taglen = strlen(tag);

	if (!info->modinfo_idx)
		return NULL;
	mi = &info->sechdrs[info->modinfo_idx];
	p = (const char *)info->image + mi->sh_offset;
	end = p + mi->sh_size;
	if (prev)
		p = prev + strlen(prev) + 1;
	for (; p < end; p += strlen(p) + 1)
		if (!strncmp(p, tag, taglen) && p[taglen] == '=')
			return p + taglen + 1;
	return NULL;
}

static int section_part(const struct elf64_shdr *s)
{
	if (s->sh_flags & SHF_EXECINSTR)
		return MOD_TEXT;
	return s->sh_flags & SHF_WRITE ? MOD_RW : MOD_RO;
}

int mod_layout(struct load_info *info)
{
	unsigned long size[MOD_PARTS] = { 0 };

	if (info->modinfo_idx)
		info->sechdrs[info->modinfo_idx].sh_flags &= ~(u64)SHF_ALLOC;
	for (unsigned int i = 1; i < info->hdr->e_shnum; i++) {
		struct elf64_shdr *s = &info->sechdrs[i];
		int part = section_part(s);
		unsigned long align = s->sh_addralign ? s->sh_addralign : 1;

		if (!(s->sh_flags & SHF_ALLOC))
			continue;
		/* The offset in its part until mod_place adds the base. */
		s->sh_addr = ALIGN(size[part], align);
		size[part] = s->sh_addr + s->sh_size;
	}
	info->total = 0;
	for (int p = 0; p < MOD_PARTS; p++) {
		info->part_size[p] = PAGE_ALIGN(size[p]);
		info->total += info->part_size[p];
	}
	if (!info->total)
		return refuse(info, "no allocated sections");
	return 0;
}

void mod_place(struct load_info *info, unsigned long base)
{
	unsigned long start[MOD_PARTS];

	start[MOD_TEXT] = base;
	start[MOD_RO] = start[MOD_TEXT] + info->part_size[MOD_TEXT];
	start[MOD_RW] = start[MOD_RO] + info->part_size[MOD_RO];
	for (unsigned int i = 1; i < info->hdr->e_shnum; i++) {
		struct elf64_shdr *s = &info->sechdrs[i];
		void *dest;

		if (!(s->sh_flags & SHF_ALLOC))
			continue;
		s->sh_addr += start[section_part(s)];
		dest = (void *)(uintptr_t)s->sh_addr;
		if (s->sh_type == SHT_NOBITS)
			memset(dest, 0, s->sh_size);
		else
			memcpy(dest, info->image + s->sh_offset, s->sh_size);
	}
}

int mod_simplify_symbols(struct load_info *info, mod_resolve_t resolve, void *arg)
{
	for (unsigned int i = 1; i < info->num_syms; i++) {
		struct elf64_sym *sym = &info->syms[i];
		const char *name = info->strtab + sym->st_name;
		unsigned long value;
		int err;

		switch (sym->st_shndx) {
		case SHN_ABS:
			break;
		case SHN_UNDEF:
			if (!*name)
				break;
			err = resolve(arg, name, &value);
			if (!err) {
				sym->st_value = value;
			} else if (err == -ENOENT && ELF64_ST_BIND(sym->st_info) == STB_WEAK) {
				sym->st_value = 0;
			} else {
				scnprintf(info->reason, sizeof(info->reason),
					  "Unknown symbol %s (err %d)", name, err);
				return err;
			}
			break;
		default:
			sym->st_value += info->sechdrs[sym->st_shndx].sh_addr;
			break;
		}
	}
	return 0;
}

/* Writes one relocation's value, checking that it fits its field. */
static int apply_one(struct load_info *info, unsigned int type, unsigned long loc, u64 val)
{
	void *p = (void *)(uintptr_t)loc;
	u32 v32;

	switch (type) {
	case R_X86_64_NONE:
		return 0;
	case R_X86_64_64:
		memcpy(p, &val, 8);
		return 0;
	case R_X86_64_32:
		if (val != (u32)val)
			goto overflow;
		break;
	case R_X86_64_32S:
		if ((s64)val != (s32)val)
			goto overflow;
		break;
	case R_X86_64_PC32:
	case R_X86_64_PLT32:
		val -= loc;
		if ((s64)val != (s32)val)
			goto overflow;
		break;
	case R_X86_64_PC64:
		val -= loc;
		memcpy(p, &val, 8);
		return 0;
	default:
		return refuse(info, "unknown relocation type %u", type);
	}
	v32 = (u32)val;
	memcpy(p, &v32, 4);
	return 0;
overflow:
	return refuse(info, "relocation out of range: type %u value %#llx "
		      "(built without -mcmodel=small?)", type, (unsigned long long)val);
}

static unsigned int reloc_width(unsigned int type)
{
	return type == R_X86_64_64 || type == R_X86_64_PC64 ? 8 : 4;
}

static int apply_relocate_add(struct load_info *info, unsigned int relsec)
{
	const struct elf64_shdr *rs = &info->sechdrs[relsec];
	const struct elf64_shdr *target = &info->sechdrs[rs->sh_info];
	const struct elf64_rela *rel = (const void *)(info->image + rs->sh_offset);
	unsigned long n = rs->sh_size / sizeof(*rel);

	if (target->sh_type == SHT_NOBITS)
		return refuse(info, "section %u (%s): relocations into NOBITS", relsec,
			      sec_name(info, relsec));
	for (unsigned long i = 0; i < n; i++) {
		unsigned int type = ELF64_R_TYPE(rel[i].r_info);
		unsigned int symi = ELF64_R_SYM(rel[i].r_info);
		int err;

		if (symi >= info->num_syms)
			return refuse(info, "section %u (%s): symbol index %u out of range",
				      relsec, sec_name(info, relsec), symi);
		if (rel[i].r_offset > target->sh_size ||
		    target->sh_size - rel[i].r_offset < reloc_width(type))
			return refuse(info, "section %u (%s): relocation offset %#llx out of range",
				      relsec, sec_name(info, relsec),
				      (unsigned long long)rel[i].r_offset);
		err = apply_one(info, type, target->sh_addr + rel[i].r_offset,
				info->syms[symi].st_value + rel[i].r_addend);
		if (err)
			return err;
	}
	return 0;
}

int mod_apply_relocations(struct load_info *info)
{
	for (unsigned int i = 1; i < info->hdr->e_shnum; i++) {
		const struct elf64_shdr *s = &info->sechdrs[i];
		int err;

		if (s->sh_type != SHT_RELA || !(info->sechdrs[s->sh_info].sh_flags & SHF_ALLOC))
			continue;
		err = apply_relocate_add(info, i);
		if (err)
			return err;
	}
	return 0;
}

bool mod_symbol_wanted(const struct load_info *info, const struct elf64_sym *sym)
{
	unsigned int type = ELF64_ST_TYPE(sym->st_info);

	return (type == STT_FUNC || type == STT_OBJECT) && sym->st_shndx != SHN_UNDEF &&
	       sym->st_shndx < info->hdr->e_shnum &&
	       (info->sechdrs[sym->st_shndx].sh_flags & SHF_ALLOC) &&
	       info->strtab[sym->st_name];
}

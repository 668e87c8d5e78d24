/*
 * Hand-made x86-64 relocatable objects for the module loader's tests: a
 * small .ko with every section kind the loader handles, built in memory
 * so each test can corrupt one field of a known-good object.
 *
 *   sections: 1 .text (AX, 64 bytes), 2 .data (WA, 64), 3 .bss (NOBITS,
 *   WA, 32), 4 .rela.text, 5 .symtab, 6 .strtab, 7 .shstrtab, 8 .modinfo,
 *   9 .rodata (A, 16), 10 __ksymtab (A, one entry), 11 .rela__ksymtab
 *   symbols:  1 local_fn (FUNC LOCAL .text+0x10), 2 data_obj (OBJECT GLOBAL
 *   .data+8), 3 the undefined one (named by the caller), 4 weak_ext (WEAK UNDEF), 5 abs (ABS 0x1234),
 *   6 init_module (FUNC GLOBAL .text+0x30), 7 cleanup_module (FUNC GLOBAL
 *   .text+0x38), 8 .rodata+0 (the export's name, OBJECT LOCAL)
 *   .text relocations (rela i at offset): 0 R_X86_64_64 ext; 1 @8
 *   PC32 data_obj-4; 2 @12 PLT32 ext-4; 3 @16 32 abs; 4 @20 32S abs;
 *   5 @24 PC64 local_fn; 6 @40 64 weak_ext. The code at init_module is
 *   `xor eax,eax; ret`, at cleanup_module `ret`.
 */
#ifndef TESTS_MODOBJ_H
#define TESTS_MODOBJ_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glass/elf.h>

#define MO_NSEC 12
#define MO_NSYM 9
#define MO_NRELA 7

struct modobj {
	unsigned char *buf;
	unsigned long len;
};

static inline struct elf64_hdr *mo_hdr(struct modobj *o)
{
	return (struct elf64_hdr *)o->buf;
}

static inline struct elf64_shdr *mo_shdr(struct modobj *o, int i)
{
	return (struct elf64_shdr *)(o->buf + mo_hdr(o)->e_shoff) + i;
}

static inline struct elf64_sym *mo_sym(struct modobj *o, int i)
{
	return (struct elf64_sym *)(o->buf + mo_shdr(o, 5)->sh_offset) + i;
}

static inline struct elf64_rela *mo_rela(struct modobj *o, int i)
{
	return (struct elf64_rela *)(o->buf + mo_shdr(o, 4)->sh_offset) + i;
}

/* Appends n bytes at 8-byte alignment; returns their offset. */
static inline unsigned long mo_put(unsigned char *buf, unsigned long *len, const void *p,
				   unsigned long n)
{
	unsigned long off = (*len + 7) & ~7UL;

	memset(buf + *len, 0, off - *len);
	memcpy(buf + off, p, n);
	*len = off + n;
	return off;
}

/* name: the module name in .modinfo; vermagic: its vermagic (NULL: none);
 * export: the name __ksymtab exports data_obj under; undef: the undefined
 * symbol's name. */
static inline struct modobj modobj_build2(const char *name, const char *vermagic,
					  const char *export, const char *undef)
{
	static const char shstr[] = "\0.text\0.data\0.bss\0.rela.text\0.symtab\0.strtab\0"
		".shstrtab\0.modinfo\0.rodata\0__ksymtab\0.rela__ksymtab";
	static const char fixed[] = "\0local_fn\0data_obj\0weak_ext\0abs\0init_module\0"
		"cleanup_module";
	char strtab[sizeof(fixed) + 64];
	/* Offsets of the names above. */
	enum { N_TEXT = 1, N_DATA = 7, N_BSS = 13, N_RELA = 18, N_SYMTAB = 29, N_STRTAB = 37,
	       N_SHSTR = 45, N_MODINFO = 55, N_RODATA = 64, N_KSYMTAB = 72, N_RKSYMTAB = 82 };
	enum { S_LOCAL = 1, S_DATA = 10, S_WEAK = 19, S_ABS = 28, S_INIT = 32, S_EXIT = 44,
	       S_EXT = sizeof(fixed) };
	struct modobj o;
	unsigned char text[64] = { 0 }, data[64] = { 0 }, rodata[16] = { 0 }, ksymtab[16] = { 0 };
	char modinfo[256];
	unsigned long mlen, off[MO_NSEC] = { 0 };
	struct elf64_sym syms[MO_NSYM] = {
		{ 0 },
		{ S_LOCAL, (STB_LOCAL << 4) | STT_FUNC, 0, 1, 0x10, 8 },
		{ S_DATA, (STB_GLOBAL << 4) | STT_OBJECT, 0, 2, 8, 8 },
		{ S_EXT, STB_GLOBAL << 4, 0, SHN_UNDEF, 0, 0 },
		{ S_WEAK, STB_WEAK << 4, 0, SHN_UNDEF, 0, 0 },
		{ S_ABS, STB_GLOBAL << 4, 0, SHN_ABS, 0x1234, 0 },
		{ S_INIT, (STB_GLOBAL << 4) | STT_FUNC, 0, 1, 0x30, 3 },
		{ S_EXIT, (STB_GLOBAL << 4) | STT_FUNC, 0, 1, 0x38, 1 },
		{ 0, (STB_LOCAL << 4) | STT_OBJECT, 0, 9, 0, 16 },
	};
	struct elf64_rela rela[MO_NRELA] = {
		{ 0, ((u64)3 << 32) | R_X86_64_64, 0 },
		{ 8, ((u64)2 << 32) | R_X86_64_PC32, -4 },
		{ 12, ((u64)3 << 32) | R_X86_64_PLT32, -4 },
		{ 16, ((u64)5 << 32) | R_X86_64_32, 0 },
		{ 20, ((u64)5 << 32) | R_X86_64_32S, 0 },
		{ 24, ((u64)1 << 32) | R_X86_64_PC64, 0 },
		{ 40, ((u64)4 << 32) | R_X86_64_64, 0 },
	};
	/* __ksymtab's {value, name}: data_obj and the string in .rodata. */
	struct elf64_rela krela[2] = {
		{ 0, ((u64)2 << 32) | R_X86_64_64, 0 },
		{ 8, ((u64)8 << 32) | R_X86_64_64, 0 },
	};
	struct elf64_shdr sh[MO_NSEC];
	struct elf64_hdr h = { 0 };

	memcpy(strtab, fixed, sizeof(fixed));
	snprintf(strtab + sizeof(fixed), 64, "%s", undef);
	text[0x30] = 0x31; text[0x31] = 0xc0; text[0x32] = 0xc3;  /* xor eax,eax; ret */
	text[0x38] = 0xc3;
	strncpy((char *)rodata, export, sizeof(rodata) - 1);
	mlen = 0;
	mlen += sprintf(modinfo + mlen, "license=GPL") + 1;
	if (vermagic)
		mlen += sprintf(modinfo + mlen, "vermagic=%s", vermagic) + 1;
	mlen += sprintf(modinfo + mlen, "name=%s", name) + 1;

	o.buf = calloc(1, 8192);
	o.len = sizeof(h);
	off[1] = mo_put(o.buf, &o.len, text, sizeof(text));
	off[2] = mo_put(o.buf, &o.len, data, sizeof(data));
	off[4] = mo_put(o.buf, &o.len, rela, sizeof(rela));
	off[5] = mo_put(o.buf, &o.len, syms, sizeof(syms));
	off[6] = mo_put(o.buf, &o.len, strtab, sizeof(fixed) + strlen(undef) + 1);
	off[7] = mo_put(o.buf, &o.len, shstr, sizeof(shstr));
	off[8] = mo_put(o.buf, &o.len, modinfo, mlen);
	off[9] = mo_put(o.buf, &o.len, rodata, sizeof(rodata));
	off[10] = mo_put(o.buf, &o.len, ksymtab, sizeof(ksymtab));
	off[11] = mo_put(o.buf, &o.len, krela, sizeof(krela));
	memset(sh, 0, sizeof(sh));
	sh[1] = (struct elf64_shdr){ N_TEXT, SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, 0, off[1],
				     sizeof(text), 0, 0, 16, 0 };
	sh[2] = (struct elf64_shdr){ N_DATA, SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, 0, off[2],
				     sizeof(data), 0, 0, 8, 0 };
	sh[3] = (struct elf64_shdr){ N_BSS, SHT_NOBITS, SHF_ALLOC | SHF_WRITE, 0, off[2], 32,
				     0, 0, 8, 0 };
	sh[4] = (struct elf64_shdr){ N_RELA, SHT_RELA, 0, 0, off[4], sizeof(rela), 5, 1, 8,
				     sizeof(struct elf64_rela) };
	sh[5] = (struct elf64_shdr){ N_SYMTAB, SHT_SYMTAB, 0, 0, off[5], sizeof(syms), 6, 1, 8,
				     sizeof(struct elf64_sym) };
	sh[6] = (struct elf64_shdr){ N_STRTAB, SHT_STRTAB, 0, 0, off[6],
				     sizeof(fixed) + strlen(undef) + 1, 0, 0, 1, 0 };
	sh[7] = (struct elf64_shdr){ N_SHSTR, SHT_STRTAB, 0, 0, off[7], sizeof(shstr), 0, 0, 1, 0 };
	sh[8] = (struct elf64_shdr){ N_MODINFO, SHT_PROGBITS, SHF_ALLOC, 0, off[8], mlen, 0, 0, 1, 0 };
	sh[9] = (struct elf64_shdr){ N_RODATA, SHT_PROGBITS, SHF_ALLOC, 0, off[9], sizeof(rodata),
				     0, 0, 8, 0 };
	sh[10] = (struct elf64_shdr){ N_KSYMTAB, SHT_PROGBITS, SHF_ALLOC, 0, off[10],
				      sizeof(ksymtab), 0, 0, 8, 0 };
	sh[11] = (struct elf64_shdr){ N_RKSYMTAB, SHT_RELA, 0, 0, off[11], sizeof(krela), 5, 10, 8,
				      sizeof(struct elf64_rela) };
	memcpy(h.e_ident, "\177ELF\2\1\1", 7);
	h.e_type = ET_REL;
	h.e_machine = EM_X86_64;
	h.e_version = 1;
	h.e_ehsize = sizeof(h);
	h.e_shentsize = sizeof(struct elf64_shdr);
	h.e_shnum = MO_NSEC;
	h.e_shstrndx = 7;
	h.e_shoff = mo_put(o.buf, &o.len, sh, sizeof(sh));
	memcpy(o.buf, &h, sizeof(h));
	return o;
}

/* The undefined symbol is "ext". */
static inline struct modobj modobj_build(const char *name, const char *vermagic,
					 const char *export)
{
	return modobj_build2(name, vermagic, export, "ext");
}

#endif

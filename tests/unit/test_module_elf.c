/*
 * The module loader's pure half (kernel/module/elf_load.c) on hand-made
 * objects (modobj.h): the layout, every relocation type's value, symbol
 * resolution, and each refusal with its errno and reason.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "kernel_in_host.h"
#include <glass/errno.h>
#include <glass/module_elf.h>
#include "check_run.h"
#include "modobj.h"

static unsigned long ext_value;

static int resolve(void *arg, const char *name, unsigned long *value)
{
	if (!strcmp(name, "ext")) {
		*value = ext_value;
		return 0;
	}
	return -ENOENT;
}

/* Check, lay out and place o in a fresh area; returns the area. */
static unsigned char *place(struct load_info *info, struct modobj *o)
{
	unsigned char *area;

	ck_assert_int_eq(mod_elf_check(info, o->buf, o->len), 0);
	ck_assert_int_eq(mod_layout(info), 0);
	area = mmap(NULL, info->total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(area, MAP_FAILED);
	memset(area, 0xaa, info->total);
	mod_place(info, (unsigned long)area);
	return area;
}

START_TEST(layout_parts_and_relocation_values)
{
	struct modobj o = modobj_build("hello", "v1", "data_obj");
	struct load_info info;
	unsigned char *area = place(&info, &o);
	unsigned long text, data, bss, rodata;
	u64 v64;
	u32 v32;

	/* text, then read-only (.rodata, __ksymtab), then data and bss; each
	 * part page-aligned; .modinfo is not loaded. */
	ck_assert_uint_eq(info.part_size[MOD_TEXT], 4096);
	ck_assert_uint_eq(info.part_size[MOD_RO], 4096);
	ck_assert_uint_eq(info.part_size[MOD_RW], 4096);
	text = mo_shdr(&o, 1)->sh_addr;
	data = mo_shdr(&o, 2)->sh_addr;
	bss = mo_shdr(&o, 3)->sh_addr;
	rodata = mo_shdr(&o, 9)->sh_addr;
	ck_assert_uint_eq(text, (unsigned long)area);
	ck_assert_uint_eq(rodata, (unsigned long)area + 4096);
	ck_assert_uint_eq(data, (unsigned long)area + 8192);
	ck_assert_uint_eq(bss, data + 64);
	ck_assert_int_eq(mo_shdr(&o, 8)->sh_flags & SHF_ALLOC, 0);
	ck_assert_int_eq(area[8192 + 64], 0);      /* bss zeroed */

	ext_value = text + 0x1000;
	ck_assert_int_eq(mod_simplify_symbols(&info, resolve, NULL), 0);
	ck_assert_int_eq(mod_apply_relocations(&info), 0);
	memcpy(&v64, area + 0, 8);
	ck_assert_uint_eq(v64, ext_value);                          /* 64 */
	memcpy(&v32, area + 8, 4);
	ck_assert_int_eq((s32)v32, (s64)(data + 8 - 4 - (text + 8)));   /* PC32 */
	memcpy(&v32, area + 12, 4);
	ck_assert_int_eq((s32)v32, (s64)(ext_value - 4 - (text + 12))); /* PLT32 */
	memcpy(&v32, area + 16, 4);
	ck_assert_uint_eq(v32, 0x1234);                             /* 32 */
	memcpy(&v32, area + 20, 4);
	ck_assert_uint_eq(v32, 0x1234);                             /* 32S */
	memcpy(&v64, area + 24, 8);
	ck_assert_uint_eq(v64, (u64)(text + 0x10 - (text + 24)));   /* PC64 */
	memcpy(&v64, area + 40, 8);
	ck_assert_uint_eq(v64, 0);                                  /* weak, unresolved */
	/* __ksymtab holds the export's address and name. */
	memcpy(&v64, area + 4096 + 16, 8);
	ck_assert_uint_eq(v64, data + 8);
	ck_assert(mod_symbol_wanted(&info, mo_sym(&o, 1)));
	ck_assert(!mod_symbol_wanted(&info, mo_sym(&o, 3)));
	munmap(area, info.total);
	free(o.buf);
}
END_TEST

START_TEST(modinfo_tags)
{
	struct modobj o = modobj_build("hello", "v1", "data_obj");
	struct load_info info;

	ck_assert_int_eq(mod_elf_check(&info, o.buf, o.len), 0);
	ck_assert_str_eq(mod_get_modinfo(&info, "name", NULL), "hello");
	ck_assert_str_eq(mod_get_modinfo(&info, "vermagic", NULL), "v1");
	ck_assert_str_eq(mod_get_modinfo(&info, "license", NULL), "GPL");
	ck_assert_ptr_null(mod_get_modinfo(&info, "nam", NULL));
	ck_assert_ptr_null(mod_get_modinfo(&info, "author", NULL));
	ck_assert_uint_eq(mod_find_section(&info, "__ksymtab"), 10);
	ck_assert_uint_eq(mod_find_section(&info, ".gcov_info"), 0);
	free(o.buf);
}
END_TEST

/* A corruption of the good object and the reason's expected words. */
struct corruption {
	const char *what;
	void (*apply)(struct modobj *o);
	const char *reason;
};

static void not_elf(struct modobj *o) { o->buf[1] = 'X'; }
static void elf32(struct modobj *o) { o->buf[4] = 1; }
static void big_endian(struct modobj *o) { o->buf[5] = 2; }
static void exec_type(struct modobj *o) { mo_hdr(o)->e_type = ET_EXEC; }
static void wrong_machine(struct modobj *o) { mo_hdr(o)->e_machine = 3; }
static void truncated_header(struct modobj *o) { o->len = 40; }
static void truncated_sections(struct modobj *o) { o->len = mo_hdr(o)->e_shoff + 100; }
static void truncated_section(struct modobj *o) { mo_shdr(o, 1)->sh_size = 1 << 20; }
/* An allocated SHT_NULL section far past the end: placing it would copy
 * from outside the image (found by fuzz_modload). */
static void null_alloc(struct modobj *o)
{
	mo_shdr(o, 1)->sh_type = SHT_NULL;
	mo_shdr(o, 1)->sh_offset = 1UL << 40;
}
/* Symbol values are written in place: data sharing the symbol table's
 * bytes would change after the checks (found by fuzz_modload). */
static void over_symtab(struct modobj *o)
{
	mo_shdr(o, 2)->sh_offset = mo_shdr(o, 5)->sh_offset;
	mo_shdr(o, 2)->sh_size = 8;
}
static void over_shdrs(struct modobj *o)
{
	mo_shdr(o, 2)->sh_offset = mo_hdr(o)->e_shoff;
	mo_shdr(o, 2)->sh_size = 8;
}
static void shentsize(struct modobj *o) { mo_hdr(o)->e_shentsize = 40; }
static void shstrndx(struct modobj *o) { mo_hdr(o)->e_shstrndx = MO_NSEC; }
static void secname(struct modobj *o) { mo_shdr(o, 2)->sh_name = 5000; }
static void bad_align(struct modobj *o) { mo_shdr(o, 2)->sh_addralign = 3; }
static void rel_section(struct modobj *o) { mo_shdr(o, 4)->sh_type = SHT_REL; }
static void rela_target(struct modobj *o) { mo_shdr(o, 4)->sh_info = MO_NSEC; }
static void rela_symtab(struct modobj *o) { mo_shdr(o, 4)->sh_link = 1; }
static void no_symtab(struct modobj *o) { mo_shdr(o, 5)->sh_type = SHT_PROGBITS; }
static void two_symtabs(struct modobj *o) { *mo_shdr(o, 2) = *mo_shdr(o, 5); }
static void strtab_link(struct modobj *o) { mo_shdr(o, 5)->sh_link = 99; }
static void strtab_unterminated(struct modobj *o) { mo_shdr(o, 6)->sh_size -= 1; }
static void sym_name(struct modobj *o) { mo_sym(o, 2)->st_name = 9999; }
static void sym_shndx(struct modobj *o) { mo_sym(o, 2)->st_shndx = 200; }
static void sym_common(struct modobj *o) { mo_sym(o, 2)->st_shndx = SHN_COMMON; }
static void modinfo_unterminated(struct modobj *o) { o->buf[mo_shdr(o, 8)->sh_offset + mo_shdr(o, 8)->sh_size - 1] = 'x'; }

static const struct corruption check_refusals[] = {
	{ "not ELF", not_elf, "not an ELF object" },
	{ "ELF32", elf32, "ELF64" },
	{ "big-endian", big_endian, "ELF64" },
	{ "ET_EXEC", exec_type, "not a relocatable object" },
	{ "wrong machine", wrong_machine, "wrong machine 3" },
	{ "truncated header", truncated_header, "truncated" },
	{ "truncated section table", truncated_sections, "truncated" },
	{ "section past the end", truncated_section, "truncated: section 1 (.text)" },
	{ "allocated SHT_NULL", null_alloc, "section 1 (.text): allocated but of no type" },
	{ "data over the symbol table", over_symtab, "section 2 (.data) overlaps the symbol table" },
	{ "data over the section headers", over_shdrs, "section 2 (.data) overlaps the section headers" },
	{ "section header size", shentsize, "bad section header table" },
	{ "name table index", shstrndx, "index 12 out of range" },
	{ "section name", secname, "section 2: name out of range" },
	{ "alignment", bad_align, "bad alignment" },
	{ "SHT_REL", rel_section, "SHT_REL" },
	{ "relocation target", rela_target, "target section index 12 out of range" },
	{ "relocation symtab", rela_symtab, "symbol table index 1 out of range" },
	{ "no symbol table", no_symtab, "symbol table index 5 out of range" },
	{ "two symbol tables", two_symtabs, "two symbol tables" },
	{ "string table link", strtab_link, "string table index 99" },
	{ "string table unterminated", strtab_unterminated, "string table" },
	{ "symbol name", sym_name, "symbol 2: name out of range" },
	{ "symbol section", sym_shndx, "symbol data_obj: section index 200 out of range" },
	{ "common symbol", sym_common, "common symbol data_obj" },
	{ ".modinfo unterminated", modinfo_unterminated, ".modinfo malformed" },
};

START_TEST(check_refuses_malformed)
{
	const struct corruption *c = &check_refusals[_i];
	struct modobj o = modobj_build("hello", "v1", "data_obj");
	struct load_info info;

	c->apply(&o);
	ck_assert_msg(mod_elf_check(&info, o.buf, o.len) == -ENOEXEC, "%s accepted", c->what);
	ck_assert_msg(strstr(info.reason, c->reason), "%s: reason \"%s\" lacks \"%s\"", c->what,
		      info.reason, c->reason);
	free(o.buf);
}
END_TEST

static void rela_sym(struct modobj *o) { mo_rela(o, 1)->r_info = ((u64)77 << 32) | R_X86_64_PC32; }
static void rela_type(struct modobj *o) { mo_rela(o, 1)->r_info = ((u64)2 << 32) | 42; }
static void rela_gotpcrel(struct modobj *o) { mo_rela(o, 1)->r_info = ((u64)2 << 32) | 9; }
static void rela_offset(struct modobj *o) { mo_rela(o, 1)->r_offset = 62; }
static void rela_32_range(struct modobj *o) { mo_sym(o, 5)->st_value = 0x100000000UL; }
static void rela_32s_range(struct modobj *o)
{
	mo_sym(o, 5)->st_value = 0x80000000UL;
	mo_rela(o, 3)->r_info = ((u64)1 << 32) | R_X86_64_NONE;
}
static void rela_pc32_range(struct modobj *o) { mo_rela(o, 1)->r_addend = 0x100000000L; }
static void rela_bss(struct modobj *o) { mo_shdr(o, 4)->sh_info = 3; }

static const struct corruption reloc_refusals[] = {
	{ "symbol index", rela_sym, "symbol index 77 out of range" },
	{ "unknown type", rela_type, "unknown relocation type 42" },
	{ "GOTPCREL", rela_gotpcrel, "unknown relocation type 9" },
	{ "offset", rela_offset, "relocation offset 0x3e out of range" },
	{ "32 out of range", rela_32_range, "relocation out of range: type 10" },
	{ "32S out of range", rela_32s_range, "relocation out of range: type 11" },
	{ "PC32 out of range", rela_pc32_range, "relocation out of range: type 2" },
	{ "into NOBITS", rela_bss, "relocations into NOBITS" },
};

START_TEST(relocation_refusals)
{
	const struct corruption *c = &reloc_refusals[_i];
	struct modobj o = modobj_build("hello", "v1", "data_obj");
	struct load_info info;
	unsigned char *area;

	c->apply(&o);
	area = place(&info, &o);
	ext_value = mo_shdr(&o, 1)->sh_addr;
	ck_assert_int_eq(mod_simplify_symbols(&info, resolve, NULL), 0);
	ck_assert_msg(mod_apply_relocations(&info) == -ENOEXEC, "%s accepted", c->what);
	ck_assert_msg(strstr(info.reason, c->reason), "%s: reason \"%s\" lacks \"%s\"", c->what,
		      info.reason, c->reason);
	munmap(area, info.total);
	free(o.buf);
}
END_TEST

/* The resolver's error for "ext", and the reason that goes with it. */
static const struct {
	int err;
	const char *reason;
} resolver_errors[] = {
	{ -ENOENT, "Unknown symbol ext (err -2)" },
	{ -EBUSY, "Unknown symbol ext (err -16)" },     /* its owner still in init */
};

static int resolve_fail(void *arg, const char *name, unsigned long *value)
{
	return *(int *)arg;
}

START_TEST(unresolved_symbol_named_with_errno)
{
	struct modobj o = modobj_build("hello", "v1", "data_obj");
	struct load_info info;
	unsigned char *area = place(&info, &o);
	int err = resolver_errors[_i].err;

	ck_assert_int_eq(mod_simplify_symbols(&info, resolve_fail, &err), err);
	ck_assert_str_eq(info.reason, resolver_errors[_i].reason);
	munmap(area, info.total);
	free(o.buf);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("module_elf");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, layout_parts_and_relocation_values);
	tcase_add_test(tc, modinfo_tags);
	tcase_add_loop_test(tc, check_refuses_malformed, 0, ARRAY_SIZE(check_refusals));
	tcase_add_loop_test(tc, relocation_refusals, 0, ARRAY_SIZE(reloc_refusals));
	tcase_add_loop_test(tc, unresolved_symbol_named_with_errno, 0, ARRAY_SIZE(resolver_errors));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(suite(), CK_FORK_GETENV);
}

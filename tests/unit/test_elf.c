/* exec's ELF checks on real executables and on corrupt variants. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glass/elf.h>
#include "check_run.h"

static unsigned char *load(const char *path, long *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;

	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	*len = ftell(f);
	rewind(f);
	buf = malloc(*len);
	ck_assert_int_eq(fread(buf, 1, *len, f), *len);
	fclose(f);
	return buf;
}

static const char *check(unsigned char *buf, long len)
{
	struct elf64_hdr *eh = (struct elf64_hdr *)buf;

	if (eh->e_phoff > (unsigned long)len)
		return elf_check(eh, (struct elf64_phdr *)buf, len);
	return elf_check(eh, (struct elf64_phdr *)(buf + eh->e_phoff), len);
}

START_TEST(static_busybox_is_accepted)
{
	long len;
	unsigned char *buf = load("/bin/busybox", &len);

	ck_assert_ptr_null(check(buf, len));
	free(buf);
}
END_TEST

/* A dynamic executable is accepted and names its interpreter; the
 * interpreter (ld.so, ET_DYN) has none and spans its segments. */
START_TEST(dynamic_binary_names_its_interpreter)
{
	long len, ilen;
	unsigned char *buf = load("/bin/ls", &len);
	unsigned char *ld = load("/lib64/ld-linux-x86-64.so.2", &ilen);
	struct elf64_hdr *eh = (struct elf64_hdr *)buf, *ieh = (struct elf64_hdr *)ld;
	const struct elf64_phdr *ip;
	unsigned long lo, hi;

	ck_assert_ptr_null(check(buf, len));
	ip = elf_interp(eh, (struct elf64_phdr *)(buf + eh->e_phoff));
	ck_assert_ptr_nonnull(ip);
	ck_assert_str_eq((char *)buf + ip->p_offset, "/lib64/ld-linux-x86-64.so.2");
	ck_assert_ptr_null(check(ld, ilen));
	ck_assert_ptr_null(elf_interp(ieh, (struct elf64_phdr *)(ld + ieh->e_phoff)));
	hi = elf_load_span(ieh, (struct elf64_phdr *)(ld + ieh->e_phoff), &lo);
	ck_assert_uint_eq(lo, 0);
	ck_assert_uint_gt(hi, 0x10000);
	ck_assert_uint_eq(hi & 0xfff, 0);
	free(buf);
	free(ld);
}
END_TEST

/* Bad PT_INTERP headers are refused with a reason. */
START_TEST(bad_interpreter_headers_are_refused)
{
	long len;
	unsigned char *orig = load("/bin/ls", &len);
	unsigned char *buf = malloc(len);
	struct elf64_hdr *eh = (struct elf64_hdr *)buf;
	struct elf64_phdr *ph, *ip;

#define FRESH() (memcpy(buf, orig, len), ph = (struct elf64_phdr *)(buf + eh->e_phoff), \
		 ip = (struct elf64_phdr *)elf_interp(eh, ph))
	FRESH();
	ip->p_filesz = 1;
	ck_assert_str_eq(check(buf, len), "bad interpreter name size");
	FRESH();
	ip->p_filesz = 4097;
	ck_assert_str_eq(check(buf, len), "bad interpreter name size");
	FRESH();
	ip->p_offset = len - 4;
	ck_assert_str_eq(check(buf, len), "interpreter name beyond the end of the file");
	FRESH();
	for (int i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_NOTE)
			ph[i] = *ip;
	ck_assert_str_eq(check(buf, len), "more than one interpreter");
#undef FRESH
	free(buf);
	free(orig);
}
END_TEST

START_TEST(corruptions_are_refused)
{
	long len;
	unsigned char *orig = load("/bin/busybox", &len);
	unsigned char *buf = malloc(len);
	struct elf64_hdr *eh = (struct elf64_hdr *)buf;
	struct elf64_phdr *ph;

#define FRESH() (memcpy(buf, orig, len), ph = (struct elf64_phdr *)(buf + eh->e_phoff))
	FRESH();
	buf[0] = 'X';
	ck_assert_ptr_nonnull(check(buf, len));
	FRESH();
	eh->e_machine = 3;
	ck_assert_ptr_nonnull(check(buf, len));
	FRESH();
	eh->e_phnum = 0;
	ck_assert_ptr_nonnull(check(buf, len));
	FRESH();
	eh->e_phnum = 1000;
	ck_assert_ptr_nonnull(check(buf, len));
	FRESH();
	eh->e_type = 1;
	ck_assert_ptr_nonnull(check(buf, len));
	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		FRESH();
		ph[i].p_filesz = ph[i].p_memsz + 1;
		ck_assert_ptr_nonnull(check(buf, len));
		FRESH();
		ph[i].p_offset = len;
		ck_assert_ptr_nonnull(check(buf, len));
		FRESH();
		ph[i].p_vaddr = 0x7fffffff0000UL;
		ph[i].p_offset = ph[i].p_vaddr & 0xfff;
		ck_assert_ptr_nonnull(check(buf, len));
		FRESH();
		ph[i].p_vaddr += 1;
		ck_assert_ptr_nonnull(check(buf, len));
	}
	/* Truncated: program headers beyond the end. */
	FRESH();
	ck_assert_ptr_nonnull(check(buf, eh->e_phoff + 8));
	free(buf);
	free(orig);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("elf");
	TCase *tc = tcase_create("check");

	tcase_add_test(tc, static_busybox_is_accepted);
	tcase_add_test(tc, dynamic_binary_names_its_interpreter);
	tcase_add_test(tc, bad_interpreter_headers_are_refused);
	tcase_add_test(tc, corruptions_are_refused);
	suite_add_tcase(s, tc);
	return check_run(s, CK_FORK_GETENV);
}

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

START_TEST(dynamic_binary_is_refused_with_reason)
{
	long len;
	unsigned char *buf = load("/bin/ls", &len);
	const char *why = check(buf, len);

	ck_assert_ptr_nonnull(why);
	ck_assert_ptr_nonnull(strstr(why, "static"));
	free(buf);
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
	tcase_add_test(tc, dynamic_binary_is_refused_with_reason);
	tcase_add_test(tc, corruptions_are_refused);
	suite_add_tcase(s, tc);
	return check_run(s, CK_FORK_GETENV);
}

/* Unit tests for the newc cpio parser (kernel/lib/cpio.c), including
 * corrupt and truncated archives. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel_in_host.h"
#include <glass/cpio.h>
#include "check_run.h"

/* Append one newc entry to buf at *len. */
static void add_entry(char *buf, size_t *len, const char *name, unsigned mode,
		      unsigned ino, unsigned nlink, const char *data, size_t size)
{
	size_t namesize = strlen(name) + 1;
	int n = sprintf(buf + *len, "070701%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X",
			ino, mode, 0, 0, nlink, 1234, size, 0, 0, 1, 3, namesize, 0);

	*len += n;
	memcpy(buf + *len, name, namesize);
	*len += namesize;
	while (*len % 4)
		buf[(*len)++] = 0;
	memcpy(buf + *len, data, size);
	*len += size;
	while (*len % 4)
		buf[(*len)++] = 0;
}

static size_t sample(char *buf)
{
	size_t len = 0;

	add_entry(buf, &len, ".", 040755, 1, 2, "", 0);
	add_entry(buf, &len, "bin", 040755, 2, 2, "", 0);
	add_entry(buf, &len, "bin/hello", 0100755, 3, 1, "hello world\n", 12);
	add_entry(buf, &len, "bin/sh", 0120777, 4, 1, "busybox", 7);
	add_entry(buf, &len, "TRAILER!!!", 0, 0, 1, "", 0);
	return len;
}

START_TEST(test_iterate)
{
	char buf[4096];
	size_t len = sample(buf);
	struct cpio_iter it;
	struct cpio_entry e;
	const char *err = NULL;

	cpio_iter_init(&it, buf, len);
	ck_assert_int_eq(cpio_next(&it, &e, &err), 1);
	ck_assert_str_eq(e.name, ".");
	ck_assert_uint_eq(e.mode, 040755);
	ck_assert_int_eq(cpio_next(&it, &e, &err), 1);
	ck_assert_str_eq(e.name, "bin");
	ck_assert_int_eq(cpio_next(&it, &e, &err), 1);
	ck_assert_str_eq(e.name, "bin/hello");
	ck_assert_uint_eq(e.size, 12);
	ck_assert_int_eq(memcmp(e.data, "hello world\n", 12), 0);
	ck_assert_uint_eq(e.mtime, 1234);
	ck_assert_uint_eq(e.rdevmajor, 1);
	ck_assert_uint_eq(e.rdevminor, 3);
	ck_assert_int_eq(cpio_next(&it, &e, &err), 1);
	ck_assert_str_eq(e.name, "bin/sh");
	ck_assert_int_eq(memcmp(e.data, "busybox", 7), 0);
	ck_assert_int_eq(cpio_next(&it, &e, &err), 1);
	ck_assert(e.trailer);
	ck_assert_int_eq(cpio_next(&it, &e, &err), 0);
}
END_TEST

START_TEST(test_concatenated)
{
	char buf[8192];
	size_t len = sample(buf), n = 0;
	struct cpio_iter it;
	struct cpio_entry e;
	const char *err;
	int r;

	memset(buf + len, 0, 512);      /* padding between archives */
	len += 512;
	len += sample(buf + len) ;
	memset(buf + len, 0, 100);
	len += 100;
	cpio_iter_init(&it, buf, len);
	while ((r = cpio_next(&it, &e, &err)) == 1)
		n++;
	ck_assert_int_eq(r, 0);
	ck_assert_uint_eq(n, 10);
}
END_TEST

START_TEST(test_bad_magic)
{
	char buf[4096];
	size_t len = sample(buf);
	struct cpio_iter it;
	struct cpio_entry e;
	const char *err = NULL;

	buf[5] = '7';
	cpio_iter_init(&it, buf, len);
	ck_assert_int_eq(cpio_next(&it, &e, &err), -EINVAL);
	ck_assert_ptr_nonnull(err);
}
END_TEST

START_TEST(test_bad_hex)
{
	char buf[4096];
	size_t len = sample(buf);
	struct cpio_iter it;
	struct cpio_entry e;
	const char *err;

	buf[6 + 8 + 3] = 'g';           /* mode field */
	cpio_iter_init(&it, buf, len);
	ck_assert_int_eq(cpio_next(&it, &e, &err), -EINVAL);
}
END_TEST

START_TEST(test_bad_namesize)
{
	char buf[4096];
	size_t len = sample(buf);
	struct cpio_iter it;
	struct cpio_entry e;
	const char *err;

	memcpy(buf + 6 + 8 * 11, "00000000", 8);
	cpio_iter_init(&it, buf, len);
	ck_assert_int_eq(cpio_next(&it, &e, &err), -EINVAL);
	memcpy(buf + 6 + 8 * 11, "FFFFFFFF", 8);
	cpio_iter_init(&it, buf, len);
	ck_assert_int_eq(cpio_next(&it, &e, &err), -EINVAL);
	/* name not NUL-terminated where namesize says */
	memcpy(buf + 6 + 8 * 11, "00000001", 8);
	cpio_iter_init(&it, buf, len);
	ck_assert_int_eq(cpio_next(&it, &e, &err), -EINVAL);
}
END_TEST

START_TEST(test_filesize_beyond_end)
{
	char buf[4096];
	size_t len = sample(buf);
	struct cpio_iter it;
	struct cpio_entry e;
	const char *err;

	memcpy(buf + 6 + 8 * 6, "7FFFFFFF", 8);
	cpio_iter_init(&it, buf, len);
	ck_assert_int_eq(cpio_next(&it, &e, &err), -EINVAL);
}
END_TEST

/* Every prefix of an archive parses to entries then 0 or an error, and
 * never reads past the prefix (ASan checks the copy's bounds). */
START_TEST(test_truncated_everywhere)
{
	char buf[4096];
	size_t len = sample(buf);

	for (size_t cut = 0; cut < len; cut++) {
		char *copy = malloc(cut ? cut : 1);
		struct cpio_iter it;
		struct cpio_entry e;
		const char *err;
		int r, n = 0;

		memcpy(copy, buf, cut);
		cpio_iter_init(&it, copy, cut);
		while ((r = cpio_next(&it, &e, &err)) == 1)
			n++;
		ck_assert(r == 0 || r == -EINVAL);
		ck_assert_int_le(n, 5);
		free(copy);
	}
}
END_TEST

START_TEST(test_parse_header_incremental)
{
	char buf[4096];
	size_t len = sample(buf), need;
	struct cpio_entry e;
	const char *err;

	(void)len;
	ck_assert_int_eq(cpio_parse_header(buf, 50, &e, &need, &err), 0);
	ck_assert_uint_eq(need, CPIO_HDR_LEN);
	ck_assert_int_eq(cpio_parse_header(buf, CPIO_HDR_LEN, &e, &need, &err), 0);
	ck_assert_uint_eq(need, 112);  /* 110 + "." NUL, aligned */
	ck_assert_int_eq(cpio_parse_header(buf, need, &e, &need, &err), 112);
	ck_assert_ptr_null(e.data);
}
END_TEST

START_TEST(test_random_garbage)
{
	char buf[4096];
	size_t len = sample(buf);

	srand(42);
	for (int round = 0; round < 2000; round++) {
		char *copy = malloc(len);
		struct cpio_iter it;
		struct cpio_entry e;
		const char *err;
		int r;

		memcpy(copy, buf, len);
		for (int k = 0; k < 3; k++)
			copy[rand() % len] = rand();
		cpio_iter_init(&it, copy, len);
		while ((r = cpio_next(&it, &e, &err)) == 1)
			ck_assert((const char *)e.data + e.size <= copy + len);
		free(copy);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cpio");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_iterate);
	tcase_add_test(tc, test_concatenated);
	tcase_add_test(tc, test_bad_magic);
	tcase_add_test(tc, test_bad_hex);
	tcase_add_test(tc, test_bad_namesize);
	tcase_add_test(tc, test_filesize_beyond_end);
	tcase_add_test(tc, test_truncated_everywhere);
	tcase_add_test(tc, test_parse_header_incremental);
	tcase_add_test(tc, test_random_garbage);
	suite_add_tcase(s, tc);
	return check_run(s, CK_FORK_GETENV);
}

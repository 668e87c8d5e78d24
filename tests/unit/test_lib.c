/* kernel/lib: the kernel's printf (vsprintf.c) and number parsing (parse.c). */
#include <check.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <glass/kernel.h>
#include "check_run.h"

static char buf[256];

/* kvsnprintf into buf; returns its value. */
static int fmt(size_t size, const char *f, ...)
{
	va_list ap;
	int n;

	memset(buf, 'X', sizeof(buf));
	va_start(ap, f);
	n = kvsnprintf(buf, size, f, ap);
	va_end(ap);
	return n;
}

#define FMT_EQ(expect, ...)                                          \
	do {                                                         \
		int n_ = fmt(sizeof(buf), __VA_ARGS__);              \
		ck_assert_str_eq(buf, expect);                       \
		ck_assert_int_eq(n_, (int)strlen(expect));           \
	} while (0)

START_TEST(integers)
{
	FMT_EQ("42", "%d", 42);
	FMT_EQ("-42", "%i", -42);
	FMT_EQ("-2147483648", "%d", INT_MIN);
	FMT_EQ("4294967295", "%u", UINT_MAX);
	FMT_EQ("ffffffffffffffff", "%lx", ULONG_MAX);
	FMT_EQ("DEADBEEF", "%X", 0xdeadbeefu);
	FMT_EQ("0x1f", "%#x", 0x1f);
	FMT_EQ("0", "%#x", 0);
	FMT_EQ("017", "%#o", 017);
	FMT_EQ("18446744073709551615", "%llu", ULLONG_MAX);
	FMT_EQ("-9223372036854775808", "%lld", LLONG_MIN);
	FMT_EQ("123456789012", "%zu", (size_t)123456789012ULL);
	FMT_EQ("-5", "%zd", (ssize_t)-5);
	FMT_EQ("-1", "%hd", 65535);
	FMT_EQ("255", "%hhu", 0x1ff);
	FMT_EQ("+7| 7", "%+d|% d", 7, 7);
}
END_TEST

START_TEST(widths_and_precision)
{
	FMT_EQ("[   42]", "[%5d]", 42);
	FMT_EQ("[42   ]", "[%-5d]", 42);
	FMT_EQ("[00042]", "[%05d]", 42);
	FMT_EQ("[-0042]", "[%05d]", -42);
	FMT_EQ("[  042]", "[%5.3d]", 42);
	FMT_EQ("[0000000a]", "[%08lx]", 10UL);
	FMT_EQ("[   ab]", "[%*x]", 5, 0xab);
	FMT_EQ("[ab   ]", "[%*x]", -5, 0xab);
	FMT_EQ("[]", "[%.0d]", 0);
	FMT_EQ("[  hi]", "[%4s]", "hi");
	FMT_EQ("[hi  ]", "[%-4s]", "hi");
	FMT_EQ("[hel]", "[%.3s]", "hello");
	FMT_EQ("[he]", "[%.*s]", 2, "hello");
	FMT_EQ("[   x]", "[%4c]", 'x');
	FMT_EQ("100%", "%d%%", 100);
}
END_TEST

START_TEST(strings_and_pointers)
{
	FMT_EQ("(null)", "%s", (char *)NULL);
	FMT_EQ("[(nu]", "[%.3s]", (char *)NULL);
	FMT_EQ("0x1000", "%p", (void *)0x1000);
	FMT_EQ("0x0", "%p", (void *)0);
	FMT_EQ("0xffffffffffffffff", "%p", (void *)~0UL);
	/* %pS goes through symbolize() (the fake prints sym_<hex>). */
	FMT_EQ("at sym_401000!", "at %pS!", (void *)0x401000);
	FMT_EQ("a%qb", "a%qb");
}
END_TEST

START_TEST(truncation)
{
	/* kvsnprintf returns the length the whole output would have had. */
	int n = fmt(5, "hello world");
	ck_assert_int_eq(n, 11);
	ck_assert_str_eq(buf, "hell");
	n = fmt(1, "abc");
	ck_assert_int_eq(n, 3);
	ck_assert_str_eq(buf, "");
	/* size 0 writes nothing at all. */
	memset(buf, 'X', sizeof(buf));
	n = ksnprintf(buf, 0, "%d", 12345);
	ck_assert_int_eq(n, 5);
	ck_assert_int_eq(buf[0], 'X');
	/* scnprintf returns what it wrote. */
	n = scnprintf(buf, 5, "hello world");
	ck_assert_int_eq(n, 4);
	ck_assert_str_eq(buf, "hell");
	n = scnprintf(buf, sizeof(buf), "%s=%d", "a", 1);
	ck_assert_int_eq(n, 3);
	ck_assert_int_eq(scnprintf(buf, 0, "abc"), 0);
	/* Truncation inside a padded number. */
	n = fmt(4, "%08x", 0x1234);
	ck_assert_int_eq(n, 8);
	ck_assert_str_eq(buf, "000");
}
END_TEST

START_TEST(parse_kstrtoull)
{
	unsigned long long v;

	ck_assert_int_eq(kstrtoull("0", 10, &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(kstrtoull("18446744073709551615", 10, &v), 0);
	ck_assert_uint_eq(v, ULLONG_MAX);
	ck_assert_int_eq(kstrtoull("18446744073709551616", 10, &v), -ERANGE);
	ck_assert_int_eq(kstrtoull("0x1F", 0, &v), 0);
	ck_assert_uint_eq(v, 31);
	ck_assert_int_eq(kstrtoull("ff", 16, &v), 0);
	ck_assert_uint_eq(v, 255);
	ck_assert_int_eq(kstrtoull("017", 0, &v), 0);
	ck_assert_uint_eq(v, 15);
	ck_assert_int_eq(kstrtoull("019", 0, &v), -EINVAL);
	/* One final newline, as `echo N >` writes, and nothing more. */
	ck_assert_int_eq(kstrtoull("42\n", 10, &v), 0);
	ck_assert_uint_eq(v, 42);
	ck_assert_int_eq(kstrtoull("\n", 10, &v), -EINVAL);
	ck_assert_int_eq(kstrtoull("42\n\n", 10, &v), -EINVAL);
	ck_assert_int_eq(kstrtoull("4\n2", 10, &v), -EINVAL);
	v = 77;
	ck_assert_int_eq(kstrtoull("", 10, &v), -EINVAL);
	ck_assert_int_eq(kstrtoull("12a", 10, &v), -EINVAL);
	ck_assert_int_eq(kstrtoull("-1", 10, &v), -EINVAL);
	ck_assert_int_eq(kstrtoull(" 1", 10, &v), -EINVAL);
	ck_assert_uint_eq(v, 77);       /* untouched on error */
}
END_TEST

START_TEST(parse_kstrtoint)
{
	int v;

	ck_assert_int_eq(kstrtoint("7", 10, &v), 0);
	ck_assert_int_eq(v, 7);
	ck_assert_int_eq(kstrtoint("-7", 10, &v), 0);
	ck_assert_int_eq(v, -7);
	ck_assert_int_eq(kstrtoint("2147483647", 10, &v), 0);
	ck_assert_int_eq(v, INT_MAX);
	ck_assert_int_eq(kstrtoint("-2147483648", 10, &v), 0);
	ck_assert_int_eq(v, INT_MIN);
	ck_assert_int_eq(kstrtoint("2147483648", 10, &v), -ERANGE);
	ck_assert_int_eq(kstrtoint("-2147483649", 10, &v), -ERANGE);
	ck_assert_int_eq(kstrtoint("", 10, &v), -EINVAL);
	ck_assert_int_eq(kstrtoint("-", 10, &v), -EINVAL);
	ck_assert_int_eq(kstrtoint("4x", 10, &v), -EINVAL);
}
END_TEST

START_TEST(parse_memparse)
{
	unsigned long long v;

	ck_assert_int_eq(memparse_strict("128M", &v), 0);
	ck_assert_uint_eq(v, 128ULL << 20);
	ck_assert_int_eq(memparse_strict("4k", &v), 0);
	ck_assert_uint_eq(v, 4096);
	ck_assert_int_eq(memparse_strict("4K", &v), 0);
	ck_assert_uint_eq(v, 4096);
	ck_assert_int_eq(memparse_strict("1G", &v), 0);
	ck_assert_uint_eq(v, 1ULL << 30);
	ck_assert_int_eq(memparse_strict("65536", &v), 0);
	ck_assert_uint_eq(v, 65536);
	ck_assert_int_eq(memparse_strict("0x100000", &v), 0);
	ck_assert_uint_eq(v, 1 << 20);
	ck_assert_int_eq(memparse_strict("banana", &v), -EINVAL);
	ck_assert_int_eq(memparse_strict("", &v), -EINVAL);
	ck_assert_int_eq(memparse_strict("M", &v), -EINVAL);
	ck_assert_int_eq(memparse_strict("12MB", &v), -EINVAL);
	ck_assert_int_eq(memparse_strict("12 M", &v), -EINVAL);
	ck_assert_int_eq(memparse_strict("-1M", &v), -EINVAL);
	ck_assert_int_eq(memparse_strict("99999999999999999999G", &v), -EINVAL);
	ck_assert_int_eq(memparse_strict("17179869184G", &v), -EINVAL);
}
END_TEST

static Suite *lib_suite(void)
{
	Suite *s = suite_create("lib");
	TCase *tc = tcase_create("vsprintf");

	tcase_add_test(tc, integers);
	tcase_add_test(tc, widths_and_precision);
	tcase_add_test(tc, strings_and_pointers);
	tcase_add_test(tc, truncation);
	suite_add_tcase(s, tc);
	tc = tcase_create("parse");
	tcase_add_test(tc, parse_kstrtoull);
	tcase_add_test(tc, parse_kstrtoint);
	tcase_add_test(tc, parse_memparse);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(lib_suite(), CK_FORK_GETENV);
}

/* seq_file for single-record files (kernel/fs/seq_file.c), as procfs
 * entries of modules use it: the text is made at the read at offset 0
 * and served from the buffer after, the buffer doubles until the text
 * fits (up to a limit), show's error comes back, release frees all.
 * copy_to_user is memcpy here: "user" buffers are the test's. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "kernel_in_host.h"
#include <glass/seq_file.h>

#include "check_run.h"
#include "fakes.h"

/* ---- fakes of what seq_file.c calls ---- */
ssize_t simple_read_from_buffer(char __user *to, size_t count, loff_t *pos,
				const void *from, size_t available)
{
	size_t n;

	if ((size_t)*pos >= available)
		return 0;
	n = min(count, available - (size_t)*pos);
	memcpy((char *)to, (const char *)from + *pos, n);
	*pos += n;
	return n;
}

loff_t generic_file_llseek(struct file *f, loff_t off, int whence) { abort(); }

/* ---- show functions ---- */
static int shows;
static size_t show_bytes;       /* how much big_show prints */

static int small_show(struct seq_file *m, void *v)
{
	shows++;
	seq_printf(m, "count: %d\n", shows);
	seq_puts(m, (const char *)v);
	seq_putc(m, '\n');
	return 0;
}

static int big_show(struct seq_file *m, void *v)
{
	shows++;
	for (size_t i = 0; i < show_bytes / 10; i++)
		seq_printf(m, "%09zu\n", i);
	return 0;
}

static int failing_show(struct seq_file *m, void *v)
{
	return -EIO;
}

static struct file file;
static char out[1 << 20];

static void setup(void)
{
	memset(&file, 0, sizeof(file));
	shows = 0;
	fake_kmalloc_live = 0;
}

/* Read it all in chunks of chunk bytes from pos 0; the length read. */
static ssize_t read_all(size_t chunk)
{
	loff_t pos = 0;
	size_t total = 0;
	ssize_t n;

	while ((n = seq_read(&file, (char __user *)out + total, chunk, &pos)) > 0)
		total += n;
	return n < 0 ? n : (ssize_t)total;
}

START_TEST(one_snapshot_per_read_from_zero)
{
	ck_assert_int_eq(single_open(&file, small_show, "live"), 0);
	ck_assert_int_eq(read_all(3), 14);
	ck_assert_mem_eq(out, "count: 1\nlive\n", 14);
	/* Chunks after the first came from the buffer: show ran once. */
	ck_assert_int_eq(shows, 1);
	ck_assert_int_eq(read_all(100), 14);
	ck_assert_mem_eq(out, "count: 2\nlive\n", 14);
	ck_assert_int_eq(single_release(NULL, &file), 0);
	ck_assert_int_eq(fake_kmalloc_live, 0);
}
END_TEST

/* Text larger than a page: the buffer grows and show runs again. */
START_TEST(grows_until_it_fits)
{
	show_bytes = 20000;
	ck_assert_int_eq(single_open(&file, big_show, NULL), 0);
	ck_assert_int_eq(read_all(4096), 20000);
	ck_assert_mem_eq(out + 19990, "000001999\n", 10);
	ck_assert_int_eq(shows, 4);     /* 4 KiB, 8, 16, then 32 fits */
	single_release(NULL, &file);
	ck_assert_int_eq(fake_kmalloc_live, 0);
}
END_TEST

/* Past the limit the read fails rather than growing without end. */
START_TEST(too_big_is_efbig)
{
	show_bytes = 300 << 10;
	ck_assert_int_eq(single_open(&file, big_show, NULL), 0);
	ck_assert_int_eq(read_all(4096), -EFBIG);
	single_release(NULL, &file);
	ck_assert_int_eq(fake_kmalloc_live, 0);
}
END_TEST

START_TEST(show_error_returned)
{
	ck_assert_int_eq(single_open(&file, failing_show, NULL), 0);
	ck_assert_int_eq(read_all(100), -EIO);
	single_release(NULL, &file);
	ck_assert_int_eq(fake_kmalloc_live, 0);
}
END_TEST

static Suite *seq_file_suite(void)
{
	Suite *s = suite_create("seq_file");
	TCase *tc = tcase_create("single");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, one_snapshot_per_read_from_zero);
	tcase_add_test(tc, grows_until_it_fits);
	tcase_add_test(tc, too_big_is_efbig);
	tcase_add_test(tc, show_error_returned);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(seq_file_suite(), CK_FORK_GETENV);
}

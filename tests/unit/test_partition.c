/*
 * PC partition tables (kernel/drivers/msdos_part.c). The layout is the
 * one `sfdisk` and Linux's block/partitions/msdos.c use: four 16-byte
 * entries at 446 (boot indicator, CHS, type, CHS, LBA start, sector
 * count, little-endian), 0x55 0xAA at 510.
 */
#include <check.h>
#include <string.h>

#include "kernel_in_host.h"
#include <glass/partition.h>
#include "check_run.h"

static u8 mbr[512];
static struct mbr_part parts[MBR_PARTS];
static const char *why;

static void entry(int i, u8 boot, u8 type, u32 start, u32 count)
{
	u8 *e = mbr + 446 + 16 * i;

	memset(e, 0, 16);
	e[0] = boot;
	e[4] = type;
	memcpy(e + 8, &start, 4);
	memcpy(e + 12, &count, 4);
}

static void table(void)
{
	memset(mbr, 0, sizeof(mbr));
	mbr[510] = 0x55;
	mbr[511] = 0xaa;
	entry(0, 0x80, 0x83, 2048, 16384);
	entry(1, 0, 0x83, 18432, 8192);
}

START_TEST(primary_partitions)
{
	table();
	ck_assert_int_eq(mbr_parse(mbr, 32768, parts, &why), 0);
	ck_assert(parts[0].start == 2048 && parts[0].sectors == 16384 && parts[0].type == 0x83);
	ck_assert(parts[1].start == 18432 && parts[1].sectors == 8192);
	ck_assert(!parts[2].sectors && !parts[3].sectors);
}
END_TEST

START_TEST(unusable_entries)
{
	table();
	entry(2, 0, 0x05, 30000, 100);          /* extended: its logicals are not read */
	entry(3, 0, 0x83, 40000, 100);          /* past the disk */
	entry(1, 0, 0x83, 18432, 99999);        /* runs past the end: cut */
	ck_assert_int_eq(mbr_parse(mbr, 32768, parts, &why), 0);
	ck_assert_uint_eq(parts[1].sectors, 32768 - 18432);
	ck_assert(!parts[2].sectors && !parts[3].sectors);
	entry(1, 0, 0x83, 0, 100);              /* starts at the table itself */
	ck_assert_int_eq(mbr_parse(mbr, 32768, parts, &why), 0);
	ck_assert(!parts[1].sectors);
}
END_TEST

START_TEST(not_a_table)
{
	table();
	mbr[511] = 0;
	ck_assert_int_eq(mbr_parse(mbr, 32768, parts, &why), -EINVAL);
	ck_assert_str_eq(why, "no partition table signature");
	table();
	mbr[446 + 16] = 0x3c;                   /* a FAT boot sector's code there */
	ck_assert_int_eq(mbr_parse(mbr, 32768, parts, &why), -EINVAL);
	table();
	entry(0, 0, 0xee, 1, 32767);            /* GPT's protective MBR */
	ck_assert_int_eq(mbr_parse(mbr, 32768, parts, &why), -EINVAL);
	ck_assert(!parts[0].sectors);
	memset(mbr, 0, sizeof(mbr));            /* mke2fs's boot block: zeros */
	ck_assert_int_eq(mbr_parse(mbr, 32768, parts, &why), -EINVAL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("partition");
	TCase *tc = tcase_create("mbr");

	tcase_add_test(tc, primary_partitions);
	tcase_add_test(tc, unusable_entries);
	tcase_add_test(tc, not_a_table);
	suite_add_tcase(s, tc);
	return check_run(s, CK_FORK_GETENV);
}

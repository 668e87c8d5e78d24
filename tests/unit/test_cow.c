/*
 * UML's COW format (kernel/drivers/cow.c). The expected bytes and offsets
 * are not derived from the code: they were measured from files made by
 * Debian's uml_mkcow (uml-utilities 20070815.4) and merged by its uml_moo
 * on 2026-11-26:
 *   uml_mkcow -f cow back   (back: 102400 bytes, mtime 0x6b08b13e)
 *   00000000  4f 4f 4f 4d 00 00 00 03  6b 08 b1 3e 00 00 00 00
 *   00000010  00 01 90 00 00 00 02 00  00 00 10 00 00 00 00 00
 *   00000020  /tmp/cowprobe/back.img, NUL-padded to 0x1020
 * and file lengths (data offset = length - backing size): 102400 bytes →
 * 114688 (data at 0x3000); 1000 → 13288 (0x3000); 4096 → 16384 (0x3000);
 * 33554432 → 33570816 (0x4000). A guest write of 6 bytes at 700 set the
 * bitmap byte at 0x2000 to 0x02 (sector 1, least significant bit first)
 * and put the data at 0x3200; uml_moo then merged exactly those bytes.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "kernel_in_host.h"
#include <glass/cow.h>
#include "check_run.h"

static const unsigned char mkcow_head[32] = {
	0x4f, 0x4f, 0x4f, 0x4d, 0x00, 0x00, 0x00, 0x03, 0x6b, 0x08, 0xb1, 0x3e, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x01, 0x90, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00,
};
#define MKCOW_PATH "/tmp/cowprobe/back.img"

static unsigned char buf[COW_HEADER_SIZE_BROKEN + 64];
static struct cow_header h;
static const char *why;

/* The header uml_mkcow wrote, byte for byte. */
static void mkcow_file(void)
{
	memset(buf, 0, sizeof(buf));
	memcpy(buf, mkcow_head, sizeof(mkcow_head));
	strcpy((char *)buf + 32, MKCOW_PATH);
}

START_TEST(decode_mkcow_output)
{
	mkcow_file();
	why = NULL;
	ck_assert_int_eq(cow_header_decode(buf, COW_HEADER_SIZE, &h, &why), 0);
	ck_assert_uint_eq(h.version, 3);
	ck_assert_uint_eq(h.mtime, 0x6b08b13e);
	ck_assert_uint_eq(h.size, 102400);
	ck_assert_uint_eq(h.sectorsize, 512);
	ck_assert_uint_eq(h.alignment, 4096);
	ck_assert_uint_eq(h.cow_format, 0);
	ck_assert(!h.broken_layout);
	ck_assert_str_eq(h.backing_file, MKCOW_PATH);
	ck_assert_uint_eq(h.bitmap_offset, 0x2000);
	ck_assert_uint_eq(h.bitmap_len, 25);            /* 200 sectors */
	ck_assert_uint_eq(h.data_offset, 0x3000);
	ck_assert_uint_eq(cow_data_pos(&h, 1), 0x3200);
	ck_assert_uint_eq(cow_sectors(&h), 200);
}
END_TEST

START_TEST(encode_matches_mkcow)
{
	unsigned char out[COW_HEADER_SIZE];

	ck_assert_int_eq(cow_header_init(&h, MKCOW_PATH, 0x6b08b13e, 102400, COW_ALIGN, &why), 0);
	cow_header_encode(&h, out);
	mkcow_file();
	ck_assert_int_eq(memcmp(out, buf, COW_HEADER_SIZE), 0);
	ck_assert_uint_eq(h.data_offset + h.size, 114688);      /* uml_mkcow's length */
}
END_TEST

START_TEST(round_trip_big_endian)
{
	unsigned char out[COW_HEADER_SIZE];
	struct cow_header back;

	ck_assert_int_eq(cow_header_init(&h, "/b", 0x01020304, 0x0102030405060708ULL >> 8,
					 512, &why), 0);
	cow_header_encode(&h, out);
	/* Each field big-endian at its packed offset. */
	ck_assert_int_eq(memcmp(out + 8, "\x01\x02\x03\x04", 4), 0);
	ck_assert_int_eq(memcmp(out + 12, "\x00\x01\x02\x03\x04\x05\x06\x07", 8), 0);
	ck_assert_int_eq(memcmp(out + 20, "\x00\x00\x02\x00", 4), 0);
	ck_assert_int_eq(memcmp(out + 24, "\x00\x00\x02\x00", 4), 0);
	ck_assert_str_eq((char *)out + 32, "/b");
	ck_assert_int_eq(cow_header_decode(out, sizeof(out), &back, &why), 0);
	ck_assert_uint_eq(back.mtime, 0x01020304);
	ck_assert_uint_eq(back.size, 0x0102030405060708ULL >> 8);
	ck_assert_uint_eq(back.alignment, 512);
	ck_assert_str_eq(back.backing_file, "/b");
	/* 512 alignment: bitmap right after the 4128-byte header, rounded. */
	ck_assert_uint_eq(back.bitmap_offset, 4608);
	ck_assert_uint_eq(back.data_offset, h.data_offset);
}
END_TEST

/* Data offsets of the files uml_mkcow made (length - backing size). */
START_TEST(layout_as_mkcow)
{
	static const struct { u64 size, data, bitmap_len; } t[] = {
		{ 1000, 0x3000, 1 },
		{ 4096, 0x3000, 1 },
		{ 102400, 0x3000, 25 },
		{ 33554432, 0x4000, 8192 },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ck_assert_int_eq(cow_header_init(&h, "/x", 0, t[i].size, COW_ALIGN, &why), 0);
		ck_assert_uint_eq(h.bitmap_offset, 0x2000);
		ck_assert_uint_eq(h.bitmap_len, t[i].bitmap_len);
		ck_assert_uint_eq(h.data_offset, t[i].data);
	}
	ck_assert_uint_eq(cow_sectors(&h), 65536);
}
END_TEST

START_TEST(bitmap_bits_and_span)
{
	u8 map[4] = { 0 };
	u64 pos;
	size_t len;

	cow_set_bit(map, 1);            /* what the 700-byte write set */
	ck_assert_uint_eq(map[0], 0x02);
	cow_set_bit(map, 8);
	cow_set_bit(map, 23);
	ck_assert_uint_eq(map[1], 0x01);
	ck_assert_uint_eq(map[2], 0x80);
	ck_assert(cow_test_bit(map, 1) && cow_test_bit(map, 23));
	ck_assert(!cow_test_bit(map, 0) && !cow_test_bit(map, 22));

	ck_assert_int_eq(cow_header_init(&h, "/x", 0, 102400, COW_ALIGN, &why), 0);
	cow_bitmap_span(&h, 1, 1, &pos, &len);
	ck_assert_uint_eq(pos, 0x2000);
	ck_assert_uint_eq(len, 1);
	cow_bitmap_span(&h, 7, 2, &pos, &len);  /* sectors 7 and 8: two bytes */
	ck_assert_uint_eq(pos, 0x2000);
	ck_assert_uint_eq(len, 2);
	cow_bitmap_span(&h, 130, 128, &pos, &len);
	ck_assert_uint_eq(pos, 0x2000 + 16);
	ck_assert_uint_eq(len, 17);
}
END_TEST

/* Old 64-bit UMLs: mtime 64-bit, everything after it 4 bytes later. */
START_TEST(broken_layout)
{
	memset(buf, 0, sizeof(buf));
	memcpy(buf, "\x4f\x4f\x4f\x4d\x00\x00\x00\x03", 8);
	memcpy(buf + 8, "\x12\x34\x56\x78\x00\x00\x00\x00", 8);        /* be32 read, as UML */
	memcpy(buf + 16, "\x00\x00\x00\x00\x00\x00\x10\x00", 8);
	memcpy(buf + 24, "\x00\x00\x02\x00\x00\x00\x02\x00", 8);
	strcpy((char *)buf + 36, "/old");
	ck_assert_int_eq(cow_header_decode(buf, COW_HEADER_SIZE_BROKEN, &h, &why), 0);
	ck_assert(h.broken_layout);
	ck_assert_uint_eq(h.mtime, 0x12345678);
	ck_assert_uint_eq(h.size, 4096);
	ck_assert_uint_eq(h.alignment, 512);
	ck_assert_str_eq(h.backing_file, "/old");
	ck_assert_uint_eq(h.bitmap_offset, 4608);       /* ALIGN(4136, 512) */
	ck_assert_int_eq(cow_header_decode(buf, COW_HEADER_SIZE, &h, &why), -EINVAL);
}
END_TEST

static void expect_bad(size_t len, const char *want)
{
	why = NULL;
	ck_assert_int_eq(cow_header_decode(buf, len, &h, &why), -EINVAL);
	ck_assert_ptr_nonnull(why);
	ck_assert_msg(strstr(why, want), "'%s' lacks '%s'", why, want);
}

START_TEST(bad_headers)
{
	mkcow_file();
	ck_assert_int_eq(cow_header_decode(buf, 7, &h, &why), -ENOEXEC);
	expect_bad(31, "truncated");
	expect_bad(COW_HEADER_SIZE - 1, "truncated");
	buf[7] = 2;
	expect_bad(COW_HEADER_SIZE, "version 1 or 2");
	buf[7] = 4;
	expect_bad(COW_HEADER_SIZE, "unknown version");
	mkcow_file();
	memcpy(buf, "MOOO", 4);         /* host-order magic: versions 1 and 2 */
	expect_bad(COW_HEADER_SIZE, "version 1 or 2");
	mkcow_file();
	buf[22] = 4;                    /* sector size 1024 */
	expect_bad(COW_HEADER_SIZE, "sector size");
	mkcow_file();
	buf[26] = 0;                    /* alignment 0 */
	expect_bad(COW_HEADER_SIZE, "alignment");
	buf[26] = 0x10;
	buf[27] = 1;                    /* 4097: not a power of two */
	expect_bad(COW_HEADER_SIZE, "alignment");
	mkcow_file();
	buf[12] = 0xff;                 /* size 2^64 - ...: overflows */
	expect_bad(COW_HEADER_SIZE, "size");
	mkcow_file();
	buf[31] = 1;                    /* cow_format 1 */
	expect_bad(COW_HEADER_SIZE, "format");
	mkcow_file();
	memset(buf + 32, 'a', COW_PATH_LEN);
	expect_bad(COW_HEADER_SIZE, "not terminated");
	memset(buf, 0, sizeof(buf));
	memcpy(buf, "ELF!", 4);
	ck_assert_int_eq(cow_header_decode(buf, sizeof(buf), &h, &why), -ENOEXEC);
}
END_TEST

START_TEST(init_refuses_bad_names)
{
	char *long_name = malloc(COW_PATH_LEN + 1);

	memset(long_name, 'a', COW_PATH_LEN);
	long_name[COW_PATH_LEN] = '\0';
	ck_assert_int_eq(cow_header_init(&h, long_name, 0, 1, COW_ALIGN, &why), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "too long"));
	ck_assert_int_eq(cow_header_init(&h, "", 0, 1, COW_ALIGN, &why), -EINVAL);
	long_name[COW_PATH_LEN - 1] = '\0';     /* 4095 bytes fit */
	ck_assert_int_eq(cow_header_init(&h, long_name, 0, 1, COW_ALIGN, &why), 0);
	free(long_name);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cow");
	TCase *tc = tcase_create("cow");

	tcase_add_test(tc, decode_mkcow_output);
	tcase_add_test(tc, encode_matches_mkcow);
	tcase_add_test(tc, round_trip_big_endian);
	tcase_add_test(tc, layout_as_mkcow);
	tcase_add_test(tc, bitmap_bits_and_span);
	tcase_add_test(tc, broken_layout);
	tcase_add_test(tc, bad_headers);
	tcase_add_test(tc, init_refuses_bad_names);
	suite_add_tcase(s, tc);
	return check_run(s, CK_FORK_GETENV);
}

/*
 * ext2's on-disk format (kernel/fs/ext2/format.c). The superblock values
 * are those Debian's mke2fs 1.47.0 wrote for `truncate -s 16M img;
 * mke2fs -t ext2 img` (dumpe2fs -h: 16384 blocks of 1024 bytes, 4096
 * inodes, 8192 blocks and 2048 inodes per group, inode size 256, first
 * inode 11, first data block 1, features ext_attr resize_inode dir_index
 * filetype sparse_super large_file, 512 inode-table blocks per group);
 * the block-map offsets follow Linux's ext2_block_to_path.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "kernel_in_host.h"
#include <glass/ext2_fs.h>
#include "check_run.h"

static struct ext2_super_block es;
static struct ext2_geom g;
static const char *why;

/* mke2fs's superblock of a 16 MiB image. */
static void mke2fs_16m(void)
{
	memset(&es, 0, sizeof(es));
	es.s_magic = EXT2_SUPER_MAGIC;
	es.s_inodes_count = 4096;
	es.s_blocks_count = 16384;
	es.s_first_data_block = 1;
	es.s_log_block_size = 0;
	es.s_blocks_per_group = 8192;
	es.s_inodes_per_group = 2048;
	es.s_rev_level = EXT2_DYNAMIC_REV;
	es.s_first_ino = 11;
	es.s_inode_size = 256;
	es.s_feature_compat = 0x38;
	es.s_feature_incompat = EXT2_FEATURE_INCOMPAT_FILETYPE;
	es.s_feature_ro_compat = 0x3;
}

START_TEST(parse_mke2fs_super)
{
	mke2fs_16m();
	ck_assert_int_eq(ext2_parse_super(&es, 16 << 20, &g, &why), 0);
	ck_assert_uint_eq(g.block_size, 1024);
	ck_assert_uint_eq(g.groups, 2);
	ck_assert_uint_eq(g.inode_size, 256);
	ck_assert_uint_eq(g.first_ino, 11);
	ck_assert_uint_eq(g.desc_per_block, 32);
	ck_assert_uint_eq(g.desc_blocks, 1);
	ck_assert_uint_eq(g.itb_per_group, 512);
	ck_assert_int_eq(ext2_check_features(&g, false, &why), 0);
	ck_assert_uint_eq(ext2_group_first_block(&g, 1), 8193);
	ck_assert_uint_eq(ext2_group_blocks(&g, 1), 8191);
	ck_assert(ext2_block_valid(&g, 2));
	ck_assert(!ext2_block_valid(&g, 1));    /* the superblock */
	ck_assert(!ext2_block_valid(&g, 16384));
}
END_TEST

/* Revision 0: 128-byte inodes, first inode 11, the dynamic fields ignored. */
START_TEST(parse_rev0)
{
	mke2fs_16m();
	es.s_rev_level = EXT2_GOOD_OLD_REV;
	es.s_inode_size = 4000;
	es.s_feature_incompat = 0xffff;
	ck_assert_int_eq(ext2_parse_super(&es, 16 << 20, &g, &why), 0);
	ck_assert_uint_eq(g.inode_size, 128);
	ck_assert_uint_eq(g.itb_per_group, 256);
	ck_assert_int_eq(ext2_check_features(&g, false, &why), 0);
}
END_TEST

/* Each case breaks one field of a good superblock. */
static const char *break_super(int i)
{
	switch (i) {
	case 0: es.s_magic = 0x1234; return "bad magic number";
	case 1: es.s_log_block_size = 3; return "unsupported block size";
	case 2: es.s_inodes_per_group = 0; return "bad inodes per group";
	case 3: es.s_inodes_per_group = 9000; return "bad inodes per group";
	case 4: es.s_blocks_per_group = 0; return "bad blocks per group";
	case 5: es.s_blocks_count = 99999; return "larger than the device";
	case 6: es.s_inodes_count = 4095; return "inode count";
	case 7: es.s_inode_size = 100; return "bad inode size";
	case 8: es.s_inode_size = 384; return "bad inode size";
	case 9: es.s_first_data_block = 0; return "bad first data block";
	case 10: es.s_first_ino = 2; return "bad first inode";
	case 11: es.s_rev_level = 7; return "unknown revision";
	case 12: es.s_inodes_per_group = 8192; es.s_inodes_count = 16384; es.s_inode_size = 1024;
		return "inode table larger than a group";
	}
	return NULL;
}

START_TEST(bad_supers)
{
	const char *want;

	for (int i = 0; mke2fs_16m(), (want = break_super(i)); i++) {
		why = NULL;
		ck_assert_msg(ext2_parse_super(&es, 16 << 20, &g, &why) == -EINVAL, "case %d", i);
		ck_assert_msg(why && strstr(why, want), "case %d: %s", i, why);
	}
}
END_TEST

START_TEST(features)
{
	mke2fs_16m();
	es.s_feature_incompat |= 0x40;          /* extents */
	ck_assert_int_eq(ext2_parse_super(&es, 16 << 20, &g, &why), 0);
	ck_assert_int_eq(ext2_check_features(&g, true, &why), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "incompatible"));
	mke2fs_16m();
	es.s_feature_ro_compat |= 0x400;        /* metadata_csum */
	ck_assert_int_eq(ext2_parse_super(&es, 16 << 20, &g, &why), 0);
	ck_assert_int_eq(ext2_check_features(&g, true, &why), 0);
	ck_assert_int_eq(ext2_check_features(&g, false, &why), -EROFS);
}
END_TEST

START_TEST(group_descs)
{
	struct ext2_group_desc gd = { .bg_block_bitmap = 8193, .bg_inode_bitmap = 8194,
				      .bg_inode_table = 8195, .bg_free_blocks_count = 100,
				      .bg_free_inodes_count = 2048 };
	u32 block, off;

	mke2fs_16m();
	ck_assert_int_eq(ext2_parse_super(&es, 16 << 20, &g, &why), 0);
	ext2_group_desc_pos(&g, 1, &block, &off);
	ck_assert_uint_eq(block, 2);
	ck_assert_uint_eq(off, 32);
	ck_assert_int_eq(ext2_check_group_desc(&g, 1, &gd, &why), 0);
	ck_assert(ext2_block_is_group_meta(&g, &gd, 8195 + 511));
	ck_assert(!ext2_block_is_group_meta(&g, &gd, 8195 + 512));
	gd.bg_block_bitmap = 5;
	ck_assert_int_eq(ext2_check_group_desc(&g, 1, &gd, &why), -EINVAL);
	gd.bg_block_bitmap = 8193;
	gd.bg_inode_table = 16383 - 100;        /* runs past the group */
	ck_assert_int_eq(ext2_check_group_desc(&g, 1, &gd, &why), -EINVAL);
	gd.bg_inode_table = 8195;
	gd.bg_free_inodes_count = 2049;
	ck_assert_int_eq(ext2_check_group_desc(&g, 1, &gd, &why), -EINVAL);
}
END_TEST

START_TEST(block_map_paths)
{
	u32 o[4];

	mke2fs_16m();
	ck_assert_int_eq(ext2_parse_super(&es, 16 << 20, &g, &why), 0);
	ck_assert_int_eq(ext2_block_to_path(&g, 11, o), 1);
	ck_assert_uint_eq(o[0], 11);
	ck_assert_int_eq(ext2_block_to_path(&g, 12, o), 2);
	ck_assert(o[0] == 12 && o[1] == 0);
	ck_assert_int_eq(ext2_block_to_path(&g, 267, o), 2);
	ck_assert(o[0] == 12 && o[1] == 255);
	ck_assert_int_eq(ext2_block_to_path(&g, 268, o), 3);
	ck_assert(o[0] == 13 && o[1] == 0 && o[2] == 0);
	ck_assert_int_eq(ext2_block_to_path(&g, 268 + 256 * 3 + 7, o), 3);
	ck_assert(o[1] == 3 && o[2] == 7);
	ck_assert_int_eq(ext2_block_to_path(&g, 268 + 65536, o), 4);
	ck_assert(o[0] == 14 && o[1] == 0 && o[2] == 0 && o[3] == 0);
	ck_assert_int_eq(ext2_block_to_path(&g, 268 + 65536 + 16777215ULL, o), 4);
	ck_assert(o[1] == 255 && o[2] == 255 && o[3] == 255);
	ck_assert_int_eq(ext2_block_to_path(&g, 268 + 65536 + 16777216ULL, o), 0);
	ck_assert_uint_eq(ext2_max_size(&g), (12ULL + 256 + 65536 + 16777216) * 1024);
	/* 4 KiB blocks: 1024 pointers per block; i_blocks caps at 2 TiB */
	es.s_log_block_size = 2;
	es.s_first_data_block = 0;
	es.s_blocks_count = 4096;
	es.s_inodes_count = 2048;
	es.s_blocks_per_group = 32768;
	ck_assert_int_eq(ext2_parse_super(&es, 16 << 20, &g, &why), 0);
	ck_assert_int_eq(ext2_block_to_path(&g, 12 + 1024, o), 3);
	ck_assert(o[0] == 13 && o[1] == 0 && o[2] == 0);
	ck_assert_uint_eq(ext2_max_size(&g), ((1ULL << 32) - 1) / 8 * 4096);
	/* revision 0: 2 GiB */
	es.s_rev_level = EXT2_GOOD_OLD_REV;
	ck_assert_int_eq(ext2_parse_super(&es, 16 << 20, &g, &why), 0);
	ck_assert_uint_eq(ext2_max_size(&g), (1ULL << 31) - 1);
}
END_TEST

START_TEST(inodes)
{
	unsigned char raw[256], copy[256];
	struct ext2_inode_fields f, again;
	u32 group, index;

	mke2fs_16m();
	ck_assert_int_eq(ext2_parse_super(&es, 16 << 20, &g, &why), 0);
	ck_assert_int_eq(ext2_inode_pos(&g, 2049, &group, &index), 0);
	ck_assert(group == 1 && index == 0);
	ck_assert_int_eq(ext2_inode_pos(&g, 0, &group, &index), -EINVAL);
	ck_assert_int_eq(ext2_inode_pos(&g, 4097, &group, &index), -EINVAL);
	memset(raw, 0xa5, sizeof(raw));
	memset(&f, 0, sizeof(f));
	memset(&again, 0, sizeof(again));
	f.mode = S_IFREG | 0644;
	f.uid = 70000;                          /* needs the high half */
	f.gid = 5;
	f.size = 5ULL << 30;                    /* large_file: i_size_high */
	f.links = 1;
	f.blocks = 8;
	f.block[0] = 1234;
	f.block[14] = 99;
	f.mtime = 1000000000;
	ext2_inode_encode(&g, &f, raw);
	memcpy(copy, raw, sizeof(raw));
	ext2_inode_decode(&g, raw, &again);
	ck_assert_mem_eq(&f, &again, sizeof(f));
	ck_assert_uint_eq(raw[108], 1);         /* i_size_high = 1 */
	for (int i = 128; i < 256; i++)         /* the large inode's rest untouched */
		ck_assert_uint_eq(copy[i], 0xa5);
	ck_assert_int_eq(ext2_check_inode(&g, &f, &why), 0);
	f.size = ext2_max_size(&g) + 1;         /* past what the map reaches */
	ck_assert_int_eq(ext2_check_inode(&g, &f, &why), -EINVAL);
	f.size = 4096;
	ck_assert_int_eq(ext2_check_inode(&g, &f, &why), 0);
	f.mode = S_IFDIR | 0755;
	f.size = 1000;
	ck_assert_int_eq(ext2_check_inode(&g, &f, &why), -EINVAL);
	f.size = 2048;
	ck_assert_int_eq(ext2_check_inode(&g, &f, &why), 0);
	f.links = 0;
	ck_assert_int_eq(ext2_check_inode(&g, &f, &why), -EINVAL);
	f.links = 1;
	f.mode = 0170000;
	ck_assert_int_eq(ext2_check_inode(&g, &f, &why), -EINVAL);
}
END_TEST

START_TEST(dirents)
{
	unsigned char blk[1024];
	struct ext2_dirent de;

	memset(blk, 0, sizeof(blk));
	ext2_dirent_put(blk, 0, 2, 12, ".", 1, EXT2_FT_DIR);
	ext2_dirent_put(blk, 12, 2, 12, "..", 2, EXT2_FT_DIR);
	ext2_dirent_put(blk, 24, 11, 1000, "lost+found", 10, EXT2_FT_DIR);
	ck_assert_int_eq(ext2_dirent_get(blk, 1024, 24, 4096, &de, &why), 0);
	ck_assert(de.inode == 11 && de.rec_len == 1000 && de.name_len == 10 &&
		  de.file_type == EXT2_FT_DIR && !memcmp(de.name, "lost+found", 10));
	ck_assert_uint_eq(EXT2_DIR_REC_LEN(10), 20);
	ck_assert_int_eq(ext2_dirent_get(blk, 1024, 26, 4096, &de, &why), -EINVAL);   /* unaligned */
	ck_assert_int_eq(ext2_dirent_get(blk, 1024, 1020, 4096, &de, &why), -EINVAL); /* header past */
	ext2_dirent_put(blk, 24, 11, 1004, "lost+found", 10, EXT2_FT_DIR);
	ck_assert_int_eq(ext2_dirent_get(blk, 1024, 24, 4096, &de, &why), -EINVAL);
	ck_assert_str_eq(why, "directory entry past the block");
	ext2_dirent_put(blk, 24, 11, 16, "lost+found", 10, EXT2_FT_DIR);
	ck_assert_int_eq(ext2_dirent_get(blk, 1024, 24, 4096, &de, &why), -EINVAL);
	ck_assert_str_eq(why, "directory entry shorter than its name");
	ext2_dirent_put(blk, 24, 11, 1002, "lost+found", 10, EXT2_FT_DIR);
	ck_assert_int_eq(ext2_dirent_get(blk, 1024, 24, 4096, &de, &why), -EINVAL);
	ext2_dirent_put(blk, 24, 11, 8, "", 0, 0);
	ck_assert_int_eq(ext2_dirent_get(blk, 1024, 24, 4096, &de, &why), -EINVAL);
	ext2_dirent_put(blk, 24, 4097, 1000, "x", 1, 1);
	ck_assert_int_eq(ext2_dirent_get(blk, 1024, 24, 4096, &de, &why), -EINVAL);
	ck_assert_str_eq(why, "inode number out of range");
	ext2_dirent_put(blk, 24, 0, 1000, "", 0, 0);       /* a free record */
	ck_assert_int_eq(ext2_dirent_get(blk, 1024, 24, 4096, &de, &why), 0);
	ck_assert_uint_eq(ext2_mode_to_ftype(S_IFLNK | 0777), EXT2_FT_SYMLINK);
}
END_TEST

START_TEST(bitmaps)
{
	unsigned char map[8];

	memset(map, 0xff, sizeof(map));
	ck_assert_uint_eq(ext2_find_zero_bit(map, 64, 0), 64);
	map[5] = 0xef;                          /* bit 44 */
	ck_assert_uint_eq(ext2_find_zero_bit(map, 64, 0), 44);
	ck_assert_uint_eq(ext2_find_zero_bit(map, 64, 45), 64);
	ck_assert_uint_eq(ext2_find_zero_bit(map, 44, 0), 44);
	map[0] = 0x7f;
	ck_assert_uint_eq(ext2_find_zero_bit(map, 64, 3), 7);
	ck_assert_uint_eq(ext2_find_zero_bit(map, 5, 0), 5);    /* within nbits only */
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ext2_format");
	TCase *tc = tcase_create("format");

	tcase_add_test(tc, parse_mke2fs_super);
	tcase_add_test(tc, parse_rev0);
	tcase_add_test(tc, bad_supers);
	tcase_add_test(tc, features);
	tcase_add_test(tc, group_descs);
	tcase_add_test(tc, block_map_paths);
	tcase_add_test(tc, inodes);
	tcase_add_test(tc, dirents);
	tcase_add_test(tc, bitmaps);
	suite_add_tcase(s, tc);
	return check_run(s, CK_FORK_GETENV);
}

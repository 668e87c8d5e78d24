/*
 * libFuzzer target for ext2's on-disk format (kernel/fs/ext2/format.c):
 * the first 1024 bytes are a superblock; when it parses, the geometry
 * must be sane and every block-map path in range; the bytes after it are
 * a group descriptor, an inode and a directory block, which are checked,
 * decoded and walked as the kernel does (an entry that passes
 * ext2_dirent_get lies inside the block, and a walk ends).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glass/errno.h>
#include <glass/ext2_fs.h>

#define DEV_BYTES (1ULL << 40)

static void walk_dir(const struct ext2_geom *g, const uint8_t *blk)
{
	struct ext2_dirent de;
	const char *why;
	uint32_t off = 0, n = 0;

	while (off < g->block_size && !ext2_dirent_get(blk, g->block_size, off, g->inodes_count,
						       &de, &why)) {
		if (de.rec_len < 12 || off + de.rec_len > g->block_size ||
		    (const uint8_t *)de.name + de.name_len > blk + g->block_size ||
		    de.inode > g->inodes_count)
			abort();
		off += de.rec_len;
		if (++n > g->block_size / 12)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t sb[EXT2_SUPER_SIZE], blk[EXT2_MAX_BLOCK_SIZE], raw[EXT2_MAX_BLOCK_SIZE];
	struct ext2_geom g;
	struct ext2_group_desc gd;
	struct ext2_inode_fields f, again;
	const char *why = NULL;
	uint32_t o[4], group, index, per;
	size_t rest;

	memset(sb, 0, sizeof(sb));
	memcpy(sb, data, size < sizeof(sb) ? size : sizeof(sb));
	if (ext2_parse_super(sb, DEV_BYTES, &g, &why)) {
		if (!why)
			abort();
		return 0;
	}
	if (g.block_size < EXT2_MIN_BLOCK_SIZE || g.block_size > EXT2_MAX_BLOCK_SIZE ||
	    !g.groups || g.inode_size > g.block_size || g.itb_per_group >= g.blocks_per_group ||
	    (uint64_t)g.groups * g.inodes_per_group != g.inodes_count)
		abort();
	ext2_check_features(&g, false, &why);
	per = g.block_size / 4;
	for (uint64_t ib = 0; ib < 20000000; ib = ib * 3 + 1) {
		int depth = ext2_block_to_path(&g, ib, o);

		if (depth < 0 || depth > 4 || (depth && o[0] >= EXT2_N_BLOCKS))
			abort();
		for (int i = 1; i < depth; i++)
			if (o[i] >= per)
				abort();
	}
	if (ext2_inode_pos(&g, g.inodes_count, &group, &index) || group >= g.groups)
		abort();
	data += sizeof(sb) < size ? sizeof(sb) : size;
	size -= sizeof(sb) < size ? sizeof(sb) : size;
	memset(&gd, 0, sizeof(gd));
	memcpy(&gd, data, size < sizeof(gd) ? size : sizeof(gd));
	if (!ext2_check_group_desc(&g, group, &gd, &why) &&
	    (uint64_t)gd.bg_inode_table + g.itb_per_group >
	    (uint64_t)ext2_group_first_block(&g, group) + ext2_group_blocks(&g, group))
		abort();
	rest = size;
	memset(raw, 0, sizeof(raw));
	memcpy(raw, data, rest < g.inode_size ? rest : g.inode_size);
	memset(&f, 0, sizeof(f));
	memset(&again, 0, sizeof(again));
	ext2_inode_decode(&g, raw, &f);
	if (!ext2_check_inode(&g, &f, &why) && f.size > ext2_max_size(&g))
		abort();
	ext2_inode_encode(&g, &f, raw);
	ext2_inode_decode(&g, raw, &again);
	if (memcmp(&f, &again, sizeof(f)))
		abort();
	memset(blk, 0, sizeof(blk));
	memcpy(blk, data, rest < g.block_size ? rest : g.block_size);
	walk_dir(&g, blk);
	return 0;
}

/*
 * PC partition tables (glass/partition.h), as Linux's
 * block/partitions/msdos.c reads the primary entries: the 0x55 0xAA
 * signature, and every boot indicator 0x00 or 0x80 (what tells a table
 * from a FAT boot sector, which has the signature too). Pure: no host
 * call, no allocation.
 */
#include <glass/errno.h>
#include <glass/partition.h>
#include <glass/string.h>

#define MBR_TABLE 446           /* the four 16-byte entries */
#define GPT_PROTECTIVE 0xee

static u32 le32(const u8 *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (u32)p[3] << 24;
}

static bool is_extended(u8 type)
{
	return type == 0x05 || type == 0x0f || type == 0x85;
}

int mbr_parse(const u8 *sector, u64 disk_sectors, struct mbr_part parts[MBR_PARTS],
	      const char **why)
{
	memset(parts, 0, MBR_PARTS * sizeof(*parts));
	if (sector[510] != 0x55 || sector[511] != 0xaa)
		return *why = "no partition table signature", -EINVAL;
	for (int i = 0; i < MBR_PARTS; i++) {
		const u8 *e = sector + MBR_TABLE + 16 * i;

		if (e[0] != 0 && e[0] != 0x80)
			return *why = "bad boot indicator: not a partition table", -EINVAL;
		if (e[4] == GPT_PROTECTIVE)
			return *why = "a GPT disk (not supported)", -EINVAL;
	}
	for (int i = 0; i < MBR_PARTS; i++) {
		const u8 *e = sector + MBR_TABLE + 16 * i;
		u64 start = le32(e + 8), count = le32(e + 12);

		if (!e[4] || is_extended(e[4]) || !start || !count || start >= disk_sectors)
			continue;
		parts[i].start = start;
		parts[i].sectors = start + count > disk_sectors ? disk_sectors - start : count;
		parts[i].type = e[4];
	}
	return 0;
}

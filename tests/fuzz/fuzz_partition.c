/*
 * libFuzzer target for PC partition tables (kernel/drivers/msdos_part.c):
 * any sector and disk size; every partition found lies inside the disk
 * and after the table.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glass/errno.h>
#include <glass/partition.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t sector[MBR_SECTOR_SIZE];
	struct mbr_part parts[MBR_PARTS];
	const char *why = NULL;
	uint64_t disk = 0;

	if (size < sizeof(disk))
		return 0;
	memcpy(&disk, data, sizeof(disk));
	disk >>= 20;                            /* up to 2^44 sectors */
	memset(sector, 0, sizeof(sector));
	size -= sizeof(disk);
	memcpy(sector, data + sizeof(disk), size < sizeof(sector) ? size : sizeof(sector));
	if (mbr_parse(sector, disk, parts, &why)) {
		if (!why)
			abort();
		return 0;
	}
	for (int i = 0; i < MBR_PARTS; i++)
		if (parts[i].sectors && (!parts[i].start || parts[i].start >= disk ||
					 parts[i].start + parts[i].sectors > disk))
			abort();
	return 0;
}

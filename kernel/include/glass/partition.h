/*
 * PC (MBR, "msdos") partition tables, pure (kernel/drivers/msdos_part.c):
 * the four primary entries of a disk's first sector. Logical partitions
 * inside an extended one, and GPT, are not read.
 */
#ifndef GLASS_PARTITION_H
#define GLASS_PARTITION_H

#include <glass/types.h>

#define MBR_SECTOR_SIZE 512
#define MBR_PARTS 4

struct mbr_part {
	u64 start;              /* in 512-byte sectors */
	u64 sectors;            /* 0: the slot is unused */
	u8 type;
};

/*
 * Read the partition table in sector (MBR_SECTOR_SIZE bytes, the first of
 * a disk of disk_sectors sectors) into parts. 0 if it is an MBR (unused,
 * extended and out-of-disk entries come back with sectors 0; one running
 * past the end of the disk is cut there, as Linux does); -EINVAL with
 * *why when the sector holds no partition table.
 */
int mbr_parse(const u8 *sector, u64 disk_sectors, struct mbr_part parts[MBR_PARTS],
	      const char **why);

#endif

/* ubd: what ubd.c (configuration) and ubd_io.c (the block device) share. */
#ifndef DRIVERS_UBD_H
#define DRIVERS_UBD_H

#include <glass/cow.h>
#include <glass/fs.h>
#include <glass/partition.h>

#define UBD_MAJOR 98
#define UBD_SHIFT 4             /* minor = unit << 4, as Linux: 15 partitions */
#define MAX_DEV 16

/* What an open file of a ubd node reaches: the whole disk or a partition. */
struct ubd_part {
	struct ubd *disk;       /* NULL: no such partition */
	u64 start, size;        /* bytes */
};

struct ubd {
	char *file;             /* as configured; NULL: the unit is free */
	char *backing;          /* COW: the backing file; NULL for a plain file */
	int fd;                 /* the file (the COW file for a COW pair) */
	int backing_fd;         /* COW: the backing file, read-only; else -1 */
	bool readonly;
	u64 size;               /* bytes, a whole number of sectors */
	int count;              /* open files */
	struct cow_header *cow; /* COW: the header; NULL for a plain file */
	/* 0: the whole disk; 1-4: the MBR's primary partitions, read when
	 * the unit is configured (ubd_scan_partitions). */
	struct ubd_part parts[1 + MBR_PARTS];
};

extern struct ubd ubd_devs[MAX_DEV];
extern const struct file_operations ubd_fops;
/* Set parts[] from the disk's partition table (none: the whole disk only). */
void ubd_scan_partitions(struct ubd *d);

#endif

/*
 * UML's COW file format, version 3 (Linux arch/um/drivers/cow_user.c), as
 * uml_mkcow writes it and uml_moo merges it. Pure code: no host calls, no
 * allocation, so unit tests and the fuzzer drive it directly. The ubd
 * driver does the I/O.
 *
 * On disk, every integer big-endian, packed:
 *   0 magic "OOOM" (0x4f4f4f4d)   4 version 3     8 mtime (u32)
 *  12 size (u64)   20 sectorsize  24 alignment   28 cow_format (0)
 *  32 backing_file[4096]          4128 end of header
 * then the bitmap at ALIGN(4128, alignment), one bit per sector (bit
 * s % 8 of byte s / 8: least significant first), and the data at
 * ALIGN(bitmap end, alignment); sector s lives at data + s * 512.
 */
#ifndef GLASS_COW_H
#define GLASS_COW_H

#include <glass/types.h>

#define COW_MAGIC 0x4f4f4f4dU
#define COW_VERSION 3
#define COW_SECTOR_SIZE 512
#define COW_PATH_LEN 4096
#define COW_HEADER_SIZE 4128            /* sizeof the packed v3 header */
/* Old 64-bit UMLs wrote the v3 header unpacked (a 64-bit mtime, then 4
 * bytes of padding); it is this long, and its path starts at 36. */
#define COW_HEADER_SIZE_BROKEN 4136
/* What uml_mkcow and UML's ubd choose: the page size. */
#define COW_ALIGN 4096

struct cow_header {
	u32 version;
	u32 mtime;                      /* the backing file's, seconds */
	u64 size;                       /* the backing file's, bytes */
	u32 sectorsize;
	u32 alignment;
	u32 cow_format;
	bool broken_layout;             /* the unpacked 64-bit variant */
	char backing_file[COW_PATH_LEN];        /* NUL-terminated */
	/* Derived from the fields above by cow_layout(). */
	u64 bitmap_offset;
	u64 bitmap_len;                 /* bytes */
	u64 data_offset;
};

/* Decode the first len bytes of a file. 0: a good header in *h (layout
 * computed); -ENOEXEC: no COW magic, so not a COW file; -EINVAL: a COW
 * file we cannot use, *why says why in words. */
int cow_header_decode(const void *buf, size_t len, struct cow_header *h,
		      const char **why);

/* A fresh v3 header for a backing file of size bytes modified at mtime,
 * with the layout computed; -EINVAL (and *why) if the path does not fit. */
int cow_header_init(struct cow_header *h, const char *backing_file, u32 mtime,
		    u64 size, u32 alignment, const char **why);

/* Write h into buf (COW_HEADER_SIZE bytes, the packed v3 layout). */
void cow_header_encode(const struct cow_header *h, void *buf);

/* Fill bitmap_offset, bitmap_len and data_offset from size, sectorsize
 * and alignment (UML's cow_sizes for version 3). -EINVAL when they make
 * no sense or would overflow. */
int cow_layout(struct cow_header *h);

/* Sectors the device has: size rounded up to whole sectors (as UML). */
static inline u64 cow_sectors(const struct cow_header *h)
{
	return (h->size + COW_SECTOR_SIZE - 1) / COW_SECTOR_SIZE;
}

/* Where sector s's data is in the COW file. */
static inline u64 cow_data_pos(const struct cow_header *h, u64 sector)
{
	return h->data_offset + sector * COW_SECTOR_SIZE;
}

/* The bitmap bytes that hold the bits of sectors [first, first + n):
 * they start at file offset *pos and are *len bytes long; bit of sector
 * s is then bit (s - ALIGN_DOWN(first, 8)) of that buffer. */
void cow_bitmap_span(const struct cow_header *h, u64 first, u64 n, u64 *pos,
		     size_t *len);

/* Bit i of a bitmap (LSB first in each byte, as UML's ubd_test_bit). */
static inline bool cow_test_bit(const u8 *map, u64 i)
{
	return map[i / 8] & (1U << (i % 8));
}

static inline void cow_set_bit(u8 *map, u64 i)
{
	map[i / 8] |= 1U << (i % 8);
}

#endif

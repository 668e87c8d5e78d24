/*
 * UML's COW header and bitmap layout (glass/cow.h). Pure: byte buffers in,
 * values out; any context.
 */
#include <glass/cow.h>
#include <glass/errno.h>
#include <glass/kernel.h>
#include <glass/string.h>

/* Field offsets in the packed v3 header and in the unpacked variant. */
#define OFF_MAGIC 0
#define OFF_VERSION 4
#define OFF_MTIME 8
#define OFF_SIZE 12
#define OFF_SECTORSIZE 20
#define OFF_ALIGNMENT 24
#define OFF_FORMAT 28
#define OFF_PATH 32
#define BROKEN_OFF_SIZE 16
#define BROKEN_OFF_SECTORSIZE 24
#define BROKEN_OFF_ALIGNMENT 28
#define BROKEN_OFF_FORMAT 32
#define BROKEN_OFF_PATH 36

/* Largest alignment we accept: keeps every offset far from overflow. */
#define COW_MAX_ALIGN (1U << 20)
/* Largest device: 2^62 bytes, so data_offset + size fits in a u64. */
#define COW_MAX_SIZE (1ULL << 62)

static u32 get_be32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static u64 get_be64(const u8 *p)
{
	return (u64)get_be32(p) << 32 | get_be32(p + 4);
}

static void put_be32(u8 *p, u32 v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static void put_be64(u8 *p, u64 v)
{
	put_be32(p, v >> 32);
	put_be32(p + 4, v);
}

int cow_layout(struct cow_header *h)
{
	u32 a = h->alignment;
	u64 hdr = h->broken_layout ? COW_HEADER_SIZE_BROKEN : COW_HEADER_SIZE;

	if (!a || (a & (a - 1)) || a > COW_MAX_ALIGN || h->sectorsize != COW_SECTOR_SIZE ||
	    h->size > COW_MAX_SIZE)
		return -EINVAL;
	h->bitmap_offset = ALIGN(hdr, (u64)a);
	h->bitmap_len = DIV_ROUND_UP(cow_sectors(h), 8);
	h->data_offset = ALIGN(h->bitmap_offset + h->bitmap_len, (u64)a);
	return 0;
}

int cow_header_decode(const void *buf, size_t len, struct cow_header *h,
		      const char **why)
{
	const u8 *p = buf;
	size_t path_off, path_len;

	if (len < 8)
		return -ENOEXEC;
	if (get_be32(p + OFF_MAGIC) != COW_MAGIC) {
		/* Versions 1 and 2 could be in host order. */
		if (p[0] == 0x4d && p[1] == 0x4f && p[2] == 0x4f && p[3] == 0x4f) {
			*why = "COW file of version 1 or 2 (only version 3 is supported)";
			return -EINVAL;
		}
		return -ENOEXEC;
	}
	memset(h, 0, sizeof(*h));
	h->version = get_be32(p + OFF_VERSION);
	if (h->version != COW_VERSION) {
		*why = h->version < COW_VERSION ?
			"COW file of version 1 or 2 (only version 3 is supported)" :
			"COW file of an unknown version (only version 3 is supported)";
		return -EINVAL;
	}
	if (len < OFF_PATH + 4) {
		*why = "COW header is truncated";
		return -EINVAL;
	}
	/* UML's own test: in the unpacked layout cow_format (0) lands on
	 * the first bytes of the path, which are never all zero otherwise. */
	h->broken_layout = !get_be32(p + OFF_PATH);
	h->mtime = get_be32(p + OFF_MTIME);     /* the broken one too, as UML */
	if (h->broken_layout) {
		h->size = get_be64(p + BROKEN_OFF_SIZE);
		h->sectorsize = get_be32(p + BROKEN_OFF_SECTORSIZE);
		h->alignment = get_be32(p + BROKEN_OFF_ALIGNMENT);
		h->cow_format = get_be32(p + BROKEN_OFF_FORMAT);
		path_off = BROKEN_OFF_PATH;
	} else {
		h->size = get_be64(p + OFF_SIZE);
		h->sectorsize = get_be32(p + OFF_SECTORSIZE);
		h->alignment = get_be32(p + OFF_ALIGNMENT);
		h->cow_format = get_be32(p + OFF_FORMAT);
		path_off = OFF_PATH;
	}
	if (len < path_off + COW_PATH_LEN) {
		*why = "COW header is truncated";
		return -EINVAL;
	}
	path_len = strnlen((const char *)p + path_off, COW_PATH_LEN);
	if (path_len == COW_PATH_LEN || !path_len) {
		*why = path_len ? "COW header's backing file name is not terminated" :
			"COW header names no backing file";
		return -EINVAL;
	}
	memcpy(h->backing_file, p + path_off, path_len + 1);
	if (h->cow_format != 0) {
		*why = "COW file of an unknown format (only the bitmap, 0, is supported)";
		return -EINVAL;
	}
	if (h->sectorsize != COW_SECTOR_SIZE) {
		*why = "COW header's sector size is not 512";
		return -EINVAL;
	}
	if (cow_layout(h)) {
		*why = "COW header's alignment or size is invalid";
		return -EINVAL;
	}
	return 0;
}

int cow_header_init(struct cow_header *h, const char *backing_file, u32 mtime,
		    u64 size, u32 alignment, const char **why)
{
	size_t n = strnlen(backing_file, COW_PATH_LEN);

	memset(h, 0, sizeof(*h));
	if (!n || n == COW_PATH_LEN) {
		*why = n ? "backing file name too long for a COW header (4095 bytes at most)" :
			"no backing file name";
		return -EINVAL;
	}
	memcpy(h->backing_file, backing_file, n + 1);
	h->version = COW_VERSION;
	h->mtime = mtime;
	h->size = size;
	h->sectorsize = COW_SECTOR_SIZE;
	h->alignment = alignment;
	if (cow_layout(h)) {
		*why = "backing file too large for a COW file";
		return -EINVAL;
	}
	return 0;
}

void cow_header_encode(const struct cow_header *h, void *buf)
{
	u8 *p = buf;

	memset(p, 0, COW_HEADER_SIZE);
	put_be32(p + OFF_MAGIC, COW_MAGIC);
	put_be32(p + OFF_VERSION, COW_VERSION);
	put_be32(p + OFF_MTIME, h->mtime);
	put_be64(p + OFF_SIZE, h->size);
	put_be32(p + OFF_SECTORSIZE, h->sectorsize);
	put_be32(p + OFF_ALIGNMENT, h->alignment);
	put_be32(p + OFF_FORMAT, h->cow_format);
	memcpy(p + OFF_PATH, h->backing_file, strnlen(h->backing_file, COW_PATH_LEN - 1));
}

void cow_bitmap_span(const struct cow_header *h, u64 first, u64 n, u64 *pos,
		     size_t *len)
{
	u64 lo = first / 8, hi = n ? (first + n - 1) / 8 + 1 : lo;

	*pos = h->bitmap_offset + lo;
	*len = hi - lo;
}

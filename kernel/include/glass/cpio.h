/*
 * newc cpio archives (initramfs): pure parsing, no allocation. Every
 * length is checked against the buffer, so corrupt input gives an error,
 * never an out-of-bounds read.
 */
#ifndef GLASS_CPIO_H
#define GLASS_CPIO_H

#include <glass/types.h>

#define CPIO_HDR_LEN 110
#define CPIO_NAME_MAX 4096              /* namesize limit, NUL included */

struct cpio_entry {
	const char *name;       /* NUL-terminated, inside the archive */
	size_t namesize;        /* including the NUL */
	u32 ino, mode, uid, gid, nlink;
	u64 mtime;
	u32 devmajor, devminor, rdevmajor, rdevminor;
	const void *data;       /* file data (NULL from cpio_parse_header) */
	size_t size;            /* data length */
	bool trailer;           /* "TRAILER!!!": end of one archive */
};

/*
 * Parse the header (and name) at buf[0..len). Returns the header length
 * including name and padding (data starts there) when complete; 0 when
 * more bytes are needed (*need says how many in all); -EINVAL for a bad
 * header, with *err describing it.
 */
long cpio_parse_header(const void *buf, size_t len, struct cpio_entry *e,
		       size_t *need, const char **err);

struct cpio_iter {
	const u8 *buf;
	size_t len;
	size_t pos;
	bool at_start;          /* before any entry or after a trailer */
};

void cpio_iter_init(struct cpio_iter *it, const void *buf, size_t len);
/* Next entry (trailers included): 1 with *e filled, 0 at the end, or
 * -EINVAL with *err set. Zero padding between archives is skipped. */
int cpio_next(struct cpio_iter *it, struct cpio_entry *e, const char **err);

#endif

/*
 * newc cpio parsing ("070701", and "070702" with checksums, which are not
 * verified). Pure code: no allocation, no host calls; usable from any
 * context and from fuzzers.
 */
#include <glass/kernel.h>
#include <glass/cpio.h>

/* 8 hex digits at p into *v; false if any is not a hex digit. */
static bool parse_hex8(const u8 *p, u32 *v)
{
	u32 r = 0;

	for (int i = 0; i < 8; i++) {
		int d = hex_to_bin(p[i]);

		if (d < 0)
			return false;
		r = (r << 4) | d;
	}
	*v = r;
	return true;
}

long cpio_parse_header(const void *buf, size_t len, struct cpio_entry *e,
		       size_t *need, const char **err)
{
	const u8 *p = buf;
	u32 f[13];
	size_t hdrlen;

	*need = CPIO_HDR_LEN;
	if (len < CPIO_HDR_LEN)
		return 0;
	if (memcmp(p, "07070", 5) != 0 || (p[5] != '1' && p[5] != '2')) {
		*err = "not a newc cpio archive (bad magic)";
		return -EINVAL;
	}
	for (int i = 0; i < 13; i++) {
		if (!parse_hex8(p + 6 + 8 * i, &f[i])) {
			*err = "bad hex number in cpio header";
			return -EINVAL;
		}
	}
	if (f[11] == 0 || f[11] > CPIO_NAME_MAX) {
		*err = "bad name size in cpio header";
		return -EINVAL;
	}
	hdrlen = ALIGN(CPIO_HDR_LEN + (size_t)f[11], 4);
	*need = hdrlen;
	if (len < hdrlen)
		return 0;
	if (p[CPIO_HDR_LEN + f[11] - 1] != '\0' ||
	    strnlen((const char *)p + CPIO_HDR_LEN, f[11]) != f[11] - 1) {
		*err = "cpio name is not NUL-terminated";
		return -EINVAL;
	}
	memset(e, 0, sizeof(*e));
	e->ino = f[0];
	e->mode = f[1];
	e->uid = f[2];
	e->gid = f[3];
	e->nlink = f[4];
	e->mtime = f[5];
	e->size = f[6];
	e->devmajor = f[7];
	e->devminor = f[8];
	e->rdevmajor = f[9];
	e->rdevminor = f[10];
	e->namesize = f[11];
	e->name = (const char *)p + CPIO_HDR_LEN;
	e->trailer = strcmp(e->name, "TRAILER!!!") == 0;
	return hdrlen;
}

void cpio_iter_init(struct cpio_iter *it, const void *buf, size_t len)
{
	it->buf = buf;
	it->len = len;
	it->pos = 0;
	it->at_start = true;
}

int cpio_next(struct cpio_iter *it, struct cpio_entry *e, const char **err)
{
	size_t need, avail;
	long hdr;

	if (it->at_start)
		while (it->pos < it->len && it->buf[it->pos] == 0)
			it->pos++;
	if (it->pos >= it->len)
		return 0;
	avail = it->len - it->pos;
	hdr = cpio_parse_header(it->buf + it->pos, avail, e, &need, err);
	if (hdr < 0)
		return hdr;
	if (hdr == 0) {
		*err = "truncated cpio header";
		return -EINVAL;
	}
	if (e->size > avail - hdr) {
		*err = "cpio file data beyond the end of the archive";
		return -EINVAL;
	}
	e->data = it->buf + it->pos + hdr;
	it->pos += hdr + e->size;
	/* padding after the data (tolerated when missing at the very end) */
	it->pos = min(ALIGN(it->pos, 4), it->len);
	it->at_start = e->trailer;
	return 1;
}

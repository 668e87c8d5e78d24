/*
 * A small DEFLATE/gzip decoder (RFC 1951/1952) in the manner of zlib's
 * puff: pure, no allocation (the caller provides the ~36 KiB state),
 * every input read bounds-checked. Output goes through a callback in
 * pieces of at most 32 KiB.
 */
#ifndef GLASS_INFLATE_H
#define GLASS_INFLATE_H

#include <glass/types.h>

#define INFLATE_WINDOW 32768

/* Receives output; a nonzero (negative) return aborts decoding with it. */
typedef int (*inflate_flush_t)(void *arg, const u8 *data, size_t len);

struct inflate_huff {
	short count[16];
	short symbol[288];
};

struct inflate_state {
	const u8 *in;
	size_t in_len, in_pos;
	u32 bitbuf;
	int bitcnt;
	bool err;               /* ran out of input */
	u8 window[INFLATE_WINDOW];
	u64 total_out;
	size_t wpos;            /* window index of the next byte */
	size_t flushed;         /* window index up to which flush has seen */
	inflate_flush_t flush;
	void *arg;
	u32 crc;
	u32 crc_table[256];
	struct inflate_huff lencode, distcode;
	short lengths[320];
};

/* Decode the gzip member at in[0..len). Returns the bytes of input it
 * used (header to trailer), or a negative errno with *msg set. */
long gunzip(struct inflate_state *s, const void *in, size_t len,
	    inflate_flush_t flush, void *arg, const char **msg);
/* Decode a raw deflate stream; returns input bytes used or -errno. */
long inflate_raw(struct inflate_state *s, const void *in, size_t len,
		 inflate_flush_t flush, void *arg, const char **msg);
/* Does buf start with the gzip magic? */
static inline bool is_gzip(const void *buf, size_t len)
{
	const u8 *p = buf;
	return len >= 2 && p[0] == 0x1f && p[1] == 0x8b;
}

#endif

/*
 * DEFLATE and gzip decoding, after Mark Adler's puff.c: canonical Huffman
 * codes decoded a bit at a time, a 32 KiB window that doubles as the
 * output buffer. Slow but small and easy to check; every input byte and
 * every back-reference is bounds-checked. Pure code for any context.
 */
#include <glass/kernel.h>
#include <glass/inflate.h>

#define MAXBITS 15
#define MAXLCODES 286
#define MAXDCODES 30
#define FIXLCODES 288

static int bits(struct inflate_state *s, int need)
{
	u32 val = s->bitbuf;

	while (s->bitcnt < need) {
		if (s->in_pos >= s->in_len) {
			s->err = true;
			return 0;
		}
		val |= (u32)s->in[s->in_pos++] << s->bitcnt;
		s->bitcnt += 8;
	}
	s->bitbuf = val >> need;
	s->bitcnt -= need;
	return val & ((1U << need) - 1);
}

static void crc_init(struct inflate_state *s)
{
	for (u32 n = 0; n < 256; n++) {
		u32 c = n;

		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320U ^ (c >> 1) : c >> 1;
		s->crc_table[n] = c;
	}
	s->crc = 0xffffffffU;
}

/* Hand window[flushed..wpos) to the callback. */
static int flush_window(struct inflate_state *s)
{
	size_t n = s->wpos - s->flushed;
	const u8 *p = s->window + s->flushed;

	if (!n)
		return 0;
	for (size_t i = 0; i < n; i++)
		s->crc = s->crc_table[(s->crc ^ p[i]) & 0xff] ^ (s->crc >> 8);
	s->flushed = s->wpos;
	if (s->wpos == INFLATE_WINDOW)
		s->wpos = s->flushed = 0;
	return s->flush ? s->flush(s->arg, p, n) : 0;
}

static int put_byte(struct inflate_state *s, u8 b)
{
	s->window[s->wpos++] = b;
	s->total_out++;
	if (s->wpos == INFLATE_WINDOW)
		return flush_window(s);
	return 0;
}

static int stored(struct inflate_state *s, const char **msg)
{
	unsigned int len;
	int err;

	s->bitbuf = 0;
	s->bitcnt = 0;
	if (s->in_len - s->in_pos < 4) {
		*msg = "truncated stored block";
		return -EINVAL;
	}
	len = s->in[s->in_pos] | (s->in[s->in_pos + 1] << 8);
	if ((s->in[s->in_pos + 2] != (~len & 0xff)) ||
	    (s->in[s->in_pos + 3] != ((~len >> 8) & 0xff))) {
		*msg = "stored block length check failed";
		return -EINVAL;
	}
	s->in_pos += 4;
	if (s->in_len - s->in_pos < len) {
		*msg = "truncated stored block";
		return -EINVAL;
	}
	while (len--) {
		err = put_byte(s, s->in[s->in_pos++]);
		if (err)
			return err;
	}
	return 0;
}

static int decode(struct inflate_state *s, const struct inflate_huff *h)
{
	int code = 0, first = 0, index = 0;

	for (int len = 1; len <= MAXBITS; len++) {
		int count;

		code |= bits(s, 1);
		if (s->err)
			return -1;
		count = h->count[len];
		if (code - count < first)
			return h->symbol[index + (code - first)];
		index += count;
		first += count;
		first <<= 1;
		code <<= 1;
	}
	return -1;
}

/* Build a canonical code; returns 0 if complete, >0 if incomplete, <0 if
 * over-subscribed. */
static int construct(struct inflate_huff *h, const short *length, int n)
{
	short offs[MAXBITS + 1];
	int left = 1;

	for (int len = 0; len <= MAXBITS; len++)
		h->count[len] = 0;
	for (int sym = 0; sym < n; sym++)
		h->count[length[sym]]++;
	if (h->count[0] == n)
		return 0;
	for (int len = 1; len <= MAXBITS; len++) {
		left <<= 1;
		left -= h->count[len];
		if (left < 0)
			return left;
	}
	offs[1] = 0;
	for (int len = 1; len < MAXBITS; len++)
		offs[len + 1] = offs[len] + h->count[len];
	for (int sym = 0; sym < n; sym++)
		if (length[sym])
			h->symbol[offs[length[sym]]++] = sym;
	return left;
}

static const short lbase[29] = { 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
				 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258 };
static const short lext[29] = { 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
				3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0 };
static const short dbase[30] = { 1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129,
				 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073,
				 4097, 6145, 8193, 12289, 16385, 24577 };
static const short dext[30] = { 0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
				7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13 };

/* Decode literal/length and distance codes until end of block. */
static int codes(struct inflate_state *s, const char **msg)
{
	int symbol, err;

	for (;;) {
		symbol = decode(s, &s->lencode);
		if (symbol < 0)
			goto bad;
		if (symbol < 256) {
			err = put_byte(s, symbol);
			if (err)
				return err;
		} else if (symbol == 256) {
			return 0;
		} else {
			unsigned int len, dist;

			symbol -= 257;
			if (symbol >= 29)
				goto bad;
			len = lbase[symbol] + bits(s, lext[symbol]);
			symbol = decode(s, &s->distcode);
			if (symbol < 0 || symbol >= 30)
				goto bad;
			dist = dbase[symbol] + bits(s, dext[symbol]);
			if (s->err)
				goto bad;
			if (dist > s->total_out || dist > INFLATE_WINDOW) {
				*msg = "distance too far back";
				return -EINVAL;
			}
			while (len--) {
				u8 b = s->window[(s->wpos + INFLATE_WINDOW - dist) % INFLATE_WINDOW];

				err = put_byte(s, b);
				if (err)
					return err;
			}
		}
	}
bad:
	*msg = s->err ? "truncated compressed data" : "invalid code in compressed data";
	return -EINVAL;
}

static int fixed(struct inflate_state *s, const char **msg)
{
	int sym;

	for (sym = 0; sym < 144; sym++)
		s->lengths[sym] = 8;
	for (; sym < 256; sym++)
		s->lengths[sym] = 9;
	for (; sym < 280; sym++)
		s->lengths[sym] = 7;
	for (; sym < FIXLCODES; sym++)
		s->lengths[sym] = 8;
	construct(&s->lencode, s->lengths, FIXLCODES);
	for (sym = 0; sym < MAXDCODES; sym++)
		s->lengths[sym] = 5;
	construct(&s->distcode, s->lengths, MAXDCODES);
	return codes(s, msg);
}

static int dynamic(struct inflate_state *s, const char **msg)
{
	static const short order[19] = { 16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4,
					 12, 3, 13, 2, 14, 1, 15 };
	int nlen, ndist, ncode, index, err;

	nlen = bits(s, 5) + 257;
	ndist = bits(s, 5) + 1;
	ncode = bits(s, 4) + 4;
	if (s->err)
		goto trunc;
	if (nlen > MAXLCODES || ndist > MAXDCODES) {
		*msg = "bad counts in dynamic block";
		return -EINVAL;
	}
	for (index = 0; index < ncode; index++)
		s->lengths[order[index]] = bits(s, 3);
	for (; index < 19; index++)
		s->lengths[order[index]] = 0;
	if (s->err)
		goto trunc;
	if (construct(&s->lencode, s->lengths, 19) != 0) {
		*msg = "incomplete code-length code";
		return -EINVAL;
	}
	index = 0;
	while (index < nlen + ndist) {
		int symbol = decode(s, &s->lencode), len = 0;

		if (symbol < 0)
			goto bad;
		if (symbol < 16) {
			s->lengths[index++] = symbol;
			continue;
		}
		if (symbol == 16) {
			if (index == 0) {
				*msg = "repeat with no first length";
				return -EINVAL;
			}
			len = s->lengths[index - 1];
			symbol = 3 + bits(s, 2);
		} else if (symbol == 17) {
			symbol = 3 + bits(s, 3);
		} else {
			symbol = 11 + bits(s, 7);
		}
		if (s->err)
			goto trunc;
		if (index + symbol > nlen + ndist) {
			*msg = "too many code lengths";
			return -EINVAL;
		}
		while (symbol--)
			s->lengths[index++] = len;
	}
	if (s->lengths[256] == 0) {
		*msg = "no end-of-block code";
		return -EINVAL;
	}
	err = construct(&s->lencode, s->lengths, nlen);
	if (err && (err < 0 || nlen != s->lencode.count[0] + s->lencode.count[1]))
		goto bad_code;
	err = construct(&s->distcode, s->lengths + nlen, ndist);
	if (err && (err < 0 || ndist != s->distcode.count[0] + s->distcode.count[1]))
		goto bad_code;
	return codes(s, msg);
bad_code:
	*msg = "bad literal/length or distance code";
	return -EINVAL;
bad:
	if (s->err)
		goto trunc;
	*msg = "invalid code-length code";
	return -EINVAL;
trunc:
	*msg = "truncated compressed data";
	return -EINVAL;
}

static void state_init(struct inflate_state *s, const void *in, size_t len,
		       inflate_flush_t flush, void *arg)
{
	s->in = in;
	s->in_len = len;
	s->in_pos = 0;
	s->bitbuf = 0;
	s->bitcnt = 0;
	s->err = false;
	s->total_out = 0;
	s->wpos = s->flushed = 0;
	s->flush = flush;
	s->arg = arg;
	crc_init(s);
}

/* Decode blocks from the current input position to the final block. */
static int inflate_blocks(struct inflate_state *s, const char **msg)
{
	int last, type, err;

	do {
		last = bits(s, 1);
		type = bits(s, 2);
		if (s->err) {
			*msg = "truncated compressed data";
			return -EINVAL;
		}
		if (type == 0)
			err = stored(s, msg);
		else if (type == 1)
			err = fixed(s, msg);
		else if (type == 2)
			err = dynamic(s, msg);
		else {
			*msg = "invalid block type";
			err = -EINVAL;
		}
		if (err)
			return err;
	} while (!last);
	return flush_window(s);
}

long inflate_raw(struct inflate_state *s, const void *in, size_t len,
		 inflate_flush_t flush, void *arg, const char **msg)
{
	int err;

	state_init(s, in, len, flush, arg);
	err = inflate_blocks(s, msg);
	return err ? err : (long)s->in_pos;
}

static u32 get_le32(const u8 *p)
{
	return p[0] | (p[1] << 8) | (p[2] << 16) | ((u32)p[3] << 24);
}

long gunzip(struct inflate_state *s, const void *in, size_t len,
	    inflate_flush_t flush, void *arg, const char **msg)
{
	const u8 *p = in;
	size_t pos = 10;
	u8 flg;
	int err;

	state_init(s, in, len, flush, arg);
	if (len < 18 || p[0] != 0x1f || p[1] != 0x8b) {
		*msg = "not gzip data";
		return -EINVAL;
	}
	if (p[2] != 8 || (p[3] & 0xe0)) {
		*msg = "unsupported gzip method or flags";
		return -EINVAL;
	}
	flg = p[3];
	if (flg & 4) {                          /* FEXTRA */
		if (len - pos < 2)
			goto trunc;
		pos += 2 + (p[pos] | (p[pos + 1] << 8));
		if (pos > len)
			goto trunc;
	}
	for (int f = 8; f <= 16; f <<= 1) {     /* FNAME, FCOMMENT */
		if (!(flg & f))
			continue;
		while (pos < len && p[pos])
			pos++;
		if (pos++ >= len)
			goto trunc;
	}
	if (flg & 2)                            /* FHCRC */
		pos += 2;
	if (pos > len)
		goto trunc;
	s->in_pos = pos;
	err = inflate_blocks(s, msg);
	if (err)
		return err;
	if (s->in_len - s->in_pos < 8)
		goto trunc;
	if (get_le32(s->in + s->in_pos) != (s->crc ^ 0xffffffffU)) {
		*msg = "gzip CRC mismatch";
		return -EINVAL;
	}
	if (get_le32(s->in + s->in_pos + 4) != (u32)s->total_out) {
		*msg = "gzip length mismatch";
		return -EINVAL;
	}
	return s->in_pos + 8;
trunc:
	*msg = "truncated gzip data";
	return -EINVAL;
}

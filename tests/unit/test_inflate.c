/* Unit tests for the gzip/DEFLATE decoder (kernel/lib/inflate.c), checked
 * against the host's gzip on generated data, plus corrupt input. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel_in_host.h"
#include <glass/inflate.h>
#include "check_run.h"

struct sink {
	unsigned char *buf;
	size_t len, cap;
};

static int sink_flush(void *arg, const u8 *data, size_t len)
{
	struct sink *s = arg;

	if (s->len + len > s->cap) {
		s->cap = (s->len + len) * 2;
		s->buf = realloc(s->buf, s->cap);
	}
	memcpy(s->buf + s->len, data, len);
	s->len += len;
	return 0;
}

/* gzip data[0..len) with the host's gzip at level; returns malloc'd output. */
static unsigned char *host_gzip(const unsigned char *data, size_t len, const char *level,
				size_t *outlen)
{
	char in[] = "/tmp/glass_inflate_XXXXXX", cmd[256];
	int fd = mkstemp(in);
	unsigned char *out = NULL;
	size_t cap = 0, n;
	FILE *p;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
	snprintf(cmd, sizeof(cmd), "gzip -c %s < %s", level, in);
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	*outlen = 0;
	for (;;) {
		if (*outlen == cap) {
			cap = cap ? cap * 2 : 65536;
			out = realloc(out, cap);
		}
		n = fread(out + *outlen, 1, cap - *outlen, p);
		if (!n)
			break;
		*outlen += n;
	}
	pclose(p);
	unlink(in);
	return out;
}

static void roundtrip(const unsigned char *data, size_t len, const char *level)
{
	struct inflate_state *st = malloc(sizeof(*st));
	struct sink s = { 0 };
	const char *msg = NULL;
	size_t zlen;
	unsigned char *z = host_gzip(data, len, level, &zlen);
	long r = gunzip(st, z, zlen, sink_flush, &s, &msg);

	ck_assert_msg(r == (long)zlen, "gunzip: %ld (%s)", r, msg ? msg : "");
	ck_assert_uint_eq(s.len, len);
	ck_assert(len == 0 || memcmp(s.buf, data, len) == 0);
	free(s.buf);
	free(z);
	free(st);
}

START_TEST(test_text)
{
	size_t len = 300000;
	unsigned char *d = malloc(len);

	for (size_t i = 0; i < len; i++)
		d[i] = "the quick brown fox jumps over the lazy dog\n"[i % 44] ^ ((i / 1000) & 1);
	roundtrip(d, len, "-9");
	roundtrip(d, len, "-1");
	free(d);
}
END_TEST

START_TEST(test_random_stored)
{
	size_t len = 200000;
	unsigned char *d = malloc(len);

	srand(7);
	for (size_t i = 0; i < len; i++)
		d[i] = rand();
	roundtrip(d, len, "-6");        /* incompressible: stored blocks */
	free(d);
}
END_TEST

START_TEST(test_small_and_empty)
{
	roundtrip((const unsigned char *)"a", 1, "-9");  /* fixed Huffman */
	roundtrip((const unsigned char *)"", 0, "-9");
	roundtrip((const unsigned char *)"abcabcabcabcabcabcabcabc", 24, "-9");
}
END_TEST

START_TEST(test_long_runs)
{
	size_t len = 1 << 20;
	unsigned char *d = calloc(1, len);

	for (size_t i = 0; i < len; i += 4099)
		d[i] = i;
	roundtrip(d, len, "-9");        /* far back-references, window wrap */
	free(d);
}
END_TEST

START_TEST(test_fname_header)
{
	/* gzip with FNAME set: "hello\n" compressed by `gzip -c` of a file. */
	static const unsigned char z[] = {
		0x1f, 0x8b, 0x08, 0x08, 0, 0, 0, 0, 0x00, 0x03, 'h', 0,
		0xcb, 0x48, 0xcd, 0xc9, 0xc9, 0xe7, 0x02, 0x00,
		0x20, 0x30, 0x3a, 0x36, 0x06, 0, 0, 0 };
	struct inflate_state *st = malloc(sizeof(*st));
	struct sink s = { 0 };
	const char *msg = NULL;
	long r = gunzip(st, z, sizeof(z), sink_flush, &s, &msg);

	ck_assert_msg(r == (long)sizeof(z), "r=%ld %s", r, msg ? msg : "");
	ck_assert_uint_eq(s.len, 6);
	ck_assert_int_eq(memcmp(s.buf, "hello\n", 6), 0);
	free(s.buf);
	free(st);
}
END_TEST

/* Truncations and bit flips fail cleanly (ASan watches the bounds). */
START_TEST(test_corrupt)
{
	size_t len = 20000, zlen;
	unsigned char *d = malloc(len), *z;
	struct inflate_state *st = malloc(sizeof(*st));

	for (size_t i = 0; i < len; i++)
		d[i] = "glass inflate test data "[i % 24] + (i % 7);
	z = host_gzip(d, len, "-9", &zlen);
	for (size_t cut = 0; cut < zlen; cut += 7) {
		unsigned char *c = malloc(cut + 1);
		struct sink s = { 0 };
		const char *msg = NULL;

		memcpy(c, z, cut);
		ck_assert_int_lt(gunzip(st, c, cut, sink_flush, &s, &msg), 0);
		ck_assert_ptr_nonnull(msg);
		free(c);
		free(s.buf);
	}
	srand(3);
	for (int round = 0; round < 500; round++) {
		unsigned char *c = malloc(zlen);
		struct sink s = { 0 };
		const char *msg = NULL;
		long r;

		memcpy(c, z, zlen);
		c[10 + rand() % (zlen - 10)] ^= 1 << (rand() % 8);
		r = gunzip(st, c, zlen, sink_flush, &s, &msg);
		/* A flipped bit is caught by the decoder or by the CRC. */
		ck_assert(r < 0 || (s.len == len && memcmp(s.buf, d, len) == 0));
		free(c);
		free(s.buf);
	}
	free(z);
	free(d);
	free(st);
}
END_TEST

static int abort_flush(void *arg, const u8 *data, size_t len)
{
	(void)arg; (void)data; (void)len;
	return -ENOSPC;
}

START_TEST(test_flush_error)
{
	size_t len = 100000, zlen;
	unsigned char *d = calloc(1, len), *z = host_gzip(d, len, "-9", &zlen);
	struct inflate_state *st = malloc(sizeof(*st));
	const char *msg = NULL;

	ck_assert_int_eq(gunzip(st, z, zlen, abort_flush, NULL, &msg), -ENOSPC);
	free(z);
	free(d);
	free(st);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("inflate");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_text);
	tcase_add_test(tc, test_random_stored);
	tcase_add_test(tc, test_small_and_empty);
	tcase_add_test(tc, test_long_runs);
	tcase_add_test(tc, test_fname_header);
	tcase_add_test(tc, test_corrupt);
	tcase_add_test(tc, test_flush_error);
	suite_add_tcase(s, tc);
	return check_run(s, CK_FORK_GETENV);
}

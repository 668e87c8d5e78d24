/*
 * libFuzzer target for the initramfs parsers: the newc cpio iterator
 * over the input, and the gzip decoder (whose output is parsed as cpio
 * again). Build: clang -fsanitize=fuzzer,address,undefined -Ikernel/include
 *   tests/fuzz/fuzz_cpio.c kernel/lib/cpio.c kernel/lib/inflate.c
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#undef INT_MAX
#undef INT_MIN
#undef UINT_MAX
#undef LONG_MAX
#undef LONG_MIN
#undef ULONG_MAX
#include <glass/cpio.h>
#include <glass/inflate.h>

static void walk(const uint8_t *data, size_t size)
{
	struct cpio_iter it;
	struct cpio_entry e;
	const char *err;
	volatile size_t sum = 0;

	cpio_iter_init(&it, data, size);
	while (cpio_next(&it, &e, &err) == 1) {
		sum += strlen(e.name) + e.size;
		if (e.size)
			sum += ((const uint8_t *)e.data)[e.size - 1];
	}
}

struct out {
	uint8_t buf[1 << 20];
	size_t len;
};

static int collect(void *arg, const u8 *data, size_t len)
{
	struct out *o = arg;

	if (len > sizeof(o->buf) - o->len)
		return -1;              /* cap the output: decompression bombs */
	memcpy(o->buf + o->len, data, len);
	o->len += len;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct inflate_state st;
	static struct out out;
	const char *msg;

	walk(data, size);
	out.len = 0;
	if (size && (data[0] & 1))
		inflate_raw(&st, data + 1, size - 1, collect, &out, &msg);
	else
		gunzip(&st, data, size, collect, &out, &msg);
	walk(out.buf, out.len);
	return 0;
}

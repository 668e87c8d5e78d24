/*
 * libFuzzer target for the gdb stub's protocol side: random bytes go
 * through the packet receiver and the command dispatcher against the
 * fake kernel (tests/unit/gdb_fakes.c), in ack and no-ack mode, stopped
 * and running, in random chunks. Every output must be acks and
 * well-formed frames with good checksums; binary escaping must round
 * trip; a refused debugger gets one well-formed refusal.
 * Build: make build-fuzz/tests/fuzz/fuzz_gdb_packet
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glass/kernel.h>
#include "../unit/gdb_fakes.h"

static struct fake_target ft;
static struct gdb_state st;

/* Everything sent is '+', '-' or "$data#cs" with data free of '$' and '#'. */
static void check_output(void)
{
	size_t i = 0;

	if (ft.out_len >= sizeof(ft.out) - 1)
		return;                         /* truncated by the fake */
	while (i < ft.out_len) {
		u8 sum = 0;

		if (ft.out[i] == '+' || ft.out[i] == '-') {
			i++;
			continue;
		}
		if (ft.out[i++] != '$')
			abort();
		while (i < ft.out_len && ft.out[i] != '#') {
			if (ft.out[i] == '$')
				abort();
			sum += (u8)ft.out[i++];
		}
		if (ft.out_len - i < 3)
			abort();
		if (hex_to_bin(ft.out[i + 1]) << 4 != (sum & 0xf0) ||
		    hex_to_bin(ft.out[i + 2]) != (sum & 15))
			abort();
		i += 3;
	}
}

static void check_escape(const uint8_t *data, size_t size)
{
	static u8 esc[2 * 4096], back[4096];
	size_t used, n;
	long m;

	if (size > 4096)
		size = 4096;
	n = gdb_escape(esc, sizeof(esc), data, size, &used);
	if (used != size)
		abort();
	for (size_t i = 0; i < n; i++)
		if (esc[i] == '#' || esc[i] == '$' || (esc[i] == '*' && (!i || esc[i - 1] != '}')))
			abort();
	m = gdb_unescape(back, sizeof(back), esc, n);
	if (m != (long)size || memcmp(back, data, size))
		abort();
}

/* A refused debugger's input: nothing, or an ack and one good frame. */
static void check_refusal(const uint8_t *data, size_t size)
{
	static struct gdb_refusal r;
	u8 out[96];
	long n;

	gdb_refusal_init(&r);
	n = gdb_refusal_input(&r, data, size, "busy", out, sizeof(out));
	if (n > 0 && (out[0] != '+' || n != 11 || memcmp(out + 1, "$E.busy#", 8)))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gdb_stop stop = { .kind = GDB_STOP_SIGNAL, .sig = GDB_SIGINT };
	size_t chunk, i;
	u8 mode;

	check_escape(data, size);
	check_refusal(data, size);
	if (!size)
		return 0;
	mode = data[0];
	data++;
	size--;
	fake_init(&ft);
	ft.bad_library = mode & 8;
	gdb_init(&st, (mode & 16) ? &fake_ops_minimal : &fake_ops, &ft, fake_put, &ft);
	st.no_ack = mode & 1;
	st.running = mode & 2;
	chunk = 1 + (mode >> 5) * 37;
	for (i = 0; i < size; i += chunk) {
		gdb_input(&st, data + i, size - i < chunk ? size - i : chunk);
		if ((mode & 4) && st.running)
			gdb_stopped(&st, &stop);
	}
	check_output();
	return 0;
}

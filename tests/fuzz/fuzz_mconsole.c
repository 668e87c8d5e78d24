/*
 * libFuzzer target for the mconsole request parser and the monitor's
 * dispatch: each input is a datagram (or, with a leading 0xff byte, a
 * valid header around the rest, so the fuzzer reaches the commands). It
 * goes through mconsole_parse_request() and mconsole_monitor_request()
 * against the fakes of tests/unit/mconsole_fakes.c; queued commands are
 * run or timed out. Every answer must be UML's raw text or well-formed
 * reply packets: len = payload + 1 <= 512, NUL-terminated, datagram
 * 12 + len bytes, err on the first packet only, more on all but the last.
 * Build: make build-fuzz/tests/fuzz/fuzz_mconsole
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
#include <glass/mconsole.h>
#include <glass/os_upcalls.h>
#include "../unit/fakes.h"
#include "../unit/mconsole_fakes.h"

static void check_packets(void)
{
	bool in_reply = false;

	for (int i = 0; i < fake_npackets; i++) {
		const struct fake_packet *p = &fake_packets[i];
		struct mconsole_reply r;

		if (p->len == sizeof(MC_V0_REPLY) - 1 &&
		    !memcmp(p->data, MC_V0_REPLY, p->len)) {
			if (in_reply)
				abort();
			continue;
		}
		if (p->len < MCONSOLE_REPLY_HDR + 1 || p->len > sizeof(r))
			abort();
		memcpy(&r, p->data, p->len);
		if (r.len < 1 || r.len > MCONSOLE_MAX_DATA ||
		    p->len != MCONSOLE_REPLY_HDR + r.len || r.data[r.len - 1] != '\0')
			abort();
		if (r.err > 1 || r.more > 1 || (in_reply && r.err))
			abort();
		in_reply = r.more;
	}
	if (in_reply)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mconsole_request req;
	static uint8_t buf[sizeof(struct mconsole_request) + 64];
	static struct mc_client client = { .len = 10 };
	static bool inited;
	static uint64_t now;

	if (!inited) {
		fake_mconsole_reset();
		mconsole_init(5, NULL);
		inited = true;
	}
	fake_npackets = 0;
	if (size && data[0] == 0xff) {
		struct mconsole_request *r = (void *)buf;
		size_t n = size - 1 < MCONSOLE_MAX_DATA - 1 ? size - 1 : MCONSOLE_MAX_DATA - 1;

		r->magic = MCONSOLE_MAGIC;
		r->version = MCONSOLE_VERSION;
		r->len = n;
		memcpy(r->data, data + 1, n);
		data = buf;
		size = MCONSOLE_REQ_HDR + n;
	}
	if (mconsole_parse_request(data, size, &req) == MC_REQ_OK) {
		if (req.len >= MCONSOLE_MAX_DATA || req.data[req.len] != '\0')
			abort();
		/* Halting or rebooting the fuzzer is not wanted. */
		if (!strncmp(req.data, "halt", 4) || !strncmp(req.data, "reboot", 6))
			return 0;
	}
	now += 1000000000ULL;
	mconsole_monitor_request(data, size, &client, now);
	check_packets();
	/* Queued work: every other input the CPU runs it, else it times out. */
	fake_npackets = 0;
	if (now / 1000000000ULL % 2)
		fake_irq_handler(42, NULL);
	else
		mconsole_monitor_expire(now + 6000000000ULL);
	check_packets();
	fake_printk[0] = '\0';
	return 0;
}

/*
 * libFuzzer target for glass-ptproxy's decoders: the input is a byte
 * stream as the kernel's listener reads it from a proxy (ptp_decode each
 * message in turn; what decodes must re-encode to the same bytes), and a
 * path as a tool passes to openat (ptp_parse_proc_path, bounded by the
 * input's length).
 * Build: make build-fuzz/tests/fuzz/fuzz_ptproxy_wire
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ptproxy/procpath.h>
#include <ptproxy/wire.h>

static uint8_t out[PTP_HDR_LEN + PTP_MAX_PAYLOAD];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ptp_path p;
	size_t off = 0;
	long n;

	while ((n = ptp_decode(data + off, size - off, &(struct ptp_msg){ 0 })) > 0) {
		struct ptp_msg m;

		if (ptp_decode(data + off, size - off, &m) != n || m.len > PTP_MAX_PAYLOAD)
			abort();
		if (ptp_encode(out, sizeof(out), &m) != n || memcmp(out, data + off, n))
			abort();
		off += n;
	}
	ptp_parse_proc_path((const char *)data, size, &p);
	if (p.kind != PTP_PATH_OTHER && (p.pid <= 0 || p.tid <= 0))
		abort();
	return 0;
}

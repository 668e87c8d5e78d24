/*
 * libFuzzer target for the telnet side of port: channels and the channel
 * syntax (kernel/drivers/telnet.c, chan.c). The first byte picks a chunk
 * size; the rest is a client's byte stream fed in chunks of that size.
 * Data may never exceed the input, replies must be whole IAC verb option
 * triples within TELNET_REPLY_MAX per input byte. Escaped output must
 * decode back to the input. The input as a string goes through
 * chan_parse, which must accept or refuse it without harm.
 * Build: make build-fuzz/tests/fuzz/fuzz_telnet
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glass/line.h>
#include <glass/telnet.h>

static void check_replies(const u8 *r, size_t n)
{
	if (n % 3)
		abort();
	for (size_t i = 0; i < n; i += 3) {
		if (r[i] != TN_IAC || r[i + 1] < TN_WILL)
			abort();
	}
}

static void check_escape(const u8 *in, size_t n)
{
	u8 *out = malloc(2 * n + 1);
	size_t o = telnet_escape(in, n, out), j = 0;

	if (o > 2 * n)
		abort();
	for (size_t i = 0; i < n; i++) {
		if (j >= o || out[j++] != in[i])
			abort();
		if (in[i] == TN_IAC && (j >= o || out[j++] != TN_IAC))
			abort();
		if (in[i] == '\r' && (i + 1 == n || in[i + 1] != '\n') &&
		    (j >= o || out[j++] != '\0'))
			abort();
	}
	if (j != o)
		abort();
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *buf, size_t len)
{
	static struct telnet tn;
	u8 hello[TELNET_HELLO_MAX];
	struct chan_spec spec;
	size_t chunk;
	char *s;

	if (!len)
		return 0;
	chunk = buf[0] % 64 + 1;
	buf++;
	len--;
	telnet_init(&tn, hello);
	for (size_t off = 0; off < len; off += chunk) {
		size_t n = len - off < chunk ? len - off : chunk, dl, rl;
		u8 *data = malloc(n), *reply = malloc(TELNET_REPLY_MAX * n);

		dl = telnet_receive(&tn, buf + off, n, data, reply, &rl);
		if (dl > n || rl > TELNET_REPLY_MAX * n)
			abort();
		check_replies(reply, rl);
		if (tn.sb_len > TELNET_SB_MAX || tn.state > TN_SUB_IAC)
			abort();
		free(data);
		free(reply);
	}
	check_escape(buf, len);
	s = malloc(len + 1);
	memcpy(s, buf, len);
	s[len] = '\0';
	if (!chan_parse(s, &spec) && spec.type == CHAN_PORT &&
	    (spec.port <= 0 || spec.port > 65535))
		abort();
	free(s);
	return 0;
}

/*
 * libFuzzer target for the tracer's selection parser (kernel/trace/spec.c):
 * any bytes as a `trace ...` argument or a trace= value. It must accept
 * or refuse with a message; an accepted spec names a source, has at most
 * one of pid= and comm=, a comm= that fits, and a filter only with
 * syscalls; parsing is deterministic.
 * Build: make build-fuzz/tests/fuzz/fuzz_trace_spec
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define sigset_t kernel_sigset_t        /* the kernel's, beside libc's */
#include <glass/errno.h>
#include <glass/trace.h>
#undef sigset_t
#include "../../kernel/trace/spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct trace_spec spec, again;
	static char text[1024], err[256];
	int r;

	if (size >= sizeof(text))
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	err[0] = '\0';
	r = trace_spec_parse(text, &spec, err, sizeof(err));
	if (r) {
		if (r != -EINVAL || !err[0])
			abort();
		return 0;
	}
	if (!spec.sources || (spec.sources & ~(TRACE_SYSCALLS | TRACE_FAULTS | TRACE_SCHED)) ||
	    (spec.pid && spec.comm[0]) || spec.pid < 0 ||
	    strnlen(spec.comm, sizeof(spec.comm)) >= sizeof(spec.comm) ||
	    (spec.filtered && !(spec.sources & TRACE_SYSCALLS)))
		abort();
	if (trace_spec_parse(text, &again, err, sizeof(err)) || memcmp(&spec, &again, sizeof(spec)))
		abort();
	return 0;
}

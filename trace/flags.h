/* Constant names for the decoder (trace/ only). */
#ifndef TRACE_FLAGS_H
#define TRACE_FLAGS_H

#include "internal.h"

struct trace_xlat {
	u64 val;
	const char *name;
};

void trace_put_flags(struct tbuf *b, const struct trace_xlat *x, u64 v);
void trace_put_xlat(struct tbuf *b, const struct trace_xlat *x, u64 v);
const char *trace_xlat_name(const struct trace_xlat *x, u64 v);

extern const struct trace_xlat open_flags[], at_flags[], mmap_prot[],
	mmap_flags[], clone_flags[], wait_options[], fcntl_cmds[], fd_flags[],
	ioctl_cmds[], futex_cmds[], prctl_cmds[], arch_prctl_cmds[],
	sigmask_hows[], seek_whences[], access_modes[], clockids[], rlimits[],
	sa_flags[], poll_events[], file_types[];

#endif

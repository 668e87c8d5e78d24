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

extern const struct trace_xlat xlat_open_flags[], xlat_at_flags[], xlat_mmap_prot[],
	xlat_mmap_flags[], xlat_clone_flags[], xlat_wait_options[], xlat_fcntl_cmds[], xlat_fd_flags[],
	xlat_ioctl_cmds[], xlat_futex_cmds[], xlat_prctl_cmds[], xlat_arch_prctl_cmds[],
	xlat_sigmask_hows[], xlat_seek_whences[], xlat_access_modes[], xlat_clockids[], xlat_rlimits[],
	xlat_sa_flags[], xlat_poll_events[], xlat_file_types[], xlat_grnd_flags[],
	xlat_madvise_advice[], xlat_reboot_words[], xlat_ss_flags[];

#endif

/* Argument, return value and struct decoding for format.c (trace/ only). */
#ifndef TRACE_DECODE_H
#define TRACE_DECODE_H

#include "internal.h"

/* Argument i (value v) of syscall nr whose entry or exit record is rec. */
void trace_decode_arg(struct tbuf *b, const void *rec, u32 nr, u8 i, u64 v);
/* "-1 ENOENT (No such file or directory)", "0x7f..." for addresses, "3". */
void trace_decode_ret(struct tbuf *b, u32 nr, s64 ret);
/* "SEGV_MAPERR" etc. for signal sig's si_code. */
void trace_decode_si_code(struct tbuf *b, int sig, int code);
/* {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=3, ...} */
void trace_decode_siginfo(struct tbuf *b, const struct trace_signal *e);
/* s (n bytes) quoted and escaped as strace does, "..." after if trunc or
 * longer than max. */
void trace_decode_quoted(struct tbuf *b, const char *s, size_t n, size_t max,
			 bool trunc);

#endif

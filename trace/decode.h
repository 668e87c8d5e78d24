/* Argument, return value and struct decoding for format.c (trace/ only). */
#ifndef TRACE_DECODE_H
#define TRACE_DECODE_H

#include "internal.h"

/* Argument i (value v) of syscall nr whose entry or exit record is rec. */
void trace_decode_arg(struct tbuf *b, const void *rec, u32 nr, u8 i, u64 v);
/* Argument i of syscall nr with its arguments args (NULL if unknown), with
 * the cases where one argument's meaning depends on another (fcntl, futex). */
void trace_decode_arg_at(struct tbuf *b, const void *rec, u32 nr,
			 const u64 *args, u8 i);
/* How many of nargs arguments strace shows (open's mode only with O_CREAT;
 * fcntl, futex, prctl by command). */
unsigned trace_decode_nargs(u32 nr, const u64 *args, unsigned nargs);
/* "-1 ENOENT (No such file or directory)", "0x7f..." for addresses, "3",
 * "0x1 (flags FD_CLOEXEC)"; args may be NULL. */
void trace_decode_ret(struct tbuf *b, u32 nr, s64 ret, const u64 *args);
/* poll's result from its exit record: [{fd=3, revents=POLLIN}] */
void trace_decode_poll_result(struct tbuf *b, const struct trace_sys_ret *r);
/* SIGINT, SIGRT_1 for real-time ones, the number if none. */
void trace_decode_sig(struct tbuf *b, u64 sig);
/* "SEGV_MAPERR" etc. for signal sig's si_code. */
void trace_decode_si_code(struct tbuf *b, int sig, int code);
/* {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=3, ...} */
void trace_decode_siginfo(struct tbuf *b, const struct trace_signal *e);
/* s (n bytes) quoted and escaped as strace does, "..." after if trunc or
 * longer than max; max TRACE_HEX: every byte as \xNN (strace's getrandom). */
#define TRACE_HEX (TRACE_STRSIZE + 1)
void trace_decode_quoted(struct tbuf *b, const char *s, size_t n, size_t max,
			 bool trunc);

#endif

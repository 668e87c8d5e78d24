/* Shared by trace/ only. */
#ifndef TRACE_INTERNAL_H
#define TRACE_INTERNAL_H

#include <glass/syscalls.h>
#include <trace/trace.h>

/* Argument kinds, one per kind in kernel/proc/syscalls.tbl (its head). */
enum trace_kind {
	K_none,
#define __SC_KIND(k) K_##k,
#include <generated/syscall_kinds.h>
#undef __SC_KIND
	K_NR
};

struct sys_desc {
	u8 nargs;
	u8 kind[6];
};
/* By number; the names are kernel/proc/syscall_names.c's. */
extern const struct sys_desc trace_sys[NR_syscalls];
const struct sys_desc *trace_sys_desc(u32 nr);

/* Bytes of a stat kept: st_dev to st_size, what strace shows. */
#define TRACE_STAT_KEPT 56
/* Guest size of the struct a kind points to; 0 if not a struct kind. */
u32 trace_struct_size(u8 k);
/* Whether syscall nr has arguments decoded at its exit (read's buffer). */
bool trace_sys_has_exit_args(u32 nr);
/* Whether an argument of kind k is decoded at exit rather than entry. */
bool trace_kind_at_exit(u8 k);
/* Whether argument i of syscall nr (arguments args, NULL if unknown) is
 * decoded at exit: by its kind, or by the command (prctl PR_GET_NAME). */
bool trace_arg_at_exit(u32 nr, const u64 *args, u8 i);

/* Text into a bounded buffer: len grows past size when cut, so the caller
 * can tell; the text is always NUL-terminated within size. */
struct tbuf {
	char *p;
	size_t size, len;
};
void tb_init(struct tbuf *b, char *p, size_t size);
void tb_putc(struct tbuf *b, char c);
void tb_puts(struct tbuf *b, const char *s);
void tb_putn(struct tbuf *b, const char *s, size_t n);
void tb_dec(struct tbuf *b, s64 v);
void tb_udec(struct tbuf *b, u64 v);
/* 0x prefix, lower case; 0 prints as 0 (strace prints NULL for pointers). */
void tb_hex(struct tbuf *b, u64 v);
/* Octal with a leading 0, as strace prints modes. */
void tb_oct(struct tbuf *b, u64 v);
/* Zero-padded to width digits. */
void tb_udec_w(struct tbuf *b, u64 v, int width);
size_t tb_done(struct tbuf *b);

/* The captures of a syscall record, after its arguments. */
const struct trace_cap *trace_cap_first(const void *rec);
const struct trace_cap *trace_cap_next(const void *rec,
				       const struct trace_cap *c);
/* The capture of argument arg (element idx), or NULL. */
const struct trace_cap *trace_cap_find(const void *rec, u8 arg, u8 idx);

#endif

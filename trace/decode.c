/*
 * Decoding arguments by their kind (kernel/proc/syscalls.tbl), as strace
 * prints them.
 */
#include "decode.h"

void trace_decode_quoted(struct tbuf *b, const char *s, size_t n, size_t max,
			 bool trunc)
{
	size_t i;

	if (n > max) {
		n = max;
		trunc = true;
	}
	tb_putc(b, '"');
	for (i = 0; i < n; i++) {
		u8 c = s[i];

		switch (c) {
		case '"': tb_puts(b, "\\\""); break;
		case '\\': tb_puts(b, "\\\\"); break;
		case '\n': tb_puts(b, "\\n"); break;
		case '\t': tb_puts(b, "\\t"); break;
		case '\r': tb_puts(b, "\\r"); break;
		case '\f': tb_puts(b, "\\f"); break;
		case '\v': tb_puts(b, "\\v"); break;
		default:
			if (c >= ' ' && c < 0x7f) {
				tb_putc(b, c);
			} else {
				/* strace: shortest octal unless a digit follows */
				bool digit = i + 1 < n && s[i + 1] >= '0' &&
					     s[i + 1] <= '7';

				tb_putc(b, '\\');
				if (digit || c >= 0100)
					tb_putc(b, '0' + (c >> 6));
				if (digit || c >= 010)
					tb_putc(b, '0' + ((c >> 3) & 7));
				tb_putc(b, '0' + (c & 7));
			}
		}
	}
	tb_putc(b, '"');
	if (trunc)
		tb_puts(b, "...");
}

/* NULL or the address, as strace prints a pointer it did not follow. */
static void put_ptr(struct tbuf *b, u64 v)
{
	if (!v)
		tb_puts(b, "NULL");
	else
		tb_hex(b, v);
}

static void put_str_cap(struct tbuf *b, const void *rec, u8 i, u8 idx, u64 v,
			size_t max)
{
	const struct trace_cap *c = v ? trace_cap_find(rec, i, idx) : NULL;

	if (!c || c->flags & TRACE_CAP_FAULT) {
		put_ptr(b, v);
		return;
	}
	trace_decode_quoted(b, (const char *)c->data, c->len, max,
			    c->flags & TRACE_CAP_TRUNC);
}

static void put_strv(struct tbuf *b, const void *rec, u8 i, u64 v)
{
	const struct trace_cap *c = v ? trace_cap_find(rec, i, 0) : NULL;
	u32 n, k;

	if (!c || c->kind != TRACE_CAP_PTRS || (c->flags & TRACE_CAP_FAULT &&
						!c->len)) {
		put_ptr(b, v);
		return;
	}
	/* the strings follow the pointer array, idx = their index; the
	 * pointer array itself is idx 0 too but kind PTRS */
	n = c->len / 8;
	tb_putc(b, '[');
	for (k = 0; k < n; k++) {
		const struct trace_cap *s = c;
		u64 p;

		__builtin_memcpy(&p, c->data + 8 * k, 8);
		while ((s = trace_cap_next(rec, s)))
			if (s->arg == i && s->idx == k && s->kind == TRACE_CAP_STR)
				break;
		if (k)
			tb_puts(b, ", ");
		if (!s || s->flags & TRACE_CAP_FAULT)
			put_ptr(b, p);
		else
			trace_decode_quoted(b, (const char *)s->data, s->len,
					    TRACE_STRSIZE,
					    s->flags & TRACE_CAP_TRUNC);
	}
	tb_putc(b, ']');
	if (c->flags & TRACE_CAP_TRUNC)
		tb_puts(b, "...");
}

void trace_decode_arg(struct tbuf *b, const void *rec, u32 nr, u8 i, u64 v)
{
	const struct sys_desc *d = trace_sys_desc(nr);

	switch (d ? d->kind[i] : K_hex) {
	case K_int:
	case K_fd:
	case K_pid:
		tb_dec(b, (s32)v);
		break;
	case K_long:
	case K_off:
		tb_dec(b, (s64)v);
		break;
	case K_uint:
	case K_uid:
	case K_gid:
		tb_udec(b, (u32)v);
		break;
	case K_ulong:
	case K_size:
		tb_udec(b, v);
		break;
	case K_dirfd:
		if ((s32)v == -100)
			tb_puts(b, "AT_FDCWD");
		else
			tb_dec(b, (s32)v);
		break;
	case K_mode:
		tb_oct(b, (u32)v);
		break;
	case K_path:
		put_str_cap(b, rec, i, 0, v, TRACE_PATHSIZE);
		break;
	case K_str:
	case K_buf:
		put_str_cap(b, rec, i, 0, v, TRACE_STRSIZE);
		break;
	case K_strv:
		put_strv(b, rec, i, v);
		break;
	case K_ptr:
	case K_addr:
		put_ptr(b, v);
		break;
	default:
		tb_hex(b, v);
		break;
	}
}

void trace_decode_ret(struct tbuf *b, u32 nr, s64 ret)
{
	if (ret < 0 && ret >= -4095) {
		const char *n = trace_errno_name(-ret);

		tb_puts(b, "-1 ");
		if (n) {
			tb_puts(b, n);
			tb_puts(b, " (");
			tb_puts(b, trace_errno_text(-ret));
			tb_putc(b, ')');
		} else {
			tb_puts(b, "ERRNO_");
			tb_udec(b, -ret);
			tb_puts(b, " (Unknown error ");
			tb_udec(b, -ret);
			tb_putc(b, ')');
		}
		return;
	}
	if (nr == __NR_mmap || nr == __NR_brk || nr == __NR_mremap ||
	    nr == __NR_shmat)
		tb_hex(b, ret);
	else
		tb_dec(b, ret);
}

void trace_decode_si_code(struct tbuf *b, int sig, int code)
{
	static const char *const segv[] = { "SEGV_MAPERR", "SEGV_ACCERR",
		"SEGV_BNDERR", "SEGV_PKUERR" };
	static const char *const bus[] = { "BUS_ADRALN", "BUS_ADRERR",
		"BUS_OBJERR" };
	static const char *const chld[] = { "CLD_EXITED", "CLD_KILLED",
		"CLD_DUMPED", "CLD_TRAPPED", "CLD_STOPPED", "CLD_CONTINUED" };

	if (sig == 11 && code >= 1 && code <= 4)
		tb_puts(b, segv[code - 1]);
	else if (sig == 7 && code >= 1 && code <= 3)
		tb_puts(b, bus[code - 1]);
	else if (sig == 17 && code >= 1 && code <= 6)
		tb_puts(b, chld[code - 1]);
	else if (code == 0)
		tb_puts(b, "SI_USER");
	else if (code == 0x80)
		tb_puts(b, "SI_KERNEL");
	else if (code == -1)
		tb_puts(b, "SI_QUEUE");
	else if (code == -6)
		tb_puts(b, "SI_TKILL");
	else
		tb_dec(b, code);
}

void trace_decode_siginfo(struct tbuf *b, const struct trace_signal *e)
{
	const char *n = trace_signal_name(e->sig);

	tb_puts(b, "{si_signo=");
	if (n)
		tb_puts(b, n);
	else
		tb_udec(b, e->sig);
	tb_puts(b, ", si_code=");
	trace_decode_si_code(b, e->sig, e->code);
	if (e->sig == 11 || e->sig == 7 || e->sig == 4 || e->sig == 8) {
		tb_puts(b, ", si_addr=");
		put_ptr(b, e->si_addr);
	} else {
		tb_puts(b, ", si_pid=");
		tb_udec(b, e->si_pid);
		tb_puts(b, ", si_uid=");
		tb_udec(b, e->si_uid);
		if (e->sig == 17) {
			tb_puts(b, ", si_status=");
			tb_dec(b, e->si_status);
			tb_puts(b, ", si_utime=0, si_stime=0");
		}
	}
	tb_putc(b, '}');
}

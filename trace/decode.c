/*
 * Decoding arguments by their kind (kernel/proc/syscalls.tbl), as strace
 * prints them.
 */
#include "decode.h"
#include "flags.h"

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

		if (max == TRACE_HEX) {
			/* random bytes: strace shows them all in hex */
			tb_puts(b, "\\x");
			tb_putc(b, "0123456789abcdef"[c >> 4]);
			tb_putc(b, "0123456789abcdef"[c & 15]);
			continue;
		}
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

static u64 get64(const u8 *p)
{
	u64 v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static u32 get32(const u8 *p)
{
	return (u32)get64((const u8[8]){ p[0], p[1], p[2], p[3] });
}

/* The capture of argument i that decodes it, if it was copied whole;
 * NULL means: print the address. */
static const struct trace_cap *cap_of(const void *rec, u8 i, u8 idx, u32 len)
{
	const struct trace_cap *c = trace_cap_find(rec, i, idx);

	if (!c || c->flags & TRACE_CAP_FAULT || c->len < len)
		return NULL;
	return c;
}

static void put_str_cap(struct tbuf *b, const void *rec, u8 i, u8 idx, u64 v,
			size_t max)
{
	const struct trace_cap *c = v ? cap_of(rec, i, idx, 0) : NULL;

	if (!c) {
		put_ptr(b, v);
		return;
	}
	trace_decode_quoted(b, (const char *)c->data, c->len, max,
			    c->flags & TRACE_CAP_TRUNC);
}

static void put_strv(struct tbuf *b, const void *rec, u8 i, u64 v)
{
	const struct trace_cap *c = v ? cap_of(rec, i, 0, 0) : NULL;
	u32 n, k;

	if (!c || c->kind != TRACE_CAP_PTRS) {
		put_ptr(b, v);
		return;
	}
	n = c->len / 8;
	tb_putc(b, '[');
	for (k = 0; k < n; k++) {
		if (k)
			tb_puts(b, ", ");
		put_str_cap(b, rec, i, k + 1, get64(c->data + 8 * k),
			    TRACE_STRSIZE);
	}
	tb_putc(b, ']');
	if (c->flags & TRACE_CAP_TRUNC)
		tb_puts(b, "...");
}

/* Signal numbers in a set: strace's short names (no SIG), RTMIN, RT_n. */
static void put_signame_short(struct tbuf *b, int sig)
{
	const char *n = trace_signal_name(sig);

	if (n) {
		tb_puts(b, n + 3);
	} else if (sig == 32) {
		tb_puts(b, "RTMIN");
	} else if (sig > 32 && sig <= 64) {
		tb_puts(b, "RT_");
		tb_udec(b, sig - 32);
	} else {
		tb_udec(b, sig);
	}
}

/* [INT TERM]; more than half set: ~[the others], as strace. */
static void put_sigset(struct tbuf *b, u64 set)
{
	bool first = true;
	int sig, n = 0;

	for (sig = 0; sig < 64; sig++)
		n += set >> sig & 1;	/* no popcount: libgcc is outside */
	if (n > 32) {
		tb_putc(b, '~');
		set = ~set;
	}
	tb_putc(b, '[');
	for (sig = 1; sig <= 64; sig++) {
		if (!(set >> (sig - 1) & 1))
			continue;
		if (!first)
			tb_putc(b, ' ');
		first = false;
		put_signame_short(b, sig);
	}
	tb_putc(b, ']');
}

void trace_decode_sig(struct tbuf *b, u64 v)
{
	const char *n = trace_signal_name((int)v);

	if (n) {
		tb_puts(b, n);
	} else if ((int)v >= 32 && (int)v <= 64) {
		tb_puts(b, "SIG");
		put_signame_short(b, (int)v);
	} else {
		tb_dec(b, (s32)v);
	}
}

/* Modes: strace's %#03o (0644, 022, 000). */
static void put_mode(struct tbuf *b, u32 m)
{
	char d[12];
	int n = 0;

	do {
		d[n++] = '0' + (m & 7);
		m >>= 3;
	} while (m);
	d[n++] = '0';
	while (n < 3)
		d[n++] = '0';
	while (n)
		tb_putc(b, d[--n]);
}

static void put_timespec(struct tbuf *b, const u8 *p, const char *frac)
{
	tb_puts(b, "{tv_sec=");
	tb_dec(b, (s64)get64(p));
	tb_puts(b, frac);
	tb_dec(b, (s64)get64(p + 8));
	tb_putc(b, '}');
}

static void put_stat(struct tbuf *b, const u8 *p)
{
	u32 mode = get32(p + 24);
	const char *type = trace_xlat_name(xlat_file_types, mode & 0170000);

	tb_puts(b, "{st_mode=");
	if (type) {
		tb_puts(b, type);
		tb_putc(b, '|');
		put_mode(b, mode & 07777);
	} else {
		put_mode(b, mode);
	}
	if ((mode & 0170000) == 020000 || (mode & 0170000) == 060000) {
		u64 dev = get64(p + 40);

		tb_puts(b, ", st_rdev=makedev(");
		tb_hex(b, ((dev >> 8) & 0xfff) | ((dev >> 32) & ~0xfffull));
		tb_puts(b, ", ");
		tb_hex(b, (dev & 0xff) | ((dev >> 12) & ~0xffull));
		tb_putc(b, ')');
	} else {
		tb_puts(b, ", st_size=");
		tb_dec(b, (s64)get64(p + 48));
	}
	tb_puts(b, ", ...}");
}

static void put_sigaction(struct tbuf *b, const u8 *p)
{
	u64 handler = get64(p), flags = get64(p + 8);

	tb_puts(b, "{sa_handler=");
	if (handler == 0)
		tb_puts(b, "SIG_DFL");
	else if (handler == 1)
		tb_puts(b, "SIG_IGN");
	else
		tb_hex(b, handler);
	tb_puts(b, ", sa_mask=");
	put_sigset(b, get64(p + 24));
	tb_puts(b, ", sa_flags=");
	trace_put_flags(b, xlat_sa_flags, flags);
	if (flags & 0x04000000) {
		tb_puts(b, ", sa_restorer=");
		tb_hex(b, get64(p + 16));
	}
	tb_putc(b, '}');
}

/* strace: values past 1024 that are multiples of it as N*1024. */
static void put_rlim(struct tbuf *b, u64 v)
{
	if (v == ~0ull) {
		tb_puts(b, "RLIM64_INFINITY");
	} else if (v > 1024 && v % 1024 == 0) {
		tb_udec(b, v / 1024);
		tb_puts(b, "*1024");
	} else {
		tb_udec(b, v);
	}
}

static void put_wstatus(struct tbuf *b, u32 s)
{
	tb_puts(b, "[{");
	if ((s & 0x7f) == 0) {
		tb_puts(b, "WIFEXITED(s) && WEXITSTATUS(s) == ");
		tb_udec(b, (s >> 8) & 0xff);
	} else if ((s & 0xff) == 0x7f) {
		tb_puts(b, "WIFSTOPPED(s) && WSTOPSIG(s) == ");
		trace_decode_sig(b, (s >> 8) & 0xff);
	} else if (s == 0xffff) {
		tb_puts(b, "WIFCONTINUED(s)");
	} else {
		tb_puts(b, "WIFSIGNALED(s) && WTERMSIG(s) == ");
		trace_decode_sig(b, s & 0x7f);
		if (s & 0x80)
			tb_puts(b, " && WCOREDUMP(s)");
	}
	tb_puts(b, "}]");
}

/* A pollfd array: events (entry) or the fds with revents (exit). */
static void put_pollfds(struct tbuf *b, const struct trace_cap *c, bool exit)
{
	u32 i, n = c->len / 8;
	bool first = true;

	tb_putc(b, '[');
	for (i = 0; i < n; i++) {
		const u8 *p = c->data + 8 * i;
		u16 ev = p[exit ? 6 : 4] | p[exit ? 7 : 5] << 8;

		if (exit && !ev)
			continue;
		if (!first)
			tb_puts(b, ", ");
		first = false;
		tb_puts(b, "{fd=");
		tb_dec(b, (s32)get32(p));
		tb_puts(b, exit ? ", revents=" : ", events=");
		trace_put_flags(b, xlat_poll_events, ev);
		tb_putc(b, '}');
	}
	if (c->flags & TRACE_CAP_TRUNC)
		tb_puts(b, first ? "..." : ", ...");
	tb_putc(b, ']');
}

static void put_iovec(struct tbuf *b, const void *rec, u8 i,
		      const struct trace_cap *c)
{
	u32 k, n = c->len / 16;

	tb_putc(b, '[');
	for (k = 0; k < n; k++) {
		if (k)
			tb_puts(b, ", ");
		tb_puts(b, "{iov_base=");
		put_str_cap(b, rec, i, k + 1, get64(c->data + 16 * k),
			    TRACE_STRSIZE);
		tb_puts(b, ", iov_len=");
		tb_udec(b, get64(c->data + 16 * k + 8));
		tb_putc(b, '}');
	}
	if (c->flags & TRACE_CAP_TRUNC)
		tb_puts(b, n ? ", ..." : "...");
	tb_putc(b, ']');
}

/* A struct kind, from its capture (NULL: the address). */
static void put_struct(struct tbuf *b, const void *rec, u8 k, u8 i, u64 v)
{
	const struct trace_cap *c;

	if (k == K_iovec || k == K_out_iovec) {
		c = cap_of(rec, i, 0, 0);
		if (c && c->kind == TRACE_CAP_IOVEC)
			put_iovec(b, rec, i, c);
		else
			put_ptr(b, v);
		return;
	}
	if (k == K_pollfd) {
		c = cap_of(rec, i, 0, 0);
		if (c)
			put_pollfds(b, c, false);
		else
			put_ptr(b, v);
		return;
	}
	c = v ? cap_of(rec, i, 0, trace_struct_size(k)) : NULL;
	if (!c || c->kind != TRACE_CAP_STRUCT) {
		put_ptr(b, v);
		return;
	}
	switch (k) {
	case K_timespec:
	case K_out_timespec:
		put_timespec(b, c->data, ", tv_nsec=");
		break;
	case K_timeval:
	case K_out_timeval:
		put_timespec(b, c->data, ", tv_usec=");
		break;
	case K_rlimit:
	case K_out_rlimit:
		tb_puts(b, "{rlim_cur=");
		put_rlim(b, get64(c->data));
		tb_puts(b, ", rlim_max=");
		put_rlim(b, get64(c->data + 8));
		tb_putc(b, '}');
		break;
	case K_sigaction:
	case K_out_sigaction:
		put_sigaction(b, c->data);
		break;
	case K_sigset:
	case K_out_sigset:
		put_sigset(b, get64(c->data));
		break;
	case K_stack:
	case K_out_stack:
		tb_puts(b, "{ss_sp=");
		put_ptr(b, get64(c->data));
		tb_puts(b, ", ss_flags=");
		trace_put_flags(b, xlat_ss_flags, get32(c->data + 8));
		tb_puts(b, ", ss_size=");
		tb_udec(b, get64(c->data + 16));
		tb_putc(b, '}');
		break;
	case K_out_fds:
		tb_putc(b, '[');
		tb_dec(b, (s32)get32(c->data));
		tb_puts(b, ", ");
		tb_dec(b, (s32)get32(c->data + 4));
		tb_putc(b, ']');
		break;
	case K_out_wstatus:
		put_wstatus(b, get32(c->data));
		break;
	case K_out_stat:
		put_stat(b, c->data);
		break;
	case K_out_utsname: {
		u32 n;

		tb_puts(b, "{sysname=");
		for (n = 0; n < 65 && c->data[n]; n++)
			;
		trace_decode_quoted(b, (const char *)c->data, n, 65, false);
		tb_puts(b, ", nodename=");
		for (n = 0; n < 65 && c->data[65 + n]; n++)
			;
		trace_decode_quoted(b, (const char *)c->data + 65, n, 65, false);
		tb_puts(b, ", ...}");
		break;
	}
	}
}

/* envp: its address and how many: 0x7ffd... followed by a 20 vars comment. */
static void put_envp(struct tbuf *b, const void *rec, u8 i, u64 v)
{
	const struct trace_cap *c = v ? cap_of(rec, i, 0, 4) : NULL;

	put_ptr(b, v);
	if (c && c->kind == TRACE_CAP_COUNT) {
		u32 n = get32(c->data);

		tb_puts(b, " /* ");
		tb_udec(b, n);
		tb_puts(b, n == 1 ? " var */" : " vars */");
	}
}

static void put_futex_op(struct tbuf *b, u64 v)
{
	const char *n = trace_xlat_name(xlat_futex_cmds, v & 0x7f);

	if (!n || (v & ~0x1ffull)) {
		tb_hex(b, v);
		return;
	}
	tb_puts(b, n);
	if (v & 128)
		tb_puts(b, "_PRIVATE");
	if (v & 256)
		tb_puts(b, "|FUTEX_CLOCK_REALTIME");
}

/* O_* with the access mode (open, openat: O_RDONLY is 0) or without it
 * (pipe2, dup3: O_CLOEXEC alone). */
static void put_open_flags(struct tbuf *b, u64 v, bool accmode)
{
	static const char *const acc[] = { "O_RDONLY", "O_WRONLY", "O_RDWR",
					   "O_ACCMODE" };

	if (!accmode) {
		trace_put_flags(b, xlat_open_flags, v);
		return;
	}
	tb_puts(b, acc[v & 3]);
	v &= ~3ull;
	if (v) {
		tb_putc(b, '|');
		trace_put_flags(b, xlat_open_flags, v);
	}
}

/* The kinds that are one of a list of commands (ints, all of them). */
static const struct trace_xlat *const commands[K_NR] = {
	[K_clockid] = xlat_clockids,
	[K_fcntl_cmd] = xlat_fcntl_cmds,
	[K_ioctl_cmd] = xlat_ioctl_cmds,
	[K_prctl_cmd] = xlat_prctl_cmds,
	[K_arch_prctl_cmd] = xlat_arch_prctl_cmds,
	[K_sigmask_how] = xlat_sigmask_hows,
	[K_seek_whence] = xlat_seek_whences,
	[K_resource] = xlat_rlimits,
};

void trace_decode_arg(struct tbuf *b, const void *rec, u32 nr, u8 i, u64 v)
{
	const struct sys_desc *d = trace_sys_desc(nr);
	u8 k = d ? d->kind[i] : K_hex;

	switch (k) {
	case K_int:
	case K_fd:
	case K_pid:
		tb_dec(b, (s32)v);
		break;
	case K_long:
	case K_off:
		tb_dec(b, (s64)v);
		break;
	case K_uid:
	case K_gid:
		if ((u32)v == 0xffffffff) {	/* "unchanged": strace's -1 */
			tb_puts(b, "-1");
			break;
		}
		/* fallthrough */
	case K_uint:
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
		put_mode(b, (u32)v);
		break;
	case K_path:
	case K_out_str:
		put_str_cap(b, rec, i, 0, v, TRACE_PATHSIZE);
		break;
	case K_str:
	case K_buf:
		put_str_cap(b, rec, i, 0, v, TRACE_STRSIZE);
		break;
	case K_out_buf:
		put_str_cap(b, rec, i, 0, v,
			    nr == __NR_getrandom ? TRACE_HEX : TRACE_STRSIZE);
		break;
	case K_strv:
		put_strv(b, rec, i, v);
		break;
	case K_envp:
		put_envp(b, rec, i, v);
		break;
	case K_ptr:
	case K_addr:
		put_ptr(b, v);
		break;
	case K_sig:
		trace_decode_sig(b, v);
		break;
	case K_open_flags:
		put_open_flags(b, v, nr == __NR_open || nr == __NR_openat ||
				     nr == __NR_mq_open ||
				     nr == __NR_open_by_handle_at ||
				     nr == __NR_fanotify_init);
		break;
	case K_at_flags:
		if (nr == __NR_faccessat2 && v & 0x200) {
			tb_puts(b, "AT_EACCESS");
			if (v & ~0x200ull) {
				tb_putc(b, '|');
				trace_put_flags(b, xlat_at_flags, v & ~0x200ull);
			}
		} else {
			trace_put_flags(b, xlat_at_flags, v);
		}
		break;
	case K_mmap_prot:
		if (!v)
			tb_puts(b, "PROT_NONE");
		else
			trace_put_flags(b, xlat_mmap_prot, v);
		break;
	case K_mmap_flags: {
		static const char *const type[] = { "0", "MAP_SHARED",
			"MAP_PRIVATE", "MAP_SHARED_VALIDATE" };

		tb_puts(b, type[v & 3]);
		if (v & ~3ull) {
			tb_putc(b, '|');
			trace_put_flags(b, xlat_mmap_flags, v & ~3ull);
		}
		break;
	}
	case K_clone_flags:
		if (v & ~0xffull)
			trace_put_flags(b, xlat_clone_flags, v & ~0xffull);
		if (v & 0xff) {
			if (v & ~0xffull)
				tb_putc(b, '|');
			trace_decode_sig(b, v & 0xff);
		}
		if (!v)
			tb_putc(b, '0');
		break;
	case K_wait_options:
		trace_put_flags(b, xlat_wait_options, (u32)v);
		break;
	case K_futex_op:
		put_futex_op(b, v);
		break;
	case K_access_mode:
		if (!v)
			tb_puts(b, "F_OK");
		else
			trace_put_flags(b, xlat_access_modes, v);
		break;
	case K_flags:
		if (nr == __NR_getrandom) {
			trace_put_flags(b, xlat_grnd_flags, v);
			break;
		}
		/* fallthrough */
	case K_hex:
		tb_hex(b, v);
		break;
	default:
		if (commands[k])
			trace_put_xlat(b, commands[k], (u32)v);
		else
			put_struct(b, rec, k, i, v);
		break;
	}
}

void trace_decode_poll_result(struct tbuf *b, const struct trace_sys_ret *r)
{
	const struct trace_cap *c = cap_of(r, 0, 1, 0);

	if (c)
		put_pollfds(b, c, true);
	else
		tb_putc(b, '?');
}

/* fcntl's third argument, by command. */
static void put_fcntl_arg(struct tbuf *b, u32 cmd, u64 v)
{
	switch (cmd) {
	case 2:		/* F_SETFD */
		trace_put_flags(b, xlat_fd_flags, v);
		break;
	case 4:		/* F_SETFL */
		put_open_flags(b, v, true);
		break;
	case 10:	/* F_SETSIG */
		trace_decode_sig(b, v);
		break;
	case 0: case 8: case 1024: case 1026: case 1030: case 1031: case 1033:
		tb_dec(b, (s64)v);
		break;
	default:
		put_ptr(b, v);
		break;
	}
}

unsigned trace_decode_nargs(u32 nr, const u64 *args, unsigned nargs)
{
	const struct sys_desc *d = trace_sys_desc(nr);

	/* the rules below are for a whole argument list */
	if (!args || !d || nargs != d->nargs)
		return nargs;
	switch (nr) {
	case __NR_open:
	case __NR_openat: {
		u8 f = nr == __NR_open ? 1 : 2;

		/* the mode only with O_CREAT or O_TMPFILE */
		return args[f] & (0100 | 020000000) ? nargs : nargs - 1;
	}
	case __NR_fcntl:
		switch ((u32)args[1]) {
		case 1: case 3: case 9: case 11: case 1025: case 1032: case 1034:
			return 2;
		}
		return 3;
	case __NR_futex:
		switch (args[1] & 0x7f) {
		case 1: case 7: case 8:		/* WAKE, UNLOCK_PI, TRYLOCK_PI */
			return 3;
		case 0:				/* WAIT */
			return 4;
		case 9: case 10:	/* *_BITSET: val3 shown in uaddr2's place */
			return 5;
		}
		return 6;
	case __NR_reboot:	/* the argument only for RESTART2 */
		return (u32)args[2] == 0xa1b2c3d4 ? 4 : 3;
	case __NR_prctl:
		switch (args[0]) {
		case 15: case 16: case 1: case 2: case 4: case 8: case 38:
		case 36: case 37: case 22:
			return 2;
		case 3: case 7: case 21: case 39: case 30: case 42:
			return 1;
		}
		return 5;
	}
	return nargs;
}

void trace_decode_arg_at(struct tbuf *b, const void *rec, u32 nr,
			 const u64 *args, u8 i)
{
	if (nr == __NR_fcntl && i == 2 && args) {
		put_fcntl_arg(b, (u32)args[1], args[2]);
		return;
	}
	if (nr == __NR_prctl && i == 1 && args && (args[0] == 15 || args[0] == 16)) {
		/* PR_SET_NAME, PR_GET_NAME: the task name */
		put_str_cap(b, rec, 1, 0, args[1], TRACE_STRSIZE);
		return;
	}
	if (nr == __NR_madvise && i == 2 && args) {
		trace_put_xlat(b, xlat_madvise_advice, (u32)args[2]);
		return;
	}
	if (nr == __NR_reboot && i < 3 && args) {
		trace_put_xlat(b, xlat_reboot_words, (u32)args[i]);
		return;
	}
	if (nr == __NR_futex && i == 4 && args &&
	    ((args[1] & 0x7f) == 9 || (args[1] & 0x7f) == 10)) {
		if ((u32)args[5] == 0xffffffff)
			tb_puts(b, "FUTEX_BITSET_MATCH_ANY");
		else
			tb_hex(b, (u32)args[5]);
		return;
	}
	if (nr == __NR_futex && i == 3 && args &&
	    (args[1] & 0x7f) != 0 && (args[1] & 0x7f) != 9 &&
	    (args[1] & 0x7f) != 11) {
		tb_udec(b, (u32)args[3]);	/* val2, not a timeout */
		return;
	}
	trace_decode_arg(b, rec, nr, i, args ? args[i] : 0);
}

void trace_decode_ret(struct tbuf *b, u32 nr, s64 ret, const u64 *args)
{
	if (ret < 0 && ret >= -4095) {
		const char *n = trace_errno_name(-ret);

		/* the kernel's restart codes never reach the guest: "?" */
		tb_puts(b, -ret >= 512 && -ret <= 530 ? "? " : "-1 ");
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
	    nr == __NR_shmat) {
		tb_hex(b, ret);
		return;
	}
	if (nr == __NR_umask) {
		put_mode(b, ret);
		return;
	}
	if (nr == __NR_fcntl && args && ((u32)args[1] == 1 || (u32)args[1] == 3)) {
		/* F_GETFD, F_GETFL: 0x1 (flags FD_CLOEXEC) */
		tb_hex(b, ret);
		tb_puts(b, " (flags ");
		if ((u32)args[1] == 1)
			trace_put_flags(b, xlat_fd_flags, ret);
		else
			put_open_flags(b, ret, true);
		tb_putc(b, ')');
		return;
	}
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

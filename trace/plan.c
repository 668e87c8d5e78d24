/*
 * The capture plan: which guest memory decodes a syscall's arguments, and
 * when (the argument kinds of kernel/proc/syscalls.tbl say). Inputs
 * (paths, write buffers, structs passed in) are copied at entry; outputs
 * (out_*: read buffers, structs filled in) at exit, and only if the
 * syscall succeeded, as strace shows them (an address otherwise).
 */
#include "internal.h"

bool trace_kind_at_exit(u8 k)
{
	return k >= K_out_buf && k <= K_out_rlimit;
}

/* prctl's name commands: the name is a string, PR_GET_NAME's an output. */
#define PR_SET_NAME 15
#define PR_GET_NAME 16
#define TASK_NAME_LEN 16

bool trace_arg_at_exit(u32 nr, const u64 *args, u8 i)
{
	const struct sys_desc *d = trace_sys_desc(nr);

	if (nr == __NR_prctl && i == 1 && args)
		return args[0] == PR_GET_NAME;
	return d && trace_kind_at_exit(d->kind[i]);
}

bool trace_sys_has_exit_args(u32 nr)
{
	const struct sys_desc *d = trace_sys_desc(nr);
	u8 i;

	for (i = 0; d && i < d->nargs; i++)
		if (trace_kind_at_exit(d->kind[i]) || d->kind[i] == K_pollfd)
			return true;
	return nr == __NR_prctl;
}

/* Guest sizes of what the struct kinds point to (x86-64 Linux). */
u32 trace_struct_size(u8 k)
{
	switch (k) {
	case K_timespec: case K_out_timespec:
	case K_timeval: case K_out_timeval:
	case K_rlimit: case K_out_rlimit:
		return 16;
	case K_sigaction: case K_out_sigaction:
		return 32;	/* handler, flags, restorer, mask */
	case K_stack: case K_out_stack:
		return 24;	/* ss_sp, ss_flags, ss_size */
	case K_sigset: case K_out_sigset: case K_out_fds:
		return 8;
	case K_out_wstatus:
		return 4;
	case K_out_stat:
		return TRACE_STAT_KEPT;
	case K_out_utsname:
		return 2 * 65;	/* sysname, nodename: what strace shows */
	}
	return 0;
}

/* The value of the first count argument after argument i (a buffer's). */
static u64 size_after(const struct sys_desc *d, const u64 args[6], u8 i)
{
	for (i++; i < d->nargs; i++)
		if (d->kind[i] == K_size || d->kind[i] == K_int ||
		    d->kind[i] == K_uint || d->kind[i] == K_ulong)
			return args[i];
	return 0;
}

static void item(struct trace_plan *p, u8 arg, u8 kind, u64 addr, u64 len,
		 u64 max)
{
	*p = (struct trace_plan){ .addr = addr, .len = len > max ? max : len,
				  .arg = arg, .kind = kind,
				  .flags = len > max ? TRACE_CAP_TRUNC : 0 };
}

int trace_sys_plan(u32 nr, const u64 args[6], bool exit, s64 ret,
		   struct trace_plan *plan, int max)
{
	const struct sys_desc *d = trace_sys_desc(nr);
	int n = 0;
	u8 i;

	if (!d || (exit && ret < 0))
		return 0;
	if (nr == __NR_prctl && args[1] &&
	    args[0] == (exit ? PR_GET_NAME : PR_SET_NAME)) {
		item(&plan[n++], 1, TRACE_CAP_STR, args[1], TASK_NAME_LEN, ~0ull);
		return n;
	}
	for (i = 0; i < d->nargs && n < max; i++) {
		u8 k = d->kind[i];
		struct trace_plan *p = &plan[n];

		if (!args[i])
			continue;
		if (k == K_pollfd) {
			/* events at entry; revents at exit, if any */
			if (exit && ret == 0)
				continue;
			item(p, i, TRACE_CAP_STRUCT, args[i],
			     8 * (u64)(u32)size_after(d, args, i),
			     8 * TRACE_ARRAY_MAX);
			p->idx = exit;
			n++;
			continue;
		}
		if (trace_kind_at_exit(k) != exit)
			continue;
		switch (k) {
		case K_path:
			item(p, i, TRACE_CAP_STR, args[i], TRACE_PATHSIZE, ~0ull);
			break;
		case K_str:
			item(p, i, TRACE_CAP_STR, args[i], TRACE_STRSIZE, ~0ull);
			break;
		case K_out_str:
			item(p, i, TRACE_CAP_STR, args[i], TRACE_PATHSIZE, ~0ull);
			break;
		case K_strv:
			item(p, i, TRACE_CAP_PTRS, args[i], 8 * TRACE_ARRAY_MAX,
			     ~0ull);
			break;
		case K_envp:
			item(p, i, TRACE_CAP_COUNT, args[i], 4, ~0ull);
			break;
		case K_buf:
			item(p, i, TRACE_CAP_BUF, args[i], size_after(d, args, i),
			     TRACE_STRSIZE);
			break;
		case K_out_buf:
			item(p, i, TRACE_CAP_BUF, args[i], ret, TRACE_STRSIZE);
			break;
		case K_iovec:
		case K_out_iovec:
			item(p, i, TRACE_CAP_IOVEC, args[i],
			     16 * size_after(d, args, i), 16 * TRACE_ARRAY_MAX);
			break;
		case K_out_wstatus:
			if (!ret)	/* WNOHANG, nothing waited for */
				continue;
			/* fallthrough */
		default:
			if (!trace_struct_size(k))
				continue;
			item(p, i, TRACE_CAP_STRUCT, args[i],
			     trace_struct_size(k), ~0ull);
			break;
		}
		n++;
	}
	return n;
}

/*
 * The capture plan: which guest memory decodes a syscall's arguments, and
 * when. Inputs (paths, write buffers, structs passed in) are copied at
 * entry; outputs (read buffers, structs filled in) at exit, and only if
 * the syscall succeeded, as strace shows them.
 */
#include "internal.h"

bool trace_kind_at_exit(u8 k)
{
	switch (k) {
	default:
		return false;
	}
}

bool trace_sys_has_exit_args(u32 nr)
{
	const struct sys_desc *d = trace_sys_desc(nr);
	u8 i;

	for (i = 0; d && i < d->nargs; i++)
		if (trace_kind_at_exit(d->kind[i]))
			return true;
	return false;
}

/* The value of the first size argument after argument i (a buffer's). */
static u64 size_after(const struct sys_desc *d, const u64 args[6], u8 i)
{
	for (i++; i < d->nargs; i++)
		if (d->kind[i] == K_size || d->kind[i] == K_int ||
		    d->kind[i] == K_uint)
			return args[i];
	return 0;
}

static void item(struct trace_plan *p, u8 arg, u8 kind, u64 addr, u32 len,
		 u8 flags)
{
	*p = (struct trace_plan){ .addr = addr, .len = len, .arg = arg,
				  .kind = kind, .flags = flags };
}

int trace_sys_plan(u32 nr, const u64 args[6], bool exit, s64 ret,
		   struct trace_plan *plan, int max)
{
	const struct sys_desc *d = trace_sys_desc(nr);
	int n = 0;
	u8 i;

	if (!d || (exit && ret < 0))
		return 0;
	for (i = 0; i < d->nargs && n < max; i++) {
		u8 k = d->kind[i];
		u64 len;

		if (!args[i] || trace_kind_at_exit(k) != exit)
			continue;
		switch (k) {
		case K_path:
			item(&plan[n++], i, TRACE_CAP_STR, args[i],
			     TRACE_PATHSIZE, 0);
			break;
		case K_str:
			item(&plan[n++], i, TRACE_CAP_STR, args[i],
			     TRACE_STRSIZE, 0);
			break;
		case K_strv:
			item(&plan[n++], i, TRACE_CAP_PTRS, args[i],
			     8 * TRACE_ARRAY_MAX, 0);
			break;
		case K_buf:
			len = size_after(d, args, i);
			item(&plan[n++], i, TRACE_CAP_BUF, args[i],
			     len > TRACE_STRSIZE ? TRACE_STRSIZE : len,
			     len > TRACE_STRSIZE ? TRACE_CAP_TRUNC : 0);
			break;
		}
	}
	return n;
}

/*
 * Memory and breakpoint packets: m, M, X, Z and z. The kernel has one
 * address space, so no thread is involved. A bad address is an error
 * reply from the target's read_mem/write_mem (-EFAULT), never a fault
 * here. Pure code.
 */
#include "internal.h"

/* m addr,len: as many bytes as fit one reply; gdb asks again for the rest. */
int gdb_cmd_read_mem(struct gdb_state *st, const struct gdb_args *a)
{
	u64 addr = a->num[0];
	size_t len = min_t(u64, a->num[1], GDB_REPLY_MAX / 2);
	long n;

	if (!len)
		return 0;
	if (addr + len - 1 < addr)
		return -EFAULT;                 /* wraps around */
	n = st->ops->read_mem(st->target, addr, st->scratch, len);
	if (n <= 0)
		return n < 0 ? n : -EFAULT;
	gdb_reply_hex(st, st->scratch, min_t(size_t, n, len));
	return 0;
}

static int write_mem(struct gdb_state *st, u64 addr, const u8 *data, size_t len)
{
	if (!len)
		return gdb_reply_ok(st, 0);     /* gdb probes X with a 0-byte write */
	if (addr + len - 1 < addr)
		return -EFAULT;
	return gdb_reply_ok(st, st->ops->write_mem(st->target, addr, data, len));
}

/* M addr,len:hex */
int gdb_cmd_write_mem(struct gdb_state *st, const struct gdb_args *a)
{
	u64 len = a->num[1];

	if (len > sizeof(st->scratch) || a->rest_len != 2 * len)
		return -EINVAL;
	if (gdb_hex_decode(st->scratch, a->rest, len) < 0)
		return -EINVAL;
	return write_mem(st, a->num[0], st->scratch, len);
}

/* X addr,len:binary, escaped with '}' */
int gdb_cmd_write_mem_bin(struct gdb_state *st, const struct gdb_args *a)
{
	long n = gdb_unescape(st->scratch, sizeof(st->scratch), a->rest, a->rest_len);

	if (n < 0 || (u64)n != a->num[1])
		return -EINVAL;
	return write_mem(st, a->num[0], st->scratch, n);
}

/*
 * Z/z type,addr,kind[;cond...]: an empty reply (no target support) makes
 * gdb fall back to writing int3 itself (type 0) or to software
 * watchpoints; -ENOSYS from the target means the same.
 */
static int breakpoint(struct gdb_state *st, const struct gdb_args *a, bool insert)
{
	u64 type = a->num[0];
	int err;

	if (type > GDB_WP_ACCESS || a->num[2] > 16)
		return -EINVAL;
	if (a->rest_len)
		return 0;       /* conditions and commands: never offered */
	if (!st->ops->breakpoint)
		return 0;
	err = st->ops->breakpoint(st->target, insert, type, a->num[1], a->num[2]);
	if (err == -ENOSYS)
		return 0;
	return gdb_reply_ok(st, err);
}

int gdb_cmd_insert_bp(struct gdb_state *st, const struct gdb_args *a)
{
	return breakpoint(st, a, true);
}

int gdb_cmd_remove_bp(struct gdb_state *st, const struct gdb_args *a)
{
	return breakpoint(st, a, false);
}

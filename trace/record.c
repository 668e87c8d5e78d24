/*
 * Syscall records: checking one a reader got, walking its captures, and
 * building one on the CPU thread from the capture plan (plan.c).
 */
#include <glass/errno.h>
#include "internal.h"

static const u16 min_len[TRACE_NR_TYPES] = {
	[TRACE_SYS_ENTER] = sizeof(struct trace_sys),
	[TRACE_SYS_EXIT] = sizeof(struct trace_sys_ret),
	[TRACE_FAULT] = sizeof(struct trace_fault),
	[TRACE_SWITCH] = sizeof(struct trace_switch),
	[TRACE_WAKEUP] = sizeof(struct trace_wakeup),
	[TRACE_SIGNAL_GEN] = sizeof(struct trace_signal),
	[TRACE_SIGNAL_DELIVER] = sizeof(struct trace_signal),
	[TRACE_FORK] = sizeof(struct trace_fork),
	[TRACE_EXEC] = sizeof(struct trace_exec) + 8,
	[TRACE_EXIT] = sizeof(struct trace_exit),
	[TRACE_TASK] = sizeof(struct trace_task),
	[TRACE_LOST] = sizeof(struct trace_lost),
};

/* Where a syscall record's captures start, and its argument count. */
static u32 caps_start(const struct trace_hdr *h)
{
	if (h->type == TRACE_SYS_ENTER)
		return sizeof(struct trace_sys) +
		       8 * ((const struct trace_sys *)h)->nargs;
	return sizeof(struct trace_sys_ret) +
	       8 * ((const struct trace_sys_ret *)h)->nargs;
}

static u8 ncaps(const struct trace_hdr *h)
{
	if (h->type == TRACE_SYS_ENTER)
		return ((const struct trace_sys *)h)->ncap;
	return ((const struct trace_sys_ret *)h)->ncap;
}

u32 trace_rec_valid(const void *rec, size_t size)
{
	const struct trace_hdr *h = rec;
	u32 off;
	u8 i;

	if (size < sizeof(*h) || h->type == 0 || h->type >= TRACE_NR_TYPES ||
	    h->len > size || h->len < min_len[h->type] || (h->len & 7))
		return 0;
	if (h->type == TRACE_EXEC && ((const char *)rec)[h->len - 1])
		return 0;	/* the path is NUL-terminated */
	if (h->type != TRACE_SYS_ENTER && h->type != TRACE_SYS_EXIT)
		return h->len;
	off = caps_start(h);
	if (off > h->len || ((const struct trace_sys *)h)->nargs > 6)
		return 0;
	for (i = 0; i < ncaps(h); i++) {
		const struct trace_cap *c = (const void *)((const u8 *)rec + off);

		if (off + sizeof(*c) > h->len ||
		    c->len > h->len - off - sizeof(*c))
			return 0;
		off += sizeof(*c) + TRACE_ALIGN(c->len);
	}
	return off <= h->len ? h->len : 0;
}

/* Only for records trace_rec_valid accepted. */
const struct trace_cap *trace_cap_first(const void *rec)
{
	if (!ncaps(rec))
		return NULL;
	return (const void *)((const u8 *)rec + caps_start(rec));
}

const struct trace_cap *trace_cap_next(const void *rec,
				       const struct trace_cap *c)
{
	const struct trace_cap *first = trace_cap_first(rec);
	const struct trace_cap *p;
	u8 i = 0;

	/* Count which one c is, so a record's last cap ends the walk. */
	for (p = first; p != c; i++)
		p = (const void *)((const u8 *)p + sizeof(*p) + TRACE_ALIGN(p->len));
	if (i + 1 >= ncaps(rec))
		return NULL;
	return (const void *)((const u8 *)c + sizeof(*c) + TRACE_ALIGN(c->len));
}

const struct trace_cap *trace_cap_find(const void *rec, u8 arg, u8 idx)
{
	const struct trace_cap *c = trace_cap_first(rec);
	u8 i, n = ncaps(rec);

	for (i = 0; i < n; i++) {
		if (c->arg == arg && c->idx == idx)
			return c;
		c = (const void *)((const u8 *)c + sizeof(*c) + TRACE_ALIGN(c->len));
	}
	return NULL;
}

struct builder {
	u8 *buf;
	u32 off, size;
	u8 *ncap;
	const struct trace_uaccess *ua;
};

/* Room for a capture of len data bytes (and a string's NUL probe). */
static struct trace_cap *cap_alloc(struct builder *b, u32 len)
{
	struct trace_cap *c;

	if (b->off + sizeof(*c) + TRACE_ALIGN(len + 1) > b->size)
		return NULL;
	c = (void *)(b->buf + b->off);
	return c;
}

static void cap_commit(struct builder *b, struct trace_cap *c)
{
	u32 end = b->off + sizeof(*c) + c->len, i;

	for (i = end; i < TRACE_ALIGN(end); i++)
		b->buf[i] = 0;	/* no stale bytes in the record */
	b->off = TRACE_ALIGN(end);
	(*b->ncap)++;
}

static void cap_head(struct trace_cap *c, const struct trace_plan *p)
{
	c->arg = p->arg;
	c->kind = p->kind;
	c->idx = p->idx;
	c->flags = p->flags;
	c->len = 0;
}

static void capture_str(struct builder *b, const struct trace_plan *p)
{
	struct trace_cap *c = cap_alloc(b, p->len);
	long n;

	if (!c)
		return;
	cap_head(c, p);
	n = b->ua->copy_str(b->ua->ctx, (char *)c->data, p->addr, p->len + 1);
	if (n < 0) {
		c->flags |= TRACE_CAP_FAULT;
	} else if (n > p->len) {
		c->flags |= TRACE_CAP_TRUNC;
		c->len = p->len;
	} else {
		c->len = n;
	}
	cap_commit(b, c);
}

static void capture_mem(struct builder *b, const struct trace_plan *p)
{
	struct trace_cap *c = cap_alloc(b, p->len);

	if (!c)
		return;
	cap_head(c, p);
	if (b->ua->copy(b->ua->ctx, c->data, p->addr, p->len) < 0)
		c->flags |= TRACE_CAP_FAULT;
	else
		c->len = p->len;
	cap_commit(b, c);
}

/* argv, envp: the pointers up to NULL (at most TRACE_ARRAY_MAX), then
 * each string as a capture of its own (idx = its index). */
static void capture_strv(struct builder *b, const struct trace_plan *p)
{
	struct trace_cap *c = cap_alloc(b, 8 * (TRACE_ARRAY_MAX + 1));
	struct trace_plan s = { .arg = p->arg, .kind = TRACE_CAP_STR,
				.len = TRACE_STRSIZE };
	u64 *ptr;
	u32 i, n;

	if (!c)
		return;
	cap_head(c, p);
	ptr = (u64 *)c->data;
	for (n = 0; n <= TRACE_ARRAY_MAX; n++) {
		if (b->ua->copy(b->ua->ctx, &ptr[n], p->addr + 8 * n, 8) < 0) {
			c->flags |= TRACE_CAP_FAULT;
			break;
		}
		if (!ptr[n])
			break;
	}
	if (n > TRACE_ARRAY_MAX) {
		c->flags |= TRACE_CAP_TRUNC;
		n = TRACE_ARRAY_MAX;
	}
	c->len = 8 * n;
	cap_commit(b, c);
	if (c->flags & TRACE_CAP_FAULT && !n)
		return;
	for (i = 0; i < n; i++) {
		s.addr = ptr[i];
		s.idx = i + 1;
		capture_str(b, &s);
	}
}

/* envp: only how many pointers (strace shows the address and a count). */
static void capture_count(struct builder *b, const struct trace_plan *p)
{
	struct trace_cap *c = cap_alloc(b, 4);
	u32 n;
	u64 ptr;

	if (!c)
		return;
	cap_head(c, p);
	for (n = 0; n < 0xffff; n++) {
		if (b->ua->copy(b->ua->ctx, &ptr, p->addr + 8 * n, 8) < 0) {
			c->flags |= TRACE_CAP_FAULT;
			break;
		}
		if (!ptr)
			break;
	}
	if (!(c->flags & TRACE_CAP_FAULT)) {
		*(u32 *)c->data = n;
		c->len = 4;
	}
	cap_commit(b, c);
}

/* The iovec array, then each element's data: at most TRACE_STRSIZE bytes,
 * and at exit (readv) only as much as the syscall returned in all. */
static void capture_iovec(struct builder *b, const struct trace_plan *p,
			  bool exit, s64 ret)
{
	struct trace_plan e = { .arg = p->arg, .kind = TRACE_CAP_BUF };
	struct trace_cap *c = cap_alloc(b, p->len);
	u64 left = exit ? (u64)ret : ~0ull, iov[2 * TRACE_ARRAY_MAX];
	u32 i, n;

	if (!c)
		return;
	capture_mem(b, p);
	if (c->flags & TRACE_CAP_FAULT)
		return;
	n = c->len / 16;
	for (i = 0; i < 2 * n; i++)
		iov[i] = ((const u64 *)c->data)[i];
	for (i = 0; i < n; i++) {
		u64 len = iov[2 * i + 1] < left ? iov[2 * i + 1] : left;

		left -= len;
		e.addr = iov[2 * i];
		e.idx = i + 1;
		e.len = len > TRACE_STRSIZE ? TRACE_STRSIZE : len;
		e.flags = len > TRACE_STRSIZE ? TRACE_CAP_TRUNC : 0;
		capture_mem(b, &e);
	}
}

static u32 capture(struct builder *b, u32 nr, const u64 args[6], bool exit,
		   s64 ret)
{
	struct trace_plan plan[6];
	int i, n = trace_sys_plan(nr, args, exit, ret, plan, 6);

	for (i = 0; i < n; i++) {
		switch (plan[i].kind) {
		case TRACE_CAP_STR:
			capture_str(b, &plan[i]);
			break;
		case TRACE_CAP_PTRS:
			capture_strv(b, &plan[i]);
			break;
		case TRACE_CAP_COUNT:
			capture_count(b, &plan[i]);
			break;
		case TRACE_CAP_IOVEC:
			capture_iovec(b, &plan[i], exit, ret);
			break;
		default:
			capture_mem(b, &plan[i]);
			break;
		}
	}
	return b->off;
}

static void head(struct trace_hdr *h, u8 type, u32 pid, u64 ts)
{
	h->type = type;
	h->flags = 0;
	h->len = 0;
	h->pid = pid;
	h->ts = ts;
}

static u32 build_limit(size_t size)
{
	return size < TRACE_REC_MAX ? size & ~7u : TRACE_REC_MAX;
}

/* Entry and exit records start alike (head, nr, nargs, ncap); the
 * arguments follow at argoff. */
_Static_assert(offsetof(struct trace_sys, ncap) ==
	       offsetof(struct trace_sys_ret, ncap), "sys records start alike");

static u32 build_sys(void *buf, size_t size, u8 type, u32 pid, u64 ts,
		     u32 nr, u8 nargs, u32 argoff, const u64 args[6],
		     const struct trace_uaccess *ua, s64 ret)
{
	struct trace_sys *s = buf;
	struct builder b = { buf, 0, build_limit(size), &s->ncap, ua };
	u64 *dst = (u64 *)((u8 *)buf + argoff);
	u8 i;

	if (b.size < argoff + 48)
		return 0;
	head(&s->h, type, pid, ts);
	s->nr = nr;
	s->nargs = nargs;
	s->ncap = 0;
	s->pad = 0;
	for (i = 0; i < nargs; i++)
		dst[i] = args[i];
	b.off = argoff + 8 * nargs;
	s->h.len = capture(&b, nr, args, type == TRACE_SYS_EXIT, ret);
	return s->h.len;
}

u32 trace_build_sys_enter(void *buf, size_t size, u32 pid, u64 ts, u32 nr,
			  const u64 args[6], const struct trace_uaccess *ua)
{
	const struct sys_desc *d = trace_sys_desc(nr);

	return build_sys(buf, size, TRACE_SYS_ENTER, pid, ts, nr,
			 d ? d->nargs : 6, sizeof(struct trace_sys), args, ua, 0);
}

u32 trace_build_sys_exit(void *buf, size_t size, u32 pid, u64 ts, u32 nr,
			 const u64 args[6], s64 ret, u64 dur,
			 const struct trace_uaccess *ua)
{
	const struct sys_desc *d = trace_sys_desc(nr);
	struct trace_sys_ret *s = buf;
	u32 len;

	len = build_sys(buf, size, TRACE_SYS_EXIT, pid, ts, nr,
			d && trace_sys_has_exit_args(nr) ? d->nargs : 0,
			sizeof(*s), args, ua, ret);
	if (len) {
		s->ret = ret;
		s->dur = dur;
	}
	return len;
}

u32 trace_build_exec(void *buf, size_t size, u32 pid, u64 ts,
		     const char *comm, const char *path)
{
	struct trace_exec *e = buf;
	u32 limit = build_limit(size), n = 0, i;

	if (limit < sizeof(*e) + 8)
		return 0;
	head(&e->h, TRACE_EXEC, pid, ts);
	for (i = 0; i < TRACE_COMM_LEN; i++)
		e->comm[i] = 0;
	for (i = 0; i < TRACE_COMM_LEN - 1 && comm[i]; i++)
		e->comm[i] = comm[i];
	while (path[n] && sizeof(*e) + n + 1 < limit)
		e->path[n] = path[n], n++;
	e->h.len = TRACE_ALIGN(sizeof(*e) + n + 1);
	for (i = n; sizeof(*e) + i < e->h.len; i++)
		e->path[i] = 0;
	return e->h.len;
}

/*
 * Execution control: c, C, s, S and vCont. All-stop: every resume ends in
 * one stop reply, sent by gdb_stopped() when the kernel stops again, so
 * these handlers send nothing. Glass has one CPU thread, so "step thread
 * N" means step the CPU with task N current; the target refuses (-EPERM)
 * to step a task that is not running. Pure code.
 */
#include "internal.h"

/* Optional "addr" after c or s, or ";addr" after C sig / S sig: resume there. */
static int set_resume_addr(struct gdb_state *st, long tid, const char *p, size_t len)
{
	struct gdb_regs *r = (struct gdb_regs *)st->scratch;
	size_t used;
	u64 addr;

	if (!len)
		return 0;
	if (gdb_parse_hex(p, len, &addr, &used) || used != len)
		return -EINVAL;
	gdb_memzero(r, sizeof(*r));
	r->rip = addr;
	r->valid = GDB_REG_BIT(GDB_RIP);
	return st->ops->write_regs(st->target, tid, r);
}

static int resume(struct gdb_state *st, enum gdb_resume_how how, long tid, int sig)
{
	int err = st->ops->resume(st->target, how, tid, sig);

	if (err)
		return err;
	st->running = true;
	return GDB_NO_REPLY;
}

static int cont_or_step(struct gdb_state *st, const struct gdb_args *a,
			enum gdb_resume_how how, int sig, const char *p, size_t len)
{
	long tid = gdb_resolve_tid(st, st->c_tid);      /* Hc: the thread resumed */
	int err = set_resume_addr(st, tid, p, len);

	if (err)
		return err;
	return resume(st, how, how == GDB_RESUME_STEP ? tid : 0, sig);
}

int gdb_cmd_continue(struct gdb_state *st, const struct gdb_args *a)
{
	return cont_or_step(st, a, GDB_RESUME_CONTINUE, 0, a->rest, a->rest_len);
}

int gdb_cmd_step(struct gdb_state *st, const struct gdb_args *a)
{
	return cont_or_step(st, a, GDB_RESUME_STEP, 0, a->rest, a->rest_len);
}

/* "C sig[;addr]" and "S sig[;addr]": the rest is empty or ";addr". */
static int with_sig(struct gdb_state *st, const struct gdb_args *a, enum gdb_resume_how how)
{
	if (a->num[0] > 0xff)
		return -EINVAL;
	if (a->rest_len && a->rest[0] != ';')
		return -EINVAL;
	if (a->rest_len == 1)
		return -EINVAL;
	return cont_or_step(st, a, how, a->num[0], a->rest + !!a->rest_len,
			    a->rest_len ? a->rest_len - 1 : 0);
}

int gdb_cmd_continue_sig(struct gdb_state *st, const struct gdb_args *a)
{
	return with_sig(st, a, GDB_RESUME_CONTINUE);
}

int gdb_cmd_step_sig(struct gdb_state *st, const struct gdb_args *a)
{
	return with_sig(st, a, GDB_RESUME_STEP);
}

int gdb_cmd_vcont_query(struct gdb_state *st, const struct gdb_args *a)
{
	/* gdb drops vCont unless both c and C are listed. */
	gdb_reply_str(st, "vCont;c;C;s;S;t");
	return 0;
}

/*
 * vCont;ACTION[:tid][;ACTION[:tid]]...: the first action that applies to
 * a thread wins, as gdb means it. With one CPU only one thing can
 * happen: a step of the thread a step action names (or of the current
 * thread), else a continue; "t" alone is a stop, which in all-stop mode
 * finds the kernel already stopped.
 */
int gdb_cmd_vcont(struct gdb_state *st, const struct gdb_args *a)
{
	const char *p = a->rest, *end = a->rest + a->rest_len;
	bool step = false, cont = false;
	long step_tid = 0;
	int sig = 0;

	if (p == end)
		return -EINVAL;
	while (p < end) {
		char act = *p++;
		u64 sigv = 0, t;
		long tid = 0;
		size_t used;

		if (act == 'C' || act == 'S') {
			if (gdb_parse_hex(p, end - p, &sigv, &used) || sigv > 0xff)
				return -EINVAL;
			p += used;
		} else if (act != 'c' && act != 's' && act != 't') {
			return -EINVAL;
		}
		if (p < end && *p == ':') {
			p++;
			if (end - p >= 2 && p[0] == '-' && p[1] == '1') {
				tid = -1;
				p += 2;
			} else {
				if (gdb_parse_hex(p, end - p, &t, &used) || t > LONG_MAX)
					return -EINVAL;
				tid = t;
				p += used;
			}
		}
		if (p < end) {
			if (*p != ';' || ++p == end)
				return -EINVAL;
		}
		if ((act == 's' || act == 'S') && !step) {
			step = true;
			step_tid = tid;
			sig = sigv;
		} else if ((act == 'c' || act == 'C') && !cont) {
			cont = true;
			if (!step)
				sig = sigv;
		}
	}
	if (step)
		return resume(st, GDB_RESUME_STEP, gdb_resolve_tid(st, step_tid), sig);
	if (cont)
		return resume(st, GDB_RESUME_CONTINUE, 0, sig);
	return gdb_reply_ok(st, 0);
}

/*
 * x86-64 registers for gdb: one table gives each register's name, size,
 * type and place in struct gdb_regs, and both the target description
 * (target.xml) and the g/G/p/P packets are generated from it, so they
 * cannot disagree. Features: org.gnu.gdb.i386.core, .sse and .segments;
 * never .linux (with it gdb would ignore the library list). Pure code.
 */
#include <stddef.h>
#include "internal.h"

struct gdb_reg {
	const char *name;
	u8 size;                /* bytes */
	u8 feature;             /* index in features[] */
	u16 offset;             /* in struct gdb_regs */
	const char *type;
	const char *group;      /* NULL: gdb's default */
};

enum { F_CORE, F_SSE, F_SEGMENTS };

#define R(n, field, ty, grp, feat) \
	{ n, sizeof(((struct gdb_regs *)0)->field), feat, offsetof(struct gdb_regs, field), ty, grp }
#define GPR(n, i, ty) R(n, gpr[i], ty, NULL, F_CORE)
#define SEG(n, i) R(n, seg[i], "int32", NULL, F_CORE)
#define ST(i) R("st" #i, st[i], "i387_ext", NULL, F_CORE)
#define FPU(n, i) R(n, fpu[i], "int", "float", F_CORE)
#define XMM(i) R("xmm" #i, xmm[i], "vec128", NULL, F_SSE)

static const struct gdb_reg regs[GDB_NR_REGS] = {
	GPR("rax", 0, "int64"), GPR("rbx", 1, "int64"), GPR("rcx", 2, "int64"),
	GPR("rdx", 3, "int64"), GPR("rsi", 4, "int64"), GPR("rdi", 5, "int64"),
	GPR("rbp", 6, "data_ptr"), GPR("rsp", 7, "data_ptr"),
	GPR("r8", 8, "int64"), GPR("r9", 9, "int64"), GPR("r10", 10, "int64"),
	GPR("r11", 11, "int64"), GPR("r12", 12, "int64"), GPR("r13", 13, "int64"),
	GPR("r14", 14, "int64"), GPR("r15", 15, "int64"),
	R("rip", rip, "code_ptr", NULL, F_CORE),
	R("eflags", eflags, "i386_eflags", NULL, F_CORE),
	SEG("cs", 0), SEG("ss", 1), SEG("ds", 2), SEG("es", 3), SEG("fs", 4), SEG("gs", 5),
	ST(0), ST(1), ST(2), ST(3), ST(4), ST(5), ST(6), ST(7),
	FPU("fctrl", 0), FPU("fstat", 1), FPU("ftag", 2), FPU("fiseg", 3),
	FPU("fioff", 4), FPU("foseg", 5), FPU("fooff", 6), FPU("fop", 7),
	XMM(0), XMM(1), XMM(2), XMM(3), XMM(4), XMM(5), XMM(6), XMM(7),
	XMM(8), XMM(9), XMM(10), XMM(11), XMM(12), XMM(13), XMM(14), XMM(15),
	R("mxcsr", mxcsr, "i386_mxcsr", "vector", F_SSE),
	R("fs_base", fs_base, "int", NULL, F_SEGMENTS),
	R("gs_base", gs_base, "int", NULL, F_SEGMENTS),
};

BUILD_BUG_ON(GDB_NR_REGS != 59);

/* Each feature: its name and the types its registers use. */
static const struct {
	const char *name;
	const char *types;
} features[] = {
	[F_CORE] = { "org.gnu.gdb.i386.core",
		"<flags id=\"i386_eflags\" size=\"4\">"
		"<field name=\"CF\" start=\"0\" end=\"0\"/>"
		"<field name=\"PF\" start=\"2\" end=\"2\"/>"
		"<field name=\"AF\" start=\"4\" end=\"4\"/>"
		"<field name=\"ZF\" start=\"6\" end=\"6\"/>"
		"<field name=\"SF\" start=\"7\" end=\"7\"/>"
		"<field name=\"TF\" start=\"8\" end=\"8\"/>"
		"<field name=\"IF\" start=\"9\" end=\"9\"/>"
		"<field name=\"DF\" start=\"10\" end=\"10\"/>"
		"<field name=\"OF\" start=\"11\" end=\"11\"/>"
		"<field name=\"NT\" start=\"14\" end=\"14\"/>"
		"<field name=\"RF\" start=\"16\" end=\"16\"/>"
		"<field name=\"VM\" start=\"17\" end=\"17\"/>"
		"<field name=\"AC\" start=\"18\" end=\"18\"/>"
		"<field name=\"VIF\" start=\"19\" end=\"19\"/>"
		"<field name=\"VIP\" start=\"20\" end=\"20\"/>"
		"<field name=\"ID\" start=\"21\" end=\"21\"/>"
		"</flags>\n" },
	[F_SSE] = { "org.gnu.gdb.i386.sse",
		"<vector id=\"v4f\" type=\"ieee_single\" count=\"4\"/>"
		"<vector id=\"v2d\" type=\"ieee_double\" count=\"2\"/>"
		"<vector id=\"v16i8\" type=\"int8\" count=\"16\"/>"
		"<vector id=\"v8i16\" type=\"int16\" count=\"8\"/>"
		"<vector id=\"v4i32\" type=\"int32\" count=\"4\"/>"
		"<vector id=\"v2i64\" type=\"int64\" count=\"2\"/>"
		"<union id=\"vec128\">"
		"<field name=\"v4_float\" type=\"v4f\"/>"
		"<field name=\"v2_double\" type=\"v2d\"/>"
		"<field name=\"v16_int8\" type=\"v16i8\"/>"
		"<field name=\"v8_int16\" type=\"v8i16\"/>"
		"<field name=\"v4_int32\" type=\"v4i32\"/>"
		"<field name=\"v2_int64\" type=\"v2i64\"/>"
		"<field name=\"uint128\" type=\"uint128\"/>"
		"</union>"
		"<flags id=\"i386_mxcsr\" size=\"4\">"
		"<field name=\"IE\" start=\"0\" end=\"0\"/>"
		"<field name=\"DE\" start=\"1\" end=\"1\"/>"
		"<field name=\"ZE\" start=\"2\" end=\"2\"/>"
		"<field name=\"OE\" start=\"3\" end=\"3\"/>"
		"<field name=\"UE\" start=\"4\" end=\"4\"/>"
		"<field name=\"PE\" start=\"5\" end=\"5\"/>"
		"<field name=\"DAZ\" start=\"6\" end=\"6\"/>"
		"<field name=\"IM\" start=\"7\" end=\"7\"/>"
		"<field name=\"DM\" start=\"8\" end=\"8\"/>"
		"<field name=\"ZM\" start=\"9\" end=\"9\"/>"
		"<field name=\"OM\" start=\"10\" end=\"10\"/>"
		"<field name=\"UM\" start=\"11\" end=\"11\"/>"
		"<field name=\"PM\" start=\"12\" end=\"12\"/>"
		"<field name=\"FZ\" start=\"15\" end=\"15\"/>"
		"</flags>\n" },
	[F_SEGMENTS] = { "org.gnu.gdb.i386.segments", "" },
};

unsigned gdb_reg_size(unsigned n)
{
	return n < GDB_NR_REGS ? regs[n].size : 0;
}

const char *gdb_reg_name(unsigned n)
{
	return n < GDB_NR_REGS ? regs[n].name : NULL;
}

void gdb_write_target_xml(struct gdb_xml *w)
{
	int feat = -1;

	gdb_xml_puts(w, "<?xml version=\"1.0\"?>\n"
		 "<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
		 "<target version=\"1.0\">\n"
		 "<architecture>i386:x86-64</architecture>\n");
	for (unsigned n = 0; n < GDB_NR_REGS; n++) {
		const struct gdb_reg *r = &regs[n];

		if (r->feature != feat) {
			if (feat >= 0)
				gdb_xml_puts(w, "</feature>\n");
			feat = r->feature;
			gdb_xml_puts(w, "<feature name=\"");
			gdb_xml_puts(w, features[feat].name);
			gdb_xml_puts(w, "\">\n");
			gdb_xml_puts(w, features[feat].types);
		}
		gdb_xml_puts(w, "<reg name=\"");
		gdb_xml_puts(w, r->name);
		gdb_xml_puts(w, "\" bitsize=\"");
		gdb_xml_put_dec(w, r->size * 8);
		gdb_xml_puts(w, "\" type=\"");
		gdb_xml_puts(w, r->type);
		gdb_xml_puts(w, "\" regnum=\"");
		gdb_xml_put_dec(w, n);
		if (r->group) {
			gdb_xml_puts(w, "\" group=\"");
			gdb_xml_puts(w, r->group);
		}
		gdb_xml_puts(w, "\"/>\n");
	}
	gdb_xml_puts(w, "</feature>\n</target>\n");
}

/* Append register n of regs to the reply: hex bytes, or "xx" each if unknown. */
static void reply_reg(struct gdb_state *st, const struct gdb_regs *r, unsigned n)
{
	const struct gdb_reg *d = &regs[n];

	if (r->valid & GDB_REG_BIT(n)) {
		gdb_reply_hex(st, (const u8 *)r + d->offset, d->size);
	} else {
		for (unsigned i = 0; i < d->size; i++)
			gdb_reply_bytes(st, "xx", 2);
	}
}

/*
 * Decode register n's hex at p (2 * size chars) into r. "xx" for every
 * byte leaves it unchanged (not valid). Returns 0, or -EINVAL.
 */
static int parse_reg(struct gdb_regs *r, unsigned n, const char *p)
{
	const struct gdb_reg *d = &regs[n];
	bool unknown = true;

	for (unsigned i = 0; i < 2u * d->size; i++)
		if (p[i] != 'x')
			unknown = false;
	if (unknown)
		return 0;
	if (gdb_hex_decode((u8 *)r + d->offset, p, d->size) < 0)
		return -EINVAL;
	r->valid |= GDB_REG_BIT(n);
	return 0;
}

/* The regs buffer lives in scratch: it is as big as everything else. */
static struct gdb_regs *scratch_regs(struct gdb_state *st)
{
	BUILD_BUG_ON(sizeof(struct gdb_regs) > sizeof(st->scratch));
	gdb_memzero(st->scratch, sizeof(struct gdb_regs));
	return (struct gdb_regs *)st->scratch;
}

int gdb_cmd_read_regs(struct gdb_state *st, const struct gdb_args *a)
{
	struct gdb_regs *r = scratch_regs(st);
	int err = st->ops->read_regs(st->target, gdb_resolve_tid(st, st->g_tid), r);

	if (err)
		return err;
	for (unsigned n = 0; n < GDB_NR_REGS; n++)
		reply_reg(st, r, n);
	return 0;
}

int gdb_cmd_write_regs(struct gdb_state *st, const struct gdb_args *a)
{
	struct gdb_regs *r = scratch_regs(st);
	const char *p = a->rest;

	if (a->rest_len != 2 * GDB_G_BYTES)
		return -EINVAL;
	for (unsigned n = 0; n < GDB_NR_REGS; n++) {
		if (parse_reg(r, n, p))
			return -EINVAL;
		p += 2 * regs[n].size;
	}
	return gdb_reply_ok(st, st->ops->write_regs(st->target, gdb_resolve_tid(st, st->g_tid), r));
}

int gdb_cmd_read_reg(struct gdb_state *st, const struct gdb_args *a)
{
	struct gdb_regs *r;
	int err;

	if (a->num[0] >= GDB_NR_REGS)
		return -EINVAL;
	r = scratch_regs(st);
	err = st->ops->read_regs(st->target, gdb_resolve_tid(st, st->g_tid), r);
	if (err)
		return err;
	reply_reg(st, r, a->num[0]);
	return 0;
}

int gdb_cmd_write_reg(struct gdb_state *st, const struct gdb_args *a)
{
	struct gdb_regs *r;
	unsigned n;

	if (a->num[0] >= GDB_NR_REGS)
		return -EINVAL;
	n = a->num[0];
	if (a->rest_len != 2u * regs[n].size)
		return -EINVAL;
	r = scratch_regs(st);
	if (parse_reg(r, n, a->rest))
		return -EINVAL;
	if (!r->valid)
		return -EINVAL;                 /* "P n=xx..": nothing to write */
	return gdb_reply_ok(st, st->ops->write_regs(st->target, gdb_resolve_tid(st, st->g_tid), r));
}

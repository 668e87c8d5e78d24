/*
 * gmon.out, the file gprof reads, as glibc writes it (gmon_out.h, version
 * 1): a header, one time-histogram record, then one record per call-graph
 * arc. Integers are the host's (little-endian, 64-bit addresses). Pure: no
 * host call, no allocation; a NULL or short buffer only measures.
 */
#include <glass/profile_format.h>

#define GMON_VERSION 1
#define GMON_TAG_TIME_HIST 0
#define GMON_TAG_CG_ARC 1

struct out {
	u8 *buf;
	size_t size, len;
};

static void put(struct out *o, const void *p, size_t n)
{
	const u8 *s = p;

	for (size_t i = 0; i < n; i++, o->len++)
		if (o->buf && o->len < o->size)
			o->buf[o->len] = s[i];
}

static void put_u8(struct out *o, u8 v)
{
	put(o, &v, 1);
}

static void put_u32(struct out *o, u32 v)
{
	put(o, &v, 4);
}

static void put_u64(struct out *o, u64 v)
{
	put(o, &v, 8);
}

size_t gmon_encode(u8 *buf, size_t size, const struct gmon_hist *h,
		   const struct gmon_arc *arcs, u32 nr_arcs)
{
	static const char dimen[15] = "seconds";
	static const u8 spare[12];
	struct out o = { buf, size, 0 };

	put(&o, "gmon", 4);
	put_u32(&o, GMON_VERSION);
	put(&o, spare, sizeof(spare));

	put_u8(&o, GMON_TAG_TIME_HIST);
	put_u64(&o, h->lowpc);
	put_u64(&o, h->highpc);
	put_u32(&o, h->nr);
	put_u32(&o, h->rate);
	put(&o, dimen, sizeof(dimen));
	put_u8(&o, 's');
	put(&o, h->counts, (size_t)h->nr * sizeof(h->counts[0]));

	for (u32 i = 0; i < nr_arcs; i++) {
		/* gprof's arc count is 32 bits: saturate rather than wrap. */
		u64 c = arcs[i].count;

		put_u8(&o, GMON_TAG_CG_ARC);
		put_u64(&o, arcs[i].from);
		put_u64(&o, arcs[i].self);
		put_u32(&o, c > 0x7fffffff ? 0x7fffffff : (u32)c);
	}
	return o.len;
}

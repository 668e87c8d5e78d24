/*
 * pprof's profile.proto, encoded by hand: protobuf is varints and
 * length-prefixed fields, and a profile needs five message types. `go tool
 * pprof` and pprof's web UI read it uncompressed (they gunzip only what
 * starts with gzip's magic). Every message's length is computed before it
 * is written, so one pass writes it; a NULL or short buffer only measures.
 * Pure: no host call, no allocation.
 *
 * Layout: string_table[0] is "", then the fixed strings below, then one
 * per name; function and location i + 1 stand for name i.
 */
#include <glass/profile_format.h>
#include <glass/string.h>

enum {  /* profile.proto field numbers */
	PROFILE_SAMPLE_TYPE = 1, PROFILE_SAMPLE = 2, PROFILE_LOCATION = 4,
	PROFILE_FUNCTION = 5, PROFILE_STRING_TABLE = 6, PROFILE_DURATION = 10,
	PROFILE_PERIOD_TYPE = 11, PROFILE_PERIOD = 12,
	VALUE_TYPE_TYPE = 1, VALUE_TYPE_UNIT = 2,
	SAMPLE_LOCATION_ID = 1, SAMPLE_VALUE = 2,
	LOCATION_ID = 1, LOCATION_LINE = 4, LINE_FUNCTION_ID = 1,
	FUNCTION_ID = 1, FUNCTION_NAME = 2, FUNCTION_SYSTEM_NAME = 3,
	FUNCTION_FILENAME = 4,
};
enum { VARINT = 0, LEN = 2 };

static const char *const fixed[] = {
	"", "samples", "count", "cpu", "nanoseconds", "[task]", "[user]", "[kernel]",
};
enum { S_SAMPLES = 1, S_COUNT, S_CPU, S_NANOSECONDS, S_KIND0, NR_FIXED = 8 };

struct pb {
	u8 *buf;
	size_t size, len;
};

static void put(struct pb *b, u8 c)
{
	if (b->buf && b->len < b->size)
		b->buf[b->len] = c;
	b->len++;
}

static size_t varint_len(u64 v)
{
	size_t n = 1;

	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

static void varint(struct pb *b, u64 v)
{
	while (v >= 0x80) {
		put(b, (u8)(v | 0x80));
		v >>= 7;
	}
	put(b, (u8)v);
}

static void key(struct pb *b, unsigned field, unsigned wire)
{
	varint(b, field << 3 | wire);
}

/* A varint field's encoded size (key of one byte: fields < 16). */
static size_t vfield_len(u64 v)
{
	return 1 + varint_len(v);
}

static void vfield(struct pb *b, unsigned field, u64 v)
{
	key(b, field, VARINT);
	varint(b, v);
}

/* A length-delimited field's size, given its content's. */
static size_t lfield_len(size_t n)
{
	return 1 + varint_len(n) + n;
}

static void lfield_start(struct pb *b, unsigned field, size_t n)
{
	key(b, field, LEN);
	varint(b, n);
}

static void string(struct pb *b, const char *s)
{
	size_t n = strlen(s);

	lfield_start(b, PROFILE_STRING_TABLE, n);
	for (size_t i = 0; i < n; i++)
		put(b, (u8)s[i]);
}

static size_t value_type_len(u64 type, u64 unit)
{
	return vfield_len(type) + vfield_len(unit);
}

static void value_type(struct pb *b, unsigned field, u64 type, u64 unit)
{
	lfield_start(b, field, value_type_len(type, unit));
	vfield(b, VALUE_TYPE_TYPE, type);
	vfield(b, VALUE_TYPE_UNIT, unit);
}

/* Sample: location ids leaf first, packed; values [count, count * period]. */
static size_t locs_len(const struct prof_data *p, const struct prof_stack *s)
{
	size_t n = 0;

	for (u32 i = 0; i < s->nr; i++)
		n += varint_len((u64)p->frames[s->first + i] + 1);
	return n;
}

static size_t values_len(const struct prof_data *p, const struct prof_stack *s)
{
	return varint_len(s->count) + varint_len(s->count * p->period_ns);
}

static size_t sample_len(const struct prof_data *p, const struct prof_stack *s)
{
	return lfield_len(locs_len(p, s)) + lfield_len(values_len(p, s));
}

static void sample(struct pb *b, const struct prof_data *p, const struct prof_stack *s)
{
	lfield_start(b, PROFILE_SAMPLE, sample_len(p, s));
	lfield_start(b, SAMPLE_LOCATION_ID, locs_len(p, s));
	for (u32 i = s->nr; i--; )
		varint(b, (u64)p->frames[s->first + i] + 1);
	lfield_start(b, SAMPLE_VALUE, values_len(p, s));
	varint(b, s->count);
	varint(b, s->count * p->period_ns);
}

static size_t line_len(u64 id)
{
	return vfield_len(id);
}

static size_t location_len(u64 id)
{
	return vfield_len(id) + lfield_len(line_len(id));
}

static void location(struct pb *b, u64 id)
{
	lfield_start(b, PROFILE_LOCATION, location_len(id));
	vfield(b, LOCATION_ID, id);
	lfield_start(b, LOCATION_LINE, line_len(id));
	vfield(b, LINE_FUNCTION_ID, id);
}

static size_t function_len(u64 id, u64 name, u64 file)
{
	return vfield_len(id) + 2 * vfield_len(name) + vfield_len(file);
}

static void function(struct pb *b, u64 id, u64 name, u64 file)
{
	lfield_start(b, PROFILE_FUNCTION, function_len(id, name, file));
	vfield(b, FUNCTION_ID, id);
	vfield(b, FUNCTION_NAME, name);
	vfield(b, FUNCTION_SYSTEM_NAME, name);
	vfield(b, FUNCTION_FILENAME, file);
}

size_t prof_pprof_encode(u8 *buf, size_t size, const struct prof_data *p)
{
	struct pb b = { buf, size, 0 };

	value_type(&b, PROFILE_SAMPLE_TYPE, S_SAMPLES, S_COUNT);
	value_type(&b, PROFILE_SAMPLE_TYPE, S_CPU, S_NANOSECONDS);
	for (u32 i = 0; i < p->nr_stacks; i++)
		sample(&b, p, &p->stacks[i]);
	for (u32 i = 0; i < p->nr_names; i++)
		location(&b, (u64)i + 1);
	for (u32 i = 0; i < p->nr_names; i++) {
		u8 kind = p->kinds[i] <= PROF_KERNEL ? p->kinds[i] : PROF_KERNEL;

		function(&b, (u64)i + 1, (u64)i + NR_FIXED, S_KIND0 + kind);
	}
	for (unsigned i = 0; i < NR_FIXED; i++)
		string(&b, fixed[i]);
	for (u32 i = 0; i < p->nr_names; i++)
		string(&b, p->names[i]);
	vfield(&b, PROFILE_DURATION, p->duration_ns);
	value_type(&b, PROFILE_PERIOD_TYPE, S_CPU, S_NANOSECONDS);
	vfield(&b, PROFILE_PERIOD, p->period_ns);
	return b.len;
}

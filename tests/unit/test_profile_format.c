/*
 * The profiler's pure formats (profiling/): folded-stack lines, pprof's
 * profile.proto (decoded here field by field with a small protobuf
 * reader, not with the encoder's own helpers), gmon.out (offsets from
 * glibc's gmon_out.h: a 20-byte header, a 1-byte tag and 40-byte
 * histogram header, 2-byte bins, then 1 + 20 bytes per arc), and the
 * `profile start` arguments.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "kernel_in_host.h"
#include <glass/errno.h>
#include <glass/profile_format.h>
#include "check_run.h"

/* task;user_fn;[kernel];sys_read;pipe_read 42 and task;[kernel];schedule 3 */
static const char *const names[] = { "cat", "user_fn", "[kernel]", "sys_read", "pipe_read",
				     "schedule", "odd name;x" };
static const u8 kinds[] = { PROF_TASK, PROF_USER, PROF_KERNEL, PROF_KERNEL, PROF_KERNEL,
			    PROF_KERNEL, PROF_USER };
static const u32 frames[] = { 0, 1, 2, 3, 4, 0, 2, 5, 0, 6 };
static const struct prof_stack stacks[] = { { 0, 5, 42 }, { 5, 3, 3 }, { 8, 2, 1 } };
static const struct prof_data data = {
	names, kinds, 7, frames, stacks, 3, 1000000, 2000000000,
};

START_TEST(folded_lines)
{
	char buf[128];

	ck_assert_uint_eq(prof_folded_line(buf, sizeof(buf), &data, &stacks[0]), 43);
	ck_assert_str_eq(buf, "cat;user_fn;[kernel];sys_read;pipe_read 42\n");
	ck_assert_uint_eq(prof_folded_line(buf, sizeof(buf), &data, &stacks[1]), 24);
	ck_assert_str_eq(buf, "cat;[kernel];schedule 3\n");
	/* The format's separators inside a name would split it. */
	prof_folded_line(buf, sizeof(buf), &data, &stacks[2]);
	ck_assert_str_eq(buf, "cat;odd_name_x 1\n");
}
END_TEST

START_TEST(folded_short_buffer)
{
	char buf[8];

	/* The full length, and a NUL-terminated prefix. */
	ck_assert_uint_eq(prof_folded_line(buf, sizeof(buf), &data, &stacks[1]), 24);
	ck_assert_str_eq(buf, "cat;[ke");
	ck_assert_uint_eq(prof_folded_line(NULL, 0, &data, &stacks[0]), 43);
}
END_TEST

/* ---- a protobuf reader: enough of the wire format for profile.proto ---- */
struct rd {
	const u8 *p, *end;
};

static u64 rd_varint(struct rd *r)
{
	u64 v = 0;
	int shift = 0;

	for (;;) {
		ck_assert(r->p < r->end);
		u8 b = *r->p++;
		v |= (u64)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return v;
		shift += 7;
		ck_assert_int_lt(shift, 64);
	}
}

/* The next field: its number, and either its varint or its bytes. */
static bool rd_field(struct rd *r, unsigned *field, u64 *v, struct rd *sub)
{
	u64 key;

	if (r->p == r->end)
		return false;
	key = rd_varint(r);
	*field = key >> 3;
	if ((key & 7) == 0) {
		*v = rd_varint(r);
		return true;
	}
	ck_assert_uint_eq(key & 7, 2);
	*v = rd_varint(r);
	ck_assert_uint_le(*v, (u64)(r->end - r->p));
	sub->p = r->p;
	sub->end = r->p + *v;
	r->p += *v;
	return true;
}

struct decoded {
	char strings[32][32];
	unsigned nr_strings;
	u64 fn_name[16];                /* by function id */
	u64 fn_file[16];
	u64 loc_fn[16];                 /* by location id */
	u64 sample_locs[8][8], sample_vals[8][2];
	unsigned sample_nlocs[8], nr_samples, nr_sample_types, nr_locations, nr_functions;
	u64 period, duration;
};

static void decode(const u8 *buf, size_t len, struct decoded *d)
{
	struct rd r = { buf, buf + len }, s, t;
	unsigned f, g, h;
	u64 v, w, x;

	memset(d, 0, sizeof(*d));
	while (rd_field(&r, &f, &v, &s)) {
		switch (f) {
		case 1:
			d->nr_sample_types++;
			break;
		case 2: {
			unsigned i = d->nr_samples++;

			while (rd_field(&s, &g, &w, &t)) {
				struct rd q = t;

				if (g == 1)
					while (q.p < q.end)
						d->sample_locs[i][d->sample_nlocs[i]++] = rd_varint(&q);
				if (g == 2) {
					d->sample_vals[i][0] = rd_varint(&q);
					d->sample_vals[i][1] = rd_varint(&q);
				}
			}
			break;
		}
		case 4: {
			u64 id = 0, fn = 0;

			d->nr_locations++;
			while (rd_field(&s, &g, &w, &t)) {
				if (g == 1)
					id = w;
				if (g == 4)
					while (rd_field(&t, &h, &x, &(struct rd){ 0 }))
						if (h == 1)
							fn = x;
			}
			d->loc_fn[id] = fn;
			break;
		}
		case 5: {
			u64 id = 0, name = 0, file = 0;

			d->nr_functions++;
			while (rd_field(&s, &g, &w, &t)) {
				if (g == 1)
					id = w;
				if (g == 2)
					name = w;
				if (g == 4)
					file = w;
			}
			d->fn_name[id] = name;
			d->fn_file[id] = file;
			break;
		}
		case 6:
			ck_assert_uint_lt(v, 32);
			memcpy(d->strings[d->nr_strings], s.p, v);
			d->strings[d->nr_strings++][v] = 0;
			break;
		case 10:
			d->duration = v;
			break;
		case 12:
			d->period = v;
			break;
		}
	}
}

/* The name a sample's location resolves to. */
static const char *loc_name(const struct decoded *d, u64 loc)
{
	return d->strings[d->fn_name[d->loc_fn[loc]]];
}

START_TEST(pprof_profile)
{
	static u8 buf[4096];
	struct decoded d;
	size_t len = prof_pprof_encode(NULL, 0, &data);

	ck_assert_uint_lt(len, sizeof(buf));
	ck_assert_uint_eq(prof_pprof_encode(buf, sizeof(buf), &data), len);
	decode(buf, len, &d);
	ck_assert_str_eq(d.strings[0], "");
	ck_assert_uint_eq(d.nr_sample_types, 2);
	ck_assert_uint_eq(d.nr_samples, 3);
	ck_assert_uint_eq(d.nr_locations, 7);
	ck_assert_uint_eq(d.nr_functions, 7);
	/* Leaf first, as pprof wants. */
	ck_assert_uint_eq(d.sample_nlocs[0], 5);
	ck_assert_str_eq(loc_name(&d, d.sample_locs[0][0]), "pipe_read");
	ck_assert_str_eq(loc_name(&d, d.sample_locs[0][1]), "sys_read");
	ck_assert_str_eq(loc_name(&d, d.sample_locs[0][3]), "user_fn");
	ck_assert_str_eq(loc_name(&d, d.sample_locs[0][4]), "cat");
	ck_assert_uint_eq(d.sample_vals[0][0], 42);
	ck_assert_uint_eq(d.sample_vals[0][1], 42 * 1000000ULL);
	ck_assert_str_eq(loc_name(&d, d.sample_locs[1][0]), "schedule");
	ck_assert_str_eq(d.strings[d.fn_file[2]], "[user]");
	ck_assert_str_eq(d.strings[d.fn_file[4]], "[kernel]");
	ck_assert_uint_eq(d.period, 1000000);
	ck_assert_uint_eq(d.duration, 2000000000);
	/* Names keep their bytes in pprof (only folded lines replace). */
	ck_assert_str_eq(d.strings[d.fn_name[7]], "odd name;x");
}
END_TEST

START_TEST(pprof_short_buffer)
{
	static u8 buf[4096], part[100];
	size_t len = prof_pprof_encode(buf, sizeof(buf), &data);

	/* A short buffer gets the same first bytes, and nothing past it. */
	memset(part, 0xee, sizeof(part));
	ck_assert_uint_eq(prof_pprof_encode(part, 64, &data), len);
	ck_assert_mem_eq(part, buf, 64);
	ck_assert_uint_eq(part[64], 0xee);
}
END_TEST

/* n bytes at p, little-endian. */
static u64 le(const u8 *p, int n)
{
	u64 v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

START_TEST(gmon_layout)
{
	static const u16 counts[] = { 1, 2, 3 };
	static const struct gmon_arc arcs[] = {
		{ 0x401000, 0x402005, 7 }, { 0x401010, 0x403005, 0x1234567890ULL },
	};
	const struct gmon_hist h = { 0x400000, 0x40000c, counts, 3, 100 };
	u8 buf[256];
	size_t len = gmon_encode(buf, sizeof(buf), &h, arcs, 2);

	ck_assert_uint_eq(len, 20 + 1 + 40 + 6 + 2 * 21);
	ck_assert_mem_eq(buf, "gmon\1\0\0\0", 8);
	ck_assert_uint_eq(buf[20], 0);                  /* GMON_TAG_TIME_HIST */
	ck_assert_uint_eq(le(buf + 21, 8), 0x400000);
	ck_assert_uint_eq(le(buf + 29, 8), 0x40000c);
	ck_assert_uint_eq(le(buf + 37, 4), 3);
	ck_assert_uint_eq(le(buf + 41, 4), 100);
	ck_assert_str_eq((char *)buf + 45, "seconds");
	ck_assert_uint_eq(buf[60], 's');
	ck_assert_uint_eq(le(buf + 61, 2), 1);
	ck_assert_uint_eq(buf[67], 1);                  /* GMON_TAG_CG_ARC */
	ck_assert_uint_eq(le(buf + 68, 8), 0x401000);
	ck_assert_uint_eq(le(buf + 76, 8), 0x402005);
	ck_assert_uint_eq(le(buf + 84, 4), 7);
	/* gprof's count is 32 bits: a bigger one saturates. */
	ck_assert_uint_eq(le(buf + 84 + 21, 4), 0x7fffffff);
	ck_assert_uint_eq(gmon_encode(NULL, 0, &h, arcs, 2), len);
}
END_TEST

START_TEST(args_good)
{
	struct prof_args a;
	const char *why = NULL;

	ck_assert_int_eq(prof_parse_args("", &a, &why), 0);
	ck_assert_uint_eq(a.hz, PROF_HZ_DEFAULT);
	ck_assert_int_eq(a.scope, PROF_ALL);
	ck_assert_int_eq(prof_parse_args("hz=100 kernel", &a, &why), 0);
	ck_assert_uint_eq(a.hz, 100);
	ck_assert_int_eq(a.scope, PROF_KERNEL_ONLY);
	ck_assert_int_eq(prof_parse_args("  guest   hz=10000 ", &a, &why), 0);
	ck_assert_uint_eq(a.hz, 10000);
	ck_assert_int_eq(a.scope, PROF_GUEST_ONLY);
	ck_assert_int_eq(prof_parse_args("all hz=1", &a, &why), 0);
	ck_assert_uint_eq(a.hz, 1);
}
END_TEST

START_TEST(args_bad)
{
	static const char *const bad[] = {
		"hz=0", "hz=1000000", "hz=", "hz=12x", "hz=-5", "hz=99999999999999999999999",
		"kernel guest", "hz=10 hz=20", "fast", "kernelx", "hz",
	};
	struct prof_args a;

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *why = NULL;

		ck_assert_msg(prof_parse_args(bad[i], &a, &why) == -EINVAL, "%s", bad[i]);
		ck_assert_msg(why && *why, "%s: no reason", bad[i]);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("profile_format");
	TCase *tc = tcase_create("formats");

	tcase_add_test(tc, folded_lines);
	tcase_add_test(tc, folded_short_buffer);
	tcase_add_test(tc, pprof_profile);
	tcase_add_test(tc, pprof_short_buffer);
	tcase_add_test(tc, gmon_layout);
	tcase_add_test(tc, args_good);
	tcase_add_test(tc, args_bad);
	suite_add_tcase(s, tc);
	return check_run(s, CK_FORK_GETENV);
}

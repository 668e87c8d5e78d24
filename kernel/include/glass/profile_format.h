/*
 * The profiler's file formats (profiling/): pure encoders and the one
 * parser, no host call and no allocation, so unit tests and fuzzers drive
 * them without a kernel.
 */
#ifndef GLASS_PROFILE_FORMAT_H
#define GLASS_PROFILE_FORMAT_H

#include <glass/types.h>

/*
 * A sampled profile: the distinct stacks and how often each was seen.
 * A stack is a run of name ids in frames[], root first: the task's
 * command, its user functions, then kernel functions. kinds[id] says
 * where a name's code lives, for pprof's file name column.
 */
enum prof_kind { PROF_TASK, PROF_USER, PROF_KERNEL };

struct prof_stack {
	u32 first;              /* index into frames[] */
	u32 nr;                 /* frames */
	u64 count;              /* samples */
};

struct prof_data {
	const char *const *names;
	const u8 *kinds;
	u32 nr_names;
	const u32 *frames;
	const struct prof_stack *stacks;
	u32 nr_stacks;
	u64 period_ns;          /* time one sample stands for */
	u64 duration_ns;
};

/* One folded-stack line, "a;b;c COUNT\n" (flamegraph.pl, speedscope):
 * the length of the whole line, of which at most size - 1 bytes and a
 * NUL go into buf. Semicolons and blanks in names become '_'. */
size_t prof_folded_line(char *buf, size_t size, const struct prof_data *p,
			const struct prof_stack *s);

/* pprof's profile.proto (github.com/google/pprof proto/profile.proto),
 * uncompressed: the encoded length, of which at most size bytes go into
 * buf (buf may be NULL to measure). Sample values: samples/count and
 * cpu/nanoseconds; one function and one location per name. */
size_t prof_pprof_encode(u8 *buf, size_t size, const struct prof_data *p);

/*
 * gprof's gmon.out (glibc's gmon_out.h, version 1): the PC histogram and
 * the call-graph arcs. The histogram's bins cover [lowpc, highpc) evenly.
 */
struct gmon_hist {
	u64 lowpc, highpc;
	const u16 *counts;
	u32 nr;
	u32 rate;               /* histogram ticks per second */
};

struct gmon_arc {
	u64 from;               /* return address in the caller */
	u64 self;               /* just inside the callee */
	u64 count;
};

/* The encoded length; at most size bytes go into buf (NULL: measure). */
size_t gmon_encode(u8 *buf, size_t size, const struct gmon_hist *h,
		   const struct gmon_arc *arcs, u32 nr_arcs);

/*
 * `profile start` arguments: [hz=N] [kernel|guest|all], in any order.
 * 0, or -EINVAL with *why saying what is wrong.
 */
#define PROF_HZ_DEFAULT 997     /* prime: not in step with the 10 ms tick */
#define PROF_HZ_MIN 1
#define PROF_HZ_MAX 10000
enum prof_scope { PROF_ALL, PROF_KERNEL_ONLY, PROF_GUEST_ONLY };

struct prof_args {
	unsigned int hz;
	enum prof_scope scope;
};

int prof_parse_args(const char *s, struct prof_args *a, const char **why);

#endif

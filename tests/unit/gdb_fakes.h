/*
 * A fake kernel for the gdbstub tests and fuzzer (gdb_fakes.c): a little
 * memory, a few threads with registers, breakpoints, monitor commands and
 * a library list, and a transport that collects what the stub sends.
 */
#ifndef TESTS_GDB_FAKES_H
#define TESTS_GDB_FAKES_H

#undef INT_MAX
#undef INT_MIN
#undef UINT_MAX
#undef LONG_MAX
#undef LONG_MIN
#undef ULONG_MAX
#undef min
#undef max
#include <glass/gdbstub.h>

#define FAKE_MEM_BASE 0x400000UL
#define FAKE_MEM_SIZE 0x10000UL         /* readable: [BASE, BASE + SIZE) */
#define FAKE_MAX_THREADS 4096
#define FAKE_MAX_BPS 64
#define FAKE_OUT_SIZE (1 << 20)

struct fake_bp {
	bool insert;
	enum gdb_bp_type type;
	u64 addr;
	unsigned kind;
};

struct fake_target {
	long current;                   /* id of the running thread */
	unsigned nr_threads;
	/* What the stub asked for. */
	int resumes, stops, detaches, kills;
	enum gdb_resume_how how;
	long resume_tid;
	int resume_sig;
	long regs_tid;                  /* last read_regs/write_regs thread */
	struct gdb_regs written;        /* last write_regs */
	int nr_bps;
	struct fake_bp bps[FAKE_MAX_BPS];
	char last_monitor[256];
	bool no_libraries;              /* library_at returns -ENOENT at once */
	bool bad_library;               /* a module with a zero section address */
	/* Everything the stub sent, in order. */
	size_t out_len;
	/* The big parts, not cleared by fake_init (fuzzer speed). */
	u8 mem[FAKE_MEM_SIZE];
	struct gdb_thread threads[FAKE_MAX_THREADS];
	struct gdb_regs regs[FAKE_MAX_THREADS];
	char out[FAKE_OUT_SIZE];
};

extern const struct gdb_target_ops fake_ops;
extern struct gdb_target_ops fake_ops_minimal;  /* no optional operations */

/* Threads 1 "swapper" (current, all registers), 2 "init" (sleeping), 5 "k<&>". */
void fake_init(struct fake_target *ft);
void fake_put(void *ctx, const void *buf, size_t len);

#endif

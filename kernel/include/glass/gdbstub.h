/*
 * The gdb remote stub's protocol side (gdbstub/): packets in, replies
 * out, and a small target interface below. Pure code: no allocation, no
 * host calls, no locks; every buffer is inside struct gdb_state. The
 * transport (monitor thread) feeds received bytes to gdb_input() and
 * writes what the put callback hands it; the target operations are how
 * the protocol reads and controls the kernel. See gdbstub/README.md.
 */
#ifndef GLASS_GDBSTUB_H
#define GLASS_GDBSTUB_H

#include <glass/types.h>
#include <glass/gdb_packet.h>

/*
 * Register numbers: the order of target.xml and of the "g" packet
 * (org.gnu.gdb.i386.core, then .sse, then .segments).
 */
enum gdb_regnum {
	GDB_RAX, GDB_RBX, GDB_RCX, GDB_RDX, GDB_RSI, GDB_RDI, GDB_RBP, GDB_RSP,
	GDB_R8, GDB_R9, GDB_R10, GDB_R11, GDB_R12, GDB_R13, GDB_R14, GDB_R15,
	GDB_RIP, GDB_EFLAGS,
	GDB_CS, GDB_SS, GDB_DS, GDB_ES, GDB_FS, GDB_GS,
	GDB_ST0,                        /* st0-st7: 10 bytes each */
	GDB_FCTRL = GDB_ST0 + 8,        /* fctrl fstat ftag fiseg fioff foseg fooff fop */
	GDB_FOP = GDB_FCTRL + 7,
	GDB_XMM0,                       /* xmm0-xmm15: 16 bytes each */
	GDB_MXCSR = GDB_XMM0 + 16,
	GDB_FS_BASE,
	GDB_GS_BASE,
	GDB_NR_REGS                     /* 59 */
};

#define GDB_REG_BIT(n) (1ULL << (n))
#define GDB_REGS_ALL (GDB_REG_BIT(GDB_NR_REGS) - 1)

/*
 * One thread's registers, each in x86 (little-endian) byte order. valid
 * has bit n set for every register n that is known; the others are sent
 * as unavailable ("xx"). On a write, valid says which ones to change.
 */
struct gdb_regs {
	u64 valid;
	u64 gpr[16];            /* rax rbx rcx rdx rsi rdi rbp rsp r8-r15 */
	u64 rip;
	u32 eflags;
	u32 seg[6];             /* cs ss ds es fs gs */
	u8 st[8][10];
	u32 fpu[8];             /* fctrl fstat ftag fiseg fioff foseg fooff fop */
	u8 xmm[16][16];
	u32 mxcsr;
	u64 fs_base;
	u64 gs_base;
};

/* Bytes of a full "g" packet's data (before hex). */
#define GDB_G_BYTES (16 * 8 + 8 + 4 + 6 * 4 + 8 * 10 + 8 * 4 + 16 * 16 + 4 + 8 + 8)

/* One thread, as gdb lists it. */
struct gdb_thread {
	long id;                /* >= 1 (gdb: 0 is "any", -1 "all") */
	char name[32];          /* command name */
	char extra[96];         /* state and wait channel */
};

/*
 * One entry of the library list. A host shared library has one segment
 * address (where its first PT_LOAD is mapped); a module (ET_REL) has the
 * start of each ALLOC section in ELF section-header order, all nonzero.
 */
struct gdb_library {
	const char *path;       /* host path gdb opens */
	u64 segment;            /* host library: nonzero; module: 0 */
	const u64 *sections;    /* module: nr_sections addresses */
	unsigned nr_sections;
};

enum gdb_resume_how { GDB_RESUME_CONTINUE, GDB_RESUME_STEP };

/* Z/z types: software, hardware breakpoint, write/read/access watchpoint. */
enum gdb_bp_type { GDB_BP_SW, GDB_BP_HW, GDB_WP_WRITE, GDB_WP_READ, GDB_WP_ACCESS };

struct gdb_state;

/*
 * What the protocol needs from the kernel. Called from gdb_input() in
 * whatever context the transport runs it (the monitor thread, with the
 * CPU thread parked); none of them may block on the kernel. Errors are
 * -errno and become "E NN" replies. A NULL optional operation makes the
 * matching packet unsupported (empty reply).
 */
struct gdb_target_ops {
	/* The thread that was running when the kernel stopped (>= 1). */
	long (*current_thread)(void *t);
	/* Thread number idx (0, 1, ...): 0, or -ENOENT past the last. */
	int (*thread_at)(void *t, unsigned idx, struct gdb_thread *th);
	/* Registers of a thread: 0, -ESRCH (no such thread), -EPERM. */
	int (*read_regs)(void *t, long tid, struct gdb_regs *regs);
	int (*write_regs)(void *t, long tid, const struct gdb_regs *regs);
	/*
	 * Read len bytes at addr: the number of bytes read from addr on
	 * (1..len; fewer when the range runs into an unreadable page), or
	 * -EFAULT when addr itself is unreadable.
	 */
	long (*read_mem)(void *t, u64 addr, void *buf, size_t len);
	/* Write all len bytes at addr: 0, or -EFAULT. */
	int (*write_mem)(void *t, u64 addr, const void *buf, size_t len);
	/*
	 * Resume the kernel: continue, or single-step thread tid. sig is
	 * the signal gdb asks to deliver (0: none). The stop comes later
	 * through gdb_stopped().
	 */
	int (*resume)(void *t, enum gdb_resume_how how, long tid, int sig);
	/* Break-in: stop the kernel soon; it reports with gdb_stopped(). */
	void (*stop)(void *t);
	/* Optional. Insert or remove a breakpoint or watchpoint. */
	int (*breakpoint)(void *t, bool insert, enum gdb_bp_type type, u64 addr, unsigned kind);
	/*
	 * Optional. Run a monitor command; output goes through
	 * gdb_console_output(st, ...). 0, or -errno.
	 */
	int (*monitor)(void *t, const char *cmd, struct gdb_state *st);
	/* Optional. The executable's absolute host path (qXfer:exec-file),
	 * so `target remote` with no file finds the symbols. */
	const char *(*exec_file)(void *t);
	/* Optional. Library number idx: 0, or -ENOENT past the last. */
	int (*library_at)(void *t, unsigned idx, struct gdb_library *lib);
	/* After "D" was answered: remove breakpoints and let the kernel run. */
	void (*detach)(void *t);
	/* "k" or "vKill": halt the kernel. */
	void (*kill)(void *t);
};

enum gdb_stop_kind {
	GDB_STOP_SIGNAL,        /* plain stop: step done, break-in (SIGINT) */
	GDB_STOP_SWBREAK,       /* int3; rip already rewound to the breakpoint */
	GDB_STOP_HWBREAK,
	GDB_STOP_WATCH,         /* addr: the data address */
	GDB_STOP_RWATCH,
	GDB_STOP_AWATCH,
	GDB_STOP_LIBRARY,       /* the library list changed */
	GDB_STOP_EXITED,        /* sig is the exit status */
};

struct gdb_stop {
	enum gdb_stop_kind kind;
	int sig;                /* 5 SIGTRAP, 2 SIGINT, ... */
	long tid;               /* 0: the target's current thread */
	u64 addr;
};

#define GDB_SIGINT 2
#define GDB_SIGTRAP 5

/* Per-connection state; every buffer the stub uses is in here. */
struct gdb_state {
	const struct gdb_target_ops *ops;
	void *target;
	/* Transport output: called with each ack and framed packet. */
	void (*put)(void *ctx, const void *buf, size_t len);
	void *put_ctx;

	struct gdb_rx rx;
	bool no_ack;            /* after QStartNoAckMode */
	bool running;           /* resumed: a stop reply is owed */
	bool detached;          /* "D" or "k" seen */
	bool have_stop;
	struct gdb_stop stop;   /* the last stop, for "?" */
	long g_tid;             /* Hg: registers; 0 = current thread */
	long c_tid;             /* Hc: step; 0 or -1 = current thread */
	unsigned thread_iter;   /* qsThreadInfo resumes here */
	int after;              /* what to do once the reply is sent */

	size_t reply_len;
	bool reply_overflow;
	char reply[GDB_REPLY_MAX + 1];
	size_t tx_len;
	u8 tx[GDB_REPLY_MAX + 4];       /* last packet sent, for '-' */
	u8 scratch[GDB_PACKET_SIZE] __aligned(16);     /* memory, registers, xfer */
};

/* Set up st for a target and a transport; starts a connection. */
void gdb_init(struct gdb_state *st, const struct gdb_target_ops *ops, void *target,
	      void (*put)(void *ctx, const void *buf, size_t len), void *put_ctx);
/* A new connection: ack mode again, no thread selected, nothing owed. */
void gdb_connect(struct gdb_state *st);
/* Bytes received from gdb: acks, replies and target calls happen here. */
void gdb_input(struct gdb_state *st, const void *buf, size_t len);
/*
 * The kernel stopped (or, GDB_STOP_LIBRARY, wants gdb to re-read the
 * library list). Recorded for "?"; sent as a stop reply if gdb is
 * waiting for one (after c, s, vCont or a break-in).
 */
void gdb_stopped(struct gdb_state *st, const struct gdb_stop *stop);
/* Monitor command output, sent as "O" packets. */
void gdb_console_output(struct gdb_state *st, const char *text, size_t len);

/*
 * A second debugger while one is attached (refuse.c): its first packet
 * gets "E.<why>", which gdb prints; at its next one the transport closes
 * the connection.
 */
struct gdb_refusal {
	struct gdb_rx rx;
	bool answered;
};
void gdb_refusal_init(struct gdb_refusal *r);
/*
 * Bytes from the refused debugger. Returns the length of what to send
 * (an ack and the refusal) put in out[0..cap), 0 for nothing yet, or
 * -EPIPE when the connection should be closed now.
 */
long gdb_refusal_input(struct gdb_refusal *r, const void *in, size_t len, const char *why,
		       u8 *out, size_t cap);

/* Register layout (regs.c): size in bytes of register n, 0 if none. */
unsigned gdb_reg_size(unsigned n);
const char *gdb_reg_name(unsigned n);

#endif

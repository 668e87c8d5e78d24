/* The fake kernel behind the gdbstub tests and fuzzer: see gdb_fakes.h. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "gdb_fakes.h"

static struct fake_target *ft_of(void *t)
{
	return t;
}

static int find(struct fake_target *ft, long tid)
{
	for (unsigned i = 0; i < ft->nr_threads; i++)
		if (ft->threads[i].id == tid)
			return i;
	return -1;
}

static long current_thread(void *t)
{
	return ft_of(t)->current;
}

static int thread_at(void *t, unsigned idx, struct gdb_thread *th)
{
	struct fake_target *ft = t;

	if (idx >= ft->nr_threads)
		return -ENOENT;
	*th = ft->threads[idx];
	return 0;
}

static int read_regs(void *t, long tid, struct gdb_regs *regs)
{
	struct fake_target *ft = t;
	int i = find(ft, tid);

	ft->regs_tid = tid;
	if (i < 0)
		return -ESRCH;
	*regs = ft->regs[i];
	return 0;
}

/* Only the running thread's registers can be written (kgdb does the same). */
static int write_regs(void *t, long tid, const struct gdb_regs *regs)
{
	struct fake_target *ft = t;
	int i = find(ft, tid);

	ft->regs_tid = tid;
	if (i < 0)
		return -ESRCH;
	if (tid != ft->current)
		return -EPERM;
	ft->written = *regs;
	return 0;
}

static long read_mem(void *t, u64 addr, void *buf, size_t len)
{
	struct fake_target *ft = t;

	if (addr < FAKE_MEM_BASE || addr >= FAKE_MEM_BASE + FAKE_MEM_SIZE)
		return -EFAULT;
	if (len > FAKE_MEM_BASE + FAKE_MEM_SIZE - addr)
		len = FAKE_MEM_BASE + FAKE_MEM_SIZE - addr;
	memcpy(buf, ft->mem + (addr - FAKE_MEM_BASE), len);
	return len;
}

static int write_mem(void *t, u64 addr, const void *buf, size_t len)
{
	struct fake_target *ft = t;

	if (addr < FAKE_MEM_BASE || addr >= FAKE_MEM_BASE + FAKE_MEM_SIZE ||
	    len > FAKE_MEM_BASE + FAKE_MEM_SIZE - addr)
		return -EFAULT;
	memcpy(ft->mem + (addr - FAKE_MEM_BASE), buf, len);
	return 0;
}

static int resume(void *t, enum gdb_resume_how how, long tid, int sig)
{
	struct fake_target *ft = t;

	if (how == GDB_RESUME_STEP && tid != ft->current)
		return -EPERM;
	ft->resumes++;
	ft->how = how;
	ft->resume_tid = tid;
	ft->resume_sig = sig;
	return 0;
}

static void stop(void *t)
{
	ft_of(t)->stops++;
}

/* Hardware breakpoints are not supported; access watchpoints say so. */
static int breakpoint(void *t, bool insert, enum gdb_bp_type type, u64 addr, unsigned kind)
{
	struct fake_target *ft = t;

	if (type == GDB_BP_HW)
		return -ENOSYS;
	if (type == GDB_BP_SW && (addr < FAKE_MEM_BASE || addr >= FAKE_MEM_BASE + FAKE_MEM_SIZE))
		return -EFAULT;
	if (ft->nr_bps == FAKE_MAX_BPS)
		return -ENOSPC;
	ft->bps[ft->nr_bps++] = (struct fake_bp){ insert, type, addr, kind };
	return 0;
}

static int monitor(void *t, const char *cmd, struct gdb_state *st)
{
	struct fake_target *ft = t;
	static char big[40000];

	snprintf(ft->last_monitor, sizeof(ft->last_monitor), "%s", cmd);
	if (!strcmp(cmd, "ps")) {
		const char *text = "  PID COMMAND\n    1 swapper\n";

		gdb_console_output(st, text, strlen(text));
		return 0;
	}
	if (!strcmp(cmd, "big")) {
		for (size_t i = 0; i < sizeof(big); i++)
			big[i] = 'a' + i % 26;
		gdb_console_output(st, big, sizeof(big));
		return 0;
	}
	if (!strcmp(cmd, "quiet"))
		return 0;
	return -EINVAL;
}

static const u64 mod_sections[] = { 0xffffa000, 0xffffb000, 0xffffc000 };
static const u64 bad_sections[] = { 0xffffa000, 0 };

static int library_at(void *t, unsigned idx, struct gdb_library *lib)
{
	struct fake_target *ft = t;

	if (ft->no_libraries)
		return -ENOENT;
	switch (idx) {
	case 0:
		*lib = (struct gdb_library){ .path = "/lib/x86_64-linux-gnu/libc.so.6",
					     .segment = 0x7ffff7c00000 };
		return 0;
	case 1:
		*lib = (struct gdb_library){ .path = "/tmp/m&d.ko", .sections = mod_sections,
					     .nr_sections = 3 };
		if (ft->bad_library)
			lib->sections = bad_sections, lib->nr_sections = 2;
		return 0;
	default:
		return -ENOENT;
	}
}

static const char *exec_file(void *t)
{
	return "/home/k/glass-}#$*";  /* characters a reply must escape */
}

static void detach(void *t)
{
	ft_of(t)->detaches++;
}

static void kill_target(void *t)
{
	ft_of(t)->kills++;
}

const struct gdb_target_ops fake_ops = {
	.current_thread = current_thread,
	.thread_at = thread_at,
	.read_regs = read_regs,
	.write_regs = write_regs,
	.read_mem = read_mem,
	.write_mem = write_mem,
	.resume = resume,
	.stop = stop,
	.breakpoint = breakpoint,
	.monitor = monitor,
	.library_at = library_at,
	.exec_file = exec_file,
	.detach = detach,
	.kill = kill_target,
};

struct gdb_target_ops fake_ops_minimal = {
	.current_thread = current_thread,
	.thread_at = thread_at,
	.read_regs = read_regs,
	.write_regs = write_regs,
	.read_mem = read_mem,
	.write_mem = write_mem,
	.resume = resume,
	.stop = stop,
	.detach = detach,
	.kill = kill_target,
};

static void add_thread(struct fake_target *ft, long id, const char *name, const char *extra)
{
	struct gdb_thread *th = &ft->threads[ft->nr_threads];
	struct gdb_regs *r = &ft->regs[ft->nr_threads];

	memset(th, 0, sizeof(*th));
	th->id = id;
	snprintf(th->name, sizeof(th->name), "%s", name);
	snprintf(th->extra, sizeof(th->extra), "%s", extra);
	memset(r, 0, sizeof(*r));
	for (int i = 0; i < 16; i++)
		r->gpr[i] = id << 32 | (0x1111111111ULL * (i + 1) & 0xffffffff);
	r->rip = FAKE_MEM_BASE + 0x100 * id;
	ft->nr_threads++;
}

void fake_init(struct fake_target *ft)
{
	memset(ft, 0, offsetof(struct fake_target, mem));
	ft->out[0] = '\0';
	for (size_t i = 0; i < FAKE_MEM_SIZE; i++)
		ft->mem[i] = i * 7 + 3;
	add_thread(ft, 1, "swapper", "running");
	ft->regs[0].valid = GDB_REGS_ALL;
	ft->regs[0].eflags = 0x246;
	ft->regs[0].seg[0] = 0x33;
	ft->regs[0].seg[1] = 0x2b;
	ft->regs[0].st[0][9] = 0x3f;
	ft->regs[0].fpu[0] = 0x37f;
	ft->regs[0].xmm[15][0] = 0xaa;
	ft->regs[0].mxcsr = 0x1f80;
	ft->regs[0].fs_base = 0x7ffff7d8a740;
	add_thread(ft, 2, "init", "sleeping in pipe_read");
	/* A sleeping task: callee-saved registers, rsp and rip from its switch frame. */
	ft->regs[1].valid = GDB_REG_BIT(GDB_RBX) | GDB_REG_BIT(GDB_RBP) | GDB_REG_BIT(GDB_RSP) |
			    GDB_REG_BIT(GDB_R12) | GDB_REG_BIT(GDB_R13) | GDB_REG_BIT(GDB_R14) |
			    GDB_REG_BIT(GDB_R15) | GDB_REG_BIT(GDB_RIP);
	add_thread(ft, 5, "k<&>\"'", "state <D>");
	ft->current = 1;
}

void fake_put(void *ctx, const void *buf, size_t len)
{
	struct fake_target *ft = ctx;

	if (len > sizeof(ft->out) - 1 - ft->out_len)
		len = sizeof(ft->out) - 1 - ft->out_len;
	memcpy(ft->out + ft->out_len, buf, len);
	ft->out_len += len;
	ft->out[ft->out_len] = '\0';
}

/*
 * Writing the ELF core of the running kernel (docs/DESIGN.md, Diagnostics):
 * every task is a thread — the live one with the registers it has now
 * (the fault's, or the caller's), the others from their switch frames —
 * and so is every host thread of glass (the CPU thread with the live
 * registers, the others with none known), since gdb's libthread_db
 * finds those in the core's memory and wants registers for each —
 * and the glass process's memory (its writable image, physmem, the stack
 * area, the host stacks) is there, written sparse. The headers and notes
 * come from core.c (pure); host I/O goes through os_*. CPU thread: a panic,
 * or mconsole's `core` at a safe point.
 *
 * The task list is read as the monitor thread reads it (snapshot_task),
 * so a panic with the list half-updated still writes what it can.
 */
#include <glass/command.h>
#include <glass/core.h>
#include <glass/debug.h>
#include <glass/kernel.h>
#include <glass/os.h>
#include <glass/uapi_fs.h>

#include "diag.h"

#define CORE_MAX_SEGS 256
#define CORE_MAX_THREADS 4200
#define CORE_MAX_HOST 16

static struct os_mem_seg mem[CORE_MAX_SEGS];
static struct core_seg segs[CORE_MAX_SEGS];
static struct elf64_phdr phdrs[1 + CORE_MAX_SEGS];
static const struct task_struct *order[CORE_MAX_THREADS];
static struct os_host_thread host[CORE_MAX_HOST];

/* The registers of the caller of capture_regs, as if it had just returned
 * into its caller: what gdb unwinds from for the live task. */
__attribute__((noinline)) void capture_regs(struct gdb_regs *r)
{
	u64 cs[5];
	u64 *fp = __builtin_frame_address(0);

	asm volatile("mov %%rbx, 0(%0)\n\tmov %%r12, 8(%0)\n\tmov %%r13, 16(%0)\n\t"
		     "mov %%r14, 24(%0)\n\tmov %%r15, 32(%0)" : : "r"(cs) : "memory");
	*r = (struct gdb_regs){ 0 };
	r->gpr[1] = cs[0];
	r->gpr[12] = cs[1];
	r->gpr[13] = cs[2];
	r->gpr[14] = cs[3];
	r->gpr[15] = cs[4];
	r->gpr[6] = fp[0];                      /* the caller's rbp */
	r->gpr[7] = (u64)(fp + 2);              /* rsp after the return */
	r->rip = fp[1];
	r->valid = GDB_REG_BIT(GDB_RBX) | GDB_REG_BIT(GDB_RBP) | GDB_REG_BIT(GDB_RSP) |
		   GDB_REG_BIT(GDB_R12) | GDB_REG_BIT(GDB_R13) | GDB_REG_BIT(GDB_R14) |
		   GDB_REG_BIT(GDB_R15) | GDB_REG_BIT(GDB_RIP);
}

void core_default_path(char *buf, size_t size)
{
	struct os_stat st;

	for (int n = 1;; n++) {
		scnprintf(buf, size, "%s/core.%d", os_umid_dir(), n);
		if (os_stat(buf, &st, false) || n == 1000)
			return;
	}
}

static long put_at(int fd, u64 *off, const void *buf, size_t len)
{
	long n = os_pwrite(fd, buf, len, *off);

	if (n < 0)
		return n;
	*off += len;
	return n == (long)len ? 0 : -EIO;
}

/* Live task first (gdb selects the first thread), then the task list. */
static unsigned thread_order(const struct task_struct *live)
{
	const struct task_struct *t;
	unsigned n = 0;
	bool cut;

	order[n++] = live;
	for (unsigned i = 0; n < CORE_MAX_THREADS && (t = snapshot_task(i, &cut)); i++)
		if (t != live)
			order[n++] = t;
	return n;
}

/* glass's host threads whose tid no task has (a task's tid wins). */
static unsigned host_threads(unsigned ntasks)
{
	int n = os_host_threads(host, CORE_MAX_HOST);
	unsigned kept = 0;

	for (int i = 0; i < n; i++) {
		bool clash = false;

		for (unsigned j = 0; j < ntasks && !clash; j++)
			clash = task_tid(order[j]) == host[i].tid;
		if (!clash)
			host[kept++] = host[i];
	}
	return kept;
}

static int write_notes(int fd, u64 off, unsigned n, unsigned nhost,
		       const struct gdb_regs *live, int sig)
{
	static char note[512];
	struct core_task_name name;
	struct gdb_regs r;
	size_t len;
	long err;

	len = core_note_prpsinfo(note, os_getpid(), "glass", "glass");
	if ((err = put_at(fd, &off, note, len)))
		return err;
	for (unsigned i = 0; i < n; i++) {
		struct core_thread th = { .tid = task_tid(order[i]), .regs = &r };

		if (i == 0) {
			r = *live;
			th.sig = sig;
		} else if (task_switch_regs(order[i], &r)) {
			r = (struct gdb_regs){ 0 };
		}
		len = core_note_prstatus(note, &th);
		if ((err = put_at(fd, &off, note, len)))
			return err;
	}
	for (unsigned i = 0; i < nhost; i++) {
		struct core_thread th = { .tid = host[i].tid, .regs = &r };

		r = host[i].tid == os_getpid() ? *live : (struct gdb_regs){ 0 };
		len = core_note_prstatus(note, &th);
		if ((err = put_at(fd, &off, note, len)))
			return err;
	}
	len = core_note_names_head(note, n + nhost);
	if ((err = put_at(fd, &off, note, len)))
		return err;
	for (unsigned i = 0; i < n; i++) {
		core_task_name(&name, task_tid(order[i]), order[i]->comm,
			       task_state_char(order[i]));
		if ((err = put_at(fd, &off, &name, sizeof(name))))
			return err;
	}
	for (unsigned i = 0; i < nhost; i++) {
		core_task_name(&name, host[i].tid, host[i].comm, 'H');
		if ((err = put_at(fd, &off, &name, sizeof(name))))
			return err;
	}
	return 0;
}

int core_dump(const char *path, const struct gdb_regs *live,
	      const struct task_struct *live_task)
{
	struct elf64_hdr eh;
	u64 notes_off, size, off = 0;
	int nseg, fd;
	unsigned n, nhost;
	long err;

	nseg = os_core_segments(mem, CORE_MAX_SEGS);
	if (nseg < 0)
		return nseg;
	for (int i = 0; i < nseg; i++)
		segs[i] = (struct core_seg){ .vaddr = mem[i].start,
					     .size = mem[i].end - mem[i].start,
					     .flags = mem[i].prot };
	n = thread_order(live_task);
	nhost = host_threads(n);
	size = core_layout(n + nhost, segs, nseg, &notes_off);
	fd = os_open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return fd;
	core_ehdr(&eh, 1 + nseg);
	core_phdr_note(&phdrs[0], notes_off, core_notes_size(n + nhost));
	for (int i = 0; i < nseg; i++)
		core_phdr_load(&phdrs[1 + i], &segs[i]);
	if ((err = put_at(fd, &off, &eh, sizeof(eh))) ||
	    (err = put_at(fd, &off, phdrs, (1 + nseg) * sizeof(phdrs[0]))) ||
	    (err = write_notes(fd, notes_off, n, nhost, live,
			       oops_now.regs && live_task == oops_now.task ? oops_now.sig : 0)))
		goto out;
	for (int i = 0; i < nseg; i++)
		if ((err = os_core_write_mem(fd, segs[i].offset, &mem[i])))
			goto out;
	err = os_ftruncate(fd, size);
out:
	os_close(fd);
	return err;
}

/* mconsole core [PATH]: a core of the running kernel, no panic. Safe
 * point (CPU thread); the live thread is the task running the command. */
void cmd_core(struct cmd_out *out, const char *args)
{
	static char path[512];
	struct gdb_regs r;
	int err;

	if (*args)
		scnprintf(path, sizeof(path), "%s", args);
	else
		core_default_path(path, sizeof(path));
	capture_regs(&r);
	err = core_dump(path, &r, current);
	if (err) {
		char msg[600];

		scnprintf(msg, sizeof(msg), "core: cannot write %s: error %d", path, -err);
		cmd_error(out, msg);
		return;
	}
	cmd_printf(out, "core written to %s", path);
}

/*
 * The kernel as the monitor thread sees it: the task list read without a
 * lock while the CPU thread may be changing it (rule monitor-never-blocks), and
 * kernel stacks read through os_mem_read, so a stale pointer gives a stale
 * answer, never a fault:
 *  - every pointer is checked before it is followed (tasks and mms live in
 *    physmem, init_task and wait-channel names in glass's image);
 *  - a task unlinked under the walk points to itself: the walk stops;
 *  - the walk is bounded, so a list broken mid-update cannot loop.
 */
#include <glass/debug.h>
#include <glass/init.h>
#include <glass/layout.h>
#include <glass/module.h>
#include <glass/os.h>
#include <glass/symbols.h>

#define MAX_TASKS 4200          /* above max_tasks' bound (4096) */
#define MAX_FRAMES 48

extern char __executable_start[], _end[];     /* from the linker */

bool __monitor_text kimage_ok(const void *p, size_t size)
{
	uintptr_t a = (uintptr_t)p;

	return a >= (uintptr_t)__executable_start && a <= (uintptr_t)_end - size;
}

bool __monitor_text kobj_ok(const void *p, size_t size)
{
	uintptr_t a = (uintptr_t)p;

	if (a & 7)
		return false;
	if (a >= PHYSMEM_BASE && a <= PHYSMEM_BASE + boot.mem - size)
		return true;
	return kimage_ok(p, size);
}

/* The thread id of t's ptrace tracer, 0 if untraced (read racily, as
 * the rest of a snapshot: the pointer is checked before use). */
pid_t __monitor_text task_tracer_pid(const struct task_struct *t)
{
	const struct task_struct *tracer = __atomic_load_n(&t->pt.tracer, __ATOMIC_RELAXED);

	return tracer && kobj_ok(tracer, sizeof(*tracer)) ? tracer->pid : 0;
}

char __monitor_text task_state_char(const struct task_struct *t)
{
	int exit_state = __atomic_load_n(&t->exit_state, __ATOMIC_RELAXED);
	long state = __atomic_load_n(&t->state, __ATOMIC_RELAXED);

	if (exit_state == EXIT_ZOMBIE)
		return 'Z';
	if (exit_state == EXIT_DEAD)
		return 'X';
	switch (state) {
	case TASK_RUNNING:
		return 'R';
	case TASK_INTERRUPTIBLE:
		return 'S';
	case TASK_UNINTERRUPTIBLE:
		return 'D';
	case TASK_STOPPED:
		return 'T';
	case TASK_TRACED:
		return 't';
	}
	return 'S';
}

/*
 * The walk resumes where the last one stopped when idx is the next index,
 * so listing every task (gdb's thread list, bt all) is linear, not
 * quadratic. Only the monitor thread walks; the cursor is its own.
 */
static struct {
	unsigned idx;
	const struct list_head *pos;
	int steps;
} cursor;

const struct task_struct *__monitor_text snapshot_task(unsigned idx, bool *cut)
{
	const struct list_head *pos = __atomic_load_n(&task_list.next, __ATOMIC_ACQUIRE);
	unsigned n = 1;
	int steps = 0;

	*cut = false;
	cursor.pos = NULL;
	if (idx == 0) {
		cursor.idx = 0;
		cursor.steps = 0;
		cursor.pos = &task_list;
		return &init_task;
	}
	/* Before sched_init the list is empty (its head is zeroed). */
	if (!pos)
		return NULL;
	if (idx == cursor.idx + 1 && cursor.pos) {
		pos = __atomic_load_n(&cursor.pos->next, __ATOMIC_ACQUIRE);
		n = idx;
		steps = cursor.steps;
	}
	for (; pos != &task_list; steps++) {
		/* list_entry() in integers: pos may be wild. */
		const struct task_struct *t = (const void *)((uintptr_t)pos -
			offsetof(struct task_struct, tasks));
		const struct list_head *next;

		if (steps >= MAX_TASKS || !kobj_ok(pos, sizeof(*pos)) ||
		    !kobj_ok(t, sizeof(*t))) {
			*cut = true;
			return NULL;
		}
		if (t != &init_task && n++ == idx) {
			cursor.idx = idx;
			cursor.pos = pos;
			cursor.steps = steps + 1;
			return t;
		}
		next = __atomic_load_n(&pos->next, __ATOMIC_ACQUIRE);
		if (next == pos) {
			*cut = true;
			return NULL;
		}
		pos = next;
	}
	return NULL;
}

long __monitor_text task_tid(const struct task_struct *t)
{
	return t == &init_task ? IDLE_TID : t->pid;
}

const struct task_struct *__monitor_text snapshot_find(long tid)
{
	const struct task_struct *t;
	bool cut;

	for (unsigned i = 0; (t = snapshot_task(i, &cut)); i++)
		if (task_tid(t) == tid)
			return t;
	return NULL;
}

/* The task whose stack holds sp; `current` when none does (idle runs on
 * the host's main stack). Inside __switch_to the two can differ. The CPU
 * thread works it out as it parks (cpu_stop.live). */
const struct task_struct *live_task(u64 sp)
{
	struct task_struct *t;

	list_for_each_entry(t, &task_list, tasks) {
		u64 base = (u64)t->stack;

		if (base && sp >= base && sp < base + THREAD_SIZE)
			return t;
	}
	return current;
}

/* __switch_to pushed rbp rbx r12 r13 r14 r15 below its return address. */
int __monitor_text task_switch_regs(const struct task_struct *t, struct gdb_regs *r)
{
	u64 f[7], sp = __atomic_load_n(&t->thread.sp, __ATOMIC_RELAXED);

	if (cpu_parked() && t == cpu_stop.live)
		return -EAGAIN;
	if (os_mem_read(sp, f, sizeof(f)) != sizeof(f))
		return -EFAULT;
	*r = (struct gdb_regs){ 0 };
	r->gpr[15] = f[0];
	r->gpr[14] = f[1];
	r->gpr[13] = f[2];
	r->gpr[12] = f[3];
	r->gpr[1] = f[4];               /* rbx */
	r->gpr[6] = f[5];               /* rbp */
	r->rip = f[6];
	r->gpr[7] = sp + sizeof(f);     /* rsp after the ret */
	r->valid = GDB_REG_BIT(GDB_RBX) | GDB_REG_BIT(GDB_RBP) | GDB_REG_BIT(GDB_RSP) |
		   GDB_REG_BIT(GDB_R12) | GDB_REG_BIT(GDB_R13) | GDB_REG_BIT(GDB_R14) |
		   GDB_REG_BIT(GDB_R15) | GDB_REG_BIT(GDB_RIP);
	return 0;
}

static __monitor_text void put_frame(struct cmd_out *out, int n, u64 ip)
{
	unsigned long off, size;
	const char *modname = NULL;
	const char *name = module_address_lookup(ip, &off, &size, &modname);

	if (!name)
		name = symbol_lookup(ip, &off, &size);

	cmd_puts(out, " #");
	cmd_putu(out, n, 0);
	cmd_puts(out, " 0x");
	cmd_putx(out, ip, 16);
	cmd_putc(out, ' ');
	if (name) {
		cmd_puts(out, name);
		cmd_puts(out, "+0x");
		cmd_putx(out, off, 0);
		cmd_puts(out, "/0x");
		cmd_putx(out, size, 0);
		if (modname) {          /* Linux's " [module]" */
			cmd_puts(out, " [");
			cmd_puts(out, modname);
			cmd_putc(out, ']');
		}
	} else {
		cmd_putc(out, '?');
	}
	cmd_putc(out, '\n');
}

/* Frame-pointer walk (every build keeps frame pointers, rule symbols-always), bounded
 * to the task's stack: a frame outside it ends the trace. */
void __monitor_text put_task_stack(struct cmd_out *out, const struct task_struct *t)
{
	struct gdb_regs r;
	u64 lo = (u64)t->stack, hi = lo + THREAD_SIZE, bp, ip;
	int n = 0;

	if (cpu_parked() && t == cpu_stop.live) {
		trap_gdb_regs(&r);
		lo = r.gpr[7] & ~7UL;
		if (t == &init_task)
			hi = lo + (1 << 20);    /* the host's main stack */
	} else if (t == &init_task || !t->stack) {
		cmd_puts(out, " (no saved stack: it has not switched out)\n");
		return;
	} else if (t == current && !cpu_parked()) {
		cmd_puts(out, " (running on the CPU: stop the kernel to see its stack)\n");
		return;
	} else if (task_switch_regs(t, &r)) {
		cmd_puts(out, " (its stack cannot be read)\n");
		return;
	}
	ip = r.rip;
	bp = r.gpr[6];
	put_frame(out, n++, ip);
	while (n < MAX_FRAMES && bp >= lo && bp + 16 <= hi && !(bp & 7)) {
		u64 fr[2];

		if (os_mem_read(bp, fr, sizeof(fr)) != sizeof(fr) || !fr[1])
			break;
		put_frame(out, n++, fr[1]);
		if (fr[0] <= bp)        /* frames go up the stack */
			break;
		bp = fr[0];
	}
}

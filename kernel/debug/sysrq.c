/*
 * sysrq (mconsole `sysrq KEY`, gdb's `monitor sysrq KEY`): Linux's magic
 * keys, answered by the monitor thread (rule one-command-table, anywhere), so
 * they work while the kernel runs, is stopped, or is wedged. The output
 * goes back to the client (UML sends the printk output the same way).
 * Keys that need registers of the running code take a snapshot: the CPU
 * parks for a moment (stop.c) and goes on.
 */
#include <glass/debug.h>
#include <glass/init.h>
#include <glass/kernel.h>
#include <glass/mm.h>
#include <glass/mutex.h>
#include <glass/os.h>
#include <glass/usersyms.h>

#define SNAPSHOT_WAIT_MS 500

static __monitor_text void put_hex(struct cmd_out *out, const char *name, u64 v)
{
	cmd_puts(out, name);
	cmd_puts(out, ": ");
	cmd_putx(out, v, 16);
}

/* " (func+0xoff)" when the guest program has symbols (usersyms.c). */
static __monitor_text void put_user_symbol(struct cmd_out *out, const struct mm_struct *mm,
					   u64 ip)
{
	size_t max;
	u64 off;
	const char *name = user_sym_lookup(mm, ip, &max, &off);

	if (!name)
		return;
	cmd_puts(out, " (");
	cmd_putsn(out, name, max, 0);
	cmd_puts(out, "+0x");
	cmd_putx(out, off, 0);
	cmd_putc(out, ')');
}

static __monitor_text void put_user_regs(struct cmd_out *out, const struct task_struct *t)
{
	const struct pt_regs *r = &t->regs;

	if (!t->mm || is_kthread(t))
		return;
	cmd_puts(out, " user: ");
	put_hex(out, "RIP", r->ip);
	put_user_symbol(out, t->mm, r->ip);
	cmd_putc(out, ' ');
	put_hex(out, "RSP", r->sp);
	cmd_putc(out, ' ');
	put_hex(out, "RAX", r->ax);
	cmd_putc(out, '\n');
}

static __monitor_text void put_task_header(struct cmd_out *out, const struct task_struct *t)
{
	char comm[TASK_COMM_LEN];
	const char *wchan = t->wchan;
	char st = task_state_char(t);

	for (int i = 0; i < TASK_COMM_LEN; i++)
		comm[i] = t->comm[i];
	cmd_putsn(out, comm, TASK_COMM_LEN, 16);
	cmd_puts(out, " state:");
	cmd_putc(out, st);
	cmd_puts(out, " pid:");
	cmd_putu(out, (u32)t->pid, 0);
	if (task_tracer_pid(t)) {
		cmd_puts(out, " tracer:");
		cmd_putu(out, (u32)task_tracer_pid(t), 0);
	}
	if (st != 'R' && wchan && kimage_ok(wchan, 1)) {
		cmd_puts(out, " wchan:");
		cmd_putsn(out, wchan, 24, 0);
	}
	cmd_putc(out, '\n');
}

/* t: every task; w: the ones in uninterruptible sleep, with their lock. */
static __monitor_text void show_tasks(struct cmd_out *out, bool blocked_only)
{
	const struct task_struct *t;
	bool cut;

	cmd_puts(out, blocked_only ? "Show Blocked State\n" : "Show State\n");
	for (unsigned i = 0; (t = snapshot_task(i, &cut)); i++) {
		const struct mutex *m = t->blocked_on;

		if (blocked_only && task_state_char(t) != 'D')
			continue;
		put_task_header(out, t);
		if (m && kobj_ok(m, sizeof(*m))) {
			const struct task_struct *owner = m->owner;

			cmd_puts(out, " waiting for lock ");
			cmd_putsn(out, kimage_ok(m->name, 1) ? m->name : "?", 32, 0);
			if (owner && kobj_ok(owner, sizeof(*owner))) {
				cmd_puts(out, " held by pid ");
				cmd_putu(out, (u32)owner->pid, 0);
				cmd_puts(out, " (");
				cmd_putsn(out, owner->comm, TASK_COMM_LEN, 0);
				cmd_putc(out, ')');
			}
			cmd_putc(out, '\n');
		}
		put_task_stack(out, t);
		if (!blocked_only)
			put_user_regs(out, t);
	}
	if (cut)
		cmd_puts(out, "(the task list changed under this snapshot: cut short)\n");
}

/* Park the CPU for a moment, unless it is parked already; true if it is. */
static __monitor_text bool snapshot_begin(bool *took)
{
	*took = false;
	if (cpu_parked())
		return true;
	cpu_interrupt(STOP_SNAPSHOT);
	for (int i = 0; i < SNAPSHOT_WAIT_MS && !cpu_parked(); i++)
		os_monitor_nap();
	/* A request that met a park on its way (stop.c) is answered by
	 * that park, which is not ours to end. */
	*took = cpu_parked() && cpu_stop.owner == STOP_SNAPSHOT;
	return cpu_parked();
}

static __monitor_text void snapshot_end(bool took)
{
	if (took)
		cpu_resume(false);
}

/* l: the CPU's backtrace; p: the registers of what it runs. */
static __monitor_text void show_cpu(struct cmd_out *out, bool regs)
{
	const struct task_struct *t;
	struct gdb_regs r;
	bool took;

	if (!snapshot_begin(&took)) {
		cmd_puts(out, "The CPU thread did not stop for a snapshot (signals blocked?)\n");
		return;
	}
	t = cpu_stop.live;
	cmd_puts(out, "CPU 0: ");
	put_task_header(out, t);
	if (regs) {
		static const char *const names[16] = {
			"RAX", "RBX", "RCX", "RDX", "RSI", "RDI", "RBP", "RSP",
			"R08", "R09", "R10", "R11", "R12", "R13", "R14", "R15",
		};

		trap_gdb_regs(&r);
		put_hex(out, "RIP", r.rip);
		cmd_putc(out, ' ');
		put_hex(out, "EFLAGS", r.eflags);
		cmd_putc(out, '\n');
		for (int i = 0; i < 16; i++) {
			put_hex(out, names[i], r.gpr[i]);
			cmd_putc(out, i % 3 == 2 ? '\n' : ' ');
		}
		cmd_putc(out, '\n');
	} else {
		put_task_stack(out, t);
	}
	snapshot_end(took);
}

static __monitor_text void show_mem(struct cmd_out *out)
{
	cmd_puts(out, "Mem-Info:\n total pages: ");
	cmd_putu(out, totalram_pages, 0);
	cmd_puts(out, "\n free pages: ");
	cmd_putu(out, nr_free_pages(), 0);
	cmd_puts(out, "\n slab objects: ");
	cmd_putu(out, slab_objects_in_use(), 0);
	cmd_putc(out, '\n');
}

/* g: a stub on the default socket if none runs, then a break-in. */
static __monitor_text void enter_debugger(struct cmd_out *out)
{
	static char where[160];

	if (!gdb_listening() && !os_gdb_listen("unix", where, sizeof(where)))
		gdb_set_endpoint(where);
	cmd_puts(out, "Entering the debugger: gdb ./glass -ex 'target remote ");
	cmd_puts(out, gdb_endpoint());
	cmd_puts(out, "'\n");
	if (!cpu_parked())
		cpu_interrupt(STOP_GDB);
}

static __monitor_text void sysrq_help(struct cmd_out *out)
{
	cmd_puts(out, "sysrq keys: t (tasks and stacks) w (blocked tasks) l (CPU backtrace) "
		 "m (memory) p (CPU registers) c (crash) s (sync) b (reboot) o (power off) "
		 "g (debugger)\n");
}

/* cmd_out to printk, a line at a time (each gets its timestamp). */
int printk_emit(void *ctx, const char *data, size_t len, bool err, bool more)
{
	static char line[256];
	static size_t n;

	for (size_t i = 0; i < len; i++) {
		if (data[i] != '\n' && n < sizeof(line) - 1) {
			line[n++] = data[i];
			continue;
		}
		pr_err("%.*s\n", (int)n, line);
		n = 0;
	}
	return 0;
}

/*
 * What a console line's BREAK may run: Linux's kernel.sysrq bitmask
 * (sysrq= at boot, /proc/sys/kernel/sysrq). 0 nothing (the default: any
 * local user can reach a port: line), 1 everything, else the SYSRQ_ENABLE_*
 * bits of the keys. mconsole's and gdb's sysrq come through sockets only
 * the owner can reach and ignore it, as Linux's /proc/sysrq-trigger does.
 */
#define SYSRQ_ENABLE_DUMP 0x0008
#define SYSRQ_ENABLE_SYNC 0x0010
#define SYSRQ_ENABLE_BOOT 0x0080

static int sysrq_enabled;

/* The key's enable bit; 0 for g (Linux's kgdb key), which needs 1;
 * -1 for the keys that only print the help, always allowed. */
static int sysrq_key_mask(u8 key)
{
	switch (key) {
	case 't': case 'w': case 'l': case 'm': case 'p': case 'c':
		return SYSRQ_ENABLE_DUMP;
	case 's':
		return SYSRQ_ENABLE_SYNC;
	case 'b': case 'o':
		return SYSRQ_ENABLE_BOOT;
	case 'g':
		return 0;
	}
	return -1;
}

int sysrq_sysctl_show(struct task_struct *t, char *buf, size_t size)
{
	return scnprintf(buf, size, "%d\n", sysrq_enabled);
}

int sysrq_sysctl_store(const char *buf)
{
	int v;

	if (kstrtoint(buf, 10, &v) || v < 0)
		return -EINVAL;
	sysrq_enabled = v;
	return 0;
}

static int sysrq_init(void)
{
	sysrq_enabled = boot.sysrq;
	return 0;
}
core_initcall(sysrq_init);

/* A break and a key on a console line (telnet's `send brk`), on the CPU
 * thread: the output goes to the kernel log. l and p read the running
 * code, which here is this very handler: they are for mconsole and gdb.
 * With sysrq 0 the key is swallowed without a word, as Linux's. */
void sysrq_console(u8 key)
{
	char args[2] = { (char)key, '\0' };
	int mask = sysrq_key_mask(key);
	struct cmd_out out;

	if (!sysrq_enabled)
		return;
	pr_info("sysrq: %c\n", key >= ' ' && key < 0x7f ? key : '?');
	if (mask >= 0 && sysrq_enabled != 1 && !(sysrq_enabled & mask)) {
		pr_info("sysrq: This sysrq operation is disabled.\n");
		return;
	}
	cmd_out_init(&out, printk_emit, NULL);
	if (key == 'l' || key == 'p')
		cmd_puts(&out, "sysrq l and p from the console show only the console's own "
			 "handler: use mconsole's sysrq or gdb\n");
	else
		cmd_sysrq(&out, args);
	cmd_finish(&out);
}

void __monitor_text cmd_sysrq(struct cmd_out *out, const char *args)
{
	if (!args[0] || (args[1] && args[1] != '\n' && args[1] != ' ')) {
		cmd_error(out, "usage: sysrq KEY (sysrq h lists the keys)");
		return;
	}
	switch (args[0]) {
	case 't':
		show_tasks(out, false);
		break;
	case 'w':
		show_tasks(out, true);
		break;
	case 'l':
		show_cpu(out, false);
		break;
	case 'p':
		show_cpu(out, true);
		break;
	case 'm':
		show_mem(out);
		break;
	case 's':
		/* hostfs and ubd write through; tmpfs lives in memory. */
		cmd_puts(out, "Emergency Sync complete (nothing is buffered)\n");
		break;
	case 'b':
		cmd_puts(out, "Resetting\n");
		cmd_finish(out);
		os_reexec();
	case 'o':
		cmd_puts(out, "Power down\n");
		cmd_finish(out);
		os_exit(0);
	case 'c':
		cmd_puts(out, "Trigger a crash\n");
		cmd_finish(out);
		cpu_interrupt(STOP_CRASH);
		break;
	case 'g':
		enter_debugger(out);
		break;
	default:
		sysrq_help(out);
	}
}

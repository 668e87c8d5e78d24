/*
 * The gdb stub's target: what gdbstub/ (the protocol) asks of the kernel,
 * answered from the monitor thread while the CPU thread is parked
 * (stop.c). Every task is a thread: its pid is the thread id (idle is
 * IDLE_TID), its name the command name, its extra info the state and wait
 * channel. The live task's registers are the parked context; a sleeping
 * task's come from its switch frame, so `bt` on its thread shows where it
 * sleeps. Memory goes through /proc/self/mem; breakpoints are int3 in
 * text (breakpoints.c); watchpoints are perf-event debug registers.
 *
 * The transport (unix socket, TCP on 127.0.0.1, stdio) is the monitor's
 * (kernel/os/monitor.c); it calls the gdb_monitor_* entry points below.
 */
#include <glass/debug.h>
#include <glass/init.h>
#include <glass/mc_device.h>
#include <glass/mconsole.h>
#include <glass/os.h>
#include <glass/os_upcalls.h>

static struct gdb_state gdb_st;
bool gdb_attached;
static char endpoint[160];     /* what target remote takes; "" if none */
bool boot_stop_pending;         /* debug: the stop at start_kernel is ahead */

struct hw_slot {
	bool used;
	enum gdb_bp_type type;
	u64 addr;
	unsigned len;
};
static struct hw_slot hw[HW_STEP_SLOT];

static __monitor_text long live_tid(void)
{
	return task_tid(cpu_stop.live);
}

static __monitor_text long t_current_thread(void *t)
{
	return live_tid();
}

static __monitor_text void put_str(char *dst, size_t size, size_t *n, const char *s, size_t max)
{
	for (size_t i = 0; i < max && s[i] && *n + 1 < size; i++)
		dst[(*n)++] = s[i] >= ' ' && s[i] < 0x7f ? s[i] : '?';
	dst[*n] = '\0';
}

static __monitor_text int t_thread_at(void *t, unsigned idx, struct gdb_thread *th)
{
	const struct task_struct *task;
	char state[2] = { 0, 0 };
	const char *wchan;
	size_t n = 0;
	bool cut;

	task = snapshot_task(idx, &cut);
	if (!task)
		return -ENOENT;
	th->id = task_tid(task);
	put_str(th->name, sizeof(th->name), &n, task->comm, TASK_COMM_LEN);
	n = 0;
	state[0] = task_state_char(task);
	put_str(th->extra, sizeof(th->extra), &n, state, 1);
	if (task == cpu_stop.live) {
		put_str(th->extra, sizeof(th->extra), &n, " (on the CPU)", 16);
		return 0;
	}
	wchan = task->wchan;
	if (state[0] != 'R' && wchan && kimage_ok(wchan, 1)) {
		put_str(th->extra, sizeof(th->extra), &n, " ", 1);
		put_str(th->extra, sizeof(th->extra), &n, wchan, 24);
	}
	return 0;
}

static __monitor_text int t_read_regs(void *t, long tid, struct gdb_regs *r)
{
	const struct task_struct *task = snapshot_find(tid);

	if (!task)
		return -ESRCH;
	if (task == cpu_stop.live) {
		trap_gdb_regs(r);
		return 0;
	}
	/* A zombie's stack is gone: every register unavailable, which gdb
	 * shows, rather than an error, which would end `info threads`. */
	if (task_switch_regs(task, r))
		*r = (struct gdb_regs){ .valid = 0 };
	return 0;
}

static __monitor_text int t_write_regs(void *t, long tid, const struct gdb_regs *r)
{
	if (tid != live_tid())
		return -EPERM;  /* a sleeping task resumes from its switch frame */
	trap_set_gdb_regs(r);
	return 0;
}

static __monitor_text long t_read_mem(void *t, u64 addr, void *buf, size_t len)
{
	return os_mem_read(addr, buf, len);
}

static __monitor_text int t_write_mem(void *t, u64 addr, const void *buf, size_t len)
{
	return os_mem_write(addr, buf, len) == (long)len ? 0 : -EFAULT;
}

static __monitor_text int t_resume(void *t, enum gdb_resume_how how, long tid, int sig)
{
	if (how == GDB_RESUME_STEP && tid > 0 && tid != live_tid())
		return -EPERM;  /* only the task on the CPU can step */
	cpu_resume(how == GDB_RESUME_STEP);
	return 0;
}

static __monitor_text void t_stop(void *t)
{
	if (!cpu_parked())
		cpu_interrupt(STOP_GDB);
}

static __monitor_text int hw_insert(enum gdb_bp_type type, u64 addr, unsigned len)
{
	int os_type = type == GDB_BP_HW ? 0 : type == GDB_WP_WRITE ? 1 : 3;
	int err;

	/* x86 debug registers cannot watch reads alone. */
	if (type == GDB_WP_READ)
		return -ENOSYS;
	if (type != GDB_BP_HW && len != 1 && len != 2 && len != 4 && len != 8)
		return -EINVAL;
	for (int i = 0; i < HW_STEP_SLOT; i++) {
		if (hw[i].used)
			continue;
		err = os_hw_break_set(i, os_type, addr, len);
		if (err)
			return err;
		hw[i] = (struct hw_slot){ true, type, addr, len };
		return 0;
	}
	return -ENOSPC;
}

static __monitor_text int hw_remove(enum gdb_bp_type type, u64 addr)
{
	for (int i = 0; i < HW_STEP_SLOT; i++) {
		if (hw[i].used && hw[i].type == type && hw[i].addr == addr) {
			os_hw_break_clear(i);
			hw[i].used = false;
			return 0;
		}
	}
	return -ENOENT;
}

struct gdb_stop hw_stop_reason(int slot)
{
	struct gdb_stop why = { .kind = GDB_STOP_SIGNAL, .sig = GDB_SIGTRAP };

	if (slot < 0 || slot >= HW_STEP_SLOT || !hw[slot].used)
		return why;
	why.addr = hw[slot].addr;
	switch (hw[slot].type) {
	case GDB_BP_HW:
		why.kind = GDB_STOP_HWBREAK;
		break;
	case GDB_WP_WRITE:
		why.kind = GDB_STOP_WATCH;
		break;
	default:
		why.kind = GDB_STOP_AWATCH;
	}
	return why;
}

static __monitor_text int t_breakpoint(void *t, bool insert, enum gdb_bp_type type, u64 addr,
				       unsigned kind)
{
	if (type == GDB_BP_SW)
		return insert ? bp_insert(addr, false) : bp_remove(addr);
	return insert ? hw_insert(type, addr, kind) : hw_remove(type, addr);
}

static __monitor_text int console_emit(void *ctx, const char *data, size_t len, bool err,
				       bool more)
{
	gdb_console_output(ctx, data, len);
	return 0;
}

/* monitor CMD: the command table (rule one-command-table), output as "O" packets. */
static __monitor_text int t_monitor(void *t, const char *line, struct gdb_state *st)
{
	static struct cmd_out out;
	const struct command *cmd = command_find(line);
	const char *args = line;

	cmd_out_init(&out, console_emit, st);
	if (!cmd) {
		cmd_puts(&out, "Unknown command; 'monitor help' lists them\n");
		cmd_finish(&out);
		return 0;
	}
	while (*args && *args != ' ' && *args != '\t')
		args++;
	while (*args == ' ' || *args == '\t')
		args++;
	if (cmd->context == CMD_ANYWHERE) {
		cmd->handler(&out, args);
	} else if (cmd->context == CMD_TASK) {
		cmd_puts(&out, "'");
		cmd_puts(&out, cmd->name);
		cmd_puts(&out, mconsole_queue_task(cmd, line) ?
			 "' runs in the mconsole kernel thread once the kernel continues; "
			 "the kernel log (dmesg) says how it went" :
			 "' not queued: the mconsole queue is full; try again");
	} else if (!cpu_run_command(cmd, args, &out)) {
		cmd_puts(&out, "'");
		cmd_puts(&out, cmd->name);
		cmd_puts(&out, "' needs the kernel at a safe point, and it is stopped at an "
			 "arbitrary instruction (a breakpoint, a step, or a break-in outside "
			 "the event loop): continue first, or use a command that runs "
			 "anywhere (ps, bt, stack, dmesg)");
	}
	if (out.len && out.buf[out.len - 1] != '\n')
		cmd_putc(&out, '\n');
	cmd_finish(&out);
	return 0;
}

/* The host libraries glass runs on, then the loaded modules. */
static __monitor_text int t_library_at(void *t, unsigned idx, struct gdb_library *lib)
{
	unsigned long addr;
	const char *path;
	unsigned nr_host = 0;

	if (!os_host_library(idx, &path, &addr)) {
		*lib = (struct gdb_library){ .path = path, .segment = addr };
		return 0;
	}
	while (!os_host_library(nr_host, &path, &addr))
		nr_host++;
	return gdb_module_library(idx - nr_host, lib);
}

static __monitor_text const char *t_exec_file(void *t)
{
	return os_exe_path();
}

static __monitor_text void release_all(void)
{
	bp_remove_all(false);
	for (int i = 0; i < HW_STEP_SLOT; i++) {
		if (hw[i].used)
			os_hw_break_clear(i);
		hw[i].used = false;
	}
}

static __monitor_text void t_detach(void *t)
{
	release_all();
	if (cpu_parked() && cpu_stop.owner == STOP_GDB)
		cpu_resume(false);
}

static __monitor_text void t_kill(void *t)
{
	os_exit(0);
}

static const struct gdb_target_ops target_ops = {
	.current_thread = t_current_thread,
	.thread_at = t_thread_at,
	.read_regs = t_read_regs,
	.write_regs = t_write_regs,
	.read_mem = t_read_mem,
	.write_mem = t_write_mem,
	.resume = t_resume,
	.stop = t_stop,
	.breakpoint = t_breakpoint,
	.monitor = t_monitor,
	.library_at = t_library_at,
	.exec_file = t_exec_file,
	.detach = t_detach,
	.kill = t_kill,
};

static __monitor_text void gdb_put(void *ctx, const void *buf, size_t len)
{
	os_gdb_send(buf, len);
}

/* ---- the monitor thread's entry points ---- */

void __monitor_text gdb_monitor_connected(void)
{
	gdb_init(&gdb_st, &target_ops, NULL, gdb_put, NULL);
	gdb_connect(&gdb_st);
	gdb_attached = true;
	/* Stop on connect, before gdb asks "?" — unless debug's stop at
	 * start_kernel is still to come. */
	if (cpu_parked())
		cpu_stop.reported = false;
	else if (!boot_stop_pending)
		cpu_interrupt(STOP_GDB);
	gdb_monitor_wake();
}

bool __monitor_text gdb_monitor_wants_input(void)
{
	return gdb_st.running || (cpu_parked() && cpu_stop.reported);
}

void __monitor_text gdb_monitor_input(const void *buf, size_t n)
{
	gdb_input(&gdb_st, buf, n);
	if (gdb_st.detached) {
		gdb_attached = false;
		gdb_st.detached = false;
	}
}

/* Whatever the state, the kernel runs on without gdb. */
void __monitor_text gdb_monitor_disconnected(void)
{
	gdb_attached = false;
	t_detach(NULL);
}

void __monitor_text gdb_monitor_wake(void)
{
	struct gdb_stop why;

	if (!gdb_attached || !cpu_parked() || cpu_stop.reported ||
	    cpu_stop.owner == STOP_SNAPSHOT)
		return;
	cpu_stop.reported = true;
	why = cpu_stop.why;
	why.tid = live_tid();
	gdb_stopped(&gdb_st, &why);
}

/* Boot (setup_early): listen, and for debug plant the stop at
 * start_kernel's first instruction. */
bool __monitor_text gdb_listening(void)
{
	return endpoint[0];
}

const char *__monitor_text gdb_endpoint(void)
{
	return endpoint;
}

void __monitor_text gdb_set_endpoint(const char *where)
{
	size_t i;

	for (i = 0; where[i] && i + 1 < sizeof(endpoint); i++)
		endpoint[i] = where[i];
	endpoint[i] = '\0';
}

int gdb_boot(const char *transport, bool wait)
{
	char where[sizeof(endpoint)];
	int err;

	/* Before listening: a gdb on stdio connects at once, and must then
	 * wait for the stop at start_kernel rather than break in now. */
	boot_stop_pending = wait;
	err = os_gdb_listen(transport, where, sizeof(where));
	if (err) {
		printk(KERN_EMERG "glass: gdb=%s: cannot listen: error %d\n", transport, -err);
		boot_stop_pending = false;
		return err;
	}
	gdb_set_endpoint(where);
	printk(KERN_INFO "gdb stub: target remote %s\n", where);
	if (!wait)
		return 0;
	err = bp_insert((u64)start_kernel, true);
	if (err) {
		printk(KERN_EMERG "glass: debug: cannot stop at start_kernel: error %d\n", -err);
		return err;
	}
	printk(KERN_INFO "debug: waiting for gdb before start_kernel: "
	       "gdb ./glass -ex 'target remote %s'\n", where);
	return 0;
}

/* Glass is exiting (init exited, halt, poweroff): a gdb waiting for a
 * stop hears the exit status instead of a closed connection. */
void __monitor_text gdb_exiting(int status)
{
	struct gdb_stop why = { .kind = GDB_STOP_EXITED, .sig = status & 0xff };

	if (gdb_attached)
		gdb_stopped(&gdb_st, &why);
}

/* ---- config gdb=… (the UML HOWTO's `config gdb=xterm`) ---- */

static int gdb_config(const char *str, struct cmd_out *out)
{
	const char *how = str + 1;      /* after '=' */
	int err;

	if (str[0] != '=') {
		cmd_error(out, "usage: config gdb=unix|tcp:PORT|xterm");
		return -EINVAL;
	}
	if (strcmp(how, "xterm")) {
		if (gdb_listening()) {
			cmd_error(out, "the gdb stub already listens on ");
			cmd_puts(out, gdb_endpoint());
			return -EBUSY;
		}
		err = gdb_boot(how, false);
		if (err) {
			cmd_error(out, "cannot start the gdb stub on ");
			cmd_puts(out, how);
			return err;
		}
		cmd_puts(out, gdb_endpoint());
		return 0;
	}
	if (!gdb_listening() && (err = gdb_boot("unix", false))) {
		cmd_error(out, "cannot start the gdb stub");
		return err;
	}
	err = os_spawn_gdb_xterm(gdb_endpoint());
	if (err) {
		cmd_error(out, "cannot start xterm (is it installed and is DISPLAY set?)");
		return err;
	}
	cmd_puts(out, "xterm started: gdb connects to ");
	cmd_puts(out, gdb_endpoint());
	return 0;
}

static int gdb_get_config(const char *str, struct cmd_out *out)
{
	cmd_puts(out, gdb_listening() ? gdb_endpoint() : "none");
	return 0;
}

static const struct mc_device gdb_mc_device = {
	.name = "gdb",
	.usage = "gdb=xterm",
	.help = "mconsole config gdb=unix|tcp:PORT|xterm: the stub (or gdb in an xterm) on a running kernel",
	.config = gdb_config,
	.get_config = gdb_get_config,
};
MC_DEVICE(gdb_mc_device);

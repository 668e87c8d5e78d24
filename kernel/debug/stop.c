/*
 * Stops (rule explicit-stops). Every stop parks the CPU thread inside the
 * SIGTRAP handler (kernel/os/trap.c), so a stopped kernel always has a
 * register set to show: gdb's breakpoints, steps and break-ins stop it at
 * an arbitrary instruction; mconsole's stop raises the trap itself from a
 * safe point. While parked no guest runs (its stub gets SIGSTOP), the
 * kernel's clocks stand still (time_account_stop), and a CPU parked at a
 * safe point — mconsole's stop, or a break-in that caught it waiting in
 * the event loop — still runs the safe-point commands handed to it.
 */
#include <glass/command.h>
#include <glass/debug.h>
#include <glass/mconsole.h>
#include <glass/os.h>
#include <glass/os_upcalls.h>
#include <glass/timer.h>

struct cpu_stop cpu_stop;
static u64 step_over;           /* internal int3 after a stepped syscall */
static bool library_stop;       /* the CPU's own request: a library stop */
/* CPU thread only (a nested trap is this thread's own signal): */
static bool in_trap;
static int in_park;
static bool request_pending;    /* a stop request the outer trap owes */

bool __monitor_text cpu_parked(void)
{
	return __atomic_load_n(&cpu_stop.parked, __ATOMIC_ACQUIRE);
}

/* Monitor text: cpu_resume and cpu_run_command call it. */
static void __monitor_text want(int bits)
{
	__atomic_or_fetch(&cpu_stop.want, bits, __ATOMIC_SEQ_CST);
	os_park_poke();
}

static void run_handed_command(void)
{
	bp_lift_all();
	cpu_stop.cmd->handler(cpu_stop.cmd_out, cpu_stop.cmd_args);
	bp_restore_all();
	__atomic_store_n(&cpu_stop.cmd_done, 1, __ATOMIC_RELEASE);
}

/* One park; returns the WANT_* bits that ended it. */
static int park_once(enum stop_owner owner, const struct gdb_stop *why, bool safe_point)
{
	u64 t0 = os_monotonic_ns();
	struct os_regs r;
	int w;

	in_park++;
	request_pending = false;        /* this park answers it */
	os_trap_get_regs(&r);
	cpu_stop.sp = r.rsp;
	cpu_stop.live = live_task(cpu_stop.sp);
	boot_stop_pending = false;
	cpu_stop.owner = owner;
	cpu_stop.why = *why;
	cpu_stop.safe_point = safe_point;
	cpu_stop.reported = false;
	os_guest_pause();
	/* A resume that arrived as the last park ended belongs to it. */
	__atomic_store_n(&cpu_stop.want, 0, __ATOMIC_SEQ_CST);
	__atomic_store_n(&cpu_stop.parked, 1, __ATOMIC_SEQ_CST);
	os_monitor_wake();
	for (;;) {
		w = __atomic_exchange_n(&cpu_stop.want, 0, __ATOMIC_SEQ_CST);
		if (w & WANT_COMMAND)
			run_handed_command();
		if (safe_point) {
			bp_lift_all();
			mconsole_serve();
			bp_restore_all();
		}
		if (w & (WANT_RESUME | WANT_STEP | WANT_SYSCALL))
			break;
		os_park_wait();
	}
	os_guest_unpause();
	cpu_stop.owner = STOP_NONE;
	__atomic_store_n(&cpu_stop.parked, 0, __ATOMIC_SEQ_CST);
	time_account_stop(os_monotonic_ns() - t0);
	os_monitor_wake();
	in_park--;
	return w;
}

/* A step over a syscall instruction that no breakpoint can end runs the
 * syscall here, with the kernel running, and parks again after it, as a
 * finished step; one that cannot be run here steps with TF. */
static void park(enum stop_owner owner, const struct gdb_stop *why, bool safe_point)
{
	static const struct gdb_stop stepped = { .kind = GDB_STOP_SIGNAL, .sig = GDB_SIGTRAP };
	int w = park_once(owner, why, safe_point);

	while ((w & WANT_SYSCALL) && !os_trap_emulate_syscall())
		w = park_once(STOP_GDB, &stepped, false);
	report_hw_breakpoints();
	os_trap_set_step(w & (WANT_STEP | WANT_SYSCALL));
}

/*
 * Once, in the log, when debug registers do not serve and what Glass does
 * instead. CPU thread: at boot for nohwbreak, else after the stop during
 * which the monitor thread first asked the host (kernel/os/probe.c: only
 * an hbreak, a watchpoint or a step over a syscall need them).
 */
void report_hw_breakpoints(void)
{
	static bool reported;
	int hw = __atomic_load_n(&os_features.hw_breakpoints, __ATOMIC_ACQUIRE);

	if (reported || !hw || hw == OS_UNPROBED || hw == OS_PROBING)
		return;
	reported = true;
	printk(KERN_INFO "host: %s (error %d): watchpoints by page protection, steps over "
	       "a syscall in libc by running it, no hbreak\n",
	       hw == -ENODEV ? "hardware breakpoints never fire" :
	       hw == -ECANCELED ? "hardware breakpoints off by nohwbreak" :
	       "no hardware breakpoints", -hw);
}

static bool handle_trap(struct os_trap *t)
{
	struct gdb_stop why = { .kind = GDB_STOP_SIGNAL, .sig = GDB_SIGTRAP };
	struct os_regs r;
	enum stop_owner owner = STOP_GDB;
	bool internal;

	switch (t->kind) {
	case OS_TRAP_INT3:
		if (!bp_is_set(t->addr, &internal)) {
			if (!gdb_attached)
				return false;
			break;          /* a compiled-in int3: SIGTRAP at rip */
		}
		/* Back onto the breakpoint, as swbreak promises gdb. */
		os_trap_get_regs(&r);
		r.rip = t->addr;
		os_trap_set_regs(&r);
		if (internal) {
			bp_remove(t->addr);
			if (t->addr == step_over)
				step_over = 0;
		} else {
			why.kind = GDB_STOP_SWBREAK;
		}
		break;
	case OS_TRAP_STEP:
		break;
	case OS_TRAP_WATCH:
		if (t->slot == HW_STEP_SLOT) {  /* a step over a syscall in libc */
			os_hw_break_clear(HW_STEP_SLOT);
			break;
		}
		why = hw_stop_reason(t->slot);
		break;
	case OS_TRAP_REQUEST:
		if (library_stop) {
			library_stop = false;
			why.kind = GDB_STOP_LIBRARY;
			break;
		}
		owner = cpu_stop.request;
		/* sysrq c: a NULL dereference in kernel code outside task
		 * context, so it oopses and then panics. */
		if (owner == STOP_CRASH)
			inject_null_deref();
		why.sig = GDB_SIGINT;
		park(owner, &why, owner == STOP_MCONSOLE || t->safe_point);
		return true;
	case OS_TRAP_OTHER:
		if (!gdb_attached)
			return true;    /* a stray kill -TRAP: ignored */
		break;
	}
	park(owner, &why, false);
	return true;
}

/*
 * Called by the SIGTRAP handler on the CPU thread; false: not a debug
 * event (an int3 nobody planted), so it is reported as a kernel fault.
 *
 * The monitor asks for a stop when it sees the CPU running, so its
 * request can arrive while the CPU is already in a trap on its way to a
 * park (the breakpoint at start_kernel as a gdb on stdio connects). A
 * second park nested in the first would end with `parked` cleared while
 * the outer one still waits: gdb told "running", the kernel stopped for
 * good. So such a request is answered by the park the CPU is in or about
 * to enter, and only a trap that ends without parking owes it one.
 */
bool debug_trap(struct os_trap *t)
{
	struct os_trap owed = { .kind = OS_TRAP_REQUEST, .safe_point = t->safe_point };
	bool handled;

	if (t->kind == OS_TRAP_REQUEST && !library_stop && (in_trap || in_park)) {
		if (!in_park)
			request_pending = true;
		return true;
	}
	if (in_trap)
		return handle_trap(t);
	in_trap = true;
	handled = handle_trap(t);
	if (request_pending)
		handle_trap(&owed);
	in_trap = false;
	return handled;
}

__noreturn void cpu_park_forever(int sig)
{
	struct gdb_stop why = { .kind = GDB_STOP_SIGNAL, .sig = sig };

	for (;;)
		park(STOP_GDB, &why, false);
}

/* Monitor thread. Stepping a syscall instruction with TF would run the
 * next instruction too (docs/reference/gdb-rsp.md): a breakpoint after it
 * instead — an int3 in our own text, a debug register (the CPU thread's
 * alone) in libc, whose code the monitor thread runs too; where debug
 * registers do not fire, the CPU runs the syscall itself (park). */
void __monitor_text cpu_resume(bool step)
{
	struct os_regs r;
	u8 insn[2];

	if (step) {
		os_trap_get_regs(&r);
		if (os_mem_read(r.rip, insn, 2) == 2 && insn[0] == 0x0f && insn[1] == 0x05) {
			if (text_breakable(r.rip + 2) && !bp_insert(r.rip + 2, true)) {
				step_over = r.rip + 2;
				step = false;
			} else if (!os_hw_break_set(HW_STEP_SLOT, 0, r.rip + 2, 1)) {
				step = false;
			} else {
				want(WANT_SYSCALL);
				return;
			}
		}
	}
	want(step ? WANT_STEP : WANT_RESUME);
}

void __monitor_text cpu_interrupt(enum stop_owner owner)
{
	cpu_stop.request = owner;
	os_cpu_interrupt();
}

bool __monitor_text cpu_run_command(const struct command *cmd, const char *args,
				    struct cmd_out *out)
{
	if (!cpu_parked() || !cpu_stop.safe_point)
		return false;
	cpu_stop.cmd = cmd;
	cpu_stop.cmd_args = args;
	cpu_stop.cmd_out = out;
	__atomic_store_n(&cpu_stop.cmd_done, 0, __ATOMIC_RELEASE);
	want(WANT_COMMAND);
	/* Safe-point commands do not sleep: this wait is short. */
	while (!__atomic_load_n(&cpu_stop.cmd_done, __ATOMIC_ACQUIRE))
		os_monitor_nap();
	return true;
}

/*
 * CPU thread, task context: the module list changed; with gdb attached,
 * stop so that it re-reads it. gdb resumes by itself (its
 * stop-on-solib-events is 0 by default). A flag of the CPU's own, not
 * cpu_stop.request, which a break-in from the monitor may rewrite.
 */
void cpu_library_stop(void)
{
	if (!gdb_attached)
		return;
	library_stop = true;
	os_cpu_interrupt();     /* the handler runs before this returns */
	library_stop = false;
}

/* mconsole stop: reply first, then park here until go. */
void cmd_stop(struct cmd_out *out, const char *args)
{
	if (cpu_parked()) {
		cmd_error(out, "Already stopped");
		return;
	}
	cmd_puts(out, "stopped");
	cmd_finish(out);
	cpu_stop.request = STOP_MCONSOLE;
	os_cpu_interrupt();     /* the handler runs before this returns */
}

void __monitor_text cmd_go(struct cmd_out *out, const char *args)
{
	if (!cpu_parked() || cpu_stop.owner != STOP_MCONSOLE) {
		cmd_error(out, cpu_parked() ? "Stopped by gdb: continue it from gdb"
					    : "Not stopped");
		return;
	}
	cpu_resume(false);
}

/*
 * Stopping the kernel and looking at it (kernel/debug): the CPU thread's
 * parks (gdb's breakpoints, steps and break-ins; mconsole's stop), the
 * gdb stub's target, and the task-list snapshots the monitor thread reads
 * without locks (rules monitor-never-blocks, one-command-table and explicit-stops).
 */
#ifndef GLASS_DEBUG_H
#define GLASS_DEBUG_H

#include <glass/command.h>
#include <glass/gdbstub.h>
#include <glass/os.h>
#include <glass/sched.h>

/* gdb's thread id for idle (pid 0): one above any pid Linux allows. */
#define IDLE_TID 4194304L

/* ---- snapshots for the monitor thread (snapshot.c) ---- */

/* Can size bytes at p be read without faulting (physmem or glass's image)? */
bool kobj_ok(const void *p, size_t size);
bool kimage_ok(const void *p, size_t size);
char task_state_char(const struct task_struct *t);
/* The pid of t's ptrace tracer, 0 if none (monitor-safe). */
pid_t task_tracer_pid(const struct task_struct *t);
/* Task number idx: 0 is idle, then the task list in order. NULL past the
 * end; *cut is set when the list changed under the walk. */
const struct task_struct *snapshot_task(unsigned idx, bool *cut);
const struct task_struct *snapshot_find(long tid);
long task_tid(const struct task_struct *t);
/* CPU thread: the task whose kernel stack holds sp. */
const struct task_struct *live_task(u64 sp);
/* A task's saved registers: callee-saved ones, rsp and rip from its
 * switch frame. -EAGAIN when it is running now. */
int task_switch_regs(const struct task_struct *t, struct gdb_regs *r);
/* The parked CPU's registers (os_trap_get_regs) in gdb's layout, and
 * those of r that are valid and gdb may change written back (regs.c). */
void trap_gdb_regs(struct gdb_regs *r);
void trap_set_gdb_regs(const struct gdb_regs *r);
/* Kernel backtrace of a task to out, symbolized, frame pointer walk. */
void put_task_stack(struct cmd_out *out, const struct task_struct *t);

/* ---- stops (stop.c) ---- */

enum stop_owner {
	STOP_NONE,
	STOP_GDB,               /* a debugger's stop: gdb hears of it */
	STOP_MCONSOLE,          /* mconsole stop, until go */
	STOP_SNAPSHOT,          /* a moment, to read the running code */
	STOP_CRASH,             /* not a stop: sysrq c crashes in the trap */
};
struct cpu_stop {
	int parked;             /* the CPU is in park() (atomic) */
	int owner;              /* enum stop_owner of the park */
	bool safe_point;        /* parked where safe-point commands may run */
	bool reported;          /* gdb has been told about this park */
	int want;               /* monitor to CPU: WANT_* bits (atomic) */
	int request;            /* why the next OS_TRAP_REQUEST parks */
	struct gdb_stop why;
	u64 sp;                 /* the parked stack pointer */
	const struct task_struct *live; /* the task whose code it runs */
	/* a safe-point command the monitor hands to the parked CPU */
	const struct command *cmd;
	const char *cmd_args;
	struct cmd_out *cmd_out;
	int cmd_done;           /* atomic */
};
#define WANT_RESUME 1
#define WANT_STEP 2
#define WANT_COMMAND 4
#define WANT_SERVE 8            /* mconsole queued a safe-point command */
#define WANT_SYSCALL 16         /* step over a syscall by running it */
extern struct cpu_stop cpu_stop;

bool cpu_parked(void);
/* Monitor thread: let a park end (step: one instruction, then park). */
void cpu_resume(bool step);
/* Monitor thread: run a safe-point command on the CPU parked at a safe
 * point; false (and nothing run) when it is not parked at one. */
bool cpu_run_command(const struct command *cmd, const char *args, struct cmd_out *out);
/* Monitor thread: ask the CPU to park for owner (a break-in). */
void cpu_interrupt(enum stop_owner owner);
/* CPU thread, in the fault handler of a panic with panic=gdb: park at
 * the fault (gdb's stop signal sig) for good. */
__noreturn void cpu_park_forever(int sig);
/* Log once that debug registers do not serve (nohwbreak, or probed so). */
void report_hw_breakpoints(void);
/* CPU thread, task context: a module was loaded or unloaded; with gdb
 * attached, a library stop makes it re-read the library list. */
void cpu_library_stop(void);
/* CPU thread, in safe-point parks: run what mconsole queued. */
void mconsole_serve(void);

/* ---- breakpoints (breakpoints.c) ---- */
int bp_insert(u64 addr, bool internal);
int bp_remove(u64 addr);
bool bp_is_set(u64 addr, bool *internal);
void bp_remove_all(bool internal_too);
/* With every int3 lifted (commands run in a park must not trap). */
void bp_lift_all(void);
void bp_restore_all(void);
bool text_breakable(u64 addr);
/* A module's memory is going: drop the table's breakpoints in
 * [addr, addr + size) without writing (gdb never removes them). */
void bp_forget(u64 addr, u64 size);

/* ---- the gdb stub (gdb.c) ---- */
/* gdb's watchpoints use the hardware slots below this one; this one
 * steps over a syscall instruction in libc. */
#define HW_STEP_SLOT (OS_HW_SLOTS - 1)
/* Why a hardware slot's trap stopped the kernel. */
struct gdb_stop hw_stop_reason(int slot);
extern bool gdb_attached;
/* Boot: debug[=T] / gdb=T from the command line (before start_kernel). */
int gdb_boot(const char *transport, bool wait);
/* Its monitor-thread entry points are in glass/os_upcalls.h. */
extern bool boot_stop_pending;
bool gdb_listening(void);
const char *gdb_endpoint(void);
void gdb_set_endpoint(const char *where);
/* Library idx of the loaded modules (modules.c): 0, or -ENOENT past the
 * last. Monitor thread, CPU parked. */
int gdb_module_library(unsigned idx, struct gdb_library *lib);

/* ---- detectors (watchdog.c) ---- */
extern unsigned int hung_task_timeout_secs, watchdog_thresh;
extern unsigned long cpu_progress;      /* bumped at scheduling points */
int hung_task_timeout_show(struct task_struct *t, char *buf, size_t size);
int hung_task_timeout_store(const char *buf);
int watchdog_thresh_show(struct task_struct *t, char *buf, size_t size);
int watchdog_thresh_store(const char *buf);

/* ---- test hooks (inject.c) ---- */
void inject_null_deref(void);

/* ---- sysrq (sysrq.c) ---- */
void cmd_sysrq(struct cmd_out *out, const char *args);
void sysrq_console(u8 key);
/* /proc/sys/kernel/sysrq: the keys a console line's BREAK may run. */
int sysrq_sysctl_show(struct task_struct *t, char *buf, size_t size);
int sysrq_sysctl_store(const char *buf);
/* A cmd_emit_t that prints to the kernel log, line by line. */
int printk_emit(void *ctx, const char *data, size_t len, bool err, bool more);

#endif

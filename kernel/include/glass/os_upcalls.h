/*
 * The host layer's calls back into the kernel: every kernel function (and
 * the one kernel datum) that code in kernel/os names is declared here and
 * nowhere else, with the thread that calls it. kernel/os calls nothing
 * else outside kernel/os; the kernel reaches the host only through os.h.
 * Handlers passed as pointers (os_irq_add, os_readdir's fill) are not
 * named by kernel/os and are not listed.
 */
#ifndef GLASS_OS_UPCALLS_H
#define GLASS_OS_UPCALLS_H

#include <glass/types.h>

struct mc_client;
struct os_fault_regs;
struct os_trap;

/* --- boot: main() (kernel/os/main.c), on the thread that becomes the CPU --- */
/* As UML's linux_main: the command line, the umid directory, the monitor
 * thread and the gdb stub (kernel/init/main.c). */
void setup_early(int argc, char **argv);
__noreturn void start_kernel(void);

/* --- exit: os_exit, os_reexec (kernel/os/main.c), any thread --- */
/* Tell an attached gdb that glass exits with status (kernel/debug/gdb.c). */
void gdb_exiting(int status);
/* The CPU thread only: a PROFILE=1 build writes gmon.out
 * (profiling/gprof.c). */
void gprof_exiting(void);
/* Write what the trace ring still holds to the trace file
 * (kernel/trace/sink.c); monitor: os_exit runs on the monitor thread
 * (mconsole halt), else on the CPU thread. */
void trace_exit_flush(bool monitor);

/* --- traps and faults: the CPU thread, inside a signal handler --- */
/* SIGTRAP (kernel/os/trap.c): a debug event, handled by kernel/debug/stop.c,
 * which may park there. False: not a debug event (an int3 nobody planted),
 * reported as a kernel fault. */
bool debug_trap(struct os_trap *t);
/* SIGSEGV, SIGBUS, SIGILL, SIGFPE (kernel/os/fault.c) and the int3 above:
 * the oops (kernel/diag/oops.c). Returns OOPS_RESUME after rewriting the
 * registers (ip, sp, di) to make the task exit, or never (a panic). */
enum { OOPS_RESUME = 1 };
int kernel_fault(int sig, int code, unsigned long addr, struct os_fault_regs *regs);

/* --- interrupts: the CPU thread, the event loop (kernel/os/event.c) --- */
/* The kernel's interrupt bracket around each handler (kernel/sched/core.c). */
void irq_enter(void);
void irq_exit(void);

/* --- the monitor thread (kernel/os/monitor.c), all __monitor_text --- */
/* The gdb stub's transport events (kernel/debug/gdb.c). */
void gdb_monitor_connected(void);
void gdb_monitor_input(const void *buf, size_t n);
bool gdb_monitor_wants_input(void);
void gdb_monitor_disconnected(void);
void gdb_monitor_wake(void);
/* A second debugger while one is attached (kernel/debug/attach.c): a new
 * refused connection, then its input; the reply is what to send it, or
 * -EPIPE to close it (gdb_refusal_input). */
void gdb_monitor_refuse_start(void);
long gdb_monitor_refuse_input(const void *buf, size_t n, u8 *out, size_t cap);
/* About once a second: the soft-lockup detector (kernel/debug/watchdog.c). */
void watchdog_monitor_tick(u64 now_ns);
/* The tracer's readers, the trace file and trace follow clients
 * (kernel/trace/sink.c): returns when to call again (host monotonic ns),
 * 0 when nothing reads. */
u64 trace_monitor_tick(u64 now_ns);
/* One mconsole datagram from client, at host time now_ns
 * (kernel/mconsole/mconsole.c). */
void mconsole_monitor_request(const void *buf, size_t n,
			      const struct mc_client *client, u64 now_ns);
/* Answer the queued mconsole requests whose time ran out; returns the next
 * deadline (host monotonic ns) or 0 when nothing is queued. */
u64 mconsole_monitor_expire(u64 now_ns);

/* --- data: the stub's static image (kernel/arch/x86_64/stub_blob.S),
 * copied once into the memfd each stub is executed from (kernel/os/guest.c),
 * CPU thread --- */
extern const char stub_image[], stub_image_end[];

#endif

/* kernel/diag internals: the oops report, panic and the core dump. */
#ifndef KERNEL_DIAG_H
#define KERNEL_DIAG_H

#include <glass/gdbstub.h>
#include <glass/os.h>
#include <glass/sched.h>

/* The fault being reported (oops.c), for panic and the core: regs NULL
 * when the panic did not come from a fault. CPU thread. */
struct oops_info {
	int sig;
	const struct os_fault_regs *regs;
	const struct task_struct *task;
};
extern struct oops_info oops_now;

/* Print the symbolized backtrace of frames (oops.c); trap: frame 0's ip
 * is past the instruction (int3). */
void print_frames(const struct os_frame *f, int n, bool trap);

/* Write a core of the running kernel (core_dump.c): every task a thread;
 * live: the registers of the task on the CPU, live_task that task.
 * 0 or -errno. */
int core_dump(const char *path, const struct gdb_regs *live,
	      const struct task_struct *live_task);
/* The registers of its caller, as if it had just returned (core_dump.c). */
void capture_regs(struct gdb_regs *r);
/* Where kernel_fault resumes a task it kills (oops.c): it exits with sig
 * on its own stack. */
__noreturn void make_task_dead(int sig);
/* <umid dir>/core.N for the first N not yet used. */
void core_default_path(char *buf, size_t size);

#endif

/*
 * After a panic's message (docs/DESIGN.md, Diagnostics; README "panic="): a
 * backtrace when no oops printed one, an ELF core in the umid directory
 * (kept, with the kernel log beside it as console.log), the mconsole
 * notify socket told, then what panic= says:
 *   halt (default, and panic=0)  exit by SIGABRT, no host core;
 *   N                            wait N seconds, re-execute glass (reboot);
 *   gdb                          start the stub if it is not running, say
 *                                where, and park the CPU at the faulting
 *                                frame (or in panic) for gdb, for good.
 * CPU thread; from the fault handler too. Nothing here may fault again
 * without ending the process: a second panic aborts at once.
 */
#include <glass/debug.h>
#include <glass/init.h>
#include <glass/kernel.h>
#include <glass/mconsole.h>
#include <glass/os.h>
#include <glass/timer.h>
#include <glass/uapi_fs.h>

#include "diag.h"

#define PANIC_FRAMES 32

static void save_log(void)
{
	static char buf[128 << 10];
	char path[512];
	size_t n = log_read_all(buf, sizeof(buf));
	int fd;

	scnprintf(path, sizeof(path), "%s/console.log", os_umid_dir());
	fd = os_open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return;
	os_write(fd, buf, n);
	os_close(fd);
}

static void write_panic_core(const struct gdb_regs *live, const struct task_struct *task)
{
	static char path[512];
	int err;

	if (!os_umid_dir()[0])
		return;
	os_umid_keep();
	scnprintf(path, sizeof(path), "%s/core", os_umid_dir());
	err = core_dump(path, live, task);
	if (err)
		pr_emerg("panic: cannot write the core %s: error %d\n", path, -err);
	else
		pr_emerg("panic: core written to %s (gdb %s %s)\n", path, "./glass", path);
	save_log();
}

/* gdb's signal numbers for the fault signals (its SIGBUS is 10). */
static int gdb_sig(int sig)
{
	return sig == 7 ? 10 : sig;
}

static __noreturn void wait_for_gdb(void)
{
	if (!gdb_listening() && gdb_boot("unix", false))
		os_abort();
	pr_emerg("panic: waiting for gdb: gdb ./glass -ex 'target remote %s'\n",
		 gdb_endpoint());
	os_flush_console();
	if (os_fault_context())
		cpu_park_forever(gdb_sig(oops_now.sig));
	/* Not in a fault: a stop request parks in the debug trap, here. */
	for (;;) {
		cpu_stop.request = STOP_GDB;
		os_cpu_interrupt();
	}
}

__noreturn void panic_finish(const char *msg)
{
	static struct os_frame frames[PANIC_FRAMES];
	static bool in_panic;
	struct gdb_regs live;
	const struct task_struct *task = current;
	int n;

	if (in_panic)
		os_abort();
	in_panic = true;
	console_loglevel = 8;
	pr_emerg("Kernel panic - not syncing: %s\n", msg);
	if (oops_now.regs) {
		trap_gdb_regs(&live);
		task = oops_now.task;
	} else {
		pr_emerg("CPU: 0 PID: %d Comm: %.16s\n", current->pid, current->comm);
		pr_emerg("Call Trace:\n");
		/* From panic() on: frames 0 and 1 are os_unwind and this. */
		n = os_unwind(NULL, frames, PANIC_FRAMES);
		if (n > 2)
			print_frames(frames + 2, n - 2, false);
		capture_regs(&live);
	}
	write_panic_core(&live, task);
	/* mconsole=notify: listeners learn of it before the exit. */
	mconsole_notify(MCONSOLE_PANIC, msg);
	if (boot.panic == PANIC_GDB)
		wait_for_gdb();
	if (boot.panic > 0) {
		pr_emerg("Rebooting in %d seconds..\n", boot.panic);
		os_flush_console();
		os_sleep_ns((u64)boot.panic * NSEC_PER_SEC);
		os_reexec();
	}
	pr_emerg("---[ end Kernel panic - not syncing: %s ]---\n", msg);
	os_abort();
}

/*
 * halt (anywhere), reboot and cad (at a safe point). halt and reboot
 * act at once, as UML's do (no sync, no clean shutdown of userspace): the
 * reply goes out first, then the process exits or re-executes itself.
 */
#include <glass/os.h>
#include <glass/sched.h>
#include "internal.h"

/* Anywhere: it must work while the kernel is stopped or wedged, so it
 * logs nothing (printk is CPU-thread code) and exits from the monitor. */
void __monitor_text cmd_halt(struct cmd_out *out, const char *args)
{
	cmd_finish(out);
	os_exit(0);
}

void cmd_reboot(struct cmd_out *out, const char *args)
{
	cmd_finish(out);
	pr_notice("mconsole: reboot\n");
	os_reexec();
}

/* Ctrl-Alt-Del: SIGINT to init, as Linux does with C-A-D disabled (init
 * decides: busybox init reboots, a shell as init ignores it). */
void cmd_cad(struct cmd_out *out, const char *args)
{
	struct task_struct *init = find_task_by_pid(1);
	int err;

	if (!init) {
		cmd_error(out, "No init process yet");
		return;
	}
	err = send_sig(SIGINT, init, 1);
	if (err) {
		cmd_error(out, "SIGINT to init failed");
		cmd_printf(out, ": error %d", -err);
	}
}

/*
 * The command table (rule one-command-table): one entry per command with its
 * help text and the context it runs in. mconsole matches a request to an
 * entry as UML does: the entry's name is a prefix of the request, so the
 * order matters only for names that are prefixes of each other (none are).
 */
#include <glass/mconsole.h>
#include <glass/debug.h>
#include "internal.h"

const struct command command_table[] = {
	{ "version", "", "Get kernel version", CMD_ANYWHERE, cmd_version },
	{ "help", "", "Print this message", CMD_ANYWHERE, cmd_help },
	{ "halt", "", "Halt Glass at once (exit status 0)", CMD_ANYWHERE, cmd_halt },
	{ "reboot", "", "Reboot Glass at once (re-execute it)", CMD_SAFE_POINT, cmd_reboot },
	{ "cad", "", "Ctrl-Alt-Del: SIGINT to init", CMD_SAFE_POINT, cmd_cad },
	{ "log", " <string>", "Write <string> to the kernel log", CMD_SAFE_POINT, cmd_log },
	{ "proc", " <file>", "Contents of /proc/<file> (needs no mounted /proc)",
	  CMD_SAFE_POINT, cmd_proc },
	{ "ps", "", "Tasks: pid, ppid, state, wait channel, host pid, command",
	  CMD_ANYWHERE, cmd_ps },
	{ "stack", " <pid>", "Kernel stack of task <pid>, symbolized", CMD_ANYWHERE, cmd_stack },
	{ "bt", " <pid>|all", "Kernel stacks of one task or of all", CMD_ANYWHERE, cmd_bt },
	{ "sysrq", " <key>", "Magic SysRq: t w l m p c s b o g (sysrq h lists them)",
	  CMD_ANYWHERE, cmd_sysrq },
	{ "stop", "", "Pause the kernel: no guest runs, clocks stand still, until go",
	  CMD_SAFE_POINT, cmd_stop },
	{ "go", "", "Resume the kernel after stop", CMD_ANYWHERE, cmd_go },
	{ "dmesg", "", "The kernel log", CMD_ANYWHERE, cmd_dmesg },
	{ "uptime", "", "Time since boot, and time run (stops excluded)", CMD_ANYWHERE,
	  cmd_uptime },
	{ "mem", "", "Memory: /proc/meminfo and the slab caches", CMD_SAFE_POINT, cmd_mem },
	{ "config", " <dev>=<config>", "Add a device, or report its configuration (config <dev>)",
	  CMD_SAFE_POINT, cmd_config },
	{ "remove", " <dev>", "Remove a device", CMD_SAFE_POINT, cmd_remove },
	{ "inject", " <kind>", "Break the kernel on purpose (inject=1): spin, deadlock, "
	  "oops-task, oops-irq, hang-host, bad-pointer, ud2, int3, libc-fault, overflow, "
	  "bug, oops-syscall PID", CMD_SAFE_POINT, cmd_inject },
	{ "core", " [path]", "Write an ELF core of the running kernel (every task a thread; "
	  "default <umid dir>/core.N): gdb ./glass CORE", CMD_SAFE_POINT, cmd_core },
	{ "stats", "", "mconsole request counters, bad requests included", CMD_ANYWHERE,
	  cmd_stats },
	{ "insmod", " <host path> [name=value ...]", "Load a module from the host "
	  "(runs its init in the mconsole kernel thread)", CMD_TASK, cmd_insmod },
	{ "rmmod", " <name>", "Unload a module", CMD_TASK, cmd_rmmod },
	{ "lsmod", "", "Loaded modules: size, references, state, address", CMD_ANYWHERE,
	  cmd_lsmod },
	/* coverage/ (coverage/README.md) */
	{ "gcov", " dump [DIR] | reset | status", "gcov counters of a COVERAGE=1 build: "
	  "write the .gcda files (to the build tree, or under DIR), zero them, count them",
	  CMD_SAFE_POINT, cmd_gcov },
	{ "profile", " start [hz=N] [kernel|guest|all] | stop | status | dump folded|pprof|top "
	  "[FILE]", "Sampling profiler of kernel and guest code (profiling/README.md)",
	  CMD_SAFE_POINT, cmd_profile },
	{ "gprof", " dump [FILE] | reset", "gmon.out of a make PROFILE=1 build, now: "
	  "gprof build-prof/glass FILE", CMD_SAFE_POINT, cmd_gprof },
	/* The tracer (kernel/trace/README.md). */
	{ "trace", " syscalls [pid=N|comm=NAME] [follow] [filter=CLASS|NAME,...] | faults "
	  "[pid=N] | sched | off | status | dump [N] | follow | export <file>",
	  "Trace syscalls (strace's format), page faults, scheduling: start, stop, read; "
	  "status, dump and follow run anywhere", CMD_ANYWHERE, cmd_trace },
};
const size_t command_count = ARRAY_SIZE(command_table);

const struct command *__monitor_text command_find(const char *data)
{
	for (size_t i = 0; i < command_count; i++)
		if (mconsole_cmd_match(command_table[i].name, data))
			return &command_table[i];
	return NULL;
}

void __monitor_text cmd_help(struct cmd_out *out, const char *args)
{
	cmd_puts(out, "Commands:\n");
	for (size_t i = 0; i < command_count; i++) {
		const struct command *c = &command_table[i];

		cmd_puts(out, "    ");
		cmd_puts(out, c->name);
		cmd_puts(out, c->usage);
		cmd_puts(out, " - ");
		cmd_puts(out, c->help);
		cmd_puts(out, c->context == CMD_ANYWHERE ? "\n" :
			 c->context == CMD_TASK ? " [kernel task]\n" : " [safe point]\n");
	}
}

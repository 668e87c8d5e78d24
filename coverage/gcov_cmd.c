/*
 * The gcov command (mconsole and gdb's monitor): dump, reset, status.
 * A safe-point command: it runs on the CPU thread between guest runs, so
 * no counter moves while the files are written and no guest waits longer
 * than the write.
 */
#include <glass/command.h>
#include <glass/gcov.h>
#include <glass/kernel.h>
#include <glass/string.h>
#include <glass/timer.h>

static void gcov_status(struct cmd_out *out)
{
	struct gcov_stats st;

	gcov_stats(&st);
	cmd_printf(out, "gcov: %u objects (%u kept from unloaded modules), "
		   "%lu functions, %lu counters\n", st.objects, st.ghosts,
		   st.functions, st.counters);
}

static void gcov_dump_cmd(struct cmd_out *out, const char *dir)
{
	static char failed[512];
	u64 start = ktime_get_ns();
	int n = gcov_dump(*dir ? dir : NULL, failed, sizeof(failed));

	if (n < 0) {
		char msg[CMD_OUT_CHUNK + 1];

		scnprintf(msg, sizeof(msg), "gcov dump: cannot write %s: %s",
			  failed, err_text(n));
		cmd_error(out, msg);
		return;
	}
	cmd_printf(out, "gcov: %d files written to %s in %llu ms\n", n,
		   *dir ? dir : "the build tree",
		   (unsigned long long)(ktime_get_ns() - start) / 1000000);
}

void cmd_gcov(struct cmd_out *out, const char *args)
{
	struct gcov_stats st;
	size_t len = 0;
	const char *rest;

	while (args[len] && args[len] != ' ' && args[len] != '\t')
		len++;
	for (rest = args + len; *rest == ' ' || *rest == '\t'; rest++)
		;
	gcov_stats(&st);
	if (!st.objects) {
		cmd_error(out, "gcov: this build has no coverage (build it with make COVERAGE=1)");
		return;
	}
	if (len == 4 && !strncmp(args, "dump", 4))
		gcov_dump_cmd(out, rest);
	else if (len == 5 && !strncmp(args, "reset", 5) && !*rest) {
		gcov_reset();
		cmd_puts(out, "gcov: counters zeroed\n");
	} else if (len == 6 && !strncmp(args, "status", 6) && !*rest)
		gcov_status(out);
	else
		cmd_error(out, "usage: gcov dump [DIR] | gcov reset | gcov status");
}

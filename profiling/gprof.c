/*
 * gprof of a make PROFILE=1 build: `gprof dump [FILE]` writes gmon.out
 * now, from the histogram profil() keeps (kernel/os/gprof.c) and the arcs
 * __fentry__ records (kernel/os/mcount.c); `gprof reset` starts both
 * afresh; and glass writes gmon.out in its working directory when it
 * exits from the CPU thread (init's exit, poweroff, reboot, a panic), as
 * glibc's _mcleanup would; mconsole halt leaves at once from the monitor
 * thread and writes none.
 * In any other build the commands say how to get one.
 */
#include <glass/errno.h>
#include <glass/kernel.h>
#include <glass/os.h>
#include <glass/os_upcalls.h>
#include <glass/profile.h>
#include <glass/string.h>
#include "internal.h"

/* gmon.out of the profile so far into path: its size, or -errno. */
static long gprof_write(const char *path)
{
	const struct gmon_arc *arcs;
	struct gmon_hist h;
	u32 nr_arcs;
	size_t len;
	u8 *buf;
	int err = os_gprof_state(&h, &arcs, &nr_arcs);

	if (err)
		return err;
	len = gmon_encode(NULL, 0, &h, arcs, nr_arcs);
	buf = os_alloc_host(len);
	if (!buf)
		return -ENOMEM;
	gmon_encode(buf, len, &h, arcs, nr_arcs);
	err = profile_write_file(path, buf, len);
	os_free_host(buf);
	return err ? err : (long)len;
}

static const char not_built[] = "gprof: this glass is not built for gprof "
	"(make PROFILE=1 builds build-prof/glass)";

/* Safe point (CPU thread). */
void cmd_gprof(struct cmd_out *out, const char *args)
{
	const char *path;
	long r;

	if (!strncmp(args, "reset", 5) && (!args[5] || args[5] == ' ')) {
		const struct gmon_arc *arcs;
		struct gmon_hist h;
		u32 n;

		if (os_gprof_state(&h, &arcs, &n) == -ENOSYS) {
			cmd_error(out, not_built);
			return;
		}
		os_gprof_reset();
		cmd_puts(out, "gprof: a fresh profile\n");
		return;
	}
	if (strncmp(args, "dump", 4) || (args[4] && args[4] != ' ')) {
		cmd_error(out, "usage: gprof dump [FILE] | reset");
		return;
	}
	for (path = args + 4; *path == ' '; path++)
		;
	if (!*path)
		path = "gmon.out";
	r = gprof_write(path);
	if (r == -ENOSYS) {
		cmd_error(out, not_built);
		return;
	}
	if (r < 0) {
		cmd_error(out, "gprof dump: cannot write ");
		cmd_printf(out, "%s: error %ld", path, r);
		return;
	}
	cmd_printf(out, "wrote %s: %ld bytes (gprof build-prof/glass %s)\n", path, r, path);
}

void gprof_exiting(void)
{
	gprof_write("gmon.out");
}

/*
 * Configurable devices, as UML's mc_device: one entry per device class
 * ("ubd", "con", "ssl", "gdb"), reached three ways with the same syntax —
 * the command line (`ubd0=disk.img`), mconsole `config ubd0=disk.img`,
 * and `config ubd0` / `remove ubd0`. Entries live in the "mc_devices"
 * section, so a driver registers itself with MC_DEVICE() and no central
 * list changes. All three handlers run on the CPU thread at a safe point
 * (or during boot) and must not sleep.
 */
#ifndef GLASS_MC_DEVICE_H
#define GLASS_MC_DEVICE_H

#include <glass/command.h>

struct mc_device {
	const char *name;       /* the class: "ubd" matches "ubd0", "ubd0=…" */
	const char *usage;      /* for --help: "ubdN=FILE[,BACKING]" */
	const char *help;       /* one line */
	/* str is the word after the name: "0=disk.img" (or "=…" for a
	 * class-wide setting such as `con=pty`). Return 0 or -errno; on an
	 * error, say why with cmd_error(out, …). */
	int (*config)(const char *str, struct cmd_out *out);
	/* str is "0" for `config ubd0`: write the configuration to out. */
	int (*get_config)(const char *str, struct cmd_out *out);
	/* str is "0" for `remove ubd0`. UML's errors: "Device doesn't
	 * exist", "Device is currently open", "Invalid device number - must
	 * be between %d and %d". */
	int (*remove)(const char *str, struct cmd_out *out);
};

#define MC_DEVICE(dev)                                                      \
	static const struct mc_device *const __mc_device_##dev             \
	__attribute__((used, section("mc_devices"), aligned(8))) = &dev

/* The class whose name starts word and is followed by a digit, '=' or
 * the end; *rest is then the text after the name. NULL if none. */
const struct mc_device *mc_device_find(const char *word, const char **rest);

/* The i-th registered class, NULL past the last. */
const struct mc_device *mc_device_at(int i);

/* The command line's device words, applied once the drivers are up (from
 * start_kernel, after the initcalls). A failure is fatal, as a bad value
 * of any known option: a one-line error and exit status 2. */
int mc_device_boot_arg(const char *word);
void mc_devices_boot(void);

#endif

/*
 * config and remove (UML's mconsole_config/mconsole_remove) and the boot
 * path that gives the command line's device words the same handlers.
 */
#include <glass/init.h>
#include <glass/mc_device.h>
#include <glass/os.h>
#include <glass/string.h>
#include "internal.h"

extern const struct mc_device *const __start_mc_devices[] __attribute__((weak));
extern const struct mc_device *const __stop_mc_devices[] __attribute__((weak));

const struct mc_device *mc_device_find(const char *word, const char **rest)
{
	for (const struct mc_device *const *d = __start_mc_devices;
	     d && d < __stop_mc_devices; d++) {
		size_t n = strlen((*d)->name);
		char c = word[n];

		if (!strncmp(word, (*d)->name, n) &&
		    (c == '\0' || c == '=' || (c >= '0' && c <= '9'))) {
			*rest = word + n;
			return *d;
		}
	}
	return NULL;
}

const struct mc_device *mc_device_at(int i)
{
	if (!__start_mc_devices || i < 0 || i >= __stop_mc_devices - __start_mc_devices)
		return NULL;
	return __start_mc_devices[i];
}

void cmd_config(struct cmd_out *out, const char *args)
{
	const struct mc_device *dev;
	const char *rest;

	if (!*args) {
		cmd_error(out, "config: need a device, as in 'config ubd0' or 'config ubd0=FILE'");
		return;
	}
	dev = mc_device_find(args, &rest);
	if (!dev) {
		cmd_error(out, "Bad configuration option");
		return;
	}
	if (strchr(rest, '='))
		dev->config(rest, out);
	else if (dev->get_config)
		dev->get_config(rest, out);
	else
		cmd_error(out, "This device does not report its configuration");
}

void cmd_remove(struct cmd_out *out, const char *args)
{
	const struct mc_device *dev;
	const char *rest;

	dev = mc_device_find(args, &rest);
	if (!dev) {
		cmd_error(out, "remove: Bad remove option");
		return;
	}
	if (!dev->remove) {
		cmd_error(out, "This device can not be removed");
		return;
	}
	dev->remove(rest, out);
}

/* ---- the command line ---- */

static const char *boot_words[64];
static int nr_boot_words;

/* Called by parse_cmdline for each word; 1 if it names a device. */
int mc_device_boot_arg(const char *word)
{
	const char *rest;

	if (!mc_device_find(word, &rest) || !strchr(rest, '='))
		return 0;
	if (nr_boot_words < (int)ARRAY_SIZE(boot_words))
		boot_words[nr_boot_words++] = word;
	return 1;
}

struct boot_err {
	const char *word;
	char msg[CMD_OUT_CHUNK + 1];
	size_t len;
};

static int boot_emit(void *ctx, const char *data, size_t len, bool err, bool more)
{
	struct boot_err *be = ctx;
	size_t n = min(len, sizeof(be->msg) - 1 - be->len);

	memcpy(be->msg + be->len, data, n);
	be->len += n;
	be->msg[be->len] = '\0';
	return 0;
}

void mc_devices_boot(void)
{
	for (int i = 0; i < nr_boot_words; i++) {
		struct boot_err be = { .word = boot_words[i] };
		struct cmd_out out;
		const char *rest;
		const struct mc_device *dev = mc_device_find(be.word, &rest);
		int r;

		cmd_out_init(&out, boot_emit, &be);
		r = dev->config(rest, &out);
		cmd_finish(&out);
		if (r) {
			printk(KERN_EMERG "glass: bad value for %s: %s\n", be.word,
			       be.len ? be.msg : "error");
			os_exit(2);
		}
	}
}

/*
 * mconsole (and gdb monitor) commands for modules: insmod HOSTPATH
 * [params] and rmmod NAME run in the mconsole kernel thread (CMD_TASK: a
 * module's init and exit may sleep); lsmod runs anywhere, reading the
 * list as glass/module.h allows the monitor thread to.
 */
#include <glass/command.h>
#include <glass/errno.h>
#include <glass/kernel.h>
#include <glass/module.h>
#include <glass/os.h>
#include <glass/string.h>

/* "insmod /abs/path/hello.ko name=value ...": the host file, read through
 * kernel/os; the module keeps that absolute path for gdb. */
void cmd_insmod(struct cmd_out *out, const char *args)
{
	char path[256];
	const char *params = strchr(args, ' ');
	size_t len = params ? (size_t)(params - args) : strlen(args);
	void *image;
	long n;
	int err;

	if (!len || args[0] != '/' || len >= sizeof(path)) {
		cmd_error(out, "insmod: give the module's absolute host path "
			  "(insmod /path/to/NAME.ko [name=value ...])");
		return;
	}
	memcpy(path, args, len);
	path[len] = '\0';
	while (params && *params == ' ')
		params++;
	n = os_read_file(path, &image);
	if (n < 0) {
		cmd_error(out, "insmod: cannot read ");
		cmd_printf(out, "%s: error %ld", path, -n);
		return;
	}
	err = load_module(image, n, params ? params : "", path, 0);
	os_free_host(image);
	if (err) {
		cmd_error(out, "insmod: ");
		cmd_printf(out, "%s: error %d; dmesg says why", path, -err);
		return;
	}
	cmd_printf(out, "%s loaded", path);
}

/* delete_module's flags as busybox rmmod passes them (O_NONBLOCK). */
void cmd_rmmod(struct cmd_out *out, const char *args)
{
	int err;

	if (!*args || strchr(args, ' ')) {
		cmd_error(out, "rmmod: give one module name");
		return;
	}
	err = unload_module(args, 0);
	if (err == -EWOULDBLOCK) {
		cmd_error(out, "rmmod: ");
		cmd_printf(out, "%s is in use (error %d)", args, -err);
	} else if (err) {
		cmd_error(out, "rmmod: ");
		cmd_printf(out, "%s: error %d", args, -err);
	} else {
		cmd_printf(out, "%s unloaded", args);
	}
}

/* /proc/modules' columns but the users: name size refcnt state address. */
void __monitor_text cmd_lsmod(struct cmd_out *out, const char *args)
{
	unsigned long gen = __atomic_load_n(&modules_generation, __ATOMIC_ACQUIRE);
	const struct module *mod;

	cmd_puts(out, "Module                  Size  Used  State    Address\n");
	list_for_each_entry(mod, &modules, list) {
		cmd_putsn(out, mod->name, MODULE_NAME_LEN, 20);
		cmd_putu(out, mod->size, 8);
		cmd_putu(out, mod->refcnt, 6);
		cmd_puts(out, mod->state == MODULE_STATE_LIVE ? "  Live     0x" :
			 mod->state == MODULE_STATE_COMING ? "  Loading  0x" : "  Unloading 0x");
		cmd_putx(out, (unsigned long)mod->base, 16);
		cmd_putc(out, '\n');
	}
	if (__atomic_load_n(&modules_generation, __ATOMIC_ACQUIRE) != gen)
		cmd_puts(out, "(modules changed while listing: run lsmod again)\n");
}

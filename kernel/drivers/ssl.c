/*
 * Serial lines, UML's ssl0..ssl3: /dev/ttyS0..3 (major 4, minors 64-67),
 * lines (line.c) with any channel (sslN=, ssl= for all, mconsole config),
 * none by default. CPU thread.
 */
#include <glass/fs.h>
#include <glass/init.h>
#include <glass/line.h>
#include <glass/mc_device.h>

#define NR_SERIAL 4

static struct line serial_lines[NR_SERIAL];
static struct line_class ssl_class = {
	.name = "ssl",
	.lines = serial_lines,
	.nr = NR_SERIAL,
};

static const char *const ssl_names[NR_SERIAL] = { "ttyS0", "ttyS1", "ttyS2", "ttyS3" };

static int ssl_lines_init(void)
{
	for (int i = 0; i < NR_SERIAL; i++) {
		line_init(&serial_lines[i], "Serial line", "ssl", i, MKDEV(TTY_MAJOR, 64 + i));
		serial_lines[i].tty.name = ssl_names[i];
	}
	return 0;
}
core_initcall(ssl_lines_init);

/* Boot, after the command line's device words (from console_init). */
void ssl_init(void)
{
	line_class_start(&ssl_class);
}

static int ssl_config(const char *str, struct cmd_out *out)
{
	return line_class_config(&ssl_class, str, out);
}

static int ssl_get_config(const char *str, struct cmd_out *out)
{
	return line_class_get_config(&ssl_class, str, out);
}

static int ssl_remove(const char *str, struct cmd_out *out)
{
	return line_class_remove(&ssl_class, str, out);
}

static const struct mc_device ssl_device = {
	.name = "ssl",
	.usage = "sslN=CHANNEL",
	.help = "serial line N (0-3, /dev/ttySN): fd:N, fd:IN,fd:OUT, pty, port:N, xterm, "
		"null, none (default); ssl= for all",
	.config = ssl_config,
	.get_config = ssl_get_config,
	.remove = ssl_remove,
};
MC_DEVICE(ssl_device);

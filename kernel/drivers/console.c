/*
 * The virtual consoles, UML's con0..con7: lines (line.c) whose channels
 * come from the command line (con0=, conN=, con=) or mconsole config.
 * con0 is the console: /dev/console and /dev/tty0, default fd:0,fd:1,
 * its host terminal (when it is one) in raw mode with its window size,
 * kernel messages with CRLF there. conN is /dev/ttyN, default none.
 *
 * CPU thread: console_init at boot, after the command line's device
 * words; console_open_init_fds in pid 1 before it execs init.
 */
#include <glass/fs.h>
#include <glass/init.h>
#include <glass/line.h>
#include <glass/mc_device.h>
#include <glass/os.h>
#include <glass/proc.h>
#include <glass/sched.h>
#include <glass/tty.h>

#define NR_CONSOLES 8

struct tty_struct *console_tty;
static struct line consoles[NR_CONSOLES];
static struct line_class con_class = {
	.name = "con",
	.lines = consoles,
	.nr = NR_CONSOLES,
	.first_default = 1,     /* con= leaves con0 alone */
};

static const char *const con_names[NR_CONSOLES] = {
	"console", "tty1", "tty2", "tty3", "tty4", "tty5", "tty6", "tty7",
};

/* Before the command line's con words are applied (an initcall). */
static int con_lines_init(void)
{
	for (int i = 0; i < NR_CONSOLES; i++) {
		struct line *l = &consoles[i];

		line_init(l, "Virtual console", "con", i, MKDEV(TTY_MAJOR, i));
		l->tty.name = con_names[i];
	}
	consoles[0].console = true;
	/* With gdb on stdin and stdout, the console moves to a pty (its
	 * name is in the log, on stderr). */
	chan_parse(boot.gdb && !strcmp(boot.gdb, "stdio") ? "pty" : "fd:0,fd:1",
		   &consoles[0].spec);
	return 0;
}
core_initcall(con_lines_init);

/* Boot, after the command line: every console line gets its channel.
 * con0 is /dev/console and /dev/tty0; conN is /dev/ttyN. */
void console_init(void)
{
	struct line *con0 = &consoles[0];

	line_class_start(&con_class);
	tty_register_device(&con0->tty, MKDEV(TTYAUX_MAJOR, 1));
	console_tty = &con0->tty;
}

static int con_config(const char *str, struct cmd_out *out)
{
	return line_class_config(&con_class, str, out);
}

static int con_get_config(const char *str, struct cmd_out *out)
{
	return line_class_get_config(&con_class, str, out);
}

static int con_remove(const char *str, struct cmd_out *out)
{
	return line_class_remove(&con_class, str, out);
}

static const struct mc_device con_device = {
	.name = "con",
	.usage = "con0=CHANNEL",
	.help = "the console (/dev/console, tty0): fd:IN,fd:OUT (default fd:0,fd:1), fd:N, "
		"pty, port:N, xterm, null; conN= (N 1-7, /dev/ttyN) and con= for all but con0 "
		"(default none)",
	.config = con_config,
	.get_config = con_get_config,
	.remove = con_remove,
};
MC_DEVICE(con_device);

/* pid 1 starts as a kernel thread sharing the idle task's tables. */
static void init_own_tables(void)
{
	struct task_struct *t = current;

	if (t->files == init_task.files) {
		struct files_struct *files = files_alloc();
		if (files) {
			put_files_struct(t->files);
			t->files = files;
		}
	}
	if (t->fs == init_task.fs) {
		struct fs_struct *fs = copy_fs_struct(init_task.fs);
		if (fs) {
			free_fs_struct(t->fs);
			t->fs = fs;
		}
	}
	if (t->signal == init_task.signal || t->sighand == init_task.sighand) {
		if (t->signal)
			t->signal->count--;
		if (t->sighand)
			t->sighand->count--;
		signals_init_task(t);
	}
	/* Linux protects init from signals it does not handle. */
	t->signal->flags |= SIGNAL_UNKILLABLE;
}

static struct file *open_console(void)
{
	struct file *f = filp_open("/dev/console", O_RDWR | O_LARGEFILE, 0);

	if (!IS_ERR(f))
		return f;
	/* No node in the initramfs: make one, as Linux's default rootfs. */
	do_mkdirat(AT_FDCWD, "/dev", 0755);
	do_mknodat(AT_FDCWD, "/dev/console", S_IFCHR | 0600, MKDEV(TTYAUX_MAJOR, 1));
	return filp_open("/dev/console", O_RDWR | O_LARGEFILE, 0);
}

/* In pid 1, before it execs init: /dev/console as fds 0, 1 and 2. */
void console_open_init_fds(void)
{
	struct file *f;

	init_own_tables();
	f = open_console();
	if (IS_ERR(f)) {
		pr_err("Warning: unable to open an initial console.\n");
		return;
	}
	for (int i = 0; i < 3; i++) {
		int fd = get_unused_fd_flags(0);
		if (fd >= 0)
			fd_install(fd, get_file(f));
	}
	fput(f);
}

/*
 * The command line, UML and Linux style: `name=value` options Glass knows,
 * unknown `name=value` words to init's environment, other unknown words to
 * init's arguments, and everything after `--` to init verbatim. Pure code:
 * it only fills boot_params (strings point into argv).
 */
#include <glass/init.h>
#include <glass/kernel.h>
#include <glass/mc_device.h>
#include <glass/mm.h>
#include <glass/os.h>

struct boot_params boot = {
	.hung_task_timeout = 120,
	.watchdog_thresh = 10,
	.mem = 128ULL << 20,
	.loglevel = 7,
	.max_tasks = 512,
	.mconsole_timeout = 5,
	.syscall_patch = 1,
	.stub_recycle = 1,
	.cpu_home = 1,
};

enum opt_kind { OPT_STR, OPT_MEM, OPT_INT, OPT_FLAG, OPT_GDB, OPT_PANIC, OPT_RW };

struct option {
	const char *name;       /* without '=' */
	enum opt_kind kind;
	size_t offset;          /* into boot_params */
	const char *help;
};

#define BP(f) offsetof(struct boot_params, f)
static const struct option options[] = {
	{ "mem", OPT_MEM, BP(mem), "physical memory size, K/M/G suffixes (default 128M)" },
	{ "umid", OPT_STR, BP(umid),
	  "name of this instance: one directory name, at most 63 bytes (default: random)" },
	{ "uml_dir", OPT_STR, BP(uml_dir), "directory holding umid directories (default ~/.uml)" },
	{ "initrd", OPT_STR, BP(initrd), "newc cpio archive, plain or gzip, to boot instead of the built-in one" },
	{ "rdinit", OPT_STR, BP(rdinit), "program in the initramfs to run as init (default /init)" },
	{ "init", OPT_STR, BP(init), "program to run as init; takes precedence over rdinit" },
	{ "hostfs", OPT_STR, BP(hostfs),
	  "confine hostfs mounts to this host directory (an absolute path that exists)" },
	{ "root", OPT_STR, BP(root),
	  "mount this as / instead of keeping the initramfs: /dev/ubdX (a block device), "
	  "or any name with rootfstype= a filesystem needing none (root=/dev/root "
	  "rootfstype=hostfs rootflags=/host/dir)" },
	{ "rootfstype", OPT_STR, BP(rootfstype),
	  "filesystem types to try for root=, comma-separated (default: each one "
	  "that needs a block device)" },
	{ "rootflags", OPT_STR, BP(rootflags),
	  "the root mount's options (hostfs: the host directory)" },
	{ "ro", OPT_RW, BP(root_rw), "mount root= read-only (the default)" },
	{ "rw", OPT_RW, BP(root_rw), "mount root= read-write" },
	{ "loglevel", OPT_INT, BP(loglevel), "print kernel messages below this level (0-8, default 7)" },
	{ "max_tasks", OPT_INT, BP(max_tasks), "most tasks (and address spaces) at once (default 512)" },
	{ "syscall_patch", OPT_INT, BP(syscall_patch),
	  "1: rewrite a guest's `mov $nr,%eax; syscall` sites that trap twice into jumps "
	  "to the stub's syscall entry, sparing the host's signal delivery (default); "
	  "0: every guest syscall traps" },
	{ "stub_recycle", OPT_INT, BP(stub_recycle),
	  "1: keep the host process of an ended address space, emptied and checked, "
	  "for the next one (default); 0: end it, and start a new one for each" },
	{ "cpu_home", OPT_INT, BP(cpu_home),
	  "1: pin the CPU thread, and the stubs it hands off to, to one host CPU, "
	  "moved when that CPU keeps it waiting (default); 0: leave placement to the host" },
	{ "mconsole_timeout", OPT_INT, BP(mconsole_timeout),
	  "seconds mconsole waits for the kernel to take a command (default 5)" },
	{ "debug", OPT_GDB, BP(gdb),
	  "start the gdb stub and wait for gdb before start_kernel; =unix (default: "
	  "<umid dir>/gdb), =tcp:PORT (127.0.0.1 only: any local user can connect), "
	  "=stdio (target remote | ./glass debug=stdio; the console moves to a pty)" },
	{ "gdb", OPT_GDB, BP(gdb), "start the gdb stub without waiting; =unix or =tcp:PORT" },
	{ "inject", OPT_INT, BP(inject),
	  "1: enable mconsole's inject commands, which break the kernel on purpose (tests)" },
	{ "mconsole", OPT_STR, BP(mconsole),
	  "notify:SOCKET: tell that unix datagram socket the mconsole's path at boot, and panics" },
	{ "hung_task_timeout_secs", OPT_INT, BP(hung_task_timeout),
	  "report tasks in uninterruptible sleep longer than this (default 120, 0: off)" },
	{ "watchdog_thresh", OPT_INT, BP(watchdog_thresh),
	  "report a CPU stuck for twice this many seconds (default 10, 0: off)" },
	{ "sysrq", OPT_INT, BP(sysrq),
	  "which sysrq keys a BREAK on a console line (telnet on a port: line) runs, "
	  "Linux's bitmask: 0 none (default), 1 all, 8 t w l m p c, 16 s, 128 b o" },
	{ "panic", OPT_PANIC, BP(panic),
	  "on a kernel panic: halt (default: report, write a core in the umid directory, "
	  "exit by SIGABRT), N (the same, then reboot after N seconds), gdb (the same, then "
	  "wait for gdb at the faulting frame)" },
	{ "quiet", OPT_FLAG, BP(quiet), "print only warnings and errors from the kernel" },
	{ "trace", OPT_STR, BP(trace),
	  "trace from the first event: syscalls,faults,sched and the selectors of "
	  "mconsole's trace (pid=N, comm=NAME, follow, filter=CLASS|NAME,...); the text "
	  "goes to <umid dir>/trace, which then stays after exit" },
	{ "trace_file", OPT_STR, BP(trace_file),
	  "write the trace's text to this host file instead of <umid dir>/trace" },
	{ "nohwbreak", OPT_FLAG, BP(nohwbreak),
	  "use no debug registers: watchpoints by page protection, steps over libc "
	  "syscalls by running them (what hosts whose debug registers never fire get)" },
};

static const struct option *find_option(const char *word, size_t namelen)
{
	for (size_t i = 0; i < ARRAY_SIZE(options); i++)
		if (strlen(options[i].name) == namelen &&
		    !strncmp(options[i].name, word, namelen))
			return &options[i];
	return NULL;
}

static int set_option(const struct option *o, const char *val,
		      struct boot_params *bp, char *err, size_t errlen)
{
	char *field = (char *)bp + o->offset;
	unsigned long long v;
	int iv;

	switch (o->kind) {
	case OPT_STR:
		if (!val || !*val)
			goto bad;
		/* UML's only mconsole= form. */
		if (!strcmp(o->name, "mconsole") && (strncmp(val, "notify:", 7) || !val[7]))
			goto bad;
		/* Relative to what? (Glass's cwd is no one's choice.) */
		if (!strcmp(o->name, "hostfs") && val[0] != '/')
			goto bad;
		*(const char **)field = val;
		return 0;
	case OPT_MEM:
		if (!val || memparse_strict(val, &v) || v < (16ULL << 20) ||
		    v > (64ULL << 30))
			goto bad;
		*(unsigned long long *)field = v & ~(PAGE_SIZE * 16 - 1);
		return 0;
	case OPT_INT:
		if (!val || kstrtoint(val, 10, &iv) || iv < 0)
			goto bad;
		if (!strcmp(o->name, "loglevel") && iv > 8)
			goto bad;
		if (!strcmp(o->name, "max_tasks") && (iv < 4 || iv > 4096))
			goto bad;
		if (!strcmp(o->name, "mconsole_timeout") && (iv < 1 || iv > 3600))
			goto bad;
		if (!strcmp(o->name, "inject") && iv > 1)
			goto bad;
		*(int *)field = iv;
		return 0;
	case OPT_GDB:
		if (!val)
			val = "unix";
		if (strcmp(val, "unix") && strcmp(val, "stdio") && (strncmp(val, "tcp:", 4) ||
		    kstrtoint(val + 4, 10, &iv) || iv < 1 || iv > 65535))
			goto bad;
		*(const char **)field = val;
		bp->gdb_wait |= !strcmp(o->name, "debug");
		return 0;
	case OPT_PANIC:
		if (!val)
			goto bad;
		if (!strcmp(val, "halt"))
			iv = PANIC_HALT;
		else if (!strcmp(val, "gdb"))
			iv = PANIC_GDB;
		else if (kstrtoint(val, 10, &iv) || iv < 0 || iv > 86400)
			goto bad;
		*(int *)field = iv;
		return 0;
	case OPT_FLAG:
		if (val)
			goto bad;
		*(bool *)field = true;
		return 0;
	case OPT_RW:            /* ro and rw share a field: the last one wins */
		if (val)
			goto bad;
		*(bool *)field = !strcmp(o->name, "rw");
		return 0;
	}
bad:
	scnprintf(err, errlen, "glass: bad value '%s' for option %s", val ? val : "",
		  o->name);
	return -EINVAL;
}

/* Append s to the /proc/cmdline copy, quoting words with spaces. */
static void cmdline_add(char *buf, size_t size, size_t *len, const char *s)
{
	bool quote = strchr(s, ' ') != NULL;

	*len += scnprintf(buf + *len, size - *len, *len ? (quote ? " \"%s\"" : " %s")
							  : (quote ? "\"%s\"" : "%s"), s);
}

int parse_cmdline(int argc, char **argv, struct boot_params *bp, char *err,
		  size_t errlen)
{
	static char cmdline[4096];
	static const char *init_argv[256], *init_envp[256];
	bool dashdash = false;
	size_t clen = 0;

	bp->init_argv = init_argv;
	bp->init_envp = init_envp;
	bp->cmdline = cmdline;
	for (int i = 1; i < argc; i++) {
		const char *w = argv[i];
		const char *eq = strchr(w, '=');
		const struct option *o;
		int r;

		if (dashdash) {
			if (bp->init_argc < (int)ARRAY_SIZE(init_argv) - 1)
				init_argv[bp->init_argc++] = w;
			continue;
		}
		if (!strcmp(w, "--")) {
			dashdash = true;
			continue;
		}
		if (!strcmp(w, "--help") || !strcmp(w, "-h") || !strcmp(w, "help")) {
			print_help();
			return 1;
		}
		cmdline_add(cmdline, sizeof(cmdline), &clen, w);
		o = find_option(w, eq ? (size_t)(eq - w) : strlen(w));
		if (o) {
			r = set_option(o, eq ? eq + 1 : NULL, bp, err, errlen);
			if (r)
				return r;
		} else if (eq && mc_device_boot_arg(w)) {
			continue;
		} else if (eq) {
			if (bp->init_envc < (int)ARRAY_SIZE(init_envp) - 1)
				init_envp[bp->init_envc++] = w;
		} else if (bp->init_argc < (int)ARRAY_SIZE(init_argv) - 1) {
			init_argv[bp->init_argc++] = w;
		}
	}
	if (bp->quiet && bp->loglevel == 7)
		bp->loglevel = 4;
	return 0;
}

static __printf(1, 2) void help_out(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vscnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	os_write(1, buf, n);
}

void print_help(void)
{
	char line[256];
	int i = 0;

	help_out("usage: glass [options] [init arguments] [-- init arguments...]\n\n"
	       "Options:\n");
	for (size_t i = 0; i < ARRAY_SIZE(options); i++) {
		const struct option *o = &options[i];
		scnprintf(line, sizeof(line), "%s%s", o->name,
			  o->kind == OPT_FLAG || o->kind == OPT_RW ? "" : o->kind == OPT_GDB ? "[=T]" : "=");
		help_out("  %-14s %s\n", line, o->help);
	}
	help_out("\nDevices, as UML's (also through mconsole config/remove):\n");
	for (const struct mc_device *d; (d = mc_device_at(i)); i++)
		help_out("  %-14s %s\n", d->usage, d->help);
	help_out("\nOther name=value words go to init's environment, other words to\n"
	       "init's arguments; words after -- go to init unchanged.\n"
	       "Exit status: init's own; 0 after poweroff or halt; 2 for a bad command line;\n"
	       "SIGABRT after a kernel panic.\n");
}

/*
 * start_kernel: from the command line to the first user process. It runs
 * on the host's main stack before any task exists (gdb's
 * `break start_kernel` stops here), becomes the idle task, and starts
 * init as pid 1.
 */
#include <glass/debug.h>
#include <glass/fs.h>
#include <glass/init.h>
#include <glass/line.h>
#include <glass/mc_device.h>
#include <glass/mconsole.h>
#include <glass/mm.h>
#include <glass/os.h>
#include <glass/os_upcalls.h>
#include <glass/proc.h>
#include <glass/sched.h>
#include <glass/trace.h>

extern const char initramfs_start[], initramfs_end[];
char umid_name[64];

#define DECLARE_LEVEL(n)                                              \
	extern initcall_t __start_initcall##n[] __attribute__((weak)); \
	extern initcall_t __stop_initcall##n[] __attribute__((weak))
DECLARE_LEVEL(1);
DECLARE_LEVEL(5);
DECLARE_LEVEL(6);
DECLARE_LEVEL(7);

static void run_level(initcall_t *start, initcall_t *stop)
{
	for (initcall_t *fn = start; fn && fn < stop; fn++) {
		int err = (*fn)();
		if (err)
			pr_err("initcall %pS failed: %d\n", (void *)*fn, err);
	}
}

static void do_initcalls(void)
{
	run_level(__start_initcall1, __stop_initcall1);
	run_level(__start_initcall5, __stop_initcall5);
	run_level(__start_initcall6, __stop_initcall6);
	run_level(__start_initcall7, __stop_initcall7);
}

static void populate_rootfs(void)
{
	const char *err;
	void *buf = NULL;
	long len;

	if (!boot.initrd) {
		err = unpack_to_rootfs(initramfs_start, initramfs_end - initramfs_start);
		if (err)
			panic("built-in initramfs: %s", err);
		return;
	}
	len = os_read_file(boot.initrd, &buf);
	if (len < 0) {
		printk(KERN_EMERG "glass: initrd=%s: cannot read it (error %ld)\n",
		       boot.initrd, -len);
		os_exit(2);
	}
	err = unpack_to_rootfs(buf, len);
	os_free_host(buf);
	if (err) {
		/* The user's file, not a kernel bug: one line and exit 1 (no
		 * panic, no core), before any init runs on half a root. */
		printk(KERN_EMERG "glass: initrd=%s: %s\n", boot.initrd, err);
		os_exit(1);
	}
}

static const char *init_envp_default[] = { "HOME=/", "TERM=linux", NULL };

/* Try to exec path as init with the command line's arguments. */
static int try_init(const char *path)
{
	const char *argv[260], *envp[260];
	int n = 0, e = 0;

	argv[n++] = path;
	for (int i = 0; i < boot.init_argc; i++)
		argv[n++] = boot.init_argv[i];
	argv[n] = NULL;
	for (int i = 0; init_envp_default[i]; i++)
		envp[e++] = init_envp_default[i];
	for (int i = 0; i < boot.init_envc; i++)
		envp[e++] = boot.init_envp[i];
	envp[e] = NULL;
	return kernel_execve(path, argv, envp);
}

/* pid 1: becomes the init process and never returns to kernel code. */
static int kernel_init(void *unused)
{
	static const char *const fallbacks[] = { "/sbin/init", "/etc/init", "/bin/init", "/bin/sh" };
	/* On a mounted root, as Linux: init= or the fallbacks, never rdinit. */
	const char *first = boot.init ? boot.init : boot.root ? NULL :
			    boot.rdinit ? boot.rdinit : "/init";
	int err = -ENOENT;

	/* pid 1 stops sharing idle's files, fs and signal state. */
	put_files_struct(current->files);
	current->files = files_alloc();
	current->fs = copy_fs_struct(init_task.fs);
	init_task.fs->users--;
	current->sighand->count--;
	current->signal->count--;
	signals_init_task(current);
	if (!current->files || !current->fs || !current->signal)
		panic("out of memory starting init");
	/* As on Linux, pid 1 starts in session 0 and process group 0 (the
	 * idle task's) without a controlling tty: setsid() then works in init
	 * and its children (scripts/init.sh relies on it). */
	console_open_init_fds();
	mount_root();
	if (first && !(err = try_init(first))) {
		/* As Linux's, with the boot time `make bench` reads: main() to
		 * here, where init's first instruction is next. */
		pr_info("Run %s as init process, %llu us after start\n", first,
			(unsigned long long)(os_monotonic_ns() - os_start_ns()) / 1000);
		ret_to_user();
	}
	if (boot.init || boot.rdinit)
		panic("Requested init %s failed (error %d).", first, err);
	for (size_t i = 0; i < ARRAY_SIZE(fallbacks); i++)
		if (!try_init(fallbacks[i]))
			ret_to_user();
	panic("No working init found. Try passing init= option to kernel.");
}

/* hostfs= must name a directory: a typo would otherwise confine every
 * mount to nothing, silently. Exits 2 as a bad command line does. */
static void check_hostfs_option(void)
{
	struct os_stat st;
	int err;

	if (!boot.hostfs)
		return;
	err = os_stat(boot.hostfs, &st, true);
	if (!err && S_ISDIR(st.mode))
		return;
	printk(KERN_EMERG "glass: bad value '%s' for option hostfs: %s\n", boot.hostfs,
	       err == -ENOENT ? "no such directory" : err ? "cannot stat it" : "not a directory");
	os_exit(2);
}

/* Once, what the host lacks and what Glass does instead (kernel/os/probe.c;
 * whether debug registers fire is asked only when first needed). */
static void report_host_features(void)
{
	report_hw_breakpoints();
	if (os_features.seccomp_notify)
		printk(KERN_INFO "host: no seccomp user notification (error %d)\n",
		       -os_features.seccomp_notify);
	/* The stub's syscall entry saves the XSAVE image in one page. */
	if (boot.syscall_patch && os_xstate_size() + 4 > PAGE_SIZE) {
		boot.syscall_patch = 0;
		printk(KERN_INFO "host: no syscall patching: its XSAVE image needs %lu bytes\n",
		       os_xstate_size());
	}
}

/*
 * Before start_kernel, as UML's linux_main: what `debug` needs in place to
 * stop at start_kernel's first line — the command line, the umid
 * directory, the monitor thread and the gdb stub.
 */
void setup_early(int argc, char **argv)
{
	char err[512];
	int r;

	time_init();
	r = parse_cmdline(argc, argv, &boot, err, sizeof(err));
	if (r == 1)
		os_exit(0);
	if (r) {
		printk(KERN_EMERG "%s\n", err);
		os_exit(2);
	}
	console_loglevel = boot.loglevel;
	max_tasks = boot.max_tasks;
	check_hostfs_option();
	if (boot.nohwbreak)
		os_features.hw_breakpoints = -ECANCELED;
	report_host_features();
	if (os_umid_setup(boot.uml_dir, boot.umid, err, sizeof(err), umid_name,
			  sizeof(umid_name))) {
		printk(KERN_EMERG "glass: %s\n", err);
		os_exit(2);
	}
	r = trace_boot(boot.trace, boot.trace_file, err, sizeof(err));
	if (r) {
		printk(KERN_EMERG "%s\n", err);
		os_exit(2);
	}
	r = os_monitor_init();
	if (r)
		printk(KERN_WARNING "glass: no monitor thread (error %d): "
		       "no mconsole, no gdb stub\n", -r);
	else if (boot.gdb && gdb_boot(boot.gdb, boot.gdb_wait))
		os_exit(2);
}

__noreturn void start_kernel(void)
{
	int r;

	r = os_physmem_init(boot.mem);
	if (r) {
		printk(KERN_EMERG "glass: cannot set up %llu bytes of physical memory: error %d\n",
		       boot.mem, -r);
		os_exit(1);
	}
	mem_init(boot.mem);
	printk(KERN_INFO "Glass: a user-mode kernel built to be debugged\n");
	printk(KERN_INFO "Command line: %s\n", boot.cmdline);
	printk(KERN_INFO "Memory: %lluK available, umid %s in %s\n",
	       (unsigned long long)nr_free_pages() * 4, umid_name, os_umid_dir());
	os_cpu_home_init(boot.cpu_home);
	host_mm_boot_start();
	mconsole_init(boot.mconsole_timeout, boot.mconsole ? boot.mconsole + 7 : NULL);
	sched_init();
	vfs_init();
	init_task.fs = kzalloc(sizeof(*init_task.fs), GFP_KERNEL);
	init_task.fs->users = 1;
	init_task.fs->umask = 022;
	mnt_init_root(init_task.fs);
	init_task.files = files_alloc();
	signals_init_task(&init_task);
	do_initcalls();
	mc_devices_boot();
	populate_rootfs();
	console_init();
	ssl_init();
	r = host_mm_boot();
	if (r) {
		printk(KERN_EMERG "glass: cannot start a stub process, which every guest "
		       "address space needs (error %d)\n", -r);
		os_exit(1);
	}
	if (IS_ERR(kthread_run(kernel_init, NULL, "init")))
		panic("cannot create init");
	cpu_idle();
}

/* Boot-time hooks. An initcall runs once during start_kernel, in level
 * order: core (1) before fs (5) before device (6) before late (7). */
#ifndef GLASS_INIT_H
#define GLASS_INIT_H

#include <glass/types.h>

typedef int (*initcall_t)(void);

#define __define_initcall(fn, lvl)                                    \
	static initcall_t __initcall_##fn                             \
	__attribute__((used, section("initcall" #lvl), aligned(8))) = fn

#define core_initcall(fn) __define_initcall(fn, 1)
#define fs_initcall(fn) __define_initcall(fn, 5)
#define device_initcall(fn) __define_initcall(fn, 6)
#define late_initcall(fn) __define_initcall(fn, 7)

/* The parsed command line (init/cmdline.c). */
struct boot_params {
	unsigned long long mem;
	const char *umid;
	const char *uml_dir;
	const char *initrd;
	const char *rdinit;
	const char *init;
	const char *hostfs;
	/* the root filesystem (kernel/init/do_mounts.c); root NULL: initramfs */
	const char *root;       /* root=: /dev/NAME (a block device) or any name */
	const char *rootfstype; /* rootfstype=: comma-separated types to try */
	const char *rootflags;  /* rootflags=: the root mount's data string */
	bool root_rw;           /* rw (ro, the default, clears it; last wins) */
	int loglevel;
	bool quiet;
	int max_tasks;
	int mconsole_timeout;   /* seconds the monitor waits for the CPU */
	const char *gdb;        /* gdb stub transport: "unix", "tcp:PORT" */
	bool gdb_wait;          /* debug: stop at start_kernel for gdb */
	int inject;             /* 1: mconsole inject commands enabled */
	int hung_task_timeout;  /* seconds (hung_task_timeout_secs=) */
	int watchdog_thresh;    /* seconds (watchdog_thresh=) */
	const char *mconsole;   /* "notify:SOCKET" (mconsole=) */
	int sysrq;              /* console BREAK keys, Linux's bitmask (sysrq=) */
	int panic;              /* PANIC_HALT, PANIC_GDB, or seconds to reboot */
	bool nohwbreak;         /* debug registers' fallbacks even where they fire */
	const char *trace;      /* trace=: what to trace from the first event */
	const char *trace_file; /* trace_file=: where its text goes */
	int syscall_patch;      /* 0: every guest syscall traps */
	int stub_recycle;       /* 0: no stub outlives its mm */
	int cpu_home;           /* 0: the CPU thread is never pinned */
	/* for init: argv after argv[0] and extra environment */
	const char **init_argv;
	int init_argc;
	const char **init_envp;
	int init_envc;
	/* the whole command line as /proc/cmdline shows it */
	char *cmdline;
};
extern struct boot_params boot;
#define PANIC_HALT 0            /* panic=halt (and panic=0, as Linux) */
#define PANIC_GDB (-1)          /* panic=gdb */

/* Returns 0, or 1 after printing help, or -EINVAL with a message in err. */
int parse_cmdline(int argc, char **argv, struct boot_params *bp, char *err,
		  size_t errlen);
void print_help(void);
/* Mount root= as the root of idle and current (do_mounts.c); panics
 * when it cannot, returns at once without root=. */
void mount_root(void);

#endif

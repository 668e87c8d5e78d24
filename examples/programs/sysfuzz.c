/*
 * sysfuzz: a guest syscall fuzzer. Random syscall numbers 0..460 with
 * random arguments drawn from interesting values (0, -1, small ints, huge
 * lengths, unmapped, kernel-half and misaligned pointers, pointers into a
 * valid buffer and just past it, paths, small timeouts), skipping only what
 * would end or block the fuzzer itself or hurt processes other than it.
 *
 *   sysfuzz SEED COUNT [LOG [START [BATCH]]]
 *
 * Call i (START <= i < START+COUNT) is a function of (SEED, i) alone. The
 * calls run in batches of BATCH (default 250), each in a fresh child, so a
 * call that kills its caller only ends the batch: the next batch starts
 * after it. Every call is written to LOG (default sysfuzz.log) before it is
 * made ("i nr a0 .. a5") and after it returns ("i = result"), so the last
 * line names a call that did not come back. Per call an interval timer
 * (the alarm watchdog) interrupts a call that blocks; a child that makes no
 * progress for STALL seconds anyway is killed with SIGKILL (and counted),
 * and one that does not die of SIGKILL means a hung kernel: exit 3.
 * Reproduce call i: `sysfuzz SEED 1 LOG i`, or the batch it ran in with
 * START = the batch's first call (its "batch" line in LOG).
 *
 * Output: "sysfuzz seed S calls N returned R signalled K stalled W
 * skipped X" and exit 0, or a "sysfuzz FAIL" line and exit 3.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define NR_MAX 460
#define PAGE 4096UL
#define LOGFD 200           /* the log's fd in the children, out of the pools */
#define NULLFD 201          /* /dev/null, for the children's 0, 1 and 2 */
#define SCRATCH ((char *)0x300000000UL)
#define SCRATCH_LEN (256 * PAGE)        /* fuzzed memory; a hole follows */
#define ARGS_LEN (4 * PAGE)             /* constructed arguments */
#define WATCHDOG_US 100000              /* per call */
#define STALL_S 5

static uint64_t seed;
static char *args_area;                  /* strings, timespecs, structs */
static const char rodata[64] = "read-only data of the fuzzer";

struct progress {
	volatile long inflight;          /* call being made, or -1 */
	volatile long done;              /* calls finished (or skipped) in this batch */
	volatile long skipped;           /* calls skipped in this batch */
};
static struct progress *prog;

/* Calls most guests make: three in four calls are one of these, so fewer
 * end at -ENOSYS. */
static const short common_nrs[] = {
	SYS_access, SYS_alarm, SYS_arch_prctl, SYS_brk, SYS_chdir,
	SYS_chmod, SYS_chown, SYS_chroot, SYS_clock_getres, SYS_clock_gettime,
	SYS_clock_nanosleep, SYS_clone, SYS_clone3, SYS_close, SYS_close_range,
	SYS_creat, SYS_dup, SYS_dup2, SYS_dup3, SYS_epoll_create1,
	SYS_epoll_ctl, SYS_epoll_wait, SYS_eventfd2, SYS_faccessat, SYS_faccessat2,
	SYS_fallocate, SYS_fchdir, SYS_fchmod, SYS_fchmodat, SYS_fchown,
	SYS_fchownat, SYS_fcntl, SYS_fdatasync, SYS_flock, SYS_fork,
	SYS_fstat, SYS_fstatfs, SYS_fsync, SYS_ftruncate, SYS_futex,
	SYS_futimesat, SYS_getcpu, SYS_getcwd, SYS_getdents, SYS_getdents64,
	SYS_getitimer, SYS_getpgid, SYS_getpriority, SYS_getrandom, SYS_getrlimit,
	SYS_getrusage, SYS_getsid, SYS_ioctl, SYS_kill, SYS_lchown,
	SYS_link, SYS_linkat, SYS_lseek, SYS_lstat, SYS_madvise,
	SYS_memfd_create, SYS_mincore, SYS_mkdir, SYS_mkdirat, SYS_mknod,
	SYS_mknodat, SYS_mlock, SYS_mmap, SYS_mount, SYS_mprotect,
	SYS_mremap, SYS_msync, SYS_munlock, SYS_munmap, SYS_nanosleep,
	SYS_newfstatat, SYS_open, SYS_openat, SYS_personality, SYS_pipe,
	SYS_pipe2, SYS_poll, SYS_ppoll, SYS_prctl, SYS_pread64,
	SYS_preadv, SYS_prlimit64, SYS_pselect6, SYS_pwrite64, SYS_pwritev,
	SYS_read, SYS_readlink, SYS_readlinkat, SYS_readv, SYS_rename,
	SYS_renameat, SYS_renameat2, SYS_rmdir, SYS_rseq, SYS_rt_sigaction,
	SYS_rt_sigpending, SYS_rt_sigprocmask, SYS_rt_sigqueueinfo, SYS_rt_sigtimedwait, SYS_rt_tgsigqueueinfo,
	SYS_sched_getaffinity, SYS_sched_setaffinity, SYS_select, SYS_sendfile, SYS_set_robust_list,
	SYS_set_tid_address, SYS_setitimer, SYS_setpgid, SYS_setpriority, SYS_setrlimit,
	SYS_sigaltstack, SYS_socket, SYS_socketpair, SYS_splice, SYS_stat,
	SYS_statfs, SYS_statx, SYS_symlink, SYS_symlinkat, SYS_sync_file_range,
	SYS_sysinfo, SYS_syslog, SYS_tee, SYS_tgkill, SYS_time,
	SYS_timerfd_create, SYS_times, SYS_tkill, SYS_truncate, SYS_umask,
	SYS_umount2, SYS_uname, SYS_unlink, SYS_unlinkat, SYS_utime,
	SYS_utimensat, SYS_utimes, SYS_wait4, SYS_waitid, SYS_write,
	SYS_writev,
};

/* ---- PRNG: splitmix64 seeded per call by (seed, i) ---- */
static uint64_t rng_state;
static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}
static uint64_t rndn(uint64_t n) { return rnd() % n; }

/* ---- raw syscalls: no errno, no TLS (arch_prctl may have broken it) ---- */
static long raw6(long nr, long a, long b, long c, long d, long e, long f)
{
	register long r10 __asm__("r10") = d, r8 __asm__("r8") = e, r9 __asm__("r9") = f;
	long ret;

	__asm__ volatile("syscall" : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}
#define raw(nr, a, b, c) raw6(nr, (long)(a), (long)(b), (long)(c), 0, 0, 0)

/* fork, clone, clone3: a new task (thread or process, whatever its stack
 * or TLS) leaves with exit(0) at once, touching no memory. */
static long raw6_fork(long nr, long a, long b, long c, long d, long e, long f)
{
	register long r10 __asm__("r10") = d, r8 __asm__("r8") = e, r9 __asm__("r9") = f;
	long ret;

	__asm__ volatile("syscall\n\t"
			 "test %%rax, %%rax\n\t"
			 "jnz 1f\n\t"
			 "mov $60, %%eax\n\t"
			 "xor %%edi, %%edi\n\t"
			 "syscall\n\t"
			 "ud2\n"
			 "1:"
			 : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

/* ---- the log: plain write(2)s, no stdio in the children ---- */
static void logs(const char *s)
{
	size_t n = strlen(s);

	while (n) {
		long r = raw(SYS_write, LOGFD, s, n);
		if (r <= 0)
			return;
		s += r;
		n -= r;
	}
}

static char *fmt_u(char *p, unsigned long v, int hex)
{
	char tmp[24];
	int n = 0;

	if (hex) {
		*p++ = '0';
		*p++ = 'x';
	}
	do {
		tmp[n++] = "0123456789abcdef"[v % (hex ? 16 : 10)];
		v /= hex ? 16 : 10;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
}

static char *fmt_l(char *p, long v)
{
	if (v < 0) {
		*p++ = '-';
		return fmt_u(p, -(unsigned long)v, 0);
	}
	return fmt_u(p, v, 0);
}

/* ---- arguments ---- */

/* Offsets in args_area of the constructed arguments. */
enum {
	A_STR = 0,          /* NUL-separated path strings */
	A_TS = 1024,        /* struct timespec {0, small} */
	A_TV = 1040,        /* struct timeval {0, small} */
	A_TS_ZERO = 1056,   /* struct timespec {0, 0} */
	A_OWNER = 1072,     /* struct f_owner_ex {F_OWNER_PID, self} */
	A_CLONE = 1088,     /* struct clone_args, sanitized */
	A_LONG = 2048,      /* a path longer than PATH_MAX */
};
#define A_LONG_LEN (ARGS_LEN - A_LONG)

static const char *const paths[] = {
	"a", "b", "a/b", "fifo", "sym", ".", "..", "", "/", "/proc/self/maps",
	"/proc/self/status", "/proc/self/fd", "tmpfs",
	"proc", "a/../b", "//a", "sym/a",
};
#define NPATHS (sizeof(paths) / sizeof(paths[0]))
static unsigned path_off[NPATHS];

static void fill_args_area(void)
{
	char *p = args_area + A_STR;

	for (unsigned i = 0; i < NPATHS; i++) {
		path_off[i] = p - args_area;
		strcpy(p, paths[i]);
		p += strlen(paths[i]) + 1;
	}
	*(struct timespec *)(args_area + A_TS) = (struct timespec){ 0, 1000 };
	*(struct timeval *)(args_area + A_TV) = (struct timeval){ 0, 1 };
	*(struct timespec *)(args_area + A_TS_ZERO) = (struct timespec){ 0, 0 };
	memset(args_area + A_LONG, 'x', A_LONG_LEN - 1);
	args_area[ARGS_LEN - 1] = 0;
}

static long self_pid;

static long pick_ptr(void)
{
	switch (rndn(24)) {
	case 0: return 0;
	case 1: return 1;
	case 2: return 4096;
	case 3: return (long)SCRATCH;                          /* valid */
	case 4: return (long)SCRATCH + rndn(SCRATCH_LEN);      /* valid, any alignment */
	case 5: return (long)SCRATCH + SCRATCH_LEN - 1;        /* last valid byte */
	case 6: return (long)SCRATCH + SCRATCH_LEN;            /* just past the mapping */
	case 7: return (long)SCRATCH + SCRATCH_LEN - 8 + rndn(16);
	case 8: return (long)SCRATCH + 1 + rndn(7);            /* misaligned */
	case 9: case 22: case 23: return (long)args_area + path_off[rndn(NPATHS)];
	case 10: return (long)args_area + A_LONG;
	case 11: return (long)args_area + A_TS;
	case 12: return 0x10000000000L;                        /* unmapped */
	case 13: return 0x7ffffffff000L;                       /* top of user space */
	case 14: return 0x800000000000L;                       /* first non-user address */
	case 15: return (long)0xffff800000000000UL;            /* kernel half */
	case 16: return (long)0xffffffffff600000UL;            /* vsyscall page */
	case 17: return (long)0x8000000000000000UL;            /* non-canonical */
	case 18: return -1;
	case 19: return (long)rodata;                          /* read-only */
	case 20: return (long)(uintptr_t)&fill_args_area;      /* code */
	default: return (long)rnd();
	}
}

static long pick_int(void)
{
	static const long vals[] = {
		0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 15, 16, 17, 31, 32, 63, 64, 100, 127,
		128, 255, 256, 511, 512, 1023, 1024, 4095, 4096, 4097, 8192, 65535, 65536,
		1L << 20, 1L << 30, 0x7fffffff, 0x80000000L, 0xffffffffL, 1L << 32, 1L << 40,
		1L << 47, 0x7fffffffffffffffL, (long)0x8000000000000000UL, -1, -2, -4095,
		-4096, -100 /* AT_FDCWD */,
	};
	switch (rndn(8)) {
	case 0: return rnd();
	case 1: return (long)(rnd() & rnd());                  /* sparse bits: flags */
	case 2: return 1L << rndn(64);
	case 3: return rndn(16);                               /* fds, small ints */
	default: return vals[rndn(sizeof(vals) / sizeof(vals[0]))];
	}
}

static long pick_arg(void)
{
	return rndn(5) < 2 ? pick_ptr() : pick_int();
}

/* A range [*a, *a + *len) inside the scratch area. */
static void scratch_range(long *a, long *len)
{
	unsigned long off = ((unsigned long)*a) % SCRATCH_LEN;
	unsigned long max = SCRATCH_LEN - off;

	if (rndn(2))
		off &= ~(PAGE - 1);
	*a = (long)SCRATCH + off;
	if ((unsigned long)*len > max)
		*len = (unsigned long)*len % (max + 1);
}

/* A pid argument: ourselves, or one that does not exist. */
static long safe_pid(long v)
{
	return v > 0 && v < 1000000 && rndn(2) ? 99999 : self_pid;
}

static long arg_ptr(int i) { return (long)args_area + i; }

/*
 * Make call (nr, a[]) safe for the rest of the system and for the fuzzer's
 * own code, stack and log. Returns 0 to skip the call, 1 for a plain call,
 * 2 for a call that creates a task.
 */
static int sanitize(long nr, long *a)
{
	switch (nr) {
	/* End or block the fuzzer itself. */
	case SYS_exit: case SYS_exit_group: case SYS_rt_sigreturn: case SYS_pause:
	case SYS_rt_sigsuspend: case SYS_vfork: case SYS_execve: case SYS_execveat:
	case SYS_reboot:
		return 0;

	/* Tasks: the child leaves at once (raw6_fork); signals stay with us. */
	case SYS_fork:
		return 2;
	case SYS_clone:
		a[0] &= ~(long)(0xff | CLONE_PARENT);
		a[0] |= rndn(2) ? SIGCHLD : 0;
		return 2;
	case SYS_clone3: {
		long *ca = (long *)(args_area + A_CLONE);
		if (rndn(4)) {
			for (int i = 0; i < 11; i++)
				ca[i] = i == 0 ? pick_int() : pick_arg();
			ca[0] &= ~(long)CLONE_PARENT;
			ca[4] = rndn(2) ? SIGCHLD : 0;       /* exit_signal */
			a[0] = (long)ca;
			a[1] = rndn(2) ? 88 : a[1];
		}
		return 2;
	}

	/* Signals to others; F_SETOWN is one too (SIGIO). */
	case SYS_kill: case SYS_tkill: case SYS_rt_sigqueueinfo: case SYS_pidfd_open:
	case SYS_prlimit64:
		a[0] = safe_pid(a[0]);
		return 1;
	case SYS_ptrace: case SYS_process_vm_readv: case SYS_process_vm_writev:
		/* TRACEME makes our parent the tracer: every later signal
		 * then stops the batch, which the parent ends with SIGKILL. */
		if (nr == SYS_ptrace && a[0] == 0)
			return 0;
		if (nr == SYS_ptrace)
			a[1] = safe_pid(a[1]);
		else
			a[0] = safe_pid(a[0]);
		return 1;
	case SYS_tgkill: case SYS_rt_tgsigqueueinfo:
		a[0] = safe_pid(a[0]);
		a[1] = a[0];
		return 1;
	case SYS_setpgid:
		a[0] = rndn(2) ? 0 : self_pid;
		return 1;
	case SYS_pidfd_send_signal:
		return 0;       /* its pidfd might be anyone's */
	case SYS_fcntl:
		if ((int)a[1] == F_SETOWN)
			a[2] = rndn(2) ? self_pid : 0;
		else if ((int)a[1] == F_SETOWN_EX) {
			int *o = (int *)(args_area + A_OWNER);
			o[0] = F_OWNER_PID;
			o[1] = self_pid;
			a[2] = (long)o;
		}
		return 1;
	case SYS_ioctl:
		/* FIOSETOWN, SIOCSPGRP, TIOCSPGRP: signal owners. */
		if ((unsigned)a[1] == 0x8901 || (unsigned)a[1] == 0x8902 ||
		    (unsigned)a[1] == 0x5410)
			return 0;
		return 1;

	/* The fuzzer's code, stack, log and the area of constructed
	 * arguments stay; memory calls get the scratch area. */
	case SYS_munmap: case SYS_mprotect: case SYS_madvise: case SYS_pkey_mprotect:
	case SYS_remap_file_pages: case SYS_mlock: case SYS_munlock: case SYS_msync:
	case SYS_mlock2:
		scratch_range(&a[0], &a[1]);
		return 1;
	case SYS_mremap:
		scratch_range(&a[0], &a[1]);
		if (a[3] & MREMAP_FIXED) {
			long len = a[2];
			a[4] = a[4] % SCRATCH_LEN;
			scratch_range(&a[4], &len);
			a[2] = len;
		}
		return 1;
	case SYS_mmap:
		if (a[3] & (MAP_FIXED | MAP_FIXED_NOREPLACE))
			scratch_range(&a[0], &a[1]);
		return 1;
	case SYS_shmat:
		scratch_range(&a[1], &(long){ 0 });
		return 1;
	case SYS_shmdt:
		return 0;
	case SYS_brk:
		/* Only up: static glibc keeps its TLS in the heap. */
		if (a[0] && (unsigned long)a[0] < 0x1000000000UL)
			a[0] = raw(SYS_brk, 0, 0, 0) + (a[0] & 0xffffff);
		return 1;
	case SYS_arch_prctl:
		/* ARCH_SET_FS/GS would only crash our own libc. */
		if (a[0] == 0x1001 || a[0] == 0x1002)
			return 0;
		return 1;
	case SYS_close_range:
		if ((unsigned long)a[1] >= LOGFD)
			a[1] = LOGFD - 1;
		return 1;
	case SYS_close:
		return (unsigned long)a[0] != LOGFD && (unsigned long)a[0] != NULLFD;
	case 451: /* cachestat */
	case 453: /* map_shadow_stack: maps where asked */
		return 0;

	/* Clamp waits. */
	case SYS_nanosleep:
		a[0] = arg_ptr(A_TS);
		return 1;
	case SYS_clock_nanosleep:
		a[2] = arg_ptr(rndn(2) ? A_TS : A_TS_ZERO);
		return 1;
	case SYS_select:
		a[4] = arg_ptr(A_TV);
		return 1;
	case SYS_pselect6: case SYS_ppoll: case SYS_epoll_pwait2:
		a[nr == SYS_ppoll ? 2 : nr == SYS_epoll_pwait2 ? 3 : 4] = arg_ptr(A_TS);
		return 1;
	case SYS_poll:
		a[2] = rndn(3);
		return 1;
	case SYS_epoll_wait: case SYS_epoll_pwait:
		a[3] = rndn(3);
		return 1;
	case SYS_futex: {
		int op = a[1] & 0x7f;
		if (op == 0 || op == 9 || op == 6 || op == 11 || op == 13)   /* waits */
			a[3] = arg_ptr(A_TS_ZERO);
		return 1;
	}
	case SYS_rt_sigtimedwait:
		a[2] = arg_ptr(A_TS);
		return 1;
	case SYS_wait4:
		a[2] |= WNOHANG;
		return 1;
	case SYS_waitid:
		a[3] |= WNOHANG;
		return 1;
	case SYS_read: case SYS_readv: case SYS_pread64: case SYS_preadv: case SYS_preadv2:
		/* stdin is /dev/null in the children, but keep it obvious. */
		if (a[0] == 0)
			a[0] = 3;
		return 1;
	}
	return 1;
}

static void on_alarm(int sig) { (void)sig; }

/* A batch child: fresh descriptors and scratch files, then the calls. */
static void run_batch(long first, long end)
{
	struct sigaction sa;
	int fds[2];

	self_pid = getpid();
	for (int fd = 0; fd < 3; fd++)
		dup2(NULLFD, fd);
	/* Descriptors 3.. for the calls to use. */
	if (pipe2(fds, O_NONBLOCK) < 0)
		open("/dev/null", O_RDONLY);
	open("file", O_RDWR | O_CREAT, 0600);
	open("/dev/zero", O_RDONLY);
	open(".", O_RDONLY | O_DIRECTORY);
	open("/proc/self/maps", O_RDONLY);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds) < 0)
		open("/dev/null", O_WRONLY);
	syscall(SYS_eventfd2, 0, O_NONBLOCK);
	syscall(SYS_epoll_create1, 0);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;       /* no SA_RESTART: blocked calls return EINTR */
	sigaction(SIGALRM, &sa, NULL);

	for (long i = first; i < end; i++) {
		long a[6], nr, ret;
		char line[256], *p = line;
		int kind;

		rng_state = seed * 0x100000001b3ULL ^ (uint64_t)i * 0x9e3779b97f4a7c15ULL;
		nr = rndn(4) ? common_nrs[rndn(sizeof(common_nrs) / sizeof(common_nrs[0]))]
			     : (long)rndn(NR_MAX + 1);
		for (int k = 0; k < 6; k++)
			a[k] = pick_arg();
		if (rndn(3) == 0)
			a[0] = rndn(13);        /* a descriptor of ours, mostly */
		fill_args_area();
		kind = sanitize(nr, a);

		p = fmt_l(p, i);
		*p++ = ' ';
		p = fmt_l(p, nr);
		for (int k = 0; k < 6; k++) {
			*p++ = ' ';
			p = fmt_u(p, a[k], 1);
		}
		if (!kind) {
			memcpy(p, " skip\n", 7);
			logs(line);
			prog->skipped++;
			prog->done++;
			continue;
		}
		*p++ = '\n';
		*p = 0;
		logs(line);

		struct itimerval it = { { 0, 0 }, { 0, WATCHDOG_US } };
		raw(SYS_setitimer, ITIMER_REAL, &it, 0);
		prog->inflight = i;
		if (kind == 2)
			ret = raw6_fork(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
		else
			ret = raw6(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
		prog->inflight = -1;
		prog->done++;

		p = line;
		p = fmt_l(p, i);
		memcpy(p, " = ", 3);
		p = fmt_l(p + 3, ret);
		*p++ = '\n';
		*p = 0;
		logs(line);
		/* Reap what fork and clone made, so zombies do not pile up. */
		if (kind == 2)
			while (raw6(SYS_wait4, -1, 0, WNOHANG | __WALL, 0, 0, 0) > 0)
				;
	}
	struct itimerval off = { { 0, 0 }, { 0, 0 } };
	raw(SYS_setitimer, ITIMER_REAL, &off, 0);
	raw(SYS_exit_group, 0, 0, 0);
}

static volatile sig_atomic_t ticked;
static void on_tick(int sig) { ticked = 1; }

static void plog(const char *fmt, long a, long b, long c)
{
	char buf[256];
	int n = snprintf(buf, sizeof(buf), fmt, a, b, c);
	(void)!write(LOGFD, buf, n);
}

int main(int argc, char **argv)
{
	long count, start = 0, batch = 250;
	long returned = 0, signalled = 0, stalled = 0, skipped = 0;
	const char *logpath = argc > 3 ? argv[3] : "sysfuzz.log";

	if (argc < 3) {
		fprintf(stderr, "usage: sysfuzz SEED COUNT [LOG [START [BATCH]]]\n");
		return 2;
	}
	seed = strtoull(argv[1], NULL, 0);
	count = strtol(argv[2], NULL, 0);
	if (argc > 4)
		start = strtol(argv[4], NULL, 0);
	if (argc > 5)
		batch = strtol(argv[5], NULL, 0);
	setvbuf(stdout, NULL, _IONBF, 0);

	int lfd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
	if (lfd < 0 || dup2(lfd, LOGFD) < 0) {
		fprintf(stderr, "sysfuzz: %s: %s\n", logpath, strerror(errno));
		return 2;
	}
	close(lfd);
	int nfd = open("/dev/null", O_RDWR);
	if (nfd < 0 || dup2(nfd, NULLFD) < 0) {
		fprintf(stderr, "sysfuzz: /dev/null: %s\n", strerror(errno));
		return 2;
	}
	close(nfd);

	/* A scratch directory (cwd) for the calls' files. */
	char dir[64];
	snprintf(dir, sizeof(dir), "sysfuzz.%d", getpid());
	if (mkdir(dir, 0700) < 0 || chdir(dir) < 0) {
		fprintf(stderr, "sysfuzz: %s: %s\n", dir, strerror(errno));
		return 2;
	}
	mkfifo("fifo", 0600);
	(void)!symlink("a", "sym");

	/* The scratch area, with nothing mapped after it. */
	if (mmap(SCRATCH, SCRATCH_LEN, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) != SCRATCH ||
	    munmap(SCRATCH + SCRATCH_LEN, PAGE) < 0) {
		fprintf(stderr, "sysfuzz: scratch mmap: %s\n", strerror(errno));
		return 2;
	}
	rng_state = seed;
	for (unsigned long i = 0; i < SCRATCH_LEN; i += 8)
		*(uint64_t *)(SCRATCH + i) = (i / 8) % 3 ? rnd() : 0;
	args_area = mmap(NULL, ARGS_LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	prog = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (args_area == MAP_FAILED || prog == MAP_FAILED) {
		fprintf(stderr, "sysfuzz: mmap: %s\n", strerror(errno));
		return 2;
	}

	/* A tick to look at a waiting child's progress. */
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_tick;
	sigaction(SIGALRM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	long i = start, end = start + count;
	while (i < end) {
		long bend = i + batch < end ? i + batch : end;
		int st;

		prog->inflight = -1;
		prog->done = 0;
		prog->skipped = 0;
		plog("batch %ld %ld\n", i, bend, 0);
		pid_t pid = fork();
		if (pid < 0) {
			printf("sysfuzz FAIL: fork: %s\n", strerror(errno));
			return 3;
		}
		if (pid == 0)
			run_batch(i, bend);

		struct itimerval it = { { 0, 200000 }, { 0, 200000 } };
		setitimer(ITIMER_REAL, &it, NULL);
		long last_done = -1, same = 0, killed_at = -1;
		for (;;) {
			pid_t r = waitpid(pid, &st, WUNTRACED);
			if (r == pid && WIFSTOPPED(st)) {
				kill(pid, SIGKILL);   /* stopped itself (SIGSTOP, SIGTSTP, ...) */
				continue;
			}
			if (r == pid)
				break;
			if (r < 0 && errno != EINTR) {
				printf("sysfuzz FAIL: waitpid: %s\n", strerror(errno));
				return 3;
			}
			if (prog->done != last_done) {
				last_done = prog->done;
				same = 0;
				continue;
			}
			if (++same == STALL_S * 5 && killed_at < 0) {
				killed_at = prog->inflight;
				plog("stall: call %ld made no progress in %ds: SIGKILL\n",
				     killed_at, STALL_S, 0);
				kill(pid, SIGKILL);
			} else if (same >= STALL_S * 5 + 50) {
				/* 10 s after SIGKILL: the kernel is stuck. */
				plog("FAIL: child %ld survives SIGKILL in call %ld\n", pid,
				     prog->inflight, 0);
				printf("sysfuzz FAIL: child %d did not die of SIGKILL in call %ld\n",
				       pid, prog->inflight);
				return 3;
			}
		}
		struct itimerval off = { { 0, 0 }, { 0, 0 } };
		setitimer(ITIMER_REAL, &off, NULL);
		while (waitpid(-1, NULL, WNOHANG | __WALL) > 0)
			;

		long done = prog->done;
		returned += done - prog->skipped;
		skipped += prog->skipped;
		if (WIFEXITED(st) && WEXITSTATUS(st) == 0 && i + done == bend) {
			plog("batch %ld done\n", i, 0, 0);
			i = bend;
			continue;
		}
		/* The child died in call inflight, or between calls: then go on
		 * after the last finished one (but always forward). */
		long at = prog->inflight >= 0 ? prog->inflight : i + (done ? done - 1 : 0);
		if (killed_at >= 0) {
			stalled++;
			plog("call %ld: stalled, killed\n", at, 0, 0);
		} else if (WIFSIGNALED(st)) {
			signalled++;
			plog("call %ld: child killed by signal %ld\n", at, WTERMSIG(st), 0);
		} else {
			plog("call %ld: child exited with status %#lx\n", at, st, 0);
			signalled++;
		}
		i = at + 1;
	}
	printf("sysfuzz seed %llu calls %ld returned %ld signalled %ld stalled %ld skipped %ld\n",
	       (unsigned long long)seed, count, returned, signalled, stalled, skipped);
	return 0;
}

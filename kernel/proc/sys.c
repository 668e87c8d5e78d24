/* Identity, limits, names and other small syscalls. Task context. */
#include <glass/fs.h>
#include <glass/init.h>
#include <glass/monitor.h>
#include <glass/mm.h>
#include <glass/os.h>
#include <glass/proc.h>
#include <glass/sched.h>
#include <glass/syscalls.h>

SYSCALL_DEFINE0(getpid) { return current->tgid; }
SYSCALL_DEFINE0(gettid) { return current->pid; }

SYSCALL_DEFINE0(getppid)
{
	struct task_struct *p = current->group_leader->real_parent;

	return p ? p->tgid : 0;
}

/* Every guest runs as root. */
SYSCALL_DEFINE0(getuid) { return 0; }
SYSCALL_DEFINE0(geteuid) { return 0; }
SYSCALL_DEFINE0(getgid) { return 0; }
SYSCALL_DEFINE0(getegid) { return 0; }
SYSCALL_DEFINE1(setuid, uid_t, uid) { return 0; }
SYSCALL_DEFINE1(setgid, gid_t, gid) { return 0; }
SYSCALL_DEFINE2(setreuid, uid_t, r, uid_t, e) { return 0; }
SYSCALL_DEFINE2(setregid, gid_t, r, gid_t, e) { return 0; }
SYSCALL_DEFINE3(setresuid, uid_t, r, uid_t, e, uid_t, s) { return 0; }
SYSCALL_DEFINE3(setresgid, gid_t, r, gid_t, e, gid_t, s) { return 0; }
SYSCALL_DEFINE1(setfsuid, uid_t, uid) { return 0; }
SYSCALL_DEFINE1(setfsgid, gid_t, gid) { return 0; }

SYSCALL_DEFINE3(getresuid, uid_t __user *, r, uid_t __user *, e, uid_t __user *, s)
{
	if (put_user(0, r) || put_user(0, e) || put_user(0, s))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE3(getresgid, gid_t __user *, r, gid_t __user *, e, gid_t __user *, s)
{
	if (put_user(0, r) || put_user(0, e) || put_user(0, s))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE2(getgroups, int, size, gid_t __user *, list)
{
	if (size < 0)
		return -EINVAL;
	return 0;
}

SYSCALL_DEFINE2(setgroups, int, size, const gid_t __user *, list) { return 0; }

struct new_utsname {
	char sysname[65], nodename[65], release[65], version[65], machine[65],
	    domainname[65];
};

static struct new_utsname utsname = {
	.sysname = "Linux",
	.nodename = "glass",
	.release = "6.1.0-glass",
	.version = "#1 Glass",
	.machine = "x86_64",
	.domainname = "(none)",
};

const char *uts_nodename(void)
{
	return utsname.nodename;
}

/* sysname, nodename, release, version and machine, in uname's order, for
 * mconsole's version. Plain reads: any context, the monitor thread too. */
void __monitor_text uts_fields(const char *f[5])
{
	f[0] = utsname.sysname;
	f[1] = utsname.nodename;
	f[2] = utsname.release;
	f[3] = utsname.version;
	f[4] = utsname.machine;
}

const char *glass_version_string(void)
{
	return "Linux version 6.1.0-glass (Glass user-mode kernel) #1 Glass";
}

SYSCALL_DEFINE1(uname, struct new_utsname __user *, name)
{
	return copy_to_user(name, &utsname, sizeof(utsname)) ? -EFAULT : 0;
}

static long set_uts_field(char *field, const char __user *s, int len)
{
	char buf[65];

	if (len < 0 || len > 64)
		return -EINVAL;
	if (copy_from_user(buf, s, len))
		return -EFAULT;
	buf[len] = '\0';
	memcpy(field, buf, len + 1);
	return 0;
}

SYSCALL_DEFINE2(sethostname, const char __user *, name, int, len)
{
	return set_uts_field(utsname.nodename, name, len);
}

SYSCALL_DEFINE2(setdomainname, const char __user *, name, int, len)
{
	return set_uts_field(utsname.domainname, name, len);
}

#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004

SYSCALL_DEFINE2(arch_prctl, int, code, unsigned long, addr)
{
	switch (code) {
	case ARCH_SET_FS:
		if (addr >= TASK_SIZE)
			return -EPERM;
		current->regs.fs_base = addr;
		return 0;
	case ARCH_SET_GS:
		if (addr >= TASK_SIZE)
			return -EPERM;
		current->regs.gs_base = addr;
		return 0;
	case ARCH_GET_FS:
		return put_user(current->regs.fs_base, (unsigned long __user *)addr);
	case ARCH_GET_GS:
		return put_user(current->regs.gs_base, (unsigned long __user *)addr);
	}
	return -EINVAL;
}

SYSCALL_DEFINE1(set_tid_address, int __user *, tidptr)
{
	current->clear_child_tid = (unsigned long __user *)tidptr;
	return current->pid;
}

#define PR_SET_PDEATHSIG 1
#define PR_GET_PDEATHSIG 2
#define PR_SET_NAME 15
#define PR_GET_NAME 16
#define PR_SET_CHILD_SUBREAPER 36
#define PR_GET_CHILD_SUBREAPER 37

SYSCALL_DEFINE5(prctl, int, option, unsigned long, arg2, unsigned long, arg3,
		unsigned long, arg4, unsigned long, arg5)
{
	char name[TASK_COMM_LEN];

	switch (option) {
	case PR_SET_NAME:
		if (strncpy_from_user(name, (const char __user *)arg2, sizeof(name)) < 0)
			return -EFAULT;
		name[sizeof(name) - 1] = '\0';
		memcpy(current->comm, name, sizeof(name));
		return 0;
	case PR_GET_NAME:
		return copy_to_user((void __user *)arg2, current->comm, TASK_COMM_LEN) ? -EFAULT : 0;
	case PR_SET_PDEATHSIG:
		return 0;
	case PR_GET_PDEATHSIG:
		return put_user(0, (int __user *)arg2);
	case PR_SET_CHILD_SUBREAPER:
		current->signal->is_child_subreaper = !!arg2;
		return 0;
	case PR_GET_CHILD_SUBREAPER:
		return put_user(current->signal->is_child_subreaper, (int __user *)arg2);
	}
	return -EINVAL;
}

#define INF RLIM_INFINITY
const struct rlimit64 init_rlimits[RLIM_NLIMITS] = {
	[RLIMIT_CPU] = { INF, INF },
	[RLIMIT_FSIZE] = { INF, INF },
	[RLIMIT_DATA] = { INF, INF },
	[RLIMIT_STACK] = { _STK_LIM, INF },
	[RLIMIT_CORE] = { 0, INF },
	[RLIMIT_RSS] = { INF, INF },
	[RLIMIT_NPROC] = { INF, INF },
	[RLIMIT_NOFILE] = { NR_OPEN_MAX, NR_OPEN_MAX },
	[RLIMIT_MEMLOCK] = { 8UL << 20, 8UL << 20 },
	[RLIMIT_AS] = { INF, INF },
	[RLIMIT_LOCKS] = { INF, INF },
	[RLIMIT_SIGPENDING] = { INF, INF },
	[RLIMIT_MSGQUEUE] = { 819200, 819200 },
	[RLIMIT_NICE] = { 0, 0 },
	[RLIMIT_RTPRIO] = { 0, 0 },
	[RLIMIT_RTTIME] = { INF, INF },
};
#undef INF

/*
 * prlimit64's work on process p: old gets the limit, then new (if any)
 * replaces it. Every guest is root, so raising the hard limit is allowed
 * (Linux's CAP_SYS_RESOURCE); above NR_OPEN_MAX fds is -EPERM, as above
 * Linux's fs.nr_open. NPROC reads at most max_tasks, Glass's own cap.
 */
static int do_prlimit(struct task_struct *p, unsigned int res,
		      const struct rlimit64 *new, struct rlimit64 *old)
{
	struct rlimit64 *rlim;

	if (res >= RLIM_NLIMITS)
		return -EINVAL;
	if (new && new->rlim_cur > new->rlim_max)
		return -EINVAL;
	if (new && res == RLIMIT_NOFILE && new->rlim_max > NR_OPEN_MAX)
		return -EPERM;
	rlim = &p->signal->rlim[res];
	if (old) {
		*old = *rlim;
		if (res == RLIMIT_NPROC) {
			old->rlim_cur = min(old->rlim_cur, (u64)max_tasks);
			old->rlim_max = min(old->rlim_max, (u64)max_tasks);
		}
	}
	if (new)
		*rlim = *new;
	return 0;
}

SYSCALL_DEFINE4(prlimit64, pid_t, pid, unsigned int, resource,
		const struct rlimit64 __user *, new_rlim, struct rlimit64 __user *, old_rlim)
{
	struct task_struct *p = current;
	struct rlimit64 old, new;
	int err;

	if (new_rlim && copy_from_user(&new, new_rlim, sizeof(new)))
		return -EFAULT;
	if (pid) {
		p = find_task_by_pid(pid);
		if (!p || !p->signal)
			return -ESRCH;
	}
	err = do_prlimit(p, resource, new_rlim ? &new : NULL, old_rlim ? &old : NULL);
	if (!err && old_rlim && copy_to_user(old_rlim, &old, sizeof(old)))
		return -EFAULT;
	return err;
}

/* struct rlimit of x86-64 has rlimit64's layout. */
SYSCALL_DEFINE2(getrlimit, unsigned int, resource, struct rlimit64 __user *, rlim)
{
	struct rlimit64 r;
	int err = do_prlimit(current, resource, NULL, &r);

	if (!err && copy_to_user(rlim, &r, sizeof(r)))
		return -EFAULT;
	return err;
}

SYSCALL_DEFINE2(setrlimit, unsigned int, resource, const struct rlimit64 __user *, rlim)
{
	struct rlimit64 r;

	if (copy_from_user(&r, rlim, sizeof(r)))
		return -EFAULT;
	return do_prlimit(current, resource, &r, NULL);
}

struct sysinfo {
	long uptime;
	unsigned long loads[3];
	unsigned long totalram, freeram, sharedram, bufferram, totalswap, freeswap;
	unsigned short procs, pad;
	unsigned long totalhigh, freehigh;
	unsigned int mem_unit;
	char _f[4];
};

SYSCALL_DEFINE1(sysinfo, struct sysinfo __user *, info)
{
	struct sysinfo si = { 0 };

	si.uptime = ktime_get_boot_ns() / NSEC_PER_SEC;
	si.totalram = totalram_pages * PAGE_SIZE;
	si.freeram = nr_free_pages() * PAGE_SIZE;
	si.procs = nr_tasks;
	si.mem_unit = 1;
	return copy_to_user(info, &si, sizeof(si)) ? -EFAULT : 0;
}

SYSCALL_DEFINE3(getrandom, char __user *, buf, size_t, count, unsigned int, flags)
{
	char tmp[256];
	size_t done = 0;

	if (flags & ~7u)
		return -EINVAL;
	count = min_t(size_t, count, 33554431);
	while (done < count) {
		size_t n = min(count - done, sizeof(tmp));
		os_random_bytes(tmp, n);
		if (copy_to_user(buf + done, tmp, n))
			return done ? (long)done : -EFAULT;
		done += n;
	}
	return done;
}

SYSCALL_DEFINE0(sched_yield)
{
	schedule();
	return 0;
}

SYSCALL_DEFINE3(sched_getaffinity, pid_t, pid, unsigned int, len,
		unsigned long __user *, mask)
{
	unsigned long one = 1;

	if (len < sizeof(one))
		return -EINVAL;
	if (clear_user(mask, len) || put_user(one, mask))
		return -EFAULT;
	return sizeof(one);
}

SYSCALL_DEFINE3(sched_setaffinity, pid_t, pid, unsigned int, len,
		const unsigned long __user *, mask)
{
	return 0;
}

SYSCALL_DEFINE3(getcpu, unsigned __user *, cpu, unsigned __user *, node, void __user *, cache)
{
	if ((cpu && put_user(0, cpu)) || (node && put_user(0, node)))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE2(getpriority, int, which, int, who) { return 20; }
SYSCALL_DEFINE3(setpriority, int, which, int, who, int, niceval) { return 0; }
SYSCALL_DEFINE1(personality, unsigned int, p) { return 0; }

#define LINUX_REBOOT_MAGIC1 0xfee1dead
#define LINUX_REBOOT_CMD_RESTART 0x01234567
#define LINUX_REBOOT_CMD_HALT 0xcdef0123
#define LINUX_REBOOT_CMD_CAD_ON 0x89abcdef
#define LINUX_REBOOT_CMD_CAD_OFF 0x00000000
#define LINUX_REBOOT_CMD_POWER_OFF 0x4321fedc

bool cad_enabled = true;

SYSCALL_DEFINE4(reboot, int, magic1, int, magic2, unsigned int, cmd, void __user *, arg)
{
	if ((unsigned int)magic1 != LINUX_REBOOT_MAGIC1 ||
	    (magic2 != 672274793 && magic2 != 85072278 && magic2 != 369367448 &&
	     magic2 != 537993216))
		return -EINVAL;
	/* The process ends or starts over: dirty file pages would be lost. */
	if (cmd == LINUX_REBOOT_CMD_RESTART || cmd == LINUX_REBOOT_CMD_HALT ||
	    cmd == LINUX_REBOOT_CMD_POWER_OFF)
		writeback_inodes();
	switch (cmd) {
	case LINUX_REBOOT_CMD_RESTART:
		printk(KERN_NOTICE "reboot: Restarting system\n");
		os_reexec();
	case LINUX_REBOOT_CMD_HALT:
		printk(KERN_NOTICE "reboot: System halted\n");
		os_exit(0);
	case LINUX_REBOOT_CMD_POWER_OFF:
		printk(KERN_NOTICE "reboot: Power down\n");
		os_exit(0);
	case LINUX_REBOOT_CMD_CAD_ON:
		cad_enabled = true;
		return 0;
	case LINUX_REBOOT_CMD_CAD_OFF:
		cad_enabled = false;
		return 0;
	}
	return -EINVAL;
}

struct rusage {
	long utime_sec, utime_usec, stime_sec, stime_usec;
	long maxrss, ixrss, idrss, isrss, minflt, majflt, nswap, inblock, oublock,
	    msgsnd, msgrcv, nsignals, nvcsw, nivcsw;
};

SYSCALL_DEFINE2(getrusage, int, who, struct rusage __user *, ru)
{
	struct rusage r = { 0 };
	u64 ut = current->utime_ns, st = current->stime_ns;

	if (who == -1) {
		ut = current->signal->cutime_ns;
		st = current->signal->cstime_ns;
	}
	r.utime_sec = ut / NSEC_PER_SEC;
	r.utime_usec = ut % NSEC_PER_SEC / 1000;
	r.stime_sec = st / NSEC_PER_SEC;
	r.stime_usec = st % NSEC_PER_SEC / 1000;
	r.minflt = current->min_flt;
	r.nvcsw = current->nvcsw;
	r.nivcsw = current->nivcsw;
	return copy_to_user(ru, &r, sizeof(r)) ? -EFAULT : 0;
}

/* Calls Glass does not offer; answering ENOSYS silently, as guests expect. */
SYSCALL_DEFINE4(rseq, void __user *, rseq, u32, len, int, flags, u32, sig)
{
	return -ENOSYS;
}

SYSCALL_DEFINE3(socket, int, family, int, type, int, protocol)
{
	return -EAFNOSUPPORT;
}

/*
 * Constants by name, as strace prints them: bit sets (O_*, PROT_*, MAP_*,
 * CLONE_*, ...) and commands (F_*, FUTEX_*, PR_*, ...). Values are Linux
 * x86-64's (the guest ABI, rule linux-abi-outside).
 */
#include "flags.h"

#define V(val, name) { val, name }

/* Bit sets: "A|B|0x40" for what no name covers, "0" for none. */
void trace_put_flags(struct tbuf *b, const struct trace_xlat *x, u64 v)
{
	bool any = false;

	for (; x->name; x++) {
		if (x->val && (v & x->val) == x->val) {
			if (any)
				tb_putc(b, '|');
			tb_puts(b, x->name);
			v &= ~x->val;
			any = true;
		}
	}
	if (v || !any) {
		if (any)
			tb_putc(b, '|');
		tb_hex(b, v);
	}
}

const char *trace_xlat_name(const struct trace_xlat *x, u64 v)
{
	for (; x->name; x++)
		if (x->val == v)
			return x->name;
	return NULL;
}

/* A command: its name, or the number in hex. */
void trace_put_xlat(struct tbuf *b, const struct trace_xlat *x, u64 v)
{
	const char *n = trace_xlat_name(x, v);

	if (n)
		tb_puts(b, n);
	else
		tb_hex(b, v);
}

/* strace's order, not the values' (O_CLOEXEC before O_DIRECTORY). */
const struct trace_xlat xlat_open_flags[] = {
	V(0100, "O_CREAT"), V(0200, "O_EXCL"), V(0400, "O_NOCTTY"),
	V(01000, "O_TRUNC"), V(02000, "O_APPEND"), V(04000, "O_NONBLOCK"),
	V(04010000, "O_SYNC"), V(010000, "O_DSYNC"), V(020000, "O_ASYNC"),
	V(040000, "O_DIRECT"), V(0100000, "O_LARGEFILE"),
	V(0400000, "O_NOFOLLOW"), V(01000000, "O_NOATIME"),
	V(02000000, "O_CLOEXEC"), V(010000000, "O_PATH"),
	V(020200000, "O_TMPFILE"), V(0200000, "O_DIRECTORY"), { 0, NULL }
};

const struct trace_xlat xlat_at_flags[] = {
	V(0x100, "AT_SYMLINK_NOFOLLOW"), V(0x200, "AT_REMOVEDIR"),
	V(0x400, "AT_SYMLINK_FOLLOW"), V(0x800, "AT_NO_AUTOMOUNT"),
	V(0x1000, "AT_EMPTY_PATH"), V(0x2000, "AT_STATX_FORCE_SYNC"),
	V(0x4000, "AT_STATX_DONT_SYNC"), V(0x8000, "AT_RECURSIVE"),
	{ 0, NULL }
};

const struct trace_xlat xlat_mmap_prot[] = {
	V(1, "PROT_READ"), V(2, "PROT_WRITE"), V(4, "PROT_EXEC"),
	V(8, "PROT_SEM"), V(0x01000000, "PROT_GROWSDOWN"),
	V(0x02000000, "PROT_GROWSUP"), { 0, NULL }
};

/* After the type (the low two bits). */
const struct trace_xlat xlat_mmap_flags[] = {
	V(0x10, "MAP_FIXED"), V(0x20, "MAP_ANONYMOUS"), V(0x40, "MAP_32BIT"),
	V(0x100, "MAP_GROWSDOWN"), V(0x800, "MAP_DENYWRITE"),
	V(0x1000, "MAP_EXECUTABLE"), V(0x2000, "MAP_LOCKED"),
	V(0x4000, "MAP_NORESERVE"), V(0x8000, "MAP_POPULATE"),
	V(0x10000, "MAP_NONBLOCK"), V(0x20000, "MAP_STACK"),
	V(0x40000, "MAP_HUGETLB"), V(0x80000, "MAP_SYNC"),
	V(0x100000, "MAP_FIXED_NOREPLACE"), V(0x4000000, "MAP_UNINITIALIZED"),
	{ 0, NULL }
};

/* Above the exit signal (the low byte). */
const struct trace_xlat xlat_clone_flags[] = {
	V(0x100, "CLONE_VM"), V(0x200, "CLONE_FS"), V(0x400, "CLONE_FILES"),
	V(0x800, "CLONE_SIGHAND"), V(0x1000, "CLONE_PIDFD"),
	V(0x2000, "CLONE_PTRACE"), V(0x4000, "CLONE_VFORK"),
	V(0x8000, "CLONE_PARENT"), V(0x10000, "CLONE_THREAD"),
	V(0x20000, "CLONE_NEWNS"), V(0x40000, "CLONE_SYSVSEM"),
	V(0x80000, "CLONE_SETTLS"), V(0x100000, "CLONE_PARENT_SETTID"),
	V(0x200000, "CLONE_CHILD_CLEARTID"), V(0x400000, "CLONE_DETACHED"),
	V(0x800000, "CLONE_UNTRACED"), V(0x1000000, "CLONE_CHILD_SETTID"),
	V(0x2000000, "CLONE_NEWCGROUP"), V(0x4000000, "CLONE_NEWUTS"),
	V(0x8000000, "CLONE_NEWIPC"), V(0x10000000, "CLONE_NEWUSER"),
	V(0x20000000, "CLONE_NEWPID"), V(0x40000000, "CLONE_NEWNET"),
	V(0x80000000, "CLONE_IO"), { 0, NULL }
};

const struct trace_xlat xlat_wait_options[] = {
	V(1, "WNOHANG"), V(2, "WSTOPPED"), V(4, "WEXITED"),
	V(8, "WCONTINUED"), V(0x1000000, "WNOWAIT"),
	V(0x20000000, "__WNOTHREAD"), V(0x40000000, "__WALL"),
	V(0x80000000, "__WCLONE"), { 0, NULL }
};

const struct trace_xlat xlat_fcntl_cmds[] = {
	V(0, "F_DUPFD"), V(1, "F_GETFD"), V(2, "F_SETFD"), V(3, "F_GETFL"),
	V(4, "F_SETFL"), V(5, "F_GETLK"), V(6, "F_SETLK"), V(7, "F_SETLKW"),
	V(8, "F_SETOWN"), V(9, "F_GETOWN"), V(10, "F_SETSIG"),
	V(11, "F_GETSIG"), V(15, "F_SETOWN_EX"), V(16, "F_GETOWN_EX"),
	V(36, "F_OFD_GETLK"), V(37, "F_OFD_SETLK"), V(38, "F_OFD_SETLKW"),
	V(1024, "F_SETLEASE"), V(1025, "F_GETLEASE"), V(1026, "F_NOTIFY"),
	V(1030, "F_DUPFD_CLOEXEC"), V(1031, "F_SETPIPE_SZ"),
	V(1032, "F_GETPIPE_SZ"), V(1033, "F_ADD_SEALS"), V(1034, "F_GET_SEALS"),
	{ 0, NULL }
};

const struct trace_xlat xlat_fd_flags[] = { V(1, "FD_CLOEXEC"), { 0, NULL } };

const struct trace_xlat xlat_ioctl_cmds[] = {
	V(0x5401, "TCGETS"), V(0x5402, "TCSETS"), V(0x5403, "TCSETSW"),
	V(0x5404, "TCSETSF"), V(0x5409, "TCSBRK"), V(0x540A, "TCXONC"),
	V(0x540B, "TCFLSH"), V(0x540E, "TIOCSCTTY"), V(0x540F, "TIOCGPGRP"),
	V(0x5410, "TIOCSPGRP"), V(0x5411, "TIOCOUTQ"), V(0x5412, "TIOCSTI"),
	V(0x5413, "TIOCGWINSZ"), V(0x5414, "TIOCSWINSZ"),
	V(0x5415, "TIOCMGET"), V(0x541B, "FIONREAD"), V(0x5421, "FIONBIO"),
	V(0x5422, "TIOCNOTTY"), V(0x5429, "TIOCGSID"), V(0x5450, "FIONCLEX"),
	V(0x5451, "FIOCLEX"), V(0x5452, "FIOASYNC"),
	V(0x80045430, "TIOCGPTN"), V(0x40045431, "TIOCSPTLCK"),
	V(0x80081272, "BLKGETSIZE64"), V(0x1260, "BLKGETSIZE"),
	V(0x4B33, "KDGKBTYPE"), V(0x5603, "VT_GETSTATE"), { 0, NULL }
};

const struct trace_xlat xlat_futex_cmds[] = {
	V(0, "FUTEX_WAIT"), V(1, "FUTEX_WAKE"), V(2, "FUTEX_FD"),
	V(3, "FUTEX_REQUEUE"), V(4, "FUTEX_CMP_REQUEUE"), V(5, "FUTEX_WAKE_OP"),
	V(6, "FUTEX_LOCK_PI"), V(7, "FUTEX_UNLOCK_PI"),
	V(8, "FUTEX_TRYLOCK_PI"), V(9, "FUTEX_WAIT_BITSET"),
	V(10, "FUTEX_WAKE_BITSET"), V(11, "FUTEX_WAIT_REQUEUE_PI"),
	V(12, "FUTEX_CMP_REQUEUE_PI"), V(13, "FUTEX_LOCK_PI2"), { 0, NULL }
};

const struct trace_xlat xlat_prctl_cmds[] = {
	V(1, "PR_SET_PDEATHSIG"), V(2, "PR_GET_PDEATHSIG"),
	V(3, "PR_GET_DUMPABLE"), V(4, "PR_SET_DUMPABLE"),
	V(7, "PR_GET_KEEPCAPS"), V(8, "PR_SET_KEEPCAPS"),
	V(15, "PR_SET_NAME"), V(16, "PR_GET_NAME"), V(21, "PR_GET_SECCOMP"),
	V(22, "PR_SET_SECCOMP"), V(23, "PR_CAPBSET_READ"),
	V(29, "PR_SET_TIMERSLACK"), V(30, "PR_GET_TIMERSLACK"),
	V(36, "PR_SET_CHILD_SUBREAPER"), V(37, "PR_GET_CHILD_SUBREAPER"),
	V(38, "PR_SET_NO_NEW_PRIVS"), V(39, "PR_GET_NO_NEW_PRIVS"),
	V(41, "PR_SET_THP_DISABLE"), V(42, "PR_GET_THP_DISABLE"),
	V(47, "PR_CAP_AMBIENT"), V(0x53564d41, "PR_SET_VMA"), { 0, NULL }
};

const struct trace_xlat xlat_arch_prctl_cmds[] = {
	V(0x1001, "ARCH_SET_GS"), V(0x1002, "ARCH_SET_FS"),
	V(0x1003, "ARCH_GET_FS"), V(0x1004, "ARCH_GET_GS"),
	V(0x1011, "ARCH_GET_CPUID"), V(0x1012, "ARCH_SET_CPUID"),
	V(0x1021, "ARCH_GET_XCOMP_SUPP"), V(0x1022, "ARCH_GET_XCOMP_PERM"),
	V(0x1023, "ARCH_REQ_XCOMP_PERM"), { 0, NULL }
};

const struct trace_xlat xlat_sigmask_hows[] = {
	V(0, "SIG_BLOCK"), V(1, "SIG_UNBLOCK"), V(2, "SIG_SETMASK"), { 0, NULL }
};

const struct trace_xlat xlat_seek_whences[] = {
	V(0, "SEEK_SET"), V(1, "SEEK_CUR"), V(2, "SEEK_END"), V(3, "SEEK_DATA"),
	V(4, "SEEK_HOLE"), { 0, NULL }
};

const struct trace_xlat xlat_access_modes[] = {
	V(4, "R_OK"), V(2, "W_OK"), V(1, "X_OK"), { 0, NULL }
};

const struct trace_xlat xlat_clockids[] = {
	V(0, "CLOCK_REALTIME"), V(1, "CLOCK_MONOTONIC"),
	V(2, "CLOCK_PROCESS_CPUTIME_ID"), V(3, "CLOCK_THREAD_CPUTIME_ID"),
	V(4, "CLOCK_MONOTONIC_RAW"), V(5, "CLOCK_REALTIME_COARSE"),
	V(6, "CLOCK_MONOTONIC_COARSE"), V(7, "CLOCK_BOOTTIME"),
	V(8, "CLOCK_REALTIME_ALARM"), V(9, "CLOCK_BOOTTIME_ALARM"),
	V(11, "CLOCK_TAI"), { 0, NULL }
};

const struct trace_xlat xlat_rlimits[] = {
	V(0, "RLIMIT_CPU"), V(1, "RLIMIT_FSIZE"), V(2, "RLIMIT_DATA"),
	V(3, "RLIMIT_STACK"), V(4, "RLIMIT_CORE"), V(5, "RLIMIT_RSS"),
	V(6, "RLIMIT_NPROC"), V(7, "RLIMIT_NOFILE"), V(8, "RLIMIT_MEMLOCK"),
	V(9, "RLIMIT_AS"), V(10, "RLIMIT_LOCKS"), V(11, "RLIMIT_SIGPENDING"),
	V(12, "RLIMIT_MSGQUEUE"), V(13, "RLIMIT_NICE"), V(14, "RLIMIT_RTPRIO"),
	V(15, "RLIMIT_RTTIME"), { 0, NULL }
};

const struct trace_xlat xlat_sa_flags[] = {
	V(0x04000000, "SA_RESTORER"), V(0x08000000, "SA_ONSTACK"),
	V(0x10000000, "SA_RESTART"), V(0x40000000, "SA_NODEFER"),
	V(0x80000000, "SA_RESETHAND"), V(4, "SA_SIGINFO"),
	V(1, "SA_NOCLDSTOP"), V(2, "SA_NOCLDWAIT"), { 0, NULL }
};

const struct trace_xlat xlat_poll_events[] = {
	V(1, "POLLIN"), V(2, "POLLPRI"), V(4, "POLLOUT"), V(8, "POLLERR"),
	V(0x10, "POLLHUP"), V(0x20, "POLLNVAL"), V(0x40, "POLLRDNORM"),
	V(0x80, "POLLRDBAND"), V(0x100, "POLLWRNORM"), V(0x200, "POLLWRBAND"),
	V(0x400, "POLLMSG"), V(0x2000, "POLLRDHUP"), { 0, NULL }
};

/* st_mode's type bits (S_IFMT). */
const struct trace_xlat xlat_file_types[] = {
	V(0140000, "S_IFSOCK"), V(0120000, "S_IFLNK"), V(0100000, "S_IFREG"),
	V(060000, "S_IFBLK"), V(040000, "S_IFDIR"), V(020000, "S_IFCHR"),
	V(010000, "S_IFIFO"), { 0, NULL }
};

const struct trace_xlat xlat_grnd_flags[] = {
	V(1, "GRND_NONBLOCK"), V(2, "GRND_RANDOM"), V(4, "GRND_INSECURE"),
	{ 0, NULL }
};

const struct trace_xlat xlat_madvise_advice[] = {
	V(0, "MADV_NORMAL"), V(1, "MADV_RANDOM"), V(2, "MADV_SEQUENTIAL"),
	V(3, "MADV_WILLNEED"), V(4, "MADV_DONTNEED"), V(8, "MADV_FREE"),
	V(9, "MADV_REMOVE"), V(10, "MADV_DONTFORK"), V(11, "MADV_DOFORK"),
	V(12, "MADV_MERGEABLE"), V(13, "MADV_UNMERGEABLE"),
	V(14, "MADV_HUGEPAGE"), V(15, "MADV_NOHUGEPAGE"),
	V(16, "MADV_DONTDUMP"), V(17, "MADV_DODUMP"), V(18, "MADV_WIPEONFORK"),
	V(19, "MADV_KEEPONFORK"), V(20, "MADV_COLD"), V(21, "MADV_PAGEOUT"),
	V(22, "MADV_POPULATE_READ"), V(23, "MADV_POPULATE_WRITE"),
	V(100, "MADV_HWPOISON"), { 0, NULL }
};

/* reboot's three words (the magics never match a command). */
const struct trace_xlat xlat_reboot_words[] = {
	V(0xfee1dead, "LINUX_REBOOT_MAGIC1"), V(0x28121969, "LINUX_REBOOT_MAGIC2"),
	V(0x05121996, "LINUX_REBOOT_MAGIC2A"), V(0x16041998, "LINUX_REBOOT_MAGIC2B"),
	V(0x20112000, "LINUX_REBOOT_MAGIC2C"),
	V(0x01234567, "LINUX_REBOOT_CMD_RESTART"),
	V(0xcdef0123, "LINUX_REBOOT_CMD_HALT"),
	V(0x89abcdef, "LINUX_REBOOT_CMD_CAD_ON"),
	V(0, "LINUX_REBOOT_CMD_CAD_OFF"),
	V(0x4321fedc, "LINUX_REBOOT_CMD_POWER_OFF"),
	V(0xa1b2c3d4, "LINUX_REBOOT_CMD_RESTART2"),
	V(0xd000fce2, "LINUX_REBOOT_CMD_SW_SUSPEND"),
	V(0x45584543, "LINUX_REBOOT_CMD_KEXEC"), { 0, NULL }
};

const struct trace_xlat xlat_ss_flags[] = {
	V(1, "SS_ONSTACK"), V(2, "SS_DISABLE"), V(0x80000000, "SS_AUTODISARM"),
	{ 0, NULL }
};

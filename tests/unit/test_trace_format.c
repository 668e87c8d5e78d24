/*
 * Syscall records built from a fake guest memory (trace/record.c, plan.c)
 * and their strace-format text (trace/format.c, decode.c, flags.c,
 * names.c): every argument kind and struct, bad pointers shown as
 * addresses, errno names and texts, unfinished/resumed pairing, and the
 * one-line forms of the other events.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <trace/trace.h>
#include <uapi/unistd.h>
#include "check_run.h"

/* ---- a fake guest memory: a few regions, EFAULT elsewhere ---- */
struct region {
	u64 addr;
	u8 data[512];
	u32 len;
};
static struct region mem[32];
static int nmem;

static u64 poke(u64 addr, const void *p, u32 len)
{
	ck_assert_int_lt(nmem, 32);
	ck_assert_uint_le(len, sizeof(mem[0].data));
	mem[nmem].addr = addr;
	memcpy(mem[nmem].data, p, len);
	mem[nmem].len = len;
	nmem++;
	return addr;
}

static u64 poke_str(u64 addr, const char *s)
{
	return poke(addr, s, strlen(s) + 1);
}

static const u8 *find(u64 a)
{
	for (int i = 0; i < nmem; i++)
		if (a >= mem[i].addr && a < mem[i].addr + mem[i].len)
			return mem[i].data + (a - mem[i].addr);
	return NULL;
}

static int fake_copy(void *ctx, void *dst, u64 a, u32 len)
{
	for (u32 i = 0; i < len; i++) {
		const u8 *p = find(a + i);

		if (!p)
			return -14;
		((u8 *)dst)[i] = *p;
	}
	return 0;
}

static long fake_copy_str(void *ctx, char *dst, u64 a, u32 len)
{
	for (u32 i = 0; i < len; i++) {
		const u8 *p = find(a + i);

		if (!p)
			return -14;
		dst[i] = *p;
		if (!*p)
			return i;
	}
	return len;
}

static const struct trace_uaccess ua = { fake_copy, fake_copy_str, NULL };

/* ---- records and their text ---- */
static struct trace_fmt fmt;
static char out[64 * 1024];
static size_t outlen;
static u64 recbuf[TRACE_REC_MAX / 8];

static void setup(void)
{
	nmem = 0;
	outlen = 0;
	out[0] = 0;
	trace_fmt_init(&fmt, TRACE_FMT_ALIGN);
}

static void format(const void *rec)
{
	const struct trace_hdr *h = rec;

	outlen += trace_fmt_record(&fmt, rec, h->len, out + outlen,
				   sizeof(out) - outlen);
}

static u32 enter(u32 pid, u32 nr, const u64 a[6])
{
	u32 len = trace_build_sys_enter(recbuf, sizeof(recbuf), pid, 1000, nr,
					a, &ua);

	ck_assert_uint_gt(len, 0);
	ck_assert_uint_eq(trace_rec_valid(recbuf, len), len);
	format(recbuf);
	return len;
}

static u32 leave(u32 pid, u32 nr, const u64 a[6], s64 ret)
{
	u32 len = trace_build_sys_exit(recbuf, sizeof(recbuf), pid, 4000, nr,
				       a, ret, 3000, &ua);

	ck_assert_uint_gt(len, 0);
	ck_assert_uint_eq(trace_rec_valid(recbuf, len), len);
	format(recbuf);
	return len;
}

/* Enter and exit of one syscall, back to back: its strace line. */
#define SYS(nr, ret, ...) do { \
	u64 a_[6] = { __VA_ARGS__ }; \
	enter(7, nr, a_); \
	leave(7, nr, a_, ret); \
} while (0)

/* want with a tab where strace lines the result up: "= " at column 40
 * of the line, or after one space */
static const char *aligned(const char *want)
{
	static char buf[8192];
	size_t n = 0, col = 0;

	for (; *want; want++) {
		if (*want == '\t') {
			do
				buf[n++] = ' ';
			while (++col < 40);
			continue;
		}
		buf[n++] = *want;
		col = *want == '\n' ? 0 : col + 1;
	}
	buf[n] = 0;
	return buf;
}

#define EXPECT(line) ck_assert_str_eq(out, aligned(line "\n"))

START_TEST(openat_path_flags_and_mode)
{
	u64 p = poke_str(0x1000, "/etc/passwd");

	SYS(__NR_openat, 3, (u64)-100, p, 02000000, 0);
	EXPECT("openat(AT_FDCWD, \"/etc/passwd\", O_RDONLY|O_CLOEXEC)\t= 3");
	setup();
	p = poke_str(0x1000, "x");
	SYS(__NR_openat, 3, 5, p, 01101, 0644);
	EXPECT("openat(5, \"x\", O_WRONLY|O_CREAT|O_TRUNC, 0644)\t= 3");
	setup();
	p = poke_str(0x1000, ".");
	SYS(__NR_openat, 3, (u64)-100, p, 02204000, 0);
	EXPECT("openat(AT_FDCWD, \".\", O_RDONLY|O_NONBLOCK|O_CLOEXEC|O_DIRECTORY)\t= 3");
}
END_TEST

START_TEST(bad_pointers_show_addresses)
{
	SYS(__NR_openat, -14, (u64)-100, 0xdead0000, 0, 0);
	EXPECT("openat(AT_FDCWD, 0xdead0000, O_RDONLY)\t= -1 EFAULT (Bad address)");
	setup();
	SYS(__NR_write, -14, 1, 0xdead0000, 5);
	EXPECT("write(1, 0xdead0000, 5)\t= -1 EFAULT (Bad address)");
	setup();
	SYS(__NR_clock_gettime, 0, 1, 0xdead0000);
	EXPECT("clock_gettime(CLOCK_MONOTONIC, 0xdead0000)\t= 0");
	setup();
	/* a string running into unmapped memory */
	poke(0x2000, "abc", 3);
	SYS(__NR_chdir, -14, 0x2000);
	EXPECT("chdir(0x2000)\t= -1 EFAULT (Bad address)");
	setup();
	SYS(__NR_nanosleep, 0, 0xdead0000, 0);
	EXPECT("nanosleep(0xdead0000, NULL)\t= 0");
}
END_TEST

START_TEST(read_buffer_at_exit_cut_at_32)
{
	const char *d = "0123456789abcdefghijklmnopqrstuvwxyz";
	u64 p = poke(0x1000, d, strlen(d));

	SYS(__NR_read, 36, 3, p, 1024);
	EXPECT("read(3, \"0123456789abcdefghijklmnopqrstuv\"..., 1024)\t= 36");
	setup();
	p = poke(0x1000, "\177ELF\2\1\1\0\0\0012", 11);
	SYS(__NR_read, 11, 3, p, 832);
	EXPECT("read(3, \"\\177ELF\\2\\1\\1\\0\\0\\0012\", 832)\t= 11");
	setup();
	SYS(__NR_read, -9, 3, 0x1000, 10);
	EXPECT("read(3, 0x1000, 10)\t= -1 EBADF (Bad file descriptor)");
	setup();
	SYS(__NR_read, 0, 3, 0x1000, 10);
	EXPECT("read(3, \"\", 10)\t= 0");
}
END_TEST

START_TEST(write_buffer_escaped)
{
	u64 p = poke(0x1000, "hi\n\t\"q\"\\\r", 9);

	SYS(__NR_write, 9, 1, p, 9);
	EXPECT("write(1, \"hi\\n\\t\\\"q\\\"\\\\\\r\", 9)\t= 9");
}
END_TEST

START_TEST(long_path_kept_whole_long_string_cut)
{
	char path[300];
	u64 p;

	memset(path, 'a', 299);
	path[299] = 0;
	p = poke(0x1000, path, 300);
	SYS(__NR_chdir, -2, p);
	/* paths up to TRACE_PATHSIZE */
	ck_assert_int_eq(strncmp(out, "chdir(\"aaaa", 11), 0);
	ck_assert_ptr_nonnull(strstr(out, "aaa\"...) = -1 ENOENT (No such file or directory)"));
	ck_assert_uint_eq(strlen(out), strlen("chdir(\"\"...) = -1 ENOENT (No such file or directory)\n") + TRACE_PATHSIZE);
	setup();
	p = poke_str(0x1000, "a-host-name-longer-than-thirty-two-bytes");
	SYS(__NR_sethostname, 0, p, 40);
	EXPECT("sethostname(\"a-host-name-longer-than-thirty-t\"..., 40)\t= 0");
}
END_TEST

START_TEST(execve_argv_and_envp)
{
	u64 argv[] = { 0x2000, 0x2010, 0xdead0000, 0 };
	u64 envp[] = { 0x2020, 0x2020, 0 };

	poke_str(0x1000, "/bin/ls");
	poke_str(0x2000, "ls");
	poke_str(0x2010, "-l");
	poke_str(0x2020, "A=1");
	poke(0x3000, argv, sizeof(argv));
	poke(0x4000, envp, sizeof(envp));
	SYS(__NR_execve, 0, 0x1000, 0x3000, 0x4000);
	EXPECT("execve(\"/bin/ls\", [\"ls\", \"-l\", 0xdead0000], 0x4000 /* 2 vars */)\t= 0");
	setup();
	SYS(__NR_execve, -14, 0x1000, 0xdead0000, 0xdead0000);
	EXPECT("execve(0x1000, 0xdead0000, 0xdead0000)\t= -1 EFAULT (Bad address)");
}
END_TEST

START_TEST(argv_longer_than_kept)
{
	u64 argv[TRACE_ARRAY_MAX + 3];
	int i;

	for (i = 0; i < TRACE_ARRAY_MAX + 2; i++)
		argv[i] = 0x2000;
	argv[i] = 0;
	poke_str(0x1000, "/bin/echo");
	poke_str(0x2000, "x");
	poke(0x3000, argv, sizeof(argv));
	SYS(__NR_execve, 0, 0x1000, 0x3000, 0);
	EXPECT("execve(\"/bin/echo\", [\"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\"]..., NULL)\t= 0");
}
END_TEST

static void put_stat(u64 addr, u32 mode, u64 rdev, s64 size)
{
	u8 st[144] = { 0 };

	memcpy(st + 24, &mode, 4);
	memcpy(st + 40, &rdev, 8);
	memcpy(st + 48, &size, 8);
	poke(addr, st, sizeof(st));
}

START_TEST(stat_structs)
{
	poke_str(0x1000, "f");
	put_stat(0x2000, 0100644, 0, 123);
	SYS(__NR_newfstatat, 0, (u64)-100, 0x1000, 0x2000, 0);
	EXPECT("newfstatat(AT_FDCWD, \"f\", {st_mode=S_IFREG|0644, st_size=123, ...}, 0)\t= 0");
	setup();
	put_stat(0x2000, 020620, 0x8800, 0);
	SYS(__NR_fstat, 0, 1, 0x2000);
	EXPECT("fstat(1, {st_mode=S_IFCHR|0620, st_rdev=makedev(0x88, 0), ...})\t= 0");
	setup();
	put_stat(0x2000, 040755, 0, 4096);
	poke_str(0x1000, "/");
	SYS(__NR_newfstatat, 0, 3, 0x1000, 0x2000, 0x1100);
	EXPECT("newfstatat(3, \"/\", {st_mode=S_IFDIR|0755, st_size=4096, ...}, AT_SYMLINK_NOFOLLOW|AT_EMPTY_PATH)\t= 0");
	setup();
	/* failed: the buffer was not filled, its address is shown */
	SYS(__NR_fstat, -9, 9, 0x2000);
	EXPECT("fstat(9, 0x2000)\t= -1 EBADF (Bad file descriptor)");
}
END_TEST

START_TEST(timespec_and_timeval)
{
	s64 ts[2] = { 5, 123 }, tv[2] = { 1700000000, 42 };

	poke(0x2000, ts, 16);
	SYS(__NR_clock_gettime, 0, 1, 0x2000);
	EXPECT("clock_gettime(CLOCK_MONOTONIC, {tv_sec=5, tv_nsec=123})\t= 0");
	setup();
	ts[0] = 0;
	ts[1] = 1000000;
	poke(0x2000, ts, 16);
	SYS(__NR_nanosleep, 0, 0x2000, 0);
	EXPECT("nanosleep({tv_sec=0, tv_nsec=1000000}, NULL)\t= 0");
	setup();
	poke(0x2000, tv, 16);
	SYS(__NR_gettimeofday, 0, 0x2000, 0);
	EXPECT("gettimeofday({tv_sec=1700000000, tv_usec=42}, NULL)\t= 0");
	setup();
	poke(0x2000, ts, 16);
	SYS(__NR_clock_nanosleep, 0, 0, 0, 0x2000, 0);
	EXPECT("clock_nanosleep(CLOCK_REALTIME, 0, {tv_sec=0, tv_nsec=1000000}, NULL)\t= 0");
}
END_TEST

START_TEST(sigaction_and_sigsets)
{
	u64 act[4] = { 0x401000, 0x14000000, 0x402000, (1 << 1) | (1 << 14) };
	u64 old[4] = { 0, 0, 0, 0 };
	u64 all = ~0ull, chld = 1 << 16, rt = ~0ull & ~(3ull << 31);

	poke(0x2000, act, 32);
	poke(0x3000, old, 32);
	SYS(__NR_rt_sigaction, 0, 2, 0x2000, 0x3000, 8);
	EXPECT("rt_sigaction(SIGINT, {sa_handler=0x401000, sa_mask=[INT TERM], sa_flags=SA_RESTORER|SA_RESTART, sa_restorer=0x402000}, {sa_handler=SIG_DFL, sa_mask=[], sa_flags=0}, 8)\t= 0");
	setup();
	act[0] = 1;
	act[1] = 0;
	poke(0x2000, act, 32);
	SYS(__NR_rt_sigaction, 0, 13, 0x2000, 0, 8);
	EXPECT("rt_sigaction(SIGPIPE, {sa_handler=SIG_IGN, sa_mask=[INT TERM], sa_flags=0}, NULL, 8)\t= 0");
	setup();
	poke(0x2000, &all, 8);
	poke(0x3000, &chld, 8);
	SYS(__NR_rt_sigprocmask, 0, 0, 0x2000, 0x3000, 8);
	EXPECT("rt_sigprocmask(SIG_BLOCK, ~[], [CHLD], 8)\t= 0");
	setup();
	poke(0x2000, &rt, 8);
	SYS(__NR_rt_sigprocmask, 0, 2, 0x2000, 0, 8);
	EXPECT("rt_sigprocmask(SIG_SETMASK, ~[RTMIN RT_1], NULL, 8)\t= 0");
}
END_TEST

START_TEST(iovec_arrays)
{
	u64 iov[4] = { 0x2000, 5, 0x2100, 1 };

	poke(0x2000, "hello", 5);
	poke(0x2100, "\n", 1);
	poke(0x3000, iov, sizeof(iov));
	SYS(__NR_writev, 6, 1, 0x3000, 2);
	EXPECT("writev(1, [{iov_base=\"hello\", iov_len=5}, {iov_base=\"\\n\", iov_len=1}], 2)\t= 6");
	setup();
	iov[1] = 3;
	iov[3] = 10;
	poke(0x2000, "abc", 3);
	poke(0x2100, "defghij", 7);
	poke(0x3000, iov, sizeof(iov));
	SYS(__NR_readv, 5, 3, 0x3000, 2);
	/* only what was read: 3 + 2 bytes */
	EXPECT("readv(3, [{iov_base=\"abc\", iov_len=3}, {iov_base=\"de\", iov_len=10}], 2)\t= 5");
}
END_TEST

START_TEST(pollfd_events_and_revents)
{
	s32 fds[4] = { 0, 1, 4, 5 };	/* fd, events | revents << 16 */
	u64 p = poke(0x2000, fds, sizeof(fds));

	SYS(__NR_poll, 0, p, 2, 1000);
	EXPECT("poll([{fd=0, events=POLLIN}, {fd=4, events=POLLIN|POLLOUT}], 2, 1000)\t= 0 (Timeout)");
	setup();
	/* the kernel fills in revents before the exit record copies them */
	fds[1] = 1;
	fds[3] = 5 | 4 << 16;
	poke(0x2000, fds, sizeof(fds));
	SYS(__NR_poll, 1, p, 2, -1);
	EXPECT("poll([{fd=0, events=POLLIN}, {fd=4, events=POLLIN|POLLOUT}], 2, -1)\t= 1 ([{fd=4, revents=POLLOUT}])");
}
END_TEST

START_TEST(fds_wstatus_rlimit_utsname_getcwd)
{
	s32 pair[2] = { 3, 4 }, st = 0, killed = 9;
	u64 rl[2] = { 8192 * 1024, ~0ull };
	char uts[390] = { 0 };

	poke(0x2000, pair, 8);
	SYS(__NR_pipe2, 0, 0x2000, 02000000);
	EXPECT("pipe2([3, 4], O_CLOEXEC)\t= 0");
	setup();
	poke(0x2000, &st, 4);
	SYS(__NR_wait4, 5, (u64)-1, 0x2000, 0, 0);
	EXPECT("wait4(-1, [{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL)\t= 5");
	setup();
	poke(0x2000, &killed, 4);
	SYS(__NR_wait4, 5, 5, 0x2000, 3, 0);
	EXPECT("wait4(5, [{WIFSIGNALED(s) && WTERMSIG(s) == SIGKILL}], WNOHANG|WSTOPPED, NULL)\t= 5");
	setup();
	SYS(__NR_wait4, 0, (u64)-1, 0x2000, 1, 0);
	EXPECT("wait4(-1, 0x2000, WNOHANG, NULL)\t= 0");
	setup();
	poke(0x2000, rl, 16);
	SYS(__NR_prlimit64, 0, 0, 3, 0, 0x2000);
	EXPECT("prlimit64(0, RLIMIT_STACK, NULL, {rlim_cur=8192*1024, rlim_max=RLIM64_INFINITY})\t= 0");
	setup();
	strcpy(uts, "Linux");
	strcpy(uts + 65, "glass");
	poke(0x2000, uts, 130);
	SYS(__NR_uname, 0, 0x2000);
	EXPECT("uname({sysname=\"Linux\", nodename=\"glass\", ...})\t= 0");
	setup();
	poke_str(0x2000, "/root");
	SYS(__NR_getcwd, 6, 0x2000, 4096);
	EXPECT("getcwd(\"/root\", 4096)\t= 6");
	setup();
	poke(0x2000, "/bin/busybox", 12);
	poke_str(0x1000, "/proc/self/exe");
	SYS(__NR_readlink, 12, 0x1000, 0x2000, 4096);
	EXPECT("readlink(\"/proc/self/exe\", \"/bin/busybox\", 4096)\t= 12");
}
END_TEST

START_TEST(flags_and_commands_by_name)
{
	SYS(__NR_mmap, 0x7f0000000000, 0, 8192, 3, 0x22, (u64)-1, 0);
	EXPECT("mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)\t= 0x7f0000000000");
	setup();
	SYS(__NR_mmap, 0x7f0000000000, 0, 0x801000, 0, 0x20022, (u64)-1, 0);
	EXPECT("mmap(NULL, 8392704, PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_STACK, -1, 0)\t= 0x7f0000000000");
	setup();
	SYS(__NR_mprotect, 0, 0x4c0000, 4096, 1);
	EXPECT("mprotect(0x4c0000, 4096, PROT_READ)\t= 0");
	setup();
	SYS(__NR_clone, 5, 0x1200011, 0, 0, 0x4c7a10, 0);
	EXPECT("clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x4c7a10)\t= 5");
	setup();
	SYS(__NR_fcntl, 1, 3, 1);
	EXPECT("fcntl(3, F_GETFD)\t= 0x1 (flags FD_CLOEXEC)");
	setup();
	SYS(__NR_fcntl, 0, 3, 2, 1);
	EXPECT("fcntl(3, F_SETFD, FD_CLOEXEC)\t= 0");
	setup();
	SYS(__NR_fcntl, 0x8002, 3, 3);
	EXPECT("fcntl(3, F_GETFL)\t= 0x8002 (flags O_RDWR|O_LARGEFILE)");
	setup();
	SYS(__NR_fcntl, 0, 3, 3);
	EXPECT("fcntl(3, F_GETFL)\t= 0 (flags O_RDONLY)");
	setup();
	SYS(__NR_fcntl, 0, 3, 4, 04000);
	EXPECT("fcntl(3, F_SETFL, O_RDONLY|O_NONBLOCK)\t= 0");
	setup();
	poke(0x2000, "\x71\xb8\x4b\x7c\xb4\x61\xb2\x56", 8);
	SYS(__NR_getrandom, 8, 0x2000, 8, 1);
	EXPECT("getrandom(\"\\x71\\xb8\\x4b\\x7c\\xb4\\x61\\xb2\\x56\", 8, GRND_NONBLOCK)\t= 8");
	setup();
	SYS(__NR_fcntl, 10, 3, 1030, 10);
	EXPECT("fcntl(3, F_DUPFD_CLOEXEC, 10)\t= 10");
	setup();
	SYS(__NR_futex, 0, 0x4c0000, 129, 1);
	EXPECT("futex(0x4c0000, FUTEX_WAKE_PRIVATE, 1)\t= 0");
	setup();
	SYS(__NR_futex, 0, 0x4c0000, 128, 2, 0);
	EXPECT("futex(0x4c0000, FUTEX_WAIT_PRIVATE, 2, NULL)\t= 0");
	setup();
	SYS(__NR_futex, 0, 0x4c0000, 9 | 256, 0, 0, 0, 0xffffffff);
	EXPECT("futex(0x4c0000, FUTEX_WAIT_BITSET|FUTEX_CLOCK_REALTIME, 0, NULL, FUTEX_BITSET_MATCH_ANY)\t= 0");
	setup();
	SYS(__NR_kill, 0, 1, 15);
	EXPECT("kill(1, SIGTERM)\t= 0");
	setup();
	SYS(__NR_tgkill, 0, 3, 3, 6);
	EXPECT("tgkill(3, 3, SIGABRT)\t= 0");
	setup();
	SYS(__NR_arch_prctl, 0, 0x1002, 0x4c73c0);
	EXPECT("arch_prctl(ARCH_SET_FS, 0x4c73c0)\t= 0");
	setup();
	SYS(__NR_prctl, 0, 16, 0x7ffc0000);
	EXPECT("prctl(PR_GET_NAME, 0x7ffc0000)\t= 0");
	setup();
	poke_str(0x2000, "sh");
	SYS(__NR_prctl, 0, 16, 0x2000);
	EXPECT("prctl(PR_GET_NAME, \"sh\")\t= 0");
	setup();
	poke_str(0x2000, "sh");
	SYS(__NR_prctl, 0, 15, 0x2000);
	EXPECT("prctl(PR_SET_NAME, \"sh\")\t= 0");

	setup();
	SYS(__NR_lseek, 1234, 3, 0, 2);
	EXPECT("lseek(3, 0, SEEK_END)\t= 1234");
	setup();
	poke_str(0x1000, "/etc/x");
	SYS(__NR_access, -2, 0x1000, 6);
	EXPECT("access(\"/etc/x\", R_OK|W_OK)\t= -1 ENOENT (No such file or directory)");
	setup();
	poke_str(0x1000, "/etc/x");
	SYS(__NR_access, 0, 0x1000, 0);
	EXPECT("access(\"/etc/x\", F_OK)\t= 0");
	setup();
	SYS(__NR_ioctl, 0, 1, 0x5413, 0x7ffc0000);
	EXPECT("ioctl(1, TIOCGWINSZ, 0x7ffc0000)\t= 0");
	setup();
	SYS(__NR_ioctl, -25, 1, 0x12345, 0);
	EXPECT("ioctl(1, 0x12345, 0)\t= -1 ENOTTY (Inappropriate ioctl for device)");
	setup();
	SYS(__NR_umask, 022, 022);
	EXPECT("umask(022)\t= 022");
	setup();
	SYS(__NR_dup3, 4, 3, 4, 02000000);
	EXPECT("dup3(3, 4, O_CLOEXEC)\t= 4");
	setup();
	poke_str(0x1000, "/etc/x");
	SYS(__NR_unlinkat, 0, 3, 0x1000, 0x200);
	EXPECT("unlinkat(3, \"/etc/x\", AT_REMOVEDIR)\t= 0");
	setup();
	SYS(__NR_brk, 0x4c8000, 0);
	EXPECT("brk(NULL)\t= 0x4c8000");
	setup();
	SYS(__NR_getppid, 1);
	EXPECT("getppid()\t= 1");
	setup();
	{
		u64 ss[3] = { 0x7f0000001000, 0, 8192 }, old[3] = { 0, 2, 0 };

		poke(0x2000, ss, 24);
		poke(0x3000, old, 24);
		SYS(__NR_sigaltstack, 0, 0x2000, 0x3000);
		EXPECT("sigaltstack({ss_sp=0x7f0000001000, ss_flags=0, ss_size=8192}, {ss_sp=NULL, ss_flags=SS_DISABLE, ss_size=0})\t= 0");
	}
	setup();
	SYS(__NR_madvise, 0, 0x7f0000000000, 8192, 4);
	EXPECT("madvise(0x7f0000000000, 8192, MADV_DONTNEED)\t= 0");
	setup();
	SYS(__NR_reboot, 0, 0xfee1dead, 0x28121969, 0, 0);
	EXPECT("reboot(LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_CAD_OFF)\t= 0");
	setup();
	SYS(__NR_rseq, 0, 0x7f1e4a3b3060, 0x20, 0, 0x53053053);
	EXPECT("rseq(0x7f1e4a3b3060, 0x20, 0, 0x53053053)\t= 0");
	setup();
	SYS(__NR_fchown, 0, 3, 0xffffffff, 100);
	EXPECT("fchown(3, -1, 100)\t= 0");
	setup();
	poke_str(0x1000, "m");
	SYS(__NR_delete_module, 0, 0x1000, 04200);
	EXPECT("delete_module(\"m\", O_EXCL|O_NONBLOCK)\t= 0");
}
END_TEST

START_TEST(errno_names_and_texts)
{
	/* every errno Linux defines below 134 has a name and a text */
	for (int e = 1; e < 134; e++) {
		if (e == 41 || e == 58)
			continue;	/* unused numbers */
		ck_assert_msg(trace_errno_name(e) != NULL, "errno %d", e);
		ck_assert_msg(trace_errno_text(e) != NULL, "errno %d", e);
	}
	ck_assert_str_eq(trace_errno_name(2), "ENOENT");
	ck_assert_str_eq(trace_errno_text(2), "No such file or directory");
	ck_assert_str_eq(trace_errno_name(11), "EAGAIN");
	ck_assert_str_eq(trace_errno_name(35), "EDEADLK");
	ck_assert_str_eq(trace_errno_name(95), "EOPNOTSUPP");
	ck_assert_ptr_null(trace_errno_name(41));
	SYS(__NR_close, -600, 3);
	EXPECT("close(3)\t= -1 ERRNO_600 (Unknown error 600)");
	setup();
	SYS(__NR_pause, -514);
	EXPECT("pause()\t= ? ERESTARTNOHAND (To be restarted if no handler)");
	setup();
	SYS(__NR_close, -38, 3);
	EXPECT("close(3)\t= -1 ENOSYS (Function not implemented)");
}
END_TEST

START_TEST(pid_time_and_duration)
{
	u64 a[6] = { 0 };
	u32 len;

	trace_fmt_init(&fmt, TRACE_FMT_PID | TRACE_FMT_TIME | TRACE_FMT_DURATION | TRACE_FMT_ALIGN);
	fmt.ts_offset = 3600ull * 1000000000 * 25 + 62000000000ull;
	len = trace_build_sys_enter(recbuf, sizeof(recbuf), 42, 1500, __NR_getppid, a, &ua);
	format(recbuf);
	len = trace_build_sys_exit(recbuf, sizeof(recbuf), 42, 5000, __NR_getppid, a, 1, 12345, &ua);
	ck_assert_uint_gt(len, 0);
	format(recbuf);
	/* 25 h + 62 s + 1.5 us: 01:01:02.000001 */
	EXPECT("42    01:01:02.000001 getppid()\t= 1 <0.000012>");
}
END_TEST

/* strace -f: another task's event between a syscall's entry and exit. */
START_TEST(unfinished_and_resumed)
{
	u64 r[6] = { 0, 0x2000, 1 }, g[6] = { 0 };

	trace_fmt_init(&fmt, TRACE_FMT_PID | TRACE_FMT_ALIGN);
	poke(0x2000, "x", 1);
	enter(7, __NR_read, r);
	enter(8, __NR_getppid, g);
	leave(8, __NR_getppid, g, 7);
	leave(7, __NR_read, r, 1);
	ck_assert_str_eq(out, aligned(
		"7     read(0,  <unfinished ...>\n"
		"8     getppid()\t= 7\n"
		"7     <... read resumed>\"x\", 1)\t= 1\n"));
	setup();
	trace_fmt_init(&fmt, TRACE_FMT_PID | TRACE_FMT_ALIGN);
	enter(7, __NR_getppid, g);
	enter(8, __NR_getpid, g);
	leave(7, __NR_getppid, g, 1);
	leave(8, __NR_getpid, g, 8);
	ck_assert_str_eq(out, aligned(
		"7     getppid( <unfinished ...>\n"
		"8     getpid( <unfinished ...>\n"
		"7     <... getppid resumed>)\t= 1\n"
		"8     <... getpid resumed>)\t= 8\n"));
	/* an open line at the end of what there is */
	setup();
	trace_fmt_init(&fmt, TRACE_FMT_PID | TRACE_FMT_ALIGN);
	enter(7, __NR_read, r);
	outlen += trace_fmt_flush(&fmt, out + outlen, sizeof(out) - outlen);
	ck_assert_str_eq(out, "7     read(0,  <unfinished ...>\n");
	ck_assert_uint_eq(trace_fmt_flush(&fmt, out, sizeof(out)), 0);
}
END_TEST

START_TEST(exit_group_never_returns)
{
	u64 a[6] = { 0 };
	struct trace_exit e = { { TRACE_EXIT, 1, sizeof(e), 7, 9000 }, 0, 0 };

	trace_fmt_init(&fmt, TRACE_FMT_PID | TRACE_FMT_ALIGN);
	enter(7, __NR_exit_group, a);
	format(&e);
	EXPECT("7     exit_group(0)\t= ?\n7     +++ exited with 0 +++");
	setup();
	e.status = 11 | 0x80;
	format(&e);
	EXPECT("+++ killed by SIGSEGV (core dumped) +++");
	setup();
	e.status = 3 << 8;
	format(&e);
	EXPECT("+++ exited with 3 +++");
}
END_TEST

static size_t sym(void *ctx, u32 pid, u64 ip, char *buf, size_t size)
{
	return snprintf(buf, size, "main+0x%llx", (unsigned long long)ip - 0x401000);
}

START_TEST(other_events_one_line_each)
{
	struct trace_fault f = { { TRACE_FAULT, TRACE_ACC_WRITE | TRACE_ACC_USER,
				   sizeof(f), 3, 0 }, 0x7ffc1000, 0x401010,
				 TRACE_FAULT_COW, 0, 2, 0 };
	struct trace_switch sw = { { TRACE_SWITCH, TRACE_SW_BLOCK, sizeof(sw), 3, 0 },
				   1, 0, "sh", "init", "pipe" };
	struct trace_signal sg = { { TRACE_SIGNAL_DELIVER, TRACE_SIG_HANDLER,
				     sizeof(sg), 1, 0 }, 1, 17, 0, 0, 1, 3, 0, 0, 0 };
	struct trace_fork fk = { { TRACE_FORK, 0, sizeof(fk), 1, 0 }, 4, 0, 0x1200011, "sh" };
	struct trace_lost lost = { { TRACE_LOST, 0, sizeof(lost), 0, 0 }, 12 };
	u64 ex[8];

	format(&f);
	EXPECT("--- fault 0x7ffc1000 write ip=0x401010 cow, 2 round trips ---");
	setup();
	fmt.sym = sym;
	f.outcome = TRACE_FAULT_SIGSEGV;
	f.si_code = 1;
	f.h.flags = TRACE_ACC_READ | TRACE_ACC_USER;
	f.round_trips = 1;
	format(&f);
	EXPECT("--- fault 0x7ffc1000 read ip=0x401010 (main+0x10) SIGSEGV SEGV_MAPERR, 1 round trip ---");
	setup();
	format(&sw);
	EXPECT("--- switch sh[3] -> init[1] blocked on pipe ---");
	setup();
	sw.h.flags = TRACE_SW_PREEMPT;
	format(&sw);
	EXPECT("--- switch sh[3] -> init[1] preempted ---");
	setup();
	format(&sg);
	EXPECT("--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=3, si_uid=0, si_status=0, si_utime=0, si_stime=0} ---");
	setup();
	sg.h.type = TRACE_SIGNAL_GEN;
	sg.h.flags = TRACE_SIG_IGNORED;
	format(&sg);
	EXPECT("--- send SIGCHLD to 1 (ignored) ---");
	setup();
	format(&fk);
	EXPECT("--- fork 4 comm=sh ---");
	setup();
	format(&lost);
	EXPECT("--- lost 12 events ---");
	setup();
	ck_assert_uint_eq(trace_build_exec(ex, sizeof(ex), 4, 0, "ls", "/bin/ls"), 40);
	format(ex);
	EXPECT("--- exec \"/bin/ls\" comm=ls ---");
	/* A path the record pads after its NUL: the padding is not shown. */
	setup();
	trace_build_exec(ex, sizeof(ex), 4, 0, "sleep", "/bin/sleep");
	format(ex);
	EXPECT("--- exec \"/bin/sleep\" comm=sleep ---");
}
END_TEST

START_TEST(invalid_records_say_so)
{
	u64 rec[4] = { 0 };
	struct trace_hdr *h = (void *)rec;

	h->type = 99;
	h->len = 32;
	format(rec);
	EXPECT("--- invalid record ---");
	setup();
	h->type = TRACE_SYS_ENTER;
	h->len = 24;
	((u8 *)rec)[19] = 1;	/* one capture, which is not there */
	ck_assert_uint_eq(trace_rec_valid(rec, 24), 0);
}
END_TEST

/* Every syscall of docs/reference/syscalls.md has a table entry and
 * decodes with good and with bad pointers. */
static const u16 reference[] = {
	56, 435, 57, 58, 59, 61, 60, 231, 39, 110, 186, 109, 111, 112, 62, 234,
	102, 107, 95, 79, 80, 157, 158, 218, 273, 334, 302, 318, 89, 169, 170,
	313, 175, 176, 103, 99, 63, 162, 12, 9, 10, 11, 28, 202, 0, 1, 3, 20,
	17, 8, 257, 33, 292, 72, 293, 22, 40, 7, 262, 217, 21, 83, 84, 87, 82,
	86, 88, 90, 91, 93, 280, 137, 165, 166, 13, 14, 15, 128, 130, 37, 219,
	131, 230, 228, 201, 35, 96,
};

START_TEST(every_reference_syscall_decodes)
{
	static u8 zero[512];

	for (size_t i = 0; i < sizeof(reference) / sizeof(reference[0]); i++) {
		u32 nr = reference[i];
		const char *name = trace_syscall_name(nr);
		char want[64];

		ck_assert_ptr_nonnull(name);
		for (int bad = 0; bad < 2; bad++) {
			u64 p = bad ? 0xdead0000 : 0x10000;
			u64 a[6] = { p, p, p, 8, p, p };

			setup();
			poke(0x10000, zero, sizeof(zero));
			SYS(nr, 0, a[0], a[1], a[2], a[3], a[4], a[5]);
			snprintf(want, sizeof(want), "%s(", name);
			ck_assert_msg(!strncmp(out, want, strlen(want)), "%s", out);
			ck_assert_msg(strstr(out, ") ") && strstr(out, "= 0") && out[outlen - 1] == '\n',
				      "%s", out);
			ck_assert_msg(!strchr(out, '\n') || strchr(out, '\n') == out + outlen - 1,
				      "%s", out);
		}
	}
}
END_TEST

/* Bytes per event, for the README and the closing note. */
START_TEST(bytes_per_event)
{
	u64 a[6] = { 3, 0x2000, 4096 };
	u32 enter_len, exit_len;

	enter_len = trace_build_sys_enter(recbuf, sizeof(recbuf), 1, 0, __NR_getppid, a, &ua);
	exit_len = trace_build_sys_exit(recbuf, sizeof(recbuf), 1, 0, __NR_getppid, a, 1, 0, &ua);
	ck_assert_uint_eq(enter_len + exit_len, 64);
	printf("bytes: getppid pair %u (%u + %u)", enter_len + exit_len, enter_len, exit_len);
	static const u8 data[128];

	poke(0x2000, data, 128);
	enter_len = trace_build_sys_enter(recbuf, sizeof(recbuf), 1, 0, __NR_read, a, &ua);
	exit_len = trace_build_sys_exit(recbuf, sizeof(recbuf), 1, 0, __NR_read, a, 128, 0, &ua);
	printf(", read 128 bytes pair %u (%u + %u)", enter_len + exit_len, enter_len, exit_len);
	poke_str(0x3000, "/etc/passwd");
	a[0] = (u64)-100;
	a[1] = 0x3000;
	a[2] = 02000000;
	enter_len = trace_build_sys_enter(recbuf, sizeof(recbuf), 1, 0, __NR_openat, a, &ua);
	exit_len = trace_build_sys_exit(recbuf, sizeof(recbuf), 1, 0, __NR_openat, a, 3, 0, &ua);
	printf(", openat pair %u (%u + %u)", enter_len + exit_len, enter_len, exit_len);
	printf(", fault %zu, switch %zu, signal %zu\n", sizeof(struct trace_fault),
	       sizeof(struct trace_switch), sizeof(struct trace_signal));
}
END_TEST

/* Formatter speed, for the README (printed, not asserted). */
START_TEST(formatter_speed)
{
	u64 a[6] = { 3, 0x2000, 4096 };
	u64 enter_rec[TRACE_REC_MAX / 8], exit_rec[TRACE_REC_MAX / 8];
	static char line[TRACE_LINE_MAX];
	struct timespec t0, t1;
	const int n = 200000;
	double ns;

	poke(0x2000, "0123456789abcdefghijklmnopqrstuvwxyz", 36);
	trace_build_sys_enter(enter_rec, sizeof(enter_rec), 1, 0, __NR_read, a, &ua);
	trace_build_sys_exit(exit_rec, sizeof(exit_rec), 1, 0, __NR_read, a, 36, 0, &ua);
	trace_fmt_init(&fmt, TRACE_FMT_PID | TRACE_FMT_TIME | TRACE_FMT_DURATION | TRACE_FMT_ALIGN);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < n; i++) {
		trace_fmt_record(&fmt, enter_rec, sizeof(enter_rec), line, sizeof(line));
		trace_fmt_record(&fmt, exit_rec, sizeof(exit_rec), line, sizeof(line));
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ns = ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / n;
	printf("formatter: %.0f ns per read() line (entry + exit), %.2f M lines/s\n",
	       ns, 1e3 / ns);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < n; i++) {
		trace_build_sys_enter(enter_rec, sizeof(enter_rec), 1, i, __NR_getppid, a, &ua);
		trace_build_sys_exit(exit_rec, sizeof(exit_rec), 1, i, __NR_getppid, a, 1, 9, &ua);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ns = ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / n;
	printf("builder: %.0f ns per getppid record pair\n", ns);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("trace_format");
	TCase *tc = tcase_create("format");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, openat_path_flags_and_mode);
	tcase_add_test(tc, bad_pointers_show_addresses);
	tcase_add_test(tc, read_buffer_at_exit_cut_at_32);
	tcase_add_test(tc, write_buffer_escaped);
	tcase_add_test(tc, long_path_kept_whole_long_string_cut);
	tcase_add_test(tc, execve_argv_and_envp);
	tcase_add_test(tc, argv_longer_than_kept);
	tcase_add_test(tc, stat_structs);
	tcase_add_test(tc, timespec_and_timeval);
	tcase_add_test(tc, sigaction_and_sigsets);
	tcase_add_test(tc, iovec_arrays);
	tcase_add_test(tc, pollfd_events_and_revents);
	tcase_add_test(tc, fds_wstatus_rlimit_utsname_getcwd);
	tcase_add_test(tc, flags_and_commands_by_name);
	tcase_add_test(tc, errno_names_and_texts);
	tcase_add_test(tc, pid_time_and_duration);
	tcase_add_test(tc, unfinished_and_resumed);
	tcase_add_test(tc, exit_group_never_returns);
	tcase_add_test(tc, other_events_one_line_each);
	tcase_add_test(tc, invalid_records_say_so);
	tcase_add_test(tc, every_reference_syscall_decodes);
	tcase_add_test(tc, bytes_per_event);
	tcase_add_test(tc, formatter_speed);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(suite(), CK_FORK_GETENV);
}

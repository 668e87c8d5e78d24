/*
 * patchprobe: what tests/integration/syscall_patch.sh reads about Glass's
 * rewriting of syscall sites (issue 18), from a program with no libc, so
 * that nothing but its own site can be rewritten in its mm: every other
 * syscall goes through raw(), whose syscall takes its number from a
 * register (not the `mov $nr,%eax; syscall` form Glass rewrites). Prints
 *   maps before: LINE|none     its [0x60000,0x6a000) mapping at start
 *   getppid: N calls, W wrong  N getppids through one site
 *   maps after: LINE|none      the mapping after them
 *   self mem: BYTES            the site read through /proc/self/mem
 *   child maps: LINE|none      a forked, traced child's after 10 more
 *   child peektext: BYTES      the site read with PTRACE_PEEKTEXT
 *   child mem: BYTES           and through /proc/CHILD/mem
 *   child status: N            its exit status (wrong results, 0 if none)
 * and exits 0 if every getppid was right, 1 otherwise.
 * patchprobe loop: getppids through the site for ever, for a debugger
 * to attach to; says "WRONG" and exits 1 at a wrong result.
 */
#include <signal.h>
#include <stddef.h>
#include <sys/ptrace.h>

#include "bare.h"
#include "syscall_site.h"

#define CALLS 1000

SYSCALL_SITE(probe_getppid, SYS_getppid);

void probe_main(const long *sp);
__asm__(".text\n.globl _start\n_start:\n\txor %ebp, %ebp\n\tmov %rsp, %rdi\n\tcall probe_main\n\thlt\n");

static char buf[65536];

static int starts(const char *s, const char *prefix)
{
	while (*prefix && *s == *prefix)
		s++, prefix++;
	return !*prefix;
}

/* Decimal v into p (room for 21 bytes); returns p. */
static char *dec(char *p, long v)
{
	char t[21];
	int n = 0, i = 0;

	if (v < 0) {
		p[i++] = '-';
		v = -v;
	}
	do
		t[n++] = '0' + v % 10;
	while (v /= 10);
	while (n)
		p[i++] = t[--n];
	p[i] = 0;
	return p;
}

/* "/proc/PID/NAME" (PID 0: self) into p. */
static const char *proc_path(char *p, long pid, const char *name)
{
	char *q = p;
	const char *s = "/proc/";

	while (*s)
		*q++ = *s++;
	if (pid) {
		dec(q, pid);
		q += len(q);
	} else {
		for (s = "self"; *s; )
			*q++ = *s++;
	}
	*q++ = '/';
	while (*name)
		*q++ = *name++;
	*q = 0;
	return p;
}

/* The maps line of pid (0: self) that starts at 0x60000, or "none". */
static void put_region(const char *what, long pid)
{
	char path[64];
	long fd, n, got = 0;
	char *line = NULL;

	fd = raw(SYS_open, (long)proc_path(path, pid, "maps"), 0, 0, 0);
	while (fd >= 0 && (n = raw(SYS_read, fd, (long)buf + got, sizeof(buf) - 1 - got, 0)) > 0)
		got += n;
	raw(SYS_close, fd, 0, 0, 0);
	buf[got] = 0;
	for (char *p = buf; *p; p++)
		if ((p == buf || p[-1] == '\n') && starts(p, "00060000-")) {
			line = p;
			break;
		}
	put(what);
	if (line) {
		char *e = line;

		while (*e && *e != '\n')
			e++;
		*e = 0;
		put(line);
	} else {
		put("none");
	}
	put("\n");
}

static void put_bytes(const char *what, const unsigned char *b, int n)
{
	static const char hex[] = "0123456789abcdef";
	char s[3 * 8 + 1];

	for (int i = 0; i < n; i++) {
		s[3 * i] = ' ';
		s[3 * i + 1] = hex[b[i] >> 4];
		s[3 * i + 2] = hex[b[i] & 15];
	}
	s[3 * n] = 0;
	put(what);
	put(s);
	put("\n");
}

/* The site's 7 bytes through pid's (0: self) /proc/PID/mem. */
static void put_mem(const char *what, long pid)
{
	unsigned char b[7] = { 0 };
	char path[64];
	long fd = raw(SYS_open, (long)proc_path(path, pid, "mem"), 0, 0, 0);

	raw(SYS_pread64, fd, (long)b, sizeof(b), (long)probe_getppid_at);
	raw(SYS_close, fd, 0, 0, 0);
	put_bytes(what, b, sizeof(b));
}

static long wrong_getppids(long n, long want)
{
	long wrong = 0;

	for (long i = 0; i < n; i++)
		wrong += probe_getppid(0, 0, 0, 0, 0, 0) != want;
	return wrong;
}

/* sp: argc, then argv, as exec leaves them. */
void probe_main(const long *sp)
{
	long ppid = raw(SYS_getppid, 0, 0, 0, 0), wrong, child, word = 0;
	char num[22];
	int st = 0;

	if (sp[0] > 1) {
		while (!wrong_getppids(1000, ppid))
			;
		put("WRONG\n");
		raw(SYS_exit, 1, 0, 0, 0);
	}

	put_region("maps before: ", 0);
	wrong = wrong_getppids(CALLS, ppid);
	put("getppid: ");
	put(dec(num, CALLS));
	put(" calls, ");
	put(dec(num, wrong));
	put(" wrong\n");
	put_region("maps after: ", 0);
	put_mem("self mem:", 0);

	child = raw(SYS_fork, 0, 0, 0, 0);
	if (child == 0) {
		long me = raw(SYS_getpid, 0, 0, 0, 0);

		raw(SYS_ptrace, PTRACE_TRACEME, 0, 0, 0);
		wrong = wrong_getppids(10, raw(SYS_getppid, 0, 0, 0, 0));
		raw(SYS_kill, me, SIGSTOP, 0, 0);
		raw(SYS_exit, wrong, 0, 0, 0);
	}
	raw(SYS_wait4, child, (long)&st, 0, 0);
	put_region("child maps: ", child);
	raw(SYS_ptrace, PTRACE_PEEKTEXT, child, (long)probe_getppid_at, (long)&word);
	put_bytes("child peektext:", (const unsigned char *)&word, 7);
	put_mem("child mem:", child);
	raw(SYS_ptrace, PTRACE_CONT, child, 0, 0);
	raw(SYS_wait4, child, (long)&st, 0, 0);
	put("child status: ");
	put(dec(num, (st & 0x7f) ? 128 + (st & 0x7f) : (st >> 8) & 0xff));
	put("\n");
	raw(SYS_exit, wrong ? 1 : 0, 0, 0, 0);
}

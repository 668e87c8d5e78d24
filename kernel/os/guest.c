/*
 * Host side of guest address spaces: spawning stub processes, running a
 * guest until it traps, and applying map/unmap/protect batches. Every
 * function here is called on the CPU thread.
 *
 * No ptrace: a stub runs its guest under a seccomp filter and catches every
 * stop (syscall, fault, tick) in a signal handler (stub/stub.c), which
 * hands its hand-off page — a physmem page the kernel reads directly — to
 * the kernel through the futex word stub_data.state and sleeps until it is
 * handed back. A batch of map/unmap/protect ops goes to the stub's mapper
 * thread instead, which confirms it on a pipe only it can write, and then
 * gives the guest thread its turn. A "round trip" is one such hand-off and
 * the wait for the stub's next stop; os_round_trips counts them.
 *
 * The guest can write its hand-off page at any time and forge a stop:
 * everything read from it is checked here, and nothing read from it is
 * trusted beyond that guest's own registers.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <poll.h>
#include <time.h>
#include <linux/futex.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sched.h>
#include <fcntl.h>
#include <cpuid.h>

#undef PAGE_SIZE
#undef PAGE_MASK
#include <glass/layout.h>
#include <glass/monitor.h>
#include <glass/os.h>
#include <glass/os_upcalls.h>
#include "os_internal.h"

unsigned long os_round_trips;
struct os_spin_stats os_spin_stats;
static int stub_exe_fd = -1;

/* fd, moved above the stub's fds 3 and 4 (the child dup2s onto them
 * before its exec). -errno (fd closed) on failure. */
static int fd_above_stub_fds(int fd)
{
	int moved;

	if (fd < 0 || fd > STUB_ACK_FD)
		return fd;
	moved = fcntl(fd, F_DUPFD_CLOEXEC, STUB_ACK_FD + 1);
	close(fd);
	return moved < 0 ? -EMFILE : moved;
}

/* The stub executable lives in a memfd so glass needs no file beside it. */
static int stub_exe_init(void)
{
	size_t len = stub_image_end - stub_image;
	int fd = memfd_create("glass-stub", MFD_CLOEXEC);

	if (fd < 0)
		return -errno;
	fd = fd_above_stub_fds(fd);
	if (fd < 0)
		return fd;
	if (write(fd, stub_image, len) != (ssize_t)len) {
		close(fd);
		return -EIO;
	}
	stub_exe_fd = fd;
	return 0;
}

/*
 * Live stubs by host pid: their data area and the read end of the
 * confirmation pipe, which also tells whether the process still exists
 * (only it holds the write end). Open addressing, linear probing; a
 * removed entry becomes a tombstone (pid -1).
 */
#define MAX_STUBS 8192
struct stub {
	int pid;                /* 0: free, -1: tombstone */
	int ack_fd;             /* read end of the mapper's confirmation pipe */
	int mapper;             /* the mapper thread's host tid, 0: not known */
	int cpu;                /* the host CPU the mapper is pinned to, -1: none */
	bool apart;             /* the guest thread is kept off that CPU */
	bool spinning;          /* in a try of spinning hand-offs */
	bool withdrawn;         /* its budget for this stop taken back */
	u32 gsent;              /* what the guest thread was told for this stop */
	u32 asleep;             /* round trips since the last try ended */
	u32 retry_after;        /* round trips asleep before its next try */
	u32 hits;               /* polls that saw the answer in this try */
	u64 poll_lat;           /* average polled hand-off latency in this try */
	u64 run_avg;            /* average cycles from an answer to the next stop */
	u64 stopped;            /* TSC when its last stop was seen */
	struct stub_batch *b;   /* read-only in the stub */
	struct stub_data *d;    /* the hand-off page: guest-writable */
};
static struct stub stubs[MAX_STUBS];
static struct stub *last_stub;
static struct stub *last_run;   /* the stub whose stop was handled last */

/*
 * Spinning hand-offs. A futex sleep and wake-up between two processes
 * costs two host context switches, most of a guest syscall's cost in a VM;
 * polling the word while the other side runs on another CPU costs none.
 * So in a "try" each side polls the word for SPIN_BUDGET TSC cycles
 * (10-20 µs at 2-4 GHz; a getppid's wait is 2-4 µs) before it sleeps, the
 * guest thread running apart from the CPU thread's CPU. A poll that runs
 * out because the other side is busy (a long syscall, a computing guest)
 * wastes at most that, next to work that took longer. The kernel polls
 * up to SPIN_RUN_BUDGET instead when the guest's runs between stops
 * average less than that: a guest that computes 30-60 µs between
 * syscalls (grep reading a file 4 KiB at a time) then finds the CPU
 * thread awake rather than waking it across CPUs at every stop (the
 * shell workload 8% faster, docs/benchmarks.md). The CPU thread has
 * nothing else to do meanwhile: its kernel is waiting for that guest.
 *
 * A try goes on while it pays: the guest thread stamps when it stopped and
 * when it saw its turn (stub_data.stopped, .resumed), so the kernel knows
 * both hand-offs of each round trip: from its answer to the guest thread
 * running, and from the guest's next stop to the kernel seeing it. A
 * running average of that asleep (sleep_lat, outside tries) is compared
 * with the average of the try's round trips, which starts at half of it;
 * the newest sample weighs a quarter, so one hand-off that took more
 * than about four sleeping ones ends the try. Only latency counts, not
 * the budget a poll that ran out burnt (an answer after the guest
 * thread's budget, a stop after the kernel's: a long syscall, a computing
 * guest): that was spent on a CPU that had nothing else to do, and its
 * wake-up, which is late, is measured anyway. (Counting it ended a
 * shell's tries at its forks: the workload's steps took up to 40% longer,
 * docs/benchmarks.md.) On a loaded host the guest thread's CPU is
 * taken by others and a hand-off waits for a time slice (up to ms): the
 * first one ends the try. On a quiet one the odd short delay (the
 * hypervisor's, a host timer) does not. Then the guest thread is pinned to
 * the CPU thread's CPU again, where the two share one time slice and a
 * sleeping hand-off is a local wake-up, and that stub's next try comes
 * after retry_after of its round trips: SPIN_RETRY_MIN after a try that
 * saw SPIN_PAYS answers, twice the last interval (up to SPIN_RETRY_MAX)
 * after one that did not. On one CPU nothing spins.
 *
 * A stop the kernel will not answer soon is no miss: when its task blocks
 * and the kernel turns to another stub, or goes idle, the stopped guest
 * thread's budget is taken back (spin_withdraw), so it sleeps at once
 * instead of burning the CPU the next stub's guest thread needs, and that
 * round trip counts for neither side. Without this a pipeline of
 * processes (each stop that fills or drains a pipe switches tasks) ended
 * every try at its first switch and never spun again.
 */
#define SPIN_BUDGET 40000u
#define SPIN_RUN_BUDGET (4 * SPIN_BUDGET)
#define SPIN_LAT_GUESS 20000u   /* sleep_lat before any was measured */
#define SPIN_LAT_MAX (1u << 21) /* a latency sample is cut here (~1 ms) */
#define SPIN_LAT_SHIFT 2        /* averages: the newest sample weighs 1/4 */
#define SPIN_RETRY_MIN 256
#define SPIN_RETRY_MAX 65536
#define SPIN_PAYS 1024
static u64 sleep_lat = SPIN_LAT_GUESS;
static bool spin_cpus;          /* two or more host CPUs to run on */

static inline u64 rdtsc(void)
{
	return __builtin_ia32_rdtsc();
}

static void spin_count(struct stub *s, bool hit, unsigned long *hits,
		       unsigned long *misses)
{
	++*(hit ? hits : misses);
	s->hits += hit;
}

static void spin_start(struct stub *s)
{
	s->spinning = true;
	s->hits = 0;
	os_spin_stats.tries++;
	s->poll_lat = sleep_lat / 2;
	s->run_avg = 0;
}

static void spin_end(struct stub *s)
{
	s->spinning = false;
	s->asleep = 0;
	s->retry_after = s->hits >= SPIN_PAYS ? SPIN_RETRY_MIN :
			 s->retry_after * 2 > SPIN_RETRY_MAX ? SPIN_RETRY_MAX :
			 s->retry_after * 2;
}

/* The kernel turns away from s, stopped: its guest thread stops polling
 * for an answer that will not come soon (the stub reloads its budget as
 * it polls). */
static void spin_withdraw(struct stub *s)
{
	if (!s || !s->gsent || s->withdrawn)
		return;
	__atomic_store_n(&s->d->spin, 0, __ATOMIC_RELAXED);
	s->withdrawn = true;
	os_spin_stats.withdrawn++;
}

/* The CPU thread is about to wait for events: nobody's stop will be
 * answered before one comes. */
void os_stub_idle(void)
{
	spin_withdraw(last_run);
}

static void lat_average(u64 *avg, u64 sample)
{
	*avg += ((s64)sample - (s64)*avg) >> SPIN_LAT_SHIFT;
}

static struct stub *stub_find(int pid)
{
	if (pid <= 0)
		return NULL;
	if (last_stub && last_stub->pid == pid)
		return last_stub;
	for (unsigned i = 0, h = (unsigned)pid % MAX_STUBS; i < MAX_STUBS;
	     i++, h = (h + 1) % MAX_STUBS) {
		if (stubs[h].pid == pid)
			return last_stub = &stubs[h];
		if (!stubs[h].pid)
			break;
	}
	return NULL;
}

/* A stub's spinning as a new mm's starts: a first try only after
 * SPIN_RETRY_MIN round trips, so that short-lived processes (a shell's
 * commands) never move. Also for a parked stub, whatever its last mm
 * did. */
static void spin_reset(struct stub *s)
{
	if (last_run == s)
		spin_withdraw(s);
	s->spinning = false;
	s->withdrawn = false;
	s->gsent = 0;
	s->asleep = 0;
	s->retry_after = SPIN_RETRY_MIN;
}

static struct stub *stub_add(int pid, int ack_fd, unsigned long data_off)
{
	for (unsigned i = 0, h = (unsigned)pid % MAX_STUBS; i < MAX_STUBS;
	     i++, h = (h + 1) % MAX_STUBS) {
		if (stubs[h].pid <= 0) {
			stubs[h].pid = pid;
			stubs[h].ack_fd = ack_fd;
			stubs[h].mapper = 0;
			stubs[h].cpu = -1;
			stubs[h].apart = false;
			spin_reset(&stubs[h]);
			stubs[h].b = (struct stub_batch *)(PHYSMEM_BASE + data_off);
			stubs[h].d = (struct stub_data *)(PHYSMEM_BASE + data_off +
							  STUB_HANDOFF_OFF);
			return &stubs[h];
		}
	}
	return NULL;
}

static void stub_remove(struct stub *s)
{
	if (s->ack_fd >= 0)
		close(s->ack_fd);
	s->ack_fd = -1;
	s->b = NULL;
	s->d = NULL;
	s->pid = -1;
	if (last_stub == s)
		last_stub = NULL;
	if (last_run == s)
		last_run = NULL;
}

/* Has the stub's process ended (killed by a host signal, set-up failed)?
 * Its end of the pipe is closed then. */
static bool stub_dead(struct stub *s)
{
	struct pollfd p = { .fd = s->ack_fd, .events = 0 };

	return poll(&p, 1, 0) == 1 && (p.revents & POLLHUP);
}

static long futex(u32 *word, int op, u32 val, const struct timespec *ts, u32 bitset)
{
	/* Shared futex ops: the word is in a MAP_SHARED physmem page. The
	 * kernel sleeps and wakes on bitset 1, the guest thread on 2. */
	return syscall(SYS_futex, word, op, val, ts, NULL, bitset);
}

/* Too many changes of the word under us in one wait: a guest playing. */
#define MAX_STATE_RACES 1000

/*
 * Wait until the stub hands its hand-off page to the kernel, asleep on
 * the futex word: blocking, the hot-path exception rule one-cpu-thread allows
 * (the stub's 10 ms virtual tick bounds how long a computing guest keeps
 * the CPU thread here). A stopped stub (SIGSTOP from the monitor) just
 * makes this wait longer; every 20 ms asleep it checks that the stub still
 * exists. -ESRCH: it is gone; -EIO: the word holds garbage (the guest
 * wrote it). spin_stopped() polls before, when the guest thread runs
 * on another CPU.
 */
/*
 * A guest cannot stop the hand-off from outside, but it can jump to the
 * stub's futex wait with its own arguments, or block its tick through a
 * forged sigreturn frame and spin: then it never stops and the CPU thread
 * would wait for ever. At each 20 ms time-out in its turn (busy): asleep
 * at two time-outs in a row (the guest thread sleeps only in the other
 * sides' turns), or half a second of user time without a stop (its tick
 * comes every 10 ms of it), is such a guest. A SIGSTOPped stub is 'T'.
 */
struct stub_watch {
	int sleeps;
	long utime0;            /* at the first time-out, -1: none yet */
};

static bool stub_stuck(struct stub *s, struct stub_watch *w)
{
	char path[32], buf[512], *p;
	unsigned long ut;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", s->pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = 0;
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu", &ut) != 1)
		return false;
	w->sleeps = p[2] == 'S' ? w->sleeps + 1 : 0;
	if (w->utime0 < 0)
		w->utime0 = (long)ut;
	return w->sleeps >= 2 || (long)ut - w->utime0 > sysconf(_SC_CLK_TCK) / 2;
}

/*
 * Poll the word for the stub's next stop while the guest thread is running
 * apart from us (STUB_BUSY), for at most the stub's budget; then
 * wait_stopped sleeps if needed. Anything but STUB_BUSY ends the poll
 * (the mapper's turn: it runs on our CPU and needs it).
 */
static void spin_stopped(struct stub *s)
{
	u32 *state = &s->d->state;
	u64 t0 = rdtsc(), budget;
	u32 st;

	if (!s->apart)
		return;
	budget = s->run_avg < SPIN_RUN_BUDGET ? SPIN_RUN_BUDGET : SPIN_BUDGET;
	while ((st = STUB_STATE(__atomic_load_n(state, __ATOMIC_ACQUIRE))) == STUB_BUSY) {
		if (rdtsc() - t0 > budget) {
			spin_count(s, false, &os_spin_stats.kernel_hit,
				   &os_spin_stats.kernel_miss);
			return;
		}
		__builtin_ia32_pause();
	}
	if (st == STUB_STOPPED)
		spin_count(s, true, &os_spin_stats.kernel_hit,
			   &os_spin_stats.kernel_miss);
}

static int wait_stopped(struct stub *s, bool watch)
{
	struct stub_watch w = { 0, -1 };
	u32 *state = &s->d->state;
	int races = 0;

	for (;;) {
		u32 cur = __atomic_load_n(state, __ATOMIC_ACQUIRE);
		struct timespec ts;

		if (cur & ~(0xffu | STUB_KWAIT | STUB_GWAIT) ||
		    STUB_STATE(cur) > STUB_MAPPING || ++races > MAX_STATE_RACES)
			return -EIO;
		if (STUB_STATE(cur) == STUB_STOPPED)
			return 0;
		if (!(cur & STUB_KWAIT) &&
		    !__atomic_compare_exchange_n(state, &cur, cur | STUB_KWAIT, false,
						 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			continue;
		/* FUTEX_WAIT_BITSET takes an absolute CLOCK_MONOTONIC time. */
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += 20 * 1000 * 1000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		if (futex(state, FUTEX_WAIT_BITSET, cur | STUB_KWAIT, &ts, 1) < 0) {
			if (errno == ETIMEDOUT) {
				if (stub_dead(s))
					return -ESRCH;
				if (watch && STUB_STATE(cur) == STUB_BUSY &&
				    stub_stuck(s, &w))
					return -EIO;
				races = 0;
			}
		} else {
			races = 0;
		}
	}
}

/*
 * The mapper's confirmation of the batch last posted: one byte, 0 or the
 * failing op's errno. Only the mapper can write the pipe, so once this
 * returns 0 every unmap and protect of the batch has happened. Blocks
 * (the mapper is quick; a SIGSTOPped stub makes it wait). -ESRCH: the
 * stub died (end of file: nothing can write any more).
 */
static int read_ack(struct stub *s)
{
	unsigned char e;
	ssize_t r;

	while ((r = read(s->ack_fd, &e, 1)) < 0 && errno == EINTR)
		;
	if (r != 1)
		return -ESRCH;
	return -(int)e;
}

/* Post the pending batch to the mapper; run: then the guest thread's turn. */
static void post_batch(struct stub *s, bool run)
{
	s->b->run = run;
	__atomic_store_n(&s->b->seq, s->b->seq + 1, __ATOMIC_RELEASE);
	futex(&s->b->seq, FUTEX_WAKE, 1, NULL, 0);
}

/* Kernel and stub take turns: on one host CPU a sleeper's wake-up is
 * local, across CPUs an IPI (costly in a VM). The mapper, which always
 * sleeps, stays on the CPU thread's CPU; the guest thread too, unless it
 * spins: then it runs on any other CPU, so that neither side's polling
 * takes the CPU the other one needs. */
static void place(struct stub *s)
{
	bool apart = s->spinning;
	int cpu = sched_getcpu();
	cpu_set_t set, guest;

	if (cpu < 0 || (cpu == s->cpu && apart == s->apart))
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	guest = set;
	if (apart)
		CPU_XOR(&guest, os_host_cpus(), &set);
	if (!CPU_COUNT(&guest) || sched_setaffinity(s->pid, sizeof(guest), &guest) ||
	    (s->mapper && sched_setaffinity(s->mapper, sizeof(set), &set))) {
		s->cpu = -1;
		s->apart = false;
		return;
	}
	s->cpu = cpu;
	s->apart = apart;
}

/* Before the guest thread's turn: its place and its budget for its next
 * stop. Returns the budget it had for the stop just handled. */
static u32 guest_budget(struct stub *s)
{
	u32 sent = s->gsent;

	if (!s->spinning && spin_cpus && ++s->asleep >= s->retry_after)
		spin_start(s);
	place(s);
	s->gsent = s->apart ? SPIN_BUDGET : 0;
	__atomic_store_n(&s->d->spin, s->gsent, __ATOMIC_RELAXED);
	return sent;
}

/* What the guest thread's latency for the answer given at t0 measures. */
enum handoff_kind {
	HANDOFF_ASLEEP,         /* it was told to sleep at once */
	HANDOFF_POLLED,         /* it polled, and slept if its budget ran out */
	HANDOFF_WITHDRAWN,      /* its budget was taken back: no measure */
};

/* The kind of the answer just given; the statistics count whether the
 * guest thread had gone to sleep (old: the word as the turn was taken
 * from it). */
static enum handoff_kind guest_spun(struct stub *s, u32 sent, u32 old)
{
	if (s->withdrawn) {
		s->withdrawn = false;
		return HANDOFF_WITHDRAWN;
	}
	if (!sent)
		return HANDOFF_ASLEEP;
	spin_count(s, !(old & STUB_GWAIT), &os_spin_stats.guest_hit,
		   &os_spin_stats.guest_miss);
	return HANDOFF_POLLED;
}

static u64 lat_clamp(s64 late)
{
	return late < 0 ? 0 : late > SPIN_LAT_MAX ? SPIN_LAT_MAX : (u64)late;
}

/* Once the guest thread stopped again: how late after the answer given at
 * t0 it ran, and how late after its stop the kernel saw it, into the
 * averages; a try that no longer pays ends. (The guest thread's own time
 * stamps: a guest can lie here and end tries or prolong them, a matter of
 * speed only, as its own code spinning would be.) */
static void guest_resumed(struct stub *s, u64 t0, enum handoff_kind kind)
{
	u64 lat = lat_clamp((s64)(__atomic_load_n(&s->d->resumed, __ATOMIC_RELAXED) - t0)) +
		  lat_clamp((s64)(s->stopped - __atomic_load_n(&s->d->stopped,
								 __ATOMIC_RELAXED)));

	if (kind == HANDOFF_ASLEEP) {
		lat_average(&sleep_lat, lat);
		return;
	}
	if (kind == HANDOFF_WITHDRAWN || !s->spinning)
		return;
	lat_average(&s->run_avg, lat_clamp((s64)(s->stopped - t0)));
	lat_average(&s->poll_lat, lat);
	if (s->poll_lat > sleep_lat)
		spin_end(s);
}

/*
 * Give the stopped stub its turn with the hand-off page and wait for its
 * next stop: one round trip. A pending batch goes to the mapper, which
 * applies and confirms it and then wakes the guest thread itself (or, if
 * it failed, hands the page straight back). Returns 0, -ESRCH (gone),
 * -EIO (garbage in the page) or the failing op's -errno (nothing ran).
 */
static int handoff(struct stub *s)
{
	enum handoff_kind kind;
	u32 old, sent;
	int err, ack;

	os_round_trips++;
	if (last_run != s)
		spin_withdraw(last_run);
	last_run = s;
	sent = guest_budget(s);
	if (!s->b->nr_ops) {
		u64 t0 = rdtsc();

		old = __atomic_exchange_n(&s->d->state, STUB_BUSY, __ATOMIC_ACQ_REL);
		if (old & STUB_GWAIT)
			futex(&s->d->state, FUTEX_WAKE_BITSET, INT_MAX, NULL, 2);
		kind = guest_spun(s, sent, old);
		spin_stopped(s);
		err = wait_stopped(s, true);
		s->stopped = rdtsc();
		if (!err)
			guest_resumed(s, t0, kind);
		return err;
	}
	old = __atomic_exchange_n(&s->d->state, STUB_MAPPING, __ATOMIC_ACQ_REL);
	guest_spun(s, sent, old);
	post_batch(s, true);
	/* The confirmation first: a stop can be forged before the mapper is
	 * done, and the batch counts only once confirmed. Then the guest
	 * thread runs and the poll can begin. */
	ack = read_ack(s);
	err = ack == -ESRCH ? ack : (spin_stopped(s), wait_stopped(s, true));
	if (ack && err != -ESRCH)
		err = ack;
	s->stopped = rdtsc();
	s->b->nr_ops = 0;
	return err;
}

/*
 * Stubs are forked by a template stub (stub/stub.c), so that a new one
 * costs a host fork of a small process and the steps a fork does not
 * inherit (the mapper thread, the tick, the two filters) instead of an
 * exec and the whole set-up. glass execs the template once, by a clone
 * that shares glass's memory just long enough to exec it on a stack of
 * its own; os_stub_start() posts a request in the template's area and
 * goes on while the template forks the stub (a child of glass, by
 * CLONE_PARENT) and the stub sets itself up on the other CPU;
 * os_stub_init() later takes the answer (the pid, and the read end of the
 * stub's confirmation pipe, fetched from the template by pidfd_getfd) and
 * waits for the stub's first stop ("ready").
 */
#define SPAWN_STACK_SIZE (16 << 10)

static char spawn_stack[SPAWN_STACK_SIZE] __attribute__((aligned(16)));

static struct {
	int pid;                        /* 0: none */
	int pidfd;
	struct stub_spawn_req *rq;      /* its area, mapped here too */
	struct stub_spawn_ans *an;
	u32 posted, taken;
} tmpl;

/* The clone child shares glass's memory: raw syscalls only (no errno, no
 * libc state, no profiling hook: notrace) until exec replaces its address
 * space. */
static notrace long raw_syscall(long nr, long a, long b, long c, long d, long e)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8)
			 : "rcx", "r11", "memory");
	return ret;
}

static int glass_pid;           /* stub_child's parent, unless it died */

/* area_fd: the template's area, its fd 4 until it has mapped it. */
static notrace int stub_child(void *area_fd)
{
	static char *const argv[] = { "glass-stub", NULL };
	static char *const envp[] = { NULL };

	/* Die with glass already now: the template would outlive a glass
	 * that ends meanwhile. If glass is already gone, stop here. */
	raw_syscall(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (raw_syscall(SYS_getppid, 0, 0, 0, 0, 0) != glass_pid)
		raw_syscall(SYS_exit, 127, 0, 0, 0, 0);
	/* Out of glass's process group (and so every stub): the host
	 * terminal's signals (SIGWINCH on a resize, SIGINT, SIGTSTP) must
	 * not reach them. */
	raw_syscall(SYS_setpgid, 0, 0, 0, 0, 0);
	if (raw_syscall(SYS_dup2, os_physmem_fd, 3, 0, 0, 0) == 3 &&
	    raw_syscall(SYS_dup2, (long)area_fd, STUB_ACK_FD, 0, 0, 0) == STUB_ACK_FD)
		raw_syscall(SYS_execveat, stub_exe_fd, (long)"", (long)argv, (long)envp,
			    AT_EMPTY_PATH);
	raw_syscall(SYS_exit, 127, 0, 0, 0, 0);
	return 127;
}

/* Kill the template and every stub it forked that nobody took, and
 * forget its requests. */
static void tmpl_stop(void)
{
	u32 done = __atomic_load_n(&tmpl.an->done, __ATOMIC_ACQUIRE);

	kill(tmpl.pid, SIGKILL);
	while (waitpid(tmpl.pid, NULL, 0) < 0 && errno == EINTR)
		;
	for (u32 i = tmpl.taken; i != done && i != tmpl.posted; i++) {
		int pid = tmpl.an->pid[i % STUB_SPAWN_RING];

		if (pid > 0 && !kill(pid, SIGKILL))
			while (waitpid(pid, NULL, __WALL) < 0 && errno == EINTR)
				;
	}
	close(tmpl.pidfd);
	munmap(tmpl.rq, STUB_DATA_PAGES * PAGE_SIZE);
	memset(&tmpl, 0, sizeof(tmpl));
}

/* Exec the template, with its area in a fresh memfd. */
static int tmpl_start(void)
{
	size_t len = STUB_DATA_PAGES * PAGE_SIZE;
	int fd, pid, err;
	void *area;

	fd = fd_above_stub_fds(memfd_create("glass-stub-area", MFD_CLOEXEC));
	if (fd < 0)
		return fd;
	area = ftruncate(fd, len) ? MAP_FAILED :
	       mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (area == MAP_FAILED) {
		err = -errno;
		goto out;
	}
	glass_pid = getpid();
	pid = clone(stub_child, spawn_stack + SPAWN_STACK_SIZE, CLONE_VM | SIGCHLD,
		    (void *)(long)fd);
	err = -errno;
	if (pid < 0) {
		munmap(area, len);
		goto out;
	}
	/* It forks the stubs, beside the CPU thread rather than on its home. */
	sched_setaffinity(pid, sizeof(cpu_set_t), os_host_cpus());
	tmpl.pid = pid;
	tmpl.rq = area;
	tmpl.an = (struct stub_spawn_ans *)((char *)area + STUB_HANDOFF_OFF);
	tmpl.pidfd = syscall(SYS_pidfd_open, pid, 0);
	err = tmpl.pidfd < 0 ? -errno : 0;
	if (err)
		tmpl_stop();
out:
	close(fd);
	return err;
}

/* Ask for a stub with its data area at data_off, on cpu: its state word
 * starts as STUB_BUSY (the stub's mapper turns it into STUB_MAPPING, its
 * first stop into STUB_STOPPED), whatever a killed stub left there. */
static void tmpl_post(unsigned long data_off, int cpu)
{
	__atomic_store_n(&((struct stub_data *)(PHYSMEM_BASE + data_off +
						STUB_HANDOFF_OFF))->state,
			 STUB_BUSY, __ATOMIC_RELEASE);
	tmpl.rq->data_off[tmpl.posted % STUB_SPAWN_RING] = data_off;
	tmpl.rq->cpu[tmpl.posted % STUB_SPAWN_RING] = cpu;
	__atomic_store_n(&tmpl.rq->seq, ++tmpl.posted, __ATOMIC_RELEASE);
	futex(&tmpl.rq->seq, FUTEX_WAKE, 1, NULL, 0);
}

static bool tmpl_dead(void)
{
	struct pollfd p = { .fd = tmpl.pidfd, .events = POLLIN };

	return poll(&p, 1, 0) == 1;
}

/* Wait until the template has answered the oldest request not taken:
 * 0, or -ESRCH if it died. */
static int tmpl_wait(void)
{
	for (;;) {
		u32 done = __atomic_load_n(&tmpl.an->done, __ATOMIC_ACQUIRE);
		struct timespec ts = { 0, 20 * 1000 * 1000 };

		if ((s32)(done - tmpl.taken) > 0)
			return 0;
		if (futex(&tmpl.an->done, FUTEX_WAIT, done, &ts, 0) < 0 &&
		    errno == ETIMEDOUT && tmpl_dead())
			return -ESRCH;
	}
}

/* A dead template: a new one, asked again for what the old one owed. */
static int tmpl_restart(void)
{
	unsigned long owed[STUB_SPAWN_RING];
	u32 n = tmpl.posted - tmpl.taken;
	int err;

	for (u32 i = 0; i < n; i++)
		owed[i] = tmpl.rq->data_off[(tmpl.taken + i) % STUB_SPAWN_RING];
	tmpl_stop();
	err = tmpl_start();
	for (u32 i = 0; !err && i < n; i++)
		tmpl_post(owed[i], -1);
	return err;
}

int os_stub_start(unsigned long data_off)
{
	int err;

	if (stub_exe_fd < 0) {
		err = stub_exe_init();
		if (err)
			return err;
		spin_cpus = CPU_COUNT(os_host_cpus()) >= 2;
	}
	if (!tmpl.pid && (err = tmpl_start()))
		return err;
	if (tmpl.posted - tmpl.taken >= STUB_SPAWN_RING)
		return -EAGAIN;
	tmpl_post(data_off, spin_cpus ? sched_getcpu() : -1);
	return 0;
}

/* The template's answer to the oldest request: the stub's pid and its
 * pipe's read end, which the template then closes. */
static int tmpl_take(int *ack_fd)
{
	int pid = 0, err;

	*ack_fd = -1;
	/* A template that died, before its answer or after it (the read
	 * end went with it), is restarted once and asked again. */
	for (int tries = 0;; tries++) {
		err = tmpl_wait();
		if (!err) {
			unsigned i = tmpl.taken % STUB_SPAWN_RING;

			pid = tmpl.an->pid[i];
			*ack_fd = pid > 0 ? syscall(SYS_pidfd_getfd, tmpl.pidfd,
						    tmpl.an->ack_fd[i], 0) : -1;
			if (pid <= 0 || *ack_fd >= 0 || !tmpl_dead())
				break;
			err = -ESRCH;
		}
		if (tries || (err = tmpl_restart()))
			return err;
	}
	__atomic_store_n(&tmpl.rq->taken, ++tmpl.taken, __ATOMIC_RELEASE);
	if (pid > 0 && *ack_fd >= 0)
		return pid;
	err = pid > 0 ? -EMFILE : pid;
	if (pid > 0) {
		kill(pid, SIGKILL);
		while (waitpid(pid, NULL, __WALL) < 0 && errno == EINTR)
			;
	}
	return err;
}

/* Wait for the stub's first stop: it has set itself up. One round trip. */
int os_stub_init(unsigned long data_off)
{
	struct stub *s;
	int pid, ack_fd, err;

	if (!tmpl.pid || tmpl.posted == tmpl.taken ||
	    tmpl.rq->data_off[tmpl.taken % STUB_SPAWN_RING] != data_off)
		return -EINVAL;
	pid = tmpl_take(&ack_fd);
	if (pid < 0)
		return pid;
	s = stub_add(pid, ack_fd, data_off);
	if (!s) {
		close(ack_fd);
		kill(pid, SIGKILL);
		while (waitpid(pid, NULL, __WALL) < 0 && errno == EINTR)
			;
		return -EAGAIN;
	}
	os_round_trips++;
	err = wait_stopped(s, false);
	/* No guest code has run yet: the page still says what the stub
	 * wrote. */
	if (!err) {
		s32 cpu = s->d->placed_cpu;

		s->mapper = s->d->mapper_tid > 0 ? s->d->mapper_tid : 0;
		s->cpu = cpu >= 0 && cpu < CPU_SETSIZE && s->mapper ? cpu : -1;
	}
	if (err) {
		os_stub_kill(pid);
		return -ENOEXEC;        /* set-up failed: it exited */
	}
	return pid;
}

int os_stub_spawn(unsigned long data_off)
{
	int err = os_stub_start(data_off);

	return err ? err : os_stub_init(data_off);
}

/* The guest stays stopped: the mapper applies the batch and confirms it. */
int os_stub_flush(int pid)
{
	struct stub *s = stub_find(pid);
	int err;

	if (!s)
		return -ESRCH;
	os_round_trips++;
	place(s);
	post_batch(s, false);
	err = read_ack(s);
	s->b->nr_ops = 0;
	return err;
}

/* SIGKILL, then wait until every thread of it is gone (the zombie is
 * reaped only then): only after this may its frames go to anyone else. */
void os_stub_kill(int pid)
{
	struct stub *s = stub_find(pid);

	if (pid <= 0)
		return;
	if (s)
		stub_remove(s);
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, __WALL) < 0 && errno == EINTR)
		;
}

bool os_stub_alive(int pid)
{
	struct stub *s = stub_find(pid);

	return s && !stub_dead(s);
}

/* Until the host shows the guest thread asleep in the park: it has said
 * it is there, and is at most a few instructions away (or preempted
 * there). 0, -ETIMEDOUT, or the host's refusal to say. */
static int wait_parked(struct stub *s)
{
	struct timespec pause = { 0, 20 * 1000 };

	for (int i = 0; i < 100; i++) {
		int r = stub_parked(s->pid, s->pid);

		if (r)
			return r < 0 ? r : 0;
		if (i < 10)
			sched_yield();
		else
			nanosleep(&pause, NULL);
	}
	return -ETIMEDOUT;
}

/* Nothing of the last guest's stays in the data area: its stops (the
 * registers, the signal frames with its FP state) and the last batch's
 * ops. The state word stays: the guest thread sleeps on it. */
static void stub_wipe(struct stub *s)
{
	struct stub_data *d = s->d;

	memset(&d->mapper_tid, 0, STUB_DATA_PAGES * PAGE_SIZE - STUB_HANDOFF_OFF -
	       offsetof(struct stub_data, mapper_tid));
	memset(s->b->ops, 0, STUB_MAX_OPS * sizeof(struct stub_op));
	s->b->nr_ops = 0;
}

/* Run the stub's guest thread once with only ip set: the park's two
 * round trips (glass/os.h). 0, or -errno. */
static int park_run(struct stub *s, unsigned long ip, int code)
{
	struct stub_data *d = s->d;
	int err;

	memset(&d->regs, 0, sizeof(d->regs));
	d->regs.ip = ip;
	d->regs.flags = 0x202;
	d->regs.cs = 0x33;
	d->regs.ss = 0x2b;
	err = handoff(s);
	if (err)
		return err;
	return __atomic_load_n(&d->signo, __ATOMIC_RELAXED) == SIGSYS &&
	       __atomic_load_n(&d->code, __ATOMIC_RELAXED) == code ? 0 : -EIO;
}

int os_stub_park(int pid)
{
	struct stub *s = stub_find(pid);
	int err;

	if (!s || STUB_STATE(__atomic_load_n(&s->d->state, __ATOMIC_ACQUIRE)) != STUB_STOPPED)
		return -ESRCH;
	/* The batch (everything unmapped), then the guest thread into the
	 * park. Its stop there is only a claim: the host must show it. */
	err = park_run(s, STUB_PARK, STUB_PARKING);
	if (!err)
		err = wait_parked(s);
	if (err)
		return err;
	stub_wipe(s);
	/* From the park's code on, the thread's stop is its own word; ip 0:
	 * a thread that is anywhere else faults instead of parking. */
	err = park_run(s, 0, STUB_PARKED);
	if (!err)
		spin_reset(s);
	return err;
}

volatile int os_guest_running;   /* the stub os_guest_run waits for */
static u32 *volatile running_state;     /* its hand-off word */

/* Is the guest os_guest_run waits for running guest code now, rather
 * than stopped in its stub's handler? Any context (the profiler's signal
 * handler): one read of the word. */
bool notrace os_guest_in_user(void)
{
	u32 *w = running_state;

	return w && STUB_STATE(__atomic_load_n(w, __ATOMIC_RELAXED)) == STUB_BUSY;
}

/* The signals the stub's handler catches: any other signo was written by
 * the guest. */
static bool stub_signal(int signo)
{
	switch (signo) {
	case SIGSYS: case SIGVTALRM: case SIGSEGV: case SIGBUS: case SIGILL:
	case SIGFPE: case SIGTRAP:
		return true;
	}
	return false;
}

int os_guest_run(int pid, struct pt_regs *regs, struct guest_stop *stop)
{
	struct stub *s = stub_find(pid);
	struct stub_data *d;
	int err;

	if (!s)
		goto gone;
	d = s->d;
	d->regs = *regs;
	running_state = &d->state;
	os_guest_running = pid;
	err = handoff(s);
	os_guest_running = 0;
	running_state = NULL;
	if (err == -ESRCH)
		goto gone;
	if (err == -EIO)
		goto corrupt;
	if (err) {
		stop->kind = GUEST_MM_FAILED;
		stop->code = err;
		return err;
	}
	/* Read each field once: the guest may be changing them. */
	stop->signo = __atomic_load_n(&d->signo, __ATOMIC_RELAXED);
	if (!stub_signal(stop->signo))
		goto corrupt;
	*regs = d->regs;
	regs->cs = 0x33;
	regs->ss = 0x2b;
	if (stop->signo == SIGSYS) {
		stop->kind = GUEST_SYSCALL;
		stop->code = d->code;   /* STUB_SYSCALL_PATCHED: no trap */
		return 0;
	}
	if (stop->signo == SIGVTALRM) {
		stop->kind = GUEST_TICK;
		return 0;
	}
	stop->kind = GUEST_SIGNAL;
	stop->code = d->code;
	stop->addr = d->addr;
	stop->trapno = (int)d->trapno;
	stop->error_code = d->error_code;
	return 0;
gone:
	stop->kind = GUEST_GONE;
	return -ESRCH;
corrupt:
	stop->kind = GUEST_CORRUPT;
	return -EIO;
}

/* cpuid is slow in a VM (it traps to the hypervisor) and every FP switch
 * asks: read it once. */
unsigned long os_xstate_size(void)
{
	static unsigned long size;
	unsigned int a, b, c, d;

	if (!size)
		size = __get_cpuid_count(0xd, 0, &a, &b, &c, &d) && b >= 512 ? b : 512;
	return size;
}

/*
 * The guest's FP registers are the XSAVE image in the signal frame of its
 * current stop, in the stub data area: read and written in place. The
 * image's software bytes (offset 464) and what follows it are the host's
 * and stay as they are.
 */
#define FPX_SW_OFF 464
#define XSAVE_HDR_OFF 512
#define FP_XSTATE_MAGIC1 0x46505853U

static char *frame_fpstate(int pid, unsigned long *frame_size, u64 *xfeatures)
{
	struct stub *s = stub_find(pid);
	unsigned long off;
	char *img;

	/* The pointer and the image come from guest-writable memory: each
	 * is read once, and only an image inside the sigaltstack is used. */
	if (!s)
		return NULL;
	off = __atomic_load_n(&s->d->fpstate, __ATOMIC_RELAXED) - STUB_DATA;
	if (off < STUB_SIGSTACK_OFF ||
	    off > STUB_DATA_PAGES * PAGE_SIZE - (XSAVE_HDR_OFF + 64))
		return NULL;
	img = (char *)s->b + off;
	*frame_size = 512;
	*xfeatures = 3;
	if (*(u32 *)(img + FPX_SW_OFF) == FP_XSTATE_MAGIC1) {
		u32 size = __atomic_load_n((u32 *)(img + FPX_SW_OFF + 16), __ATOMIC_RELAXED);

		if (size >= XSAVE_HDR_OFF + 64 &&
		    off + size <= STUB_DATA_PAGES * PAGE_SIZE) {
			*frame_size = size;
			*xfeatures = *(u64 *)(img + FPX_SW_OFF + 8);
		}
	}
	return img;
}

int os_guest_get_fpregs(int pid, void *buf, unsigned long size)
{
	unsigned long fsize;
	u64 xfeatures;
	char *img = frame_fpstate(pid, &fsize, &xfeatures);

	if (!img)
		return -ESRCH;
	if (fsize > size)
		fsize = size;
	memcpy(buf, img, fsize);
	memset((char *)buf + fsize, 0, size - fsize);
	return 0;
}

int os_guest_set_fpregs(int pid, const void *buf, unsigned long size)
{
	unsigned long fsize;
	u64 xfeatures;
	char *img = frame_fpstate(pid, &fsize, &xfeatures);
	char sw[512 - FPX_SW_OFF];
	u32 mxcsr_mask;

	if (!img)
		return -ESRCH;
	if (fsize > size)
		fsize = size;
	memcpy(sw, img + FPX_SW_OFF, sizeof(sw));
	mxcsr_mask = *(u32 *)(img + 28);
	memcpy(img, buf, fsize);
	memcpy(img + FPX_SW_OFF, sw, sizeof(sw));
	/* What the host's rt_sigreturn would refuse (and ptrace did): MXCSR
	 * bits it lacks, header bits it does not know. */
	*(u32 *)(img + 28) = mxcsr_mask;
	*(u32 *)(img + 24) &= mxcsr_mask ? mxcsr_mask : 0xffbf;
	if (fsize >= XSAVE_HDR_OFF + 64) {
		*(u64 *)(img + XSAVE_HDR_OFF) &= xfeatures;
		memset(img + XSAVE_HDR_OFF + 8, 0, 56);
	}
	return 0;
}

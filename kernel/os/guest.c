/*
 * Host side of guest address spaces: spawning stub processes, running a
 * guest until it traps, and applying map/unmap/protect batches. Every
 * function here is called on the CPU thread.
 *
 * No ptrace: a stub runs its guest under a seccomp filter and catches every
 * stop (syscall, fault, tick) in a signal handler (stub/stub.c), which
 * hands its data area — a physmem page the kernel reads directly — to the
 * kernel through the futex word stub_data.state and sleeps until it is
 * handed back. A "round trip" is one such hand-off and the wait for the
 * stub's next stop; os_round_trips counts them.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
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
#include <glass/os.h>
#include <glass/os_upcalls.h>
#include "os_internal.h"

unsigned long os_round_trips;
static int stub_exe_fd = -1;

/* The stub executable lives in a memfd so glass needs no file beside it. */
static int stub_exe_init(void)
{
	size_t len = stub_image_end - stub_image;
	int fd = memfd_create("glass-stub", MFD_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (write(fd, stub_image, len) != (ssize_t)len) {
		close(fd);
		return -EIO;
	}
	stub_exe_fd = fd;
	return 0;
}

/*
 * Live stubs by host pid: their data area and a pidfd that tells whether
 * the process still exists. Open addressing, linear probing; a removed
 * entry becomes a tombstone (pid -1).
 */
#define MAX_STUBS 8192
struct stub {
	int pid;                /* 0: free, -1: tombstone */
	int pidfd;
	int cpu;                /* the host CPU it is pinned to, -1: none */
	struct stub_data *d;
};
static struct stub stubs[MAX_STUBS];
static struct stub *last_stub;

static struct stub *stub_find(int pid)
{
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

static struct stub *stub_add(int pid, int pidfd, unsigned long data_off)
{
	for (unsigned i = 0, h = (unsigned)pid % MAX_STUBS; i < MAX_STUBS;
	     i++, h = (h + 1) % MAX_STUBS) {
		if (stubs[h].pid <= 0) {
			stubs[h].pid = pid;
			stubs[h].pidfd = pidfd;
			stubs[h].cpu = -1;
			stubs[h].d = (struct stub_data *)(PHYSMEM_BASE + data_off);
			return &stubs[h];
		}
	}
	return NULL;
}

static void stub_remove(struct stub *s)
{
	if (s->pidfd >= 0)
		close(s->pidfd);
	s->pidfd = -1;
	s->d = NULL;
	s->pid = -1;
	if (last_stub == s)
		last_stub = NULL;
}

/* Has the stub's process ended (killed by a host signal, exec failed)? */
static bool stub_dead(struct stub *s)
{
	struct pollfd p = { .fd = s->pidfd, .events = POLLIN };

	return poll(&p, 1, 0) == 1;
}

static long futex(u32 *word, int op, u32 val, const struct timespec *ts)
{
	/* Shared futex ops: the word is in a MAP_SHARED physmem page. */
	return syscall(SYS_futex, word, op, val, ts, NULL, 0);
}

/*
 * Wait until the stub hands its data area to the kernel, asleep on the
 * futex word: blocking, the hot-path exception DESIGN.md rule 1 allows (the
 * stub's 10 ms virtual tick bounds how long a computing guest keeps the CPU
 * thread here). A stopped stub (SIGSTOP from the monitor) just makes this
 * wait longer; every 20 ms asleep it checks that the stub still exists.
 * (Polling the word a few microseconds first was measured slower on these
 * loaded 2-core VMs: see arch/x86_64/README.md.)
 */
static int wait_stopped(struct stub *s)
{
	static const struct timespec ts = { 0, 20 * 1000 * 1000 };
	u32 *state = &s->d->state;

	for (;;) {
		u32 cur = STUB_BUSY;

		if (__atomic_compare_exchange_n(state, &cur, STUB_BUSY | STUB_WAITING,
						false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			cur = STUB_BUSY | STUB_WAITING;
		if (STUB_STATE(cur) == STUB_STOPPED)
			return 0;
		if (futex(state, FUTEX_WAIT, STUB_BUSY | STUB_WAITING, &ts) < 0 &&
		    errno == ETIMEDOUT) {
			if (stub_dead(s))
				return -ESRCH;
			/* Harmless if the stub runs; rescues it should a
			 * wake ever have been lost. */
			futex(state, FUTEX_WAKE, INT_MAX, NULL);
		}
	}
}

/* Hand the data area (with cmd set) to the stopped stub and wait for its
 * next stop: one round trip. */
static int handoff(struct stub *s, enum stub_cmd cmd)
{
	u32 old;

	int cpu = sched_getcpu();

	os_round_trips++;
	/* Kernel and stub take turns, never run at once: on one host CPU a
	 * hand-off is a local wake-up, across CPUs an IPI (costly in a VM).
	 * Keep the stub on the CPU thread's CPU. */
	if (cpu >= 0 && cpu != s->cpu) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		if (!sched_setaffinity(s->pid, sizeof(set), &set))
			s->cpu = cpu;
	}
	s->d->cmd = cmd;
	old = __atomic_exchange_n(&s->d->state, STUB_BUSY, __ATOMIC_ACQ_REL);
	/* Wake all waiters: a stub killed while asleep on this page (data
	 * areas are reused) can still be queued on the word until it runs to
	 * exit, and a wake of one could go to it instead (seen in sysfuzz). */
	if (old & STUB_WAITING)
		futex(&s->d->state, FUTEX_WAKE, INT_MAX, NULL);
	return wait_stopped(s);
}

/*
 * Starting a stub is split in two so that the host's exec and the stub's
 * set-up run on the other CPU while the kernel goes on: os_stub_start()
 * clones a process that shares glass's memory just long enough to exec the
 * stub on a stack of its own; os_stub_init() later waits for the stub's
 * first stop ("ready"). Until the exec the child uses its stack, so each
 * start holds one of a few stacks, released in os_stub_init().
 */
#define SPAWN_STACKS 4
#define SPAWN_STACK_SIZE (16 << 10)

static struct {
	int pid;                        /* 0: free */
	char arg[24];                   /* argv[1]: the data area's offset */
	char *argv[3];
	char stack[SPAWN_STACK_SIZE] __attribute__((aligned(16)));
} spawn_stacks[SPAWN_STACKS];

/* The clone child shares glass's memory: raw syscalls only (no errno, no
 * libc state) until exec replaces its address space. */
static long raw_syscall(long nr, long a, long b, long c, long d, long e)
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

static int stub_child(void *slot)
{
	static char *const envp[] = { NULL };
	char **argv = spawn_stacks[(long)slot].argv;

	/* Die with glass already now: a stub started ahead of need waits
	 * for its first run and would outlive a glass that ends meanwhile.
	 * If glass is already gone, stop here. */
	raw_syscall(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (raw_syscall(SYS_getppid, 0, 0, 0, 0, 0) != glass_pid)
		raw_syscall(SYS_exit, 127, 0, 0, 0, 0);
	/* Out of glass's process group: the host terminal's signals
	 * (SIGWINCH on a resize, SIGINT, SIGTSTP) must not reach the stub. */
	raw_syscall(SYS_setpgid, 0, 0, 0, 0, 0);
	if (raw_syscall(SYS_dup2, os_physmem_fd, 3, 0, 0, 0) == 3)
		raw_syscall(SYS_execveat, stub_exe_fd, (long)"", (long)argv, (long)envp,
			    AT_EMPTY_PATH);
	raw_syscall(SYS_exit, 127, 0, 0, 0, 0);
	return 127;
}

/* Reap stubs killed earlier: their zombies linger until waited for. */
#define MAX_DYING 64
static int dying[MAX_DYING];
static int nr_dying;

static void reap_dying(void)
{
	int status;

	for (int i = 0; i < nr_dying;) {
		int r = waitpid(dying[i], &status, __WALL | WNOHANG);
		if (r == dying[i] || (r < 0 && errno == ECHILD))
			dying[i] = dying[--nr_dying];
		else
			i++;
	}
}

static void hex(char *out, unsigned long v)
{
	char tmp[20];
	int n = 0;

	do {
		tmp[n++] = "0123456789abcdef"[v % 16];
		v /= 16;
	} while (v);
	while (n)
		*out++ = tmp[--n];
	*out = 0;
}

int os_stub_start(unsigned long data_off)
{
	int slot = -1, pid, pidfd, err;

	if (stub_exe_fd < 0 && (err = stub_exe_init()))
		return err;
	reap_dying();
	for (int i = 0; i < SPAWN_STACKS && slot < 0; i++)
		if (!spawn_stacks[i].pid)
			slot = i;
	if (slot < 0)
		return -EAGAIN;
	__atomic_store_n(&((struct stub_data *)(PHYSMEM_BASE + data_off))->state,
			 STUB_BUSY, __ATOMIC_RELEASE);
	hex(spawn_stacks[slot].arg, data_off);
	spawn_stacks[slot].argv[0] = "glass-stub";
	spawn_stacks[slot].argv[1] = spawn_stacks[slot].arg;
	spawn_stacks[slot].argv[2] = NULL;
	glass_pid = getpid();
	pid = clone(stub_child, spawn_stacks[slot].stack + SPAWN_STACK_SIZE,
		    CLONE_VM | SIGCHLD, (void *)(long)slot);
	if (pid < 0)
		return -errno;
	spawn_stacks[slot].pid = pid;
	pidfd = syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0 || !stub_add(pid, pidfd, data_off)) {
		err = pidfd < 0 ? -errno : -EAGAIN;
		if (pidfd >= 0)
			close(pidfd);
		kill(pid, SIGKILL);
		while (waitpid(pid, NULL, __WALL) < 0 && errno == EINTR)
			;
		spawn_stacks[slot].pid = 0;
		return err;
	}
	return pid;
}

static void release_spawn_stack(int pid)
{
	for (int i = 0; i < SPAWN_STACKS; i++)
		if (spawn_stacks[i].pid == pid)
			spawn_stacks[i].pid = 0;
}

/* Wait for the stub's first stop: it has set itself up. One round trip. */
int os_stub_init(int pid, unsigned long data_off)
{
	struct stub *s = stub_find(pid);
	int err;

	if (!s || s->d != (struct stub_data *)(PHYSMEM_BASE + data_off))
		return -EINVAL;
	os_round_trips++;
	err = wait_stopped(s);
	/* Stopped or dead, it has left the clone stack. */
	release_spawn_stack(pid);
	if (err) {
		os_stub_kill(pid);
		return -ENOEXEC;        /* exec or set-up failed: it exited */
	}
	return 0;
}

int os_stub_spawn(unsigned long data_off)
{
	int pid = os_stub_start(data_off), err;

	if (pid < 0)
		return pid;
	err = os_stub_init(pid, data_off);
	return err ? err : pid;
}

int os_stub_flush(int pid)
{
	struct stub *s = stub_find(pid);

	if (!s)
		return -ESRCH;
	if (handoff(s, STUB_CMD_FLUSH))
		return -ESRCH;
	return (int)s->d->err;
}

/* Kill a stub without waiting: its zombie is reaped on a later call. */
void os_stub_kill(int pid)
{
	struct stub *s = stub_find(pid);
	int status;

	if (s)
		stub_remove(s);
	kill(pid, SIGKILL);
	if (nr_dying < MAX_DYING) {
		dying[nr_dying++] = pid;
		return;
	}
	while (waitpid(pid, &status, __WALL) < 0 && errno == EINTR)
		;
}

volatile int os_guest_running;   /* the stub os_guest_run waits for */

int os_guest_run(int pid, struct pt_regs *regs, struct guest_stop *stop)
{
	struct stub *s = stub_find(pid);
	struct stub_data *d;
	int err;

	if (!s)
		goto gone;
	d = s->d;
	d->regs = *regs;
	os_guest_running = pid;
	err = handoff(s, STUB_CMD_RUN);
	os_guest_running = 0;
	if (err)
		goto gone;
	if (d->result) {
		stop->kind = GUEST_MM_FAILED;
		return d->result;
	}
	*regs = d->regs;
	stop->signo = d->signo;
	if (d->signo == SIGSYS) {
		stop->kind = GUEST_SYSCALL;
		return 0;
	}
	if (d->signo == SIGVTALRM) {
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
}

unsigned long os_xstate_size(void)
{
	unsigned int a, b, c, d;

	if (!__get_cpuid_count(0xd, 0, &a, &b, &c, &d) || b < 512)
		return 512;
	return b;
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

	if (!s || s->d->fpstate < STUB_DATA)
		return NULL;
	off = s->d->fpstate - STUB_DATA;
	if (off + XSAVE_HDR_OFF + 64 > STUB_DATA_PAGES * PAGE_SIZE)
		return NULL;
	img = (char *)s->d + off;
	*frame_size = 512;
	*xfeatures = 3;
	if (*(u32 *)(img + FPX_SW_OFF) == FP_XSTATE_MAGIC1) {
		u32 size = *(u32 *)(img + FPX_SW_OFF + 16);

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

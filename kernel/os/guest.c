/*
 * Host side of guest address spaces: spawning stub processes, running a
 * guest until it traps, and applying map/unmap/protect batches. Every
 * function here is called on the CPU thread, which is the ptrace tracer
 * of every stub. A "round trip" is one resume of a stub and the wait for
 * its next stop; os_round_trips counts them.
 */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sched.h>
#include <fcntl.h>
#include <cpuid.h>
#include <elf.h>

#undef PAGE_SIZE
#undef PAGE_MASK
#include <glass/layout.h>
#include <glass/os.h>
#include "os_internal.h"

#define STUB_ENTRY_INIT (STUB_CODE + 0x10)
#define STUB_ENTRY_BATCH (STUB_CODE + 0x20)

extern const char stub_image[], stub_image_end[];

unsigned long os_round_trips;
static int stub_exe_fd = -1;
/* Segment and flag registers every stub starts with (from the first one). */
static struct user_regs_struct stub_regs_template;

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

/* Wait for pid's next stop; -ECHILD if it died instead. */
static int wait_stop(int pid, int *status)
{
	for (;;) {
		int r = waitpid(pid, status, __WALL);
		if (r == pid)
			return WIFSTOPPED(*status) ? 0 : -ECHILD;
		if (r < 0 && errno != EINTR)
			return -errno;
	}
}

/* Resume pid with `req` and wait for its next stop: one round trip. */
static int resume_wait(int pid, int req, int *status)
{
	os_round_trips++;
	if (ptrace(req, pid, 0, 0) < 0)
		return -errno;
	return wait_stop(pid, status);
}

/* Run one stub entry point to its closing int3; returns the stub's rax. */
static long run_stub_entry(int pid, unsigned long entry, unsigned long arg,
			   unsigned long sp)
{
	struct user_regs_struct r = stub_regs_template;
	int status, err;

	r.rip = entry;
	r.rdi = arg;
	r.rsp = sp;
	if (ptrace(PTRACE_SETREGS, pid, 0, &r) < 0)
		return -errno;
	err = resume_wait(pid, PTRACE_CONT, &status);
	/* The guest's virtual-time tick runs on in the stub's own code too:
	 * a tick that expires in the middle of a batch is dropped (the next
	 * one comes 10 ms of guest time later), and the batch goes on. */
	while (!err && WSTOPSIG(status) == SIGVTALRM)
		err = resume_wait(pid, PTRACE_CONT, &status);
	if (err)
		return err;
	if (WSTOPSIG(status) != SIGTRAP)
		return -EIO;
	if (ptrace(PTRACE_GETREGS, pid, 0, &r) < 0)
		return -errno;
	return (long)r.rax;
}

/*
 * Starting a stub is split in two so that the host's exec runs on the other
 * CPU while the kernel goes on: os_stub_start() clones a process that
 * shares glass's memory just long enough to exec the stub on a stack of its
 * own; os_stub_init() later waits for the exec stop and sets the stub up.
 * Until the exec stop the child uses its stack, so each start holds one of
 * a few stacks, released in os_stub_init().
 */
#define SPAWN_STACKS 4
#define SPAWN_STACK_SIZE (16 << 10)

static struct {
	int pid;                        /* 0: free */
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

static int stub_child(void *unused)
{
	static char *const argv[] = { "glass-stub", NULL };
	static char *const envp[] = { NULL };

	/* Die with glass already now: a stub started ahead of need waits,
	 * stopped at its exec, for stub_init, and would outlive a glass
	 * that ends meanwhile. If glass is already gone, stop here. */
	raw_syscall(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (raw_syscall(SYS_getppid, 0, 0, 0, 0, 0) != glass_pid)
		raw_syscall(SYS_exit, 127, 0, 0, 0, 0);
	raw_syscall(SYS_ptrace, PTRACE_TRACEME, 0, 0, 0, 0);
	/* Out of glass's process group: the host terminal's signals
	 * (SIGWINCH on a resize, SIGINT, SIGTSTP) must not stop the stub in
	 * the middle of a batch. */
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

int os_stub_start(void)
{
	int slot = -1, pid, err;

	if (stub_exe_fd < 0 && (err = stub_exe_init()))
		return err;
	reap_dying();
	for (int i = 0; i < SPAWN_STACKS && slot < 0; i++)
		if (!spawn_stacks[i].pid)
			slot = i;
	if (slot < 0)
		return -EAGAIN;
	glass_pid = getpid();
	pid = clone(stub_child, spawn_stacks[slot].stack + SPAWN_STACK_SIZE,
		    CLONE_VM | SIGCHLD, NULL);
	if (pid < 0)
		return -errno;
	spawn_stacks[slot].pid = pid;
	return pid;
}

static void release_spawn_stack(int pid)
{
	for (int i = 0; i < SPAWN_STACKS; i++)
		if (spawn_stacks[i].pid == pid)
			spawn_stacks[i].pid = 0;
}

int os_stub_init(int pid, unsigned long data_off)
{
	struct user_regs_struct r;
	int status, err;
	long ret;

	err = wait_stop(pid, &status);
	release_spawn_stack(pid);
	if (err) {
		if (err == -ECHILD)
			return -ENOEXEC;        /* exec failed: it exited */
		goto fail;
	}
	if (ptrace(PTRACE_SETOPTIONS, pid, 0,
		   PTRACE_O_EXITKILL | PTRACE_O_TRACESYSGOOD) < 0)
		goto fail_errno;
	/* The exec-time stack is where the host put it for this process. */
	if (ptrace(PTRACE_GETREGS, pid, 0, &r) < 0)
		goto fail_errno;
	if (!stub_regs_template.cs)
		stub_regs_template = r;
	ret = run_stub_entry(pid, STUB_ENTRY_INIT, data_off, r.rsp);
	if (ret == (long)STUB_DATA)
		return 0;
	err = ret < 0 ? (int)ret : -EIO;
	goto fail;
fail_errno:
	err = -errno;
fail:
	os_stub_kill(pid);
	return err;
}

int os_stub_spawn(unsigned long data_off)
{
	int pid = os_stub_start(), err;

	if (pid < 0)
		return pid;
	err = os_stub_init(pid, data_off);
	return err ? err : pid;
}

int os_stub_flush(int pid)
{
	return (int)run_stub_entry(pid, STUB_ENTRY_BATCH, 0,
				   STUB_DATA + STUB_DATA_PAGES * PAGE_SIZE - 8);
}

/* Kill a stub without waiting: its zombie is reaped on a later call. */
void os_stub_kill(int pid)
{
	int status;

	kill(pid, SIGKILL);
	if (nr_dying < MAX_DYING) {
		dying[nr_dying++] = pid;
		return;
	}
	while (waitpid(pid, &status, __WALL) < 0 && errno == EINTR)
		;
}

BUILD_ASSERT(sizeof(struct pt_regs) == sizeof(struct user_regs_struct));

volatile int os_guest_running;



int os_guest_run(int pid, struct pt_regs *regs, struct guest_stop *stop)
{
	siginfo_t si;
	int status, err;

	if (ptrace(PTRACE_SETREGS, pid, 0, regs) < 0)
		goto gone;
	os_guest_running = pid;
	do
		err = resume_wait(pid, PTRACE_SYSEMU, &status);
	while (!err && WSTOPSIG(status) == SIGSTOP);  /* a stop's pause (rule 7) */
	os_guest_running = 0;
	if (err)
		goto gone;
	if (ptrace(PTRACE_GETREGS, pid, 0, regs) < 0)
		goto gone;
	if (WSTOPSIG(status) == (SIGTRAP | 0x80)) {
		stop->kind = GUEST_SYSCALL;
		return 0;
	}
	stop->signo = WSTOPSIG(status);
	if (stop->signo == SIGVTALRM) {
		stop->kind = GUEST_TICK;
		return 0;
	}
	stop->kind = GUEST_SIGNAL;
	stop->code = 0;
	stop->addr = 0;
	if (ptrace(PTRACE_GETSIGINFO, pid, 0, &si) == 0) {
		stop->code = si.si_code;
		stop->addr = (unsigned long)si.si_addr;
	}
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

static int fpregs_io(int pid, int req, void *buf, unsigned long size)
{
	struct iovec iov = { buf, size };

	if (ptrace(req, pid, NT_X86_XSTATE, &iov) == 0)
		return 0;
	/* No XSAVE on this host: the legacy FXSAVE image. */
	if (ptrace(req == PTRACE_GETREGSET ? PTRACE_GETFPREGS : PTRACE_SETFPREGS,
		   pid, 0, buf) == 0)
		return 0;
	return -errno;
}

int os_guest_get_fpregs(int pid, void *buf, unsigned long size)
{
	return fpregs_io(pid, PTRACE_GETREGSET, buf, size);
}

int os_guest_set_fpregs(int pid, const void *buf, unsigned long size)
{
	return fpregs_io(pid, PTRACE_SETREGSET, (void *)buf, size);
}

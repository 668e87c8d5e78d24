/*
 * main(): set up the host side, then hand over to start_kernel(). Also the
 * ways out of the process: exit, abort (panic), re-exec (reboot).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <unistd.h>

#include <glass/monitor.h>
#include <glass/os.h>
#include <glass/os_upcalls.h>
#include "os_internal.h"

int os_argc;
char **os_argv;
static int usr1_fd = -1;
static char exe_path[4096];     /* /proc/self/exe, for gdb's qXfer:exec-file */
static u64 start_ns;

/* The new image learns it is a reboot from REBOOT_ENV (the host
 * environment, never the guest's): its trace file then goes on after
 * this one's instead of starting afresh. */
#define REBOOT_ENV "GLASS_REBOOTED"
static bool rebooted;

bool os_rebooted(void)
{
	return rebooted;
}

static void fatal_signal(int sig)
{
	os_tty_restore();
	os_umid_cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* SIGUSR1 asks for the gdb stub (the UML HOWTO's way). Kernel code does
 * not run here (rule one-cpu-thread): the handler only wakes the event loop. */
static void usr1_signal(int sig)
{
	int saved = errno;
	u64 one = 1;

	if (write(usr1_fd, &one, sizeof(one)) < 0) {
		/* EAGAIN: the counter is full, a wake-up is pending anyway */
	}
	errno = saved;
}

int os_sigusr1_fd(void)
{
	return usr1_fd;
}

void os_signals_init(void)
{
	struct sigaction sa = { .sa_handler = fatal_signal };
	struct sigaction usr1 = { .sa_handler = usr1_signal, .sa_flags = SA_RESTART };

	signal(SIGPIPE, SIG_IGN);
	/* Before the handler: a SIGUSR1 from now on is counted, and the
	 * kernel serves it once its event loop runs. */
	usr1_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (usr1_fd >= 0)
		sigaction(SIGUSR1, &usr1, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
}

/*
 * A closed stdin, stdout or stderr reads as /dev/null: otherwise the first
 * files Glass opens (the epoll fd, the umid pid file, the stub memfd) take
 * fds 0-2 and get console input, console output and kernel messages.
 */
static void std_fds_init(void)
{
	for (int fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF)
			open("/dev/null", fd ? O_WRONLY : O_RDONLY);
}

/*
 * valgrind cannot follow the stub spawn (clone with CLONE_VM and without
 * CLONE_VFORK) and ends the process from inside, past every clean-up, and
 * lacks pidfd_open: refuse at once, before anything is made. Its preload
 * library in LD_PRELOAD gives it away.
 */
static void refuse_valgrind(void)
{
	const char *preload = getenv("LD_PRELOAD");

	if (preload && strstr(preload, "vgpreload")) {
		dprintf(2, "glass: valgrind cannot run Glass: it cannot follow the stub "
			"processes' spawn (README.md, Debugging)\n");
		_exit(1);
	}
}

const char *__monitor_text os_exe_path(void)
{
	return exe_path;
}

u64 os_start_ns(void)
{
	return start_ns;
}

int main(int argc, char **argv)
{
	start_ns = os_monotonic_ns();
	refuse_valgrind();
	std_fds_init();
	if (readlink("/proc/self/exe", exe_path, sizeof(exe_path) - 1) < 0)
		exe_path[0] = '\0';
	os_argc = argc;
	os_argv = argv;
	rebooted = getenv(REBOOT_ENV) != NULL;
	unsetenv(REBOOT_ENV);
	os_signals_init();
	os_fault_init();
	os_self_init();
	os_trap_init();
	os_events_init();
	setup_early(argc, argv);
	start_kernel();
}

/* A PROFILE=1 build's gmon.out, but not from the monitor thread: a halt
 * leaves at once, as UML's does, and the writer is CPU-thread code. */
static void gprof_at_exit(void)
{
	if (os_is_cpu_thread())
		gprof_exiting();
}

/* What every way out writes before the process goes: the trace file's
 * tail, coverage and profile counts, the console; then the tty back. */
static void os_leave(void)
{
	trace_exit_flush(os_on_monitor_thread());
	os_gcov_exit();
	gprof_at_exit();
	os_flush_console();
	os_tty_restore();
}

__noreturn void os_exit(int status)
{
	gdb_exiting(status);
	os_leave();
	os_umid_cleanup();
	_exit(status);
}

/* A panic: no host core (Glass writes its own), SIGABRT as the status. */
__noreturn void os_abort(void)
{
	struct rlimit rl = { 0, 0 };

	os_leave();
	os_umid_cleanup();
	setrlimit(RLIMIT_CORE, &rl);
	signal(SIGABRT, SIG_DFL);
	abort();
}

__noreturn void os_reexec(void)
{
	os_leave();
	os_umid_reexec();
	os_cpu_home_release();  /* the next glass reads its CPUs afresh */
	setenv(REBOOT_ENV, "1", 1);
	execv("/proc/self/exe", os_argv);
	_exit(1);
}

long os_getpid(void)
{
	return getpid();
}

void *os_alloc_host(unsigned long size)
{
	return malloc(size);
}

void os_free_host(void *p)
{
	free(p);
}

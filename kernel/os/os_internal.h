/* Shared between kernel/os files only. */
#ifndef GLASS_OS_INTERNAL_H
#define GLASS_OS_INTERNAL_H

#include <sched.h>

#include <glass/profile_format.h>

#define BUILD_ASSERT(c) _Static_assert(c, #c)

extern int os_physmem_fd;       /* never fd 3, so the stub can dup2 it there */
extern int os_argc;
extern char **os_argv;

extern volatile int os_guest_running;   /* stub pid os_guest_run waits on */
bool os_guest_in_user(void);            /* guest.c: that guest runs its code */
void os_stub_idle(void);                /* guest.c: the CPU goes idle */
extern volatile int os_in_event_wait;   /* the event loop's epoll_wait */
extern volatile int os_cpu_parked;      /* in a stop (trap.c): no samples */

/* make PROFILE=1: the call-graph arcs __fentry__ records (mcount.c). */
extern struct gmon_arc gprof_arcs[];
extern u32 gprof_nr_arcs;
void gprof_reset_arcs(void);

void os_signals_init(void);
void os_events_init(void);
void os_umid_reexec(void);     /* umid.c: before os_reexec's exec */
int os_mkdir_p(const char *path, unsigned int mode);    /* umid.c */
int os_umid_socket(const char *name, int flags, char *path, unsigned long len); /* umid.c */
void os_gcov_exit(void);        /* gcov.c: the exits write the counts */

/* cpu_home.c: the CPU thread's home CPU (os_cpu_home_init is in os.h). */
const cpu_set_t *os_host_cpus(void);    /* glass's own CPUs at start */
void os_cpu_home_check(u64 now_ns);     /* os_poll_irqs: is home still ours? */
void os_cpu_home_release(void);         /* the caller may run on any of them */
void os_cpu_home_return(void);          /* the CPU thread back home after that */
int schedstat_run_delay(const char *line, u64 *delay_ns);

/* stub_park.c: does the host show the stub's thread asleep in its park? */
bool stub_parked_line(const char *line);
int stub_parked(int pid, int tid);

/* Set-up at start, before the kernel runs (main.c). */
int os_self_init(void);         /* self.c: /proc/self/mem, the host libraries */
int os_trap_init(void);         /* trap.c: the SIGTRAP handler, the host probe */

/* The fault path (fault.c, trap.c, unwind.c). */
struct ucontext_t;
void os_fault_dispatch(int sig, int code, unsigned long addr, struct ucontext_t *uc);
/* Make uc the register set os_trap_* read and write (a park in a fault). */
void os_trap_enter(struct ucontext_t *uc);
void os_trap_leave(void);
void os_unwind_guard(void);
/* unwind.c: function, file and line of ip in a libdwfl module. */
struct Dwfl_Module;
struct os_srcinfo;
void os_dwfl_srcinfo(struct Dwfl_Module *mod, unsigned long ip, struct os_srcinfo *si);
extern int os_cpu_tid;          /* the CPU thread's host tid (trap.c) */
bool os_is_cpu_thread(void);

/* Watchpoints by page protection (watch.c), where debug registers do not
 * fire. The fault and trap handlers call in on every thread. */
extern unsigned long os_physmem_size;
int os_watch_set(int slot, int type, unsigned long addr, int len);
void os_watch_clear(int slot);
bool os_watch_fault(unsigned long addr, struct ucontext_t *uc);
void os_watch_trap_enter(void);
void os_watch_trap_leave(void);
bool os_watch_stepping(void);
bool os_watch_step_done(int *slot, bool *gdb_step);

/* Is the caller the monitor thread (monitor.c)? */
bool os_on_monitor_thread(void);

#endif

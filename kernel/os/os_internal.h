/* Shared between kernel/os files only. */
#ifndef GLASS_OS_INTERNAL_H
#define GLASS_OS_INTERNAL_H

#define BUILD_ASSERT(c) _Static_assert(c, #c)

extern int os_physmem_fd;       /* never fd 3, so the stub can dup2 it there */
extern int os_argc;
extern char **os_argv;

extern volatile int os_guest_running;   /* stub pid os_guest_run waits on */
extern volatile int os_in_event_wait;   /* the event loop's epoll_wait */

void os_signals_init(void);
/* The registers of a signal's ucontext, as the oops prints them. */
void os_ucontext_fault_regs(const void *uc, struct os_fault_regs *r);
void os_events_init(void);

#endif

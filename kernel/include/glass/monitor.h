/*
 * The monitor thread's code (DESIGN.md rule 4): everything it runs is
 * marked __monitor_text, which keeps it in its own text section, so that
 * a gdb breakpoint is never planted where the monitor would hit it. Such
 * code takes no kernel lock, allocates nothing and calls no libc function
 * that locks.
 */
#ifndef GLASS_MONITOR_H
#define GLASS_MONITOR_H

#define __monitor_text __attribute__((section("text_monitor")))

#include <glass/types.h>

/* The gdb stub's monitor-thread entry points (kernel/debug/gdb.c), called
 * by the transport in kernel/os/monitor.c. */
void gdb_monitor_connected(void);
void gdb_monitor_input(const void *buf, size_t n);
bool gdb_monitor_wants_input(void);
void gdb_monitor_disconnected(void);
void gdb_monitor_wake(void);
/* A second debugger while one is attached (kernel/debug/attach.c): a new
 * refused connection, then its input; the reply is what to send it, or
 * -EPIPE to close it (gdb_refusal_input). */
void gdb_monitor_refuse_start(void);
long gdb_monitor_refuse_input(const void *buf, size_t n, u8 *out, size_t cap);
/* About once a second: the soft-lockup detector (kernel/debug/watchdog.c). */
void watchdog_monitor_tick(u64 now_ns);
/* Any thread, as glass exits with status. */
void gdb_exiting(int status);

#endif

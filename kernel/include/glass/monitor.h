/*
 * The monitor thread's code (rule monitor-never-blocks): everything it runs is
 * marked __monitor_text, which keeps it in its own text section, so that
 * a gdb breakpoint is never planted where the monitor would hit it. Such
 * code takes no kernel lock, allocates nothing and calls no libc function
 * that locks. scripts/check-monitor-text.sh (make check) fails on a
 * direct call from it to anything outside the section but a short list.
 */
#ifndef GLASS_MONITOR_H
#define GLASS_MONITOR_H

/* No profiling hook (make PROFILE=1's -pg): code that must call nothing
 * outside its own text, or runs where the hook cannot (profiling/README.md). */
#define notrace __attribute__((no_instrument_function))

/* Not instrumented in the coverage builds either (coverage/README.md): the
 * monitor runs concurrently with the CPU thread, whose counters these
 * are, and kcov's hook is a call out of the section. */
#if defined(CONFIG_GCOV_KERNEL) || defined(CONFIG_KCOV)
#define __monitor_text __attribute__((section("text_monitor"), \
	no_profile_instrument_function, no_sanitize_coverage)) notrace
#else
#define __monitor_text __attribute__((section("text_monitor"))) notrace
#endif

/* The monitor thread's entry points into the kernel are in
 * glass/os_upcalls.h. */

#endif

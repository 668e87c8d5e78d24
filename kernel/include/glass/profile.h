/*
 * The profilers (profiling/): what the rest of the kernel calls.
 * The sampling profiler's samples are collected while current is still
 * the task they belong to and its registers are still the ones it entered
 * the kernel with: before schedule() switches away, before the idle task
 * waits, before a guest runs; a guest's own sample when it stops. os_profile_pending is set only while samples wait, so
 * each hook costs one predictable branch.
 */
#ifndef GLASS_PROFILE_H
#define GLASS_PROFILE_H

#include <glass/os.h>
#include <glass/profile_format.h>

struct pt_regs;

void profile_collect(void);
/* After a guest stop: the user registers it stopped with (a guest
 * sample is due only when one was asked for while it ran). */
void profile_collect_guest(const struct pt_regs *regs);

/* Before a task switch, before the idle task waits, before a guest runs. */
static inline void profile_catch_up(void)
{
	if (__builtin_expect(os_profile_pending, 0))
		profile_collect();
}

static inline void profile_guest_stopped(const struct pt_regs *regs)
{
	if (__builtin_expect(os_profile_pending, 0))
		profile_collect_guest(regs);
}

#endif

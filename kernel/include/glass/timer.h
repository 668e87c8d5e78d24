/* Time and kernel timers. jiffies and CLOCK_MONOTONIC exclude time spent
 * stopped by a debugger or mconsole `stop` (docs/DESIGN.md, Tasks). */
#ifndef GLASS_TIMER_H
#define GLASS_TIMER_H

#include <glass/types.h>
#include <glass/list.h>

#define HZ 100
#define NSEC_PER_SEC 1000000000ULL
#define NSEC_PER_MSEC 1000000ULL
#define NSEC_PER_USEC 1000ULL
#define TICK_NSEC (NSEC_PER_SEC / HZ)

extern volatile unsigned long jiffies;

void time_init(void);
void time_account_stop(u64 ns);
u64 ktime_get_ns(void);           /* monotonic, stopped time excluded */
u64 ktime_get_real_ns(void);      /* host realtime */
u64 ktime_get_boot_ns(void);      /* monotonic including stopped time */

struct timer_list {
	struct list_head entry;
	u64 expires_ns;               /* monotonic (ktime_get_ns) */
	void (*function)(struct timer_list *t);
	bool pending;
};

void timer_setup(struct timer_list *t, void (*fn)(struct timer_list *));
void mod_timer_ns(struct timer_list *t, u64 expires_ns);
void del_timer(struct timer_list *t);
/* Run expired timers; returns ns until the next one or -1. CPU thread. */
s64 run_timers(void);

/* Sleep until woken, ns pass, or (interruptible) a signal: -ERESTARTSYS
 * then, else 0. Remaining time in *left if non-NULL. Callers loop. */
int schedule_timeout_ns(u64 ns, bool interruptible, u64 *left);

#endif

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

/* Linux's signatures; flags (TIMER_DEFERRABLE...) are accepted and
 * ignored: every timer runs from run_timers() in interrupt context. */
void timer_setup(struct timer_list *t, void (*fn)(struct timer_list *),
		 unsigned int flags);
void mod_timer_ns(struct timer_list *t, u64 expires_ns);
/* Expiry in jiffies, as Linux's: true if the timer was pending. */
int mod_timer(struct timer_list *t, unsigned long expires);
/* Both return 1 if the timer was pending. One CPU runs timer callbacks
 * between tasks, never during one, so a callback is never running when
 * a task deletes its timer: the _sync form only names Linux's contract
 * (the callback has finished, and does not run again unless re-armed). */
int del_timer(struct timer_list *t);
int del_timer_sync(struct timer_list *t);
#define timer_delete del_timer
#define timer_delete_sync del_timer_sync
static inline bool timer_pending(const struct timer_list *t)
{
	return t->pending;
}
/* The structure holding a timer, in its callback (Linux's from_timer). */
#define from_timer(var, timer, field) \
	container_of(timer, __typeof__(*var), field)

#define MSEC_PER_SEC 1000UL
/* Rounded up, as Linux's: a delay is never shorter than asked. */
static inline unsigned long msecs_to_jiffies(unsigned int m)
{
	return (m + MSEC_PER_SEC / HZ - 1) / (MSEC_PER_SEC / HZ);
}
static inline unsigned int jiffies_to_msecs(unsigned long j)
{
	return j * (MSEC_PER_SEC / HZ);
}
/* Wrap-safe comparisons of jiffies values. */
#define time_after(a, b) ((long)((b) - (a)) < 0)
#define time_before(a, b) time_after(b, a)
#define time_after_eq(a, b) ((long)((a) - (b)) >= 0)
/* Run expired timers; returns ns until the next one or -1. CPU thread. */
s64 run_timers(void);

/* Sleep until woken, ns pass, or (interruptible) a signal: -ERESTARTSYS
 * then, else 0. Remaining time in *left if non-NULL. Callers loop. */
int schedule_timeout_ns(u64 ns, bool interruptible, u64 *left);

#endif

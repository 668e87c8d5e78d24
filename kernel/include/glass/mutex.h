/*
 * Sleeping locks. One CPU and no preemption of kernel code make them
 * simple; they exist so that a task waiting for one is a task in
 * uninterruptible sleep whose lock and holder the hung-task detector and
 * gdb can name (task->blocked_on).
 */
#ifndef GLASS_MUTEX_H
#define GLASS_MUTEX_H

#include <glass/wait.h>

struct task_struct;

struct mutex {
	const char *name;
	struct task_struct *owner;
	wait_queue_head_t wait;
};

#define DEFINE_MUTEX(m) \
	struct mutex m = { .name = #m, .wait = __WAIT_QUEUE_HEAD_INITIALIZER((m).wait) }

/* A mutex inside a structure; its name is the expression, as Linux's
 * lock class name is. */
#define mutex_init(m) __mutex_init((m), #m)
void __mutex_init(struct mutex *m, const char *name);

void mutex_lock(struct mutex *m);
/* As mutex_lock, but a signal ends the wait: -EINTR, else 0. */
int mutex_lock_interruptible(struct mutex *m);
/* 1 if it took the free lock, 0 if it is held. Never sleeps. */
int mutex_trylock(struct mutex *m);
void mutex_unlock(struct mutex *m);
static inline bool mutex_is_locked(const struct mutex *m)
{
	return m->owner;
}

#endif

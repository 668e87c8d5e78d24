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

void mutex_lock(struct mutex *m);
void mutex_unlock(struct mutex *m);

#endif

/* Wait queues: a task sleeps on one until a condition holds. */
#ifndef GLASS_WAIT_H
#define GLASS_WAIT_H

#include <glass/list.h>

struct task_struct;

struct wait_queue_entry {
	struct task_struct *task;
	struct list_head entry;
};

typedef struct wait_queue_head {
	struct list_head head;
} wait_queue_head_t;

#define __WAIT_QUEUE_HEAD_INITIALIZER(name) { LIST_HEAD_INIT((name).head) }
#define DECLARE_WAIT_QUEUE_HEAD(name) \
	wait_queue_head_t name = __WAIT_QUEUE_HEAD_INITIALIZER(name)

static inline void init_waitqueue_head(wait_queue_head_t *wq)
{
	INIT_LIST_HEAD(&wq->head);
}

void add_wait_queue(wait_queue_head_t *wq, struct wait_queue_entry *e);
void remove_wait_queue(wait_queue_head_t *wq, struct wait_queue_entry *e);
/* Wake every task waiting on wq (they recheck their conditions). */
void wake_up(wait_queue_head_t *wq);
#define wake_up_interruptible wake_up
#define wake_up_all wake_up

bool signal_pending_current(void);
void prepare_to_wait(wait_queue_head_t *wq, struct wait_queue_entry *e, long state);
void finish_wait(wait_queue_head_t *wq, struct wait_queue_entry *e);
void schedule(void);

/*
 * Sleep until cond is true. The interruptible form returns -ERESTARTSYS
 * when a signal is pending; otherwise 0. Task context only.
 */
#define wait_event_state(wq, cond, state, intr)                      \
	({                                                           \
		struct wait_queue_entry __we = { .task = NULL };     \
		int __ret = 0;                                       \
		for (;;) {                                           \
			prepare_to_wait(&(wq), &__we, state);        \
			if (cond)                                    \
				break;                               \
			if ((intr) && signal_pending_current()) {    \
				__ret = -512; /* -ERESTARTSYS */     \
				break;                               \
			}                                            \
			schedule();                                  \
		}                                                    \
		finish_wait(&(wq), &__we);                           \
		__ret;                                               \
	})
#define wait_event(wq, cond) \
	((void)wait_event_state(wq, cond, TASK_UNINTERRUPTIBLE, 0))
#define wait_event_interruptible(wq, cond) \
	wait_event_state(wq, cond, TASK_INTERRUPTIBLE, 1)

#endif

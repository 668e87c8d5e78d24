/* Sleeping locks (glass/mutex.h): FIFO hand-off. Task context. */
#include <glass/export.h>
#include <glass/mutex.h>
#include <glass/sched.h>

void __mutex_init(struct mutex *m, const char *name)
{
	m->name = name;
	m->owner = NULL;
	init_waitqueue_head(&m->wait);
}
EXPORT_SYMBOL(__mutex_init);

/*
 * Wait in state until the lock is handed to us (0) or, interruptible, a
 * signal arrives (-EINTR). Ownership is checked before the signal: a
 * lock handed over while we slept is ours even if a signal came too.
 * Taking a lock one holds already waits for ever, as Linux's does
 * without lockdep (no one can hand it over); the hung-task detector then
 * names the lock and its holder, the waiter itself. Inlined, so that
 * stacks of sleepers show mutex_lock (sysrq w, hung tasks, gdb).
 */
static inline __attribute__((always_inline)) int mutex_wait(struct mutex *m, long state)
{
	struct wait_queue_entry we = { .task = NULL };
	bool recursive = m->owner == current;
	int ret = 0;

	INIT_LIST_HEAD(&we.entry);
	current->blocked_on = m;
	for (;;) {
		prepare_to_wait(&m->wait, &we, state);
		if (m->owner == current && !recursive)
			break;
		if (state == TASK_INTERRUPTIBLE && signal_pending_current()) {
			ret = -EINTR;
			break;
		}
		current->wchan = "mutex_lock";
		schedule();
	}
	finish_wait(&m->wait, &we);
	current->blocked_on = NULL;
	return ret;
}

void mutex_lock(struct mutex *m)
{
	if (!m->owner) {
		m->owner = current;
		return;
	}
	mutex_wait(m, TASK_UNINTERRUPTIBLE);
}
EXPORT_SYMBOL(mutex_lock);

int mutex_lock_interruptible(struct mutex *m)
{
	if (!m->owner) {
		m->owner = current;
		return 0;
	}
	return mutex_wait(m, TASK_INTERRUPTIBLE);
}
EXPORT_SYMBOL(mutex_lock_interruptible);

int mutex_trylock(struct mutex *m)
{
	if (m->owner)
		return 0;
	m->owner = current;
	return 1;
}
EXPORT_SYMBOL(mutex_trylock);

/* The first waiter becomes the owner before it runs, so a lock is never
 * free while someone waits for it. */
void mutex_unlock(struct mutex *m)
{
	struct wait_queue_entry *we;

	if (list_empty(&m->wait.head)) {
		m->owner = NULL;
		return;
	}
	we = list_first_entry(&m->wait.head, struct wait_queue_entry, entry);
	m->owner = we->task;
	wake_up_process(we->task);
}
EXPORT_SYMBOL(mutex_unlock);

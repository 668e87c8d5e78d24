/* Sleeping locks (glass/mutex.h): FIFO hand-off, uninterruptible. */
#include <glass/mutex.h>
#include <glass/sched.h>

void mutex_lock(struct mutex *m)
{
	struct wait_queue_entry we = { .task = NULL };

	if (!m->owner) {
		m->owner = current;
		return;
	}
	INIT_LIST_HEAD(&we.entry);
	current->blocked_on = m;
	for (;;) {
		prepare_to_wait(&m->wait, &we, TASK_UNINTERRUPTIBLE);
		if (m->owner == current)
			break;
		current->wchan = "mutex_lock";
		schedule();
	}
	finish_wait(&m->wait, &we);
	current->blocked_on = NULL;
}

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

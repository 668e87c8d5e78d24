/* Wait queues. CPU thread; wake_up may run from interrupt handlers. */
#include <glass/export.h>
#include <glass/sched.h>

void add_wait_queue(wait_queue_head_t *wq, struct wait_queue_entry *e)
{
	e->task = current;
	list_add_tail(&e->entry, &wq->head);
}
EXPORT_SYMBOL(add_wait_queue);

void remove_wait_queue(wait_queue_head_t *wq, struct wait_queue_entry *e)
{
	(void)wq;
	list_del(&e->entry);
}
EXPORT_SYMBOL(remove_wait_queue);

/* Queue e on wq (once) and set the state the caller will sleep in. */
void prepare_to_wait(wait_queue_head_t *wq, struct wait_queue_entry *e, long state)
{
	if (e->task != current) {
		e->task = current;
		list_add_tail(&e->entry, &wq->head);
	}
	set_current_state(state);
}
EXPORT_SYMBOL(prepare_to_wait);

void finish_wait(wait_queue_head_t *wq, struct wait_queue_entry *e)
{
	set_current_state(TASK_RUNNING);
	if (e->task == current)
		remove_wait_queue(wq, e);
	e->task = NULL;
}
EXPORT_SYMBOL(finish_wait);

void wake_up(wait_queue_head_t *wq)
{
	struct wait_queue_entry *e;

	list_for_each_entry(e, &wq->head, entry)
		wake_up_process(e->task);
}
EXPORT_SYMBOL(wake_up);

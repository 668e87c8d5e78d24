/*
 * The queue from the monitor thread to the CPU thread: a fixed array of
 * slots, each owned by whoever moved it out of FREE or QUEUED. The monitor
 * fills FREE slots and publishes them QUEUED; the CPU thread claims a
 * QUEUED slot (-> TAKEN) with a compare-and-swap, and so does the monitor
 * when the slot's time runs out (-> EXPIRING): exactly one of them answers
 * the client. The claimer releases the slot (-> FREE). Pure code with
 * atomics only; no allocation, no lock.
 */
#include <glass/mconsole.h>

static __monitor_text int slot_state(struct mc_slot *s)
{
	return __atomic_load_n(&s->state, __ATOMIC_ACQUIRE);
}

static __monitor_text bool slot_claim(struct mc_slot *s, int to)
{
	int expected = MC_SLOT_QUEUED;

	return __atomic_compare_exchange_n(&s->state, &expected, to, false,
					   __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}

struct mc_slot *__monitor_text mc_queue_push(struct mc_queue *q, const struct command *cmd,
					     const char *data, const struct mc_client *client,
					     u64 deadline_ns)
{
	struct mc_slot *s = NULL;
	size_t i;

	for (i = 0; i < MC_QUEUE_SLOTS && !s; i++)
		if (slot_state(&q->slots[i]) == MC_SLOT_FREE)
			s = &q->slots[i];
	if (!s)
		return NULL;
	for (i = 0; i < MCONSOLE_MAX_DATA - 1 && data[i]; i++)
		s->data[i] = data[i];
	s->data[i] = '\0';
	s->cmd = cmd;
	s->client = *client;
	s->deadline_ns = deadline_ns;
	s->seq = q->next_seq++;
	__atomic_store_n(&s->state, MC_SLOT_QUEUED, __ATOMIC_RELEASE);
	return s;
}

/* The oldest QUEUED slot (by seq) that passes the filter, or NULL. */
static __monitor_text struct mc_slot *oldest_queued(struct mc_queue *q, bool due_only, u64 now)
{
	struct mc_slot *best = NULL;

	for (size_t i = 0; i < MC_QUEUE_SLOTS; i++) {
		struct mc_slot *s = &q->slots[i];

		if (slot_state(s) != MC_SLOT_QUEUED)
			continue;
		if (due_only && s->deadline_ns > now)
			continue;
		if (!best || s->seq < best->seq)
			best = s;
	}
	return best;
}

struct mc_slot *__monitor_text mc_queue_expire(struct mc_queue *q, u64 now_ns)
{
	struct mc_slot *s;

	while ((s = oldest_queued(q, true, now_ns)))
		if (slot_claim(s, MC_SLOT_EXPIRING))
			return s;
	return NULL;
}

u64 __monitor_text mc_queue_next_deadline(struct mc_queue *q)
{
	u64 next = 0;

	for (size_t i = 0; i < MC_QUEUE_SLOTS; i++) {
		struct mc_slot *s = &q->slots[i];

		if (slot_state(s) == MC_SLOT_QUEUED && (!next || s->deadline_ns < next))
			next = s->deadline_ns;
	}
	return next;
}

struct mc_slot *mc_queue_take(struct mc_queue *q)
{
	struct mc_slot *s;

	while ((s = oldest_queued(q, false, 0)))
		if (slot_claim(s, MC_SLOT_TAKEN))
			return s;
	return NULL;
}

void __monitor_text mc_queue_release(struct mc_slot *slot)
{
	__atomic_store_n(&slot->state, MC_SLOT_FREE, __ATOMIC_RELEASE);
}

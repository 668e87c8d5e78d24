/*
 * The scheduler: one run queue ordered by vruntime (the CPU time a task
 * has received, user and kernel, as CFS counts it), no preemption inside
 * kernel code. A task whose slice is spent, or that a wakeup should give
 * way to, is switched at its next return to user mode (the stub's tick
 * stops a guest spinning in user mode). CPU thread only.
 */
#include <glass/export.h>
#include <glass/debug.h>
#include <glass/sched.h>
#include <glass/mm.h>
#include <glass/fs.h>
#include <glass/os.h>
#include <glass/os_upcalls.h>
#include <glass/profile.h>
#include <glass/trace.h>

struct task_struct init_task = {
	.state = TASK_RUNNING,
	.flags = PF_KTHREAD | PF_IDLE,
	.comm = "swapper",
	.wchan = "idle",
};
struct task_struct *current = &init_task;
EXPORT_SYMBOL(current);
LIST_HEAD(task_list);
static LIST_HEAD(runqueue);
int nr_tasks;
int max_tasks = 512;

/* Bitmap of kernel stack slots in the stack area. */
static unsigned long stack_slots[STACK_SLOTS / 64];

/*
 * The last stack freed, still mapped in its slot (which it keeps): the
 * next fork takes it instead of mapping one, and an exit keeps it instead
 * of unmapping it, two host calls of every fork+exit. One is all a loop
 * of fork+exit+wait needs, and with one the free page count is the same
 * between forks whatever ran before (the leak checks compare it).
 */
static struct {
	void *stack;                    /* NULL: none */
	struct page *page;
	int slot;
} cached_stack;
static struct task_struct *switch_prev;

void sched_init(void)
{
	INIT_LIST_HEAD(&init_task.children);
	INIT_LIST_HEAD(&init_task.sibling);
	INIT_LIST_HEAD(&init_task.thread_group);
	INIT_LIST_HEAD(&init_task.run_list);
	init_task.group_leader = &init_task;
	init_task.real_parent = &init_task;
	init_task.start_time_ns = ktime_get_ns();
	list_add_tail(&init_task.tasks, &task_list);
}

/* A busy task's turn, the span within which sleepers are favoured, and
 * how long current keeps the CPU past a wakeup (Linux's base slice,
 * sched_latency and wakeup_granularity). */
#define SCHED_SLICE_NS (4 * NSEC_PER_MSEC)
#define SCHED_LATENCY_NS (6 * NSEC_PER_MSEC)
#define SCHED_WAKEUP_GRAN_NS (1 * NSEC_PER_MSEC)

/* Task switches since boot (/proc/stat's ctxt). */
unsigned long nr_context_switches;

/* The smallest vruntime of the runnable tasks; never goes back. */
static u64 min_vruntime = SCHED_LATENCY_NS;

/* Into the run queue behind the tasks with no more vruntime (FIFO among
 * equals). */
static void enqueue(struct task_struct *t)
{
	struct task_struct *pos;

	if (t->on_rq || t == &init_task)
		return;
	list_for_each_entry(pos, &runqueue, run_list)
		if (pos->vruntime > t->vruntime)
			break;
	list_add_tail(&t->run_list, &pos->run_list);
	t->on_rq = true;
}

static void dequeue(struct task_struct *t)
{
	if (!t->on_rq)
		return;
	list_del(&t->run_list);
	t->on_rq = false;
}

void set_current_state(long state)
{
	current->state = state;
}
EXPORT_SYMBOL(set_current_state);

/* Make t runnable if it sleeps in one of `states`; true if it woke. */
bool wake_up_state(struct task_struct *t, long states)
{
	if (!(t->state & states))
		return false;
	trace_sched_wakeup(t);
	t->state = TASK_RUNNING;
	t->wchan = NULL;
	/* Sleeper credit (CFS's place_entity): a woken task goes ahead of
	 * the tasks that used their turns, by at most half the latency, so
	 * sleeping banks no CPU time. */
	t->vruntime = max(t->vruntime, min_vruntime - SCHED_LATENCY_NS / 2);
	enqueue(t);
	/* Wakeup preemption (CFS's wakeup_preempt_entity) only once the
	 * woken task is ahead by more than its sleeper credit and the
	 * granularity: a sleeper preempts a task that has had 1 ms since
	 * min_vruntime, not one that has just begun. A switch costs tens of
	 * µs of host work here, not Linux's few: without this a pipe's
	 * reader took the CPU at each small write (tar | gzip: a switch
	 * per syscall); now the writer goes on for a millisecond first. */
	if (current == &init_task ||
	    t->vruntime + SCHED_LATENCY_NS / 2 + SCHED_WAKEUP_GRAN_NS < current->vruntime)
		current->need_resched = true;
	return true;
}

void wake_up_process(struct task_struct *t)
{
	wake_up_state(t, TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE);
}
EXPORT_SYMBOL(wake_up_process);

/* A new child runs before its parent goes on (README: new tasks). */
void wake_up_new_task(struct task_struct *p)
{
	wake_up_state(p, TASK_INTERRUPTIBLE);
	current->need_resched = true;
}

static void free_stack(struct task_struct *t)
{
	if (!cached_stack.stack) {
		cached_stack.stack = t->stack;
		cached_stack.page = t->stack_page;
		cached_stack.slot = t->stack_slot;
		t->stack = NULL;
		return;
	}
	os_unmap((unsigned long)t->stack, THREAD_SIZE);
	__free_pages(t->stack_page, 4);
	stack_slots[t->stack_slot / 64] &= ~(1UL << (t->stack_slot % 64));
	t->stack = NULL;
}

/* Runs on next's stack right after the switch: reclaim a dead prev. */
static void finish_task_switch(struct task_struct *prev)
{
	if (prev->state == TASK_DEAD && prev->stack) {
		/* The stack is free now that we run on another one. */
		free_stack(prev);
		if (prev->exit_state == EXIT_DEAD)
			free_task(prev);
	}
}

/* Charge current up to now (user: its guest ran). CPU thread, task
 * context; the caller read the clock, so the hot path reads it once per
 * side of a round trip. */
void account_task_time(u64 now, bool user)
{
	struct task_struct *t = current;
	u64 delta = now - t->exec_start_ns;

	t->exec_start_ns = now;
	if (user)
		t->utime_ns += delta;
	else
		t->stime_ns += delta;
	itimer_cpu_account(t, delta, user);
	t->vruntime += delta;
	if (t->vruntime >= t->slice_end)
		t->need_resched = true;
}

/*
 * Give the CPU to the runnable task with the least vruntime, or to idle.
 * A task that is not TASK_RUNNING leaves the run queue until woken.
 * Task context.
 */
void schedule(void)
{
	struct task_struct *prev = current, *next;
	bool asked = prev->need_resched;        /* by the tick or a wakeup */
	u64 now;

	/* xv6's sched() checks, in Glass's terms. Glass has no spinlocks
	 * (one CPU thread, no preemption in kernel code), so "holds no lock
	 * but p->lock" has no counterpart; "interrupts off" is irq context
	 * here: an irq handler or timer callback borrows current's stack and
	 * must never switch away from under it. */
	BUG_ON(in_interrupt());
	/* The idle task is what runs when nothing can: it never sleeps. */
	BUG_ON(prev == &init_task && prev->state != TASK_RUNNING);
	/* A runnable task off the run queue would never be picked again. */
	BUG_ON(prev != &init_task && prev->state == TASK_RUNNING && !prev->on_rq);
	now = ktime_get_ns();
	if (prev != &init_task)
		account_task_time(now, false);
	prev->need_resched = false;
	if (prev->state != TASK_RUNNING) {
		dequeue(prev);
		prev->nvcsw++;
	} else if (prev->on_rq) {
		/* Back in vruntime order, with what it has just used. */
		dequeue(prev);
		enqueue(prev);
		prev->nivcsw++;
	}
	if (list_empty(&runqueue)) {
		next = &init_task;
	} else {
		next = list_first_entry(&runqueue, struct task_struct, run_list);
		min_vruntime = max(min_vruntime, next->vruntime);
	}
	/* Only runnable tasks are queued (wake_up_state, fork). */
	BUG_ON(next->state != TASK_RUNNING);
	next->slice_end = next->vruntime + SCHED_SLICE_NS;
	if (next == prev)
		return;
	profile_catch_up();     /* prev's samples, while it is current */
	trace_sched_switch(prev, next, asked);
	current = next;
	switch_prev = prev;
	prev->last_switch_ns = now;
	next->exec_start_ns = now;
	cpu_progress++;
	nr_context_switches++;
	__switch_to(&prev->thread.sp, next->thread.sp);
	/* Back in prev: whoever switched to us is in switch_prev. */
	finish_task_switch(switch_prev);
}
EXPORT_SYMBOL(schedule);

/* First thing a new task does on its first switch-in. */
void schedule_tail(void)
{
	finish_task_switch(switch_prev);
}

/* Yield if the tick or a wakeup asked for it. Task context. */
void cond_resched(void)
{
	if (current->need_resched)
		schedule();
}
EXPORT_SYMBOL(cond_resched);

struct task_struct *find_task_by_pid(pid_t pid)
{
	struct task_struct *t;

	list_for_each_entry(t, &task_list, tasks)
		if (t->pid == pid && t->state != TASK_DEAD)
			return t;
	return NULL;
}

static bool pid_in_use(pid_t pid)
{
	struct task_struct *t;

	list_for_each_entry(t, &task_list, tasks)
		if (t->pid == pid || t->tgid == pid ||
		    (t->signal && (t->signal->pgrp == pid || t->signal->session == pid)))
			return true;
	return false;
}

/* Next free pid, wrapping at 32768 as Linux's default pid_max. */
pid_t alloc_pid(void)
{
	static pid_t last;

	for (int i = 0; i < 32768; i++) {
		last = last >= 32767 ? 1 : last + 1;
		if (!pid_in_use(last))
			return last;
	}
	return -EAGAIN;
}

/*
 * A zeroed task with a kernel stack in the stack area: THREAD_SIZE bytes of
 * physmem mapped above an unmapped guard gap, so an overflow faults.
 */
/* t's kernel stack: a cached one, or a free slot mapped now. */
static int alloc_stack(struct task_struct *t)
{
	unsigned long base;
	void *pages;
	int slot = -1;

	if (cached_stack.stack) {
		t->stack = cached_stack.stack;
		t->stack_page = cached_stack.page;
		t->stack_slot = cached_stack.slot;
		cached_stack.stack = NULL;
		return 0;
	}
	for (int i = 0; i < STACK_SLOTS && slot < 0; i++)
		if (!(stack_slots[i / 64] & (1UL << (i % 64))))
			slot = i;
	if (slot < 0)
		return -EAGAIN;
	pages = get_free_pages(GFP_KERNEL, 4);
	if (!pages)
		return -ENOMEM;
	base = STACK_AREA + slot * STACK_SLOT + THREAD_SIZE;
	if (os_physmem_map(base, (unsigned long)pages - PHYSMEM_BASE, THREAD_SIZE)) {
		free_pages(pages, 4);
		return -ENOMEM;
	}
	stack_slots[slot / 64] |= 1UL << (slot % 64);
	t->stack = (void *)base;
	t->stack_page = virt_to_page(pages);
	t->stack_slot = slot;
	return 0;
}

struct task_struct *alloc_task(void)
{
	struct task_struct *t;

	if (nr_tasks >= max_tasks)
		return NULL;
	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return NULL;
	if (alloc_stack(t)) {
		kfree(t);
		return NULL;
	}
	INIT_LIST_HEAD(&t->children);
	INIT_LIST_HEAD(&t->sibling);
	INIT_LIST_HEAD(&t->thread_group);
	INIT_LIST_HEAD(&t->run_list);
	INIT_LIST_HEAD(&t->pending.list);
	t->start_time_ns = ktime_get_ns();
	/* A new task starts level with the least-served runnable task, so
	 * it runs before its parent goes on (as with round robin, and as
	 * programs that fork and reap at once expect) but is owed nothing. */
	t->vruntime = min_vruntime;
	nr_tasks++;
	return t;
}

/* Free a task_struct whose stack is already gone. */
void free_task(struct task_struct *t)
{
	list_del(&t->tasks);
	nr_tasks--;
	kfree(t->fpstate);
	kfree(t);
}

/* Free a task that never ran and is on no list (fork failed). */
void free_task_unstarted(struct task_struct *t)
{
	free_stack(t);
	nr_tasks--;
	kfree(t->fpstate);
	kfree(t);
}

int hardirq_depth;

/* Around every irq handler and timer callback (CPU thread). */
void irq_enter(void)
{
	hardirq_depth++;
}

void irq_exit(void)
{
	hardirq_depth--;
}

/*
 * The idle task: run timers, give the CPU to runnable tasks, and otherwise
 * wait in the event loop for interrupts (rule one-cpu-thread).
 */
__noreturn void cpu_idle(void)
{
	for (;;) {
		s64 next = run_timers();

		cpu_progress++;

		if (!list_empty(&runqueue)) {
			schedule();
			continue;
		}
		profile_catch_up();
		/* libdw's line tables, for oopses: off the boot path. */
		os_symbolize_start();
		os_idle_wait(next);
	}
}

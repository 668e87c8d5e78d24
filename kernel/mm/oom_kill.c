/*
 * The OOM killer. A guest page fault that finds no free frame kills the
 * process whose mm holds the most memory (resident pages and page tables:
 * Linux's oom_badness without oom_score_adj), never init nor a kernel
 * thread, together with every task sharing that mm; then the faulting task
 * sleeps until the victim's exit has freed the mm, and its guest retries
 * the access. While a victim is on its way out, nobody else is chosen.
 * Task context on the CPU thread; sleeps.
 */
#include <glass/sched.h>
#include <glass/signal.h>
#include <glass/wait.h>
#include "internal.h"

static int oom_victims;         /* killed mms not freed yet */
static DECLARE_WAIT_QUEUE_HEAD(oom_victims_wait);

/* Pages an mm holds, the measure a victim is chosen by. */
static unsigned long oom_badness(struct mm_struct *mm)
{
	return mm->rss + mm->nr_pgtables;
}

/* May t's mm be taken away to free memory? */
static bool oom_killable(struct task_struct *t, struct mm_struct *init_mm)
{
	return t->mm && !is_kthread(t) && t->tgid != 1 && t->mm != init_mm &&
	       !t->exit_state && !(t->flags & PF_EXITING);
}

/* The task whose mm holds the most memory, or NULL. */
static struct task_struct *select_bad_process(void)
{
	struct task_struct *init = find_task_by_pid(1), *t, *chosen = NULL;
	struct mm_struct *init_mm = init ? init->mm : NULL;
	unsigned long points, chosen_points = 0;

	list_for_each_entry(t, &task_list, tasks) {
		if (!oom_killable(t, init_mm))
			continue;
		points = oom_badness(t->mm);
		if (!chosen || points > chosen_points) {
			chosen = t;
			chosen_points = points;
		}
	}
	return chosen;
}

struct rss_count {
	unsigned long anon, file;
};

static int count_rss(struct mm_struct *mm, unsigned long addr, u64 *pte, void *arg)
{
	struct rss_count *c = arg;

	if (*pte & _PAGE_PRESENT) {
		if (pte_page(*pte)->mapping)
			c->file++;
		else
			c->anon++;
	}
	return 0;
}

#define PAGES_KB(n) ((n) << (PAGE_SHIFT - 10))

/* Kill the victim's mm: every task on it gets SIGKILL. Linux's report. */
static void oom_kill_process(struct task_struct *victim)
{
	struct mm_struct *mm = victim->mm;
	struct rss_count rss = { 0, 0 };
	struct task_struct *t;

	walk_ptes(mm, 0, TASK_SIZE, count_rss, &rss);
	pr_err("oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/,task=%s,pid=%d,uid=0\n",
	       victim->comm, victim->tgid);
	pr_err("Out of memory: Killed process %d (%s) total-vm:%lukB, anon-rss:%lukB, file-rss:%lukB, shmem-rss:0kB, UID:0 pgtables:%lukB oom_score_adj:0\n",
	       victim->tgid, victim->comm, PAGES_KB(mm->total_vm), PAGES_KB(rss.anon),
	       PAGES_KB(rss.file), PAGES_KB(mm->nr_pgtables));
	mm->oom_victim = true;
	oom_victims++;
	list_for_each_entry(t, &task_list, tasks)
		if (t->mm == mm && !t->exit_state)
			send_sig(SIGKILL, t, 1);
}

/* The last mmput of a victim's mm: its memory is back. */
void exit_oom_victim(void)
{
	oom_victims--;
	wake_up(&oom_victims_wait);
}

/*
 * A guest page fault of current found no free frame (entry.c). Choose and
 * kill a victim unless one is still on its way out, then wait until it
 * has freed its mm; returning lets the guest retry the access. With
 * nothing to kill, current itself gets SIGKILL (Linux's VM_FAULT_OOM).
 */
void pagefault_out_of_memory(void)
{
	if (!oom_victims) {
		struct task_struct *victim = select_bad_process();

		pr_warn("%s invoked oom-killer: order=0, oom_score_adj=0\n", current->comm);
		if (!victim) {
			pr_err("Out of memory and no killable processes: killing %s[%d], which faulted\n",
			       current->comm, current->tgid);
			force_sig(SIGKILL);
			return;
		}
		oom_kill_process(victim);
	}
	wait_event_interruptible(oom_victims_wait, !oom_victims);
}

/*
 * ps from the monitor thread: the task list read while the CPU thread may
 * be changing it, without a lock (DESIGN.md rule 4). So it is a snapshot
 * with caveats, which the output's last line states when they bite:
 *  - every pointer is checked before it is followed (tasks and mms live in
 *    physmem, init_task and wait-channel names in glass's image), so a
 *    task freed under the walk yields stale fields, never a fault;
 *  - a task unlinked under the walk points to itself: the walk stops;
 *  - the walk is bounded, so a list broken mid-update cannot loop.
 * Fields are copied with bounds (comm 16 bytes, wchan 24, printable only).
 */
#include <glass/init.h>
#include <glass/layout.h>
#include <glass/mm.h>
#include <glass/sched.h>
#include "internal.h"

#define PS_MAX_TASKS 4200       /* above max_tasks' bound (4096) */

extern char __executable_start[], _end[];     /* from the linker */

static __monitor_text bool in_image(const void *p, size_t size)
{
	uintptr_t a = (uintptr_t)p;

	return a >= (uintptr_t)__executable_start && a <= (uintptr_t)_end - size;
}

/* Can a kernel object of size bytes at p be read without faulting? */
static __monitor_text bool kobj_ok(const void *p, size_t size)
{
	uintptr_t a = (uintptr_t)p;

	if (a & 7)
		return false;
	if (a >= PHYSMEM_BASE && a <= PHYSMEM_BASE + boot.mem - size)
		return true;
	return in_image(p, size);
}

static __monitor_text char state_char(const struct task_struct *t)
{
	int exit_state = __atomic_load_n(&t->exit_state, __ATOMIC_RELAXED);
	long state = __atomic_load_n(&t->state, __ATOMIC_RELAXED);

	if (exit_state == EXIT_ZOMBIE)
		return 'Z';
	if (exit_state == EXIT_DEAD)
		return 'X';
	switch (state) {
	case TASK_RUNNING:
		return 'R';
	case TASK_INTERRUPTIBLE:
		return 'S';
	case TASK_UNINTERRUPTIBLE:
		return 'D';
	case TASK_STOPPED:
		return 'T';
	}
	return '?';
}

static __monitor_text void put_task(struct cmd_out *out, const struct task_struct *t)
{
	const struct task_struct *parent = t->real_parent;
	const struct mm_struct *mm = t->mm;
	const char *wchan = t->wchan;
	char comm[TASK_COMM_LEN];

	for (int i = 0; i < TASK_COMM_LEN; i++)
		comm[i] = t->comm[i];
	cmd_putu(out, (u32)t->pid, 5);
	cmd_putc(out, ' ');
	cmd_putu(out, kobj_ok(parent, sizeof(*parent)) ? (u32)parent->tgid : 0, 5);
	cmd_putc(out, ' ');
	cmd_putc(out, state_char(t));
	cmd_putc(out, ' ');
	cmd_putsn(out, wchan && in_image(wchan, 1) && state_char(t) != 'R' ? wchan : "-",
		  24, 18);
	cmd_putc(out, ' ');
	if (mm && kobj_ok(mm, sizeof(*mm)) && mm->host.pid > 0)
		cmd_putu(out, (u32)mm->host.pid, 7);
	else
		cmd_puts(out, "      -");
	cmd_putc(out, ' ');
	cmd_putsn(out, comm, TASK_COMM_LEN, 0);
	if (is_kthread(t))
		cmd_puts(out, " [kthread]");
	cmd_putc(out, '\n');
}

void __monitor_text cmd_ps(struct cmd_out *out, const char *args)
{
	const struct list_head *pos = __atomic_load_n(&task_list.next, __ATOMIC_ACQUIRE);
	int n = 0;

	cmd_puts(out, "  PID  PPID S WCHAN              HOSTPID COMMAND\n");
	while (pos != &task_list) {
		/* list_entry() in integers: pos may be wild. */
		const struct task_struct *t = (const void *)((uintptr_t)pos -
			offsetof(struct task_struct, tasks));
		const struct list_head *next;

		if (n++ >= PS_MAX_TASKS || !kobj_ok(pos, sizeof(*pos)) ||
		    !kobj_ok(t, sizeof(*t))) {
			cmd_puts(out, "(the task list changed under this snapshot: cut short)\n");
			return;
		}
		put_task(out, t);
		next = __atomic_load_n(&pos->next, __ATOMIC_ACQUIRE);
		if (next == pos) {
			cmd_puts(out, "(a task exited under this snapshot: cut short)\n");
			return;
		}
		pos = next;
	}
}

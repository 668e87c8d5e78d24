/*
 * ps, stack and bt from the monitor thread: the task list as a snapshot
 * read without a lock (kernel/debug/snapshot.c says what that promises);
 * the output's last line says so when the list changed under the walk.
 * Fields are copied with bounds (comm 16 bytes, wchan 24, printable only).
 */
#include <glass/debug.h>
#include <glass/init.h>
#include <glass/layout.h>
#include <glass/mm.h>
#include <glass/sched.h>
#include "internal.h"

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
	cmd_putc(out, task_state_char(t));
	cmd_putc(out, ' ');
	cmd_putsn(out, wchan && kimage_ok(wchan, 1) && task_state_char(t) != 'R' ? wchan : "-",
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
	if (task_tracer_pid(t)) {
		cmd_puts(out, " [traced by ");
		cmd_putu(out, (u32)task_tracer_pid(t), 0);
		cmd_putc(out, ']');
	}
	cmd_putc(out, '\n');
}

void __monitor_text cmd_ps(struct cmd_out *out, const char *args)
{
	const struct task_struct *t;
	bool cut;

	cmd_puts(out, "  PID  PPID S WCHAN              HOSTPID COMMAND\n");
	for (unsigned i = 0; (t = snapshot_task(i, &cut)); i++)
		put_task(out, t);
	if (cut)
		cmd_puts(out, "(the task list changed under this snapshot: cut short)\n");
}

/* stack PID (UML's) and bt PID|all (ours): kernel stacks, symbolized. */
static __monitor_text void put_stack(struct cmd_out *out, const struct task_struct *t)
{
	char comm[TASK_COMM_LEN];

	for (int i = 0; i < TASK_COMM_LEN; i++)
		comm[i] = t->comm[i];
	cmd_puts(out, "task ");
	cmd_putu(out, (u32)t->pid, 0);
	cmd_puts(out, " (");
	cmd_putsn(out, comm, TASK_COMM_LEN, 0);
	cmd_puts(out, ") state ");
	cmd_putc(out, task_state_char(t));
	cmd_putc(out, '\n');
	put_task_stack(out, t);
}

static __monitor_text bool parse_pid(const char *s, long *pid)
{
	long v = 0;

	if (*s < '0' || *s > '9')
		return false;
	for (; *s >= '0' && *s <= '9'; s++)
		if ((v = v * 10 + (*s - '0')) > IDLE_TID)
			return false;
	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	*pid = v;
	return !*s;
}

static __monitor_text const struct task_struct *find_pid(long pid)
{
	return snapshot_find(pid ? pid : IDLE_TID);
}

void __monitor_text cmd_stack(struct cmd_out *out, const char *args)
{
	const struct task_struct *t;
	long pid;

	if (!*args) {
		cmd_error(out, "Please specify a pid");
		return;
	}
	if (!parse_pid(args, &pid) || !(t = find_pid(pid))) {
		cmd_error(out, "Couldn't find that pid");
		return;
	}
	put_stack(out, t);
}

void __monitor_text cmd_bt(struct cmd_out *out, const char *args)
{
	const struct task_struct *t;
	bool cut;
	long pid;

	if (args[0] == 'a' && args[1] == 'l' && args[2] == 'l') {
		for (unsigned i = 0; (t = snapshot_task(i, &cut)); i++) {
			put_stack(out, t);
			cmd_putc(out, '\n');
		}
		if (cut)
			cmd_puts(out, "(the task list changed under this snapshot: cut short)\n");
		return;
	}
	if (!*args || !parse_pid(args, &pid)) {
		cmd_error(out, "usage: bt PID|all");
		return;
	}
	if (!(t = find_pid(pid))) {
		cmd_error(out, "Couldn't find that pid");
		return;
	}
	put_stack(out, t);
}

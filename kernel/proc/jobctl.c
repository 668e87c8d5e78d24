/*
 * Process groups and sessions: setpgid, getpgid, getpgrp, setsid, getsid,
 * and the orphaned-group test job control needs. A process's group and
 * session are signal->pgrp and signal->session (ids of their leaders);
 * a process is a group leader when its tgid is its pgrp. Task context.
 */
#include <glass/proc.h>
#include <glass/sched.h>
#include <glass/syscalls.h>
#include <glass/tty.h>

/* Every live process (thread group leader, not a kernel thread). */
#define for_each_process(p)                                             \
	list_for_each_entry(p, &task_list, tasks)                       \
		if (p != p->group_leader || is_kthread(p) || !p->signal || \
		    p->exit_state == EXIT_DEAD)                         \
			continue;                                       \
		else

static struct task_struct *find_process(pid_t pid)
{
	struct task_struct *p;

	for_each_process(p)
		if (p->tgid == pid)
			return p;
	return NULL;
}

bool pgrp_in_session(pid_t pgrp, pid_t session)
{
	struct task_struct *p;

	for_each_process(p)
		if (p->signal->pgrp == pgrp && p->signal->session == session)
			return true;
	return false;
}

bool session_alive(pid_t session)
{
	struct task_struct *p;

	if (session <= 0)
		return false;
	for_each_process(p)
		if (p->signal->session == session && !p->exit_state)
			return true;
	return false;
}

/*
 * POSIX: a group is orphaned when no member has a parent in a different
 * group of the same session (so no shell is left to continue it). Parents
 * that are init count as outside, as on Linux.
 */
static bool will_become_orphaned_pgrp(pid_t pgrp, struct task_struct *ignored)
{
	struct task_struct *p;

	for_each_process(p) {
		struct task_struct *parent = p->real_parent;

		if (p->signal->pgrp != pgrp || p == ignored || p->exit_state)
			continue;
		if (!parent || parent->tgid == 1 || is_kthread(parent) || !parent->signal)
			continue;
		if (parent->signal->pgrp != pgrp &&
		    parent->signal->session == p->signal->session)
			return false;
	}
	return true;
}

bool is_current_pgrp_orphaned(void)
{
	return will_become_orphaned_pgrp(current->signal->pgrp, NULL);
}

/* Is there a process (other than current) whose group is pid? */
static bool pgrp_exists(pid_t pgrp)
{
	struct task_struct *p;

	for_each_process(p)
		if (p->signal->pgrp == pgrp)
			return true;
	return false;
}

/*
 * setpgid: pid (0: self) must be the caller or a child of it in the same
 * session that has not exec'd; a session leader cannot move; the group
 * joined must exist in the caller's session unless it is the target's own.
 */
SYSCALL_DEFINE2(setpgid, pid_t, pid, pid_t, pgid)
{
	struct task_struct *group_leader = current->group_leader, *p;

	if (!pid)
		pid = group_leader->tgid;
	if (!pgid)
		pgid = pid;
	if (pgid < 0)
		return -EINVAL;
	p = find_process(pid);
	if (!p || p->exit_state)
		return -ESRCH;
	if (p->real_parent && p->real_parent->tgid == group_leader->tgid && p != group_leader) {
		if (p->signal->session != current->signal->session)
			return -EPERM;
		if (!(p->flags & PF_FORKNOEXEC))
			return -EACCES;
	} else if (p != group_leader) {
		return -ESRCH;
	}
	if (p->signal->session == p->tgid)
		return -EPERM;
	if (pgid != pid && !pgrp_in_session(pgid, current->signal->session))
		return -EPERM;
	p->signal->pgrp = pgid;
	return 0;
}

SYSCALL_DEFINE1(getpgid, pid_t, pid)
{
	struct task_struct *p = pid ? find_process(pid) : current->group_leader;

	if (!p)
		return -ESRCH;
	return p->signal->pgrp;
}

SYSCALL_DEFINE0(getpgrp)
{
	return current->signal->pgrp;
}

SYSCALL_DEFINE1(getsid, pid_t, pid)
{
	struct task_struct *p = pid ? find_process(pid) : current->group_leader;

	if (!p)
		return -ESRCH;
	return p->signal->session;
}

/* A new session and group led by the caller, without a controlling tty;
 * EPERM when a group with the caller's id already exists. */
SYSCALL_DEFINE0(setsid)
{
	pid_t sid = current->tgid;

	if (pgrp_exists(sid))
		return -EPERM;
	current->signal->session = sid;
	current->signal->pgrp = sid;
	current->signal->tty = NULL;
	return sid;
}

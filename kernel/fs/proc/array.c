/* /proc/PID text files: stat, statm, status, cmdline, environ, comm, maps. */
#include <glass/debug.h>
#include <glass/mm.h>
#include <glass/tty.h>
#include <uapi/param.h>
#include "internal.h"

void pb_printf(struct pbuf *pb, const char *fmt, ...)
{
	va_list ap;

	if (pb->len + 1 >= pb->size)
		return;
	va_start(ap, fmt);
	pb->len += vscnprintf(pb->buf + pb->len, pb->size - pb->len, fmt, ap);
	va_end(ap);
}

static const char *state_name(char c)
{
	switch (c) {
	case 'R': return "R (running)";
	case 'S': return "S (sleeping)";
	case 'D': return "D (disk sleep)";
	case 'T': return "T (stopped)";
	case 't': return "t (tracing stop)";
	case 'Z': return "Z (zombie)";
	}
	return "X (dead)";
}

int access_process_vm(struct task_struct *t, unsigned long addr, void *buf, int len)
{
	return t->mm ? access_remote_vm(t->mm, addr, buf, len, 0) : 0;
}

static unsigned long task_vsize(struct task_struct *t)
{
	return t->mm ? t->mm->total_vm * PAGE_SIZE : 0;
}

static int nr_threads(struct task_struct *t)
{
	struct task_struct *p;
	int n = 0;

	list_for_each_entry(p, &task_list, tasks)
		if (p->tgid == t->tgid && !p->exit_state)
			n++;
	return n ? n : 1;
}

static pid_t task_ppid(struct task_struct *t)
{
	struct task_struct *p = t->group_leader->real_parent;

	return p ? p->tgid : 0;
}

int proc_pid_stat_show(struct task_struct *t, char *buf, size_t size)
{
	struct pbuf pb = { buf, size, 0 };
	struct signal_struct *sig = t->signal;
	struct mm_struct *mm = t->mm;
	int tty_nr = 0, tpgid = -1;

	if (sig && sig->tty) {
		tty_nr = (int)tty_devnum(sig->tty);
		tpgid = tty_get_pgrp(sig->tty);
	}
	/* Fields 1-13: pid comm state ppid pgrp session tty_nr tpgid flags
	 * minflt cminflt majflt cmajflt. */
	pb_printf(&pb, "%d (%s) %c %d %d %d %d %d %u %lu 0 0 0 ",
		  t->pid, t->comm, task_state_char(t), task_ppid(t),
		  sig ? sig->pgrp : 0, sig ? sig->session : 0, tty_nr, tpgid,
		  t->flags, t->min_flt);
	/* 14-22: utime stime cutime cstime priority nice num_threads
	 * itrealvalue starttime. */
	pb_printf(&pb, "%llu %llu %llu %llu 20 0 %d 0 %llu ",
		  (unsigned long long)(t->utime_ns / (NSEC_PER_SEC / USER_HZ)),
		  (unsigned long long)(t->stime_ns / (NSEC_PER_SEC / USER_HZ)),
		  (unsigned long long)(sig ? sig->cutime_ns / (NSEC_PER_SEC / USER_HZ) : 0),
		  (unsigned long long)(sig ? sig->cstime_ns / (NSEC_PER_SEC / USER_HZ) : 0),
		  nr_threads(t),
		  (unsigned long long)(t->start_time_ns / (NSEC_PER_SEC / USER_HZ)));
	/* 23-30: vsize rss rsslim startcode endcode startstack kstkesp kstkeip. */
	pb_printf(&pb, "%lu %lu %lu %lu %lu %lu %llu %llu ",
		  task_vsize(t), mm ? mm->rss : 0, ULONG_MAX,
		  mm ? mm->start_code : 0, mm ? mm->end_code : 0,
		  mm ? mm->start_stack : 0, (unsigned long long)t->regs.sp,
		  (unsigned long long)t->regs.ip);
	/* 31-44: signal blocked sigignore sigcatch wchan nswap cnswap
	 * exit_signal processor rt_priority policy blkio guest_time cguest_time. */
	pb_printf(&pb, "%lu %lu 0 0 0 0 0 %d 0 0 0 0 0 0 ",
		  t->pending.signal.sig, t->blocked.sig, t->exit_signal);
	/* 45-52: start_data end_data start_brk arg_start arg_end env_start
	 * env_end exit_code. */
	pb_printf(&pb, "%lu %lu %lu %lu %lu %lu %lu %d\n",
		  mm ? mm->start_data : 0, mm ? mm->end_data : 0,
		  mm ? mm->start_brk : 0, mm ? mm->arg_start : 0, mm ? mm->arg_end : 0,
		  mm ? mm->env_start : 0, mm ? mm->env_end : 0,
		  t->exit_state ? t->exit_code : 0);
	return pb.len;
}

int proc_pid_statm_show(struct task_struct *t, char *buf, size_t size)
{
	struct mm_struct *mm = t->mm;

	return scnprintf(buf, size, "%lu %lu 0 %lu 0 %lu 0\n",
			 mm ? mm->total_vm : 0, mm ? mm->rss : 0,
			 mm ? (mm->end_code - mm->start_code) / PAGE_SIZE : 0,
			 mm ? (mm->brk - mm->start_brk) / PAGE_SIZE : 0);
}

static unsigned long sig_mask_of(struct task_struct *t, void *handler_kind)
{
	unsigned long m = 0;

	if (!t->sighand)
		return 0;
	for (int s = 1; s < _NSIG; s++) {
		void *h = t->sighand->action[s - 1].handler;
		bool ign = h == SIG_IGN, dfl = h == SIG_DFL;
		if ((handler_kind == SIG_IGN && ign) || (handler_kind == NULL && !ign && !dfl))
			m |= sigmask(s);
	}
	return m;
}

int proc_pid_status_show(struct task_struct *t, char *buf, size_t size)
{
	struct pbuf pb = { buf, size, 0 };
	struct mm_struct *mm = t->mm;

	pb_printf(&pb, "Name:\t%s\nUmask:\t%04o\nState:\t%s\nTgid:\t%d\nNgid:\t0\nPid:\t%d\n"
		  "PPid:\t%d\nTracerPid:\t%d\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n"
		  "FDSize:\t%u\nGroups:\t\n",
		  t->comm, t->fs ? t->fs->umask : 022, state_name(task_state_char(t)),
		  t->tgid, t->pid, task_ppid(t), t->pt.tracer ? t->pt.tracer->pid : 0,
		  t->files ? t->files->max_fds : 0);
	if (mm)
		pb_printf(&pb, "VmPeak:\t%8lu kB\nVmSize:\t%8lu kB\nVmLck:\t%8d kB\n"
			  "VmRSS:\t%8lu kB\nVmData:\t%8lu kB\nVmStk:\t%8lu kB\n"
			  "VmExe:\t%8lu kB\n",
			  mm->total_vm * 4, mm->total_vm * 4, 0, mm->rss * 4,
			  (mm->brk - mm->start_brk) / 1024, 128UL,
			  (mm->end_code - mm->start_code) / 1024);
	pb_printf(&pb, "Threads:\t%d\nSigQ:\t0/0\nSigPnd:\t%016lx\nShdPnd:\t%016lx\n"
		  "SigBlk:\t%016lx\nSigIgn:\t%016lx\nSigCgt:\t%016lx\n"
		  "voluntary_ctxt_switches:\t%lu\nnonvoluntary_ctxt_switches:\t%lu\n",
		  nr_threads(t), t->pending.signal.sig,
		  t->signal ? t->signal->shared_pending.signal.sig : 0, t->blocked.sig,
		  sig_mask_of(t, SIG_IGN), sig_mask_of(t, NULL), t->nvcsw, t->nivcsw);
	return pb.len;
}

static int show_user_range(struct task_struct *t, unsigned long start,
			   unsigned long end, char *buf, size_t size)
{
	int n;

	if (!t->mm || end <= start)
		return 0;
	n = access_process_vm(t, start, buf, min_t(unsigned long, end - start, size - 1));
	return n;
}

int proc_pid_cmdline_show(struct task_struct *t, char *buf, size_t size)
{
	return t->mm ? show_user_range(t, t->mm->arg_start, t->mm->arg_end, buf, size) : 0;
}

int proc_pid_environ_show(struct task_struct *t, char *buf, size_t size)
{
	return t->mm ? show_user_range(t, t->mm->env_start, t->mm->env_end, buf, size) : 0;
}

int proc_pid_comm_show(struct task_struct *t, char *buf, size_t size)
{
	return scnprintf(buf, size, "%s\n", t->comm);
}

/* Linux's layout: the name (if any) starts at column 73. */
int proc_pid_maps_show(struct task_struct *t, char *buf, size_t size)
{
	struct pbuf pb = { buf, size, 0 };
	struct vm_area_struct *v;
	char path[256], head[96];

	if (!t->mm)
		return 0;
	list_for_each_entry(v, &t->mm->mmap, vm_list) {
		const char *name = "";
		unsigned long ino = 0;
		dev_t dev = 0;

		if (v->vm_file) {
			name = d_path(&v->vm_file->f_path, path, sizeof(path));
			if (IS_ERR(name))
				name = "";
			ino = v->vm_file->f_inode->i_ino;
			dev = v->vm_file->f_inode->i_sb->s_dev;
		} else if (v->vm_start <= t->mm->brk && v->vm_end >= t->mm->start_brk &&
			   t->mm->brk > t->mm->start_brk) {
			name = "[heap]";
		} else if (v->vm_flags & VM_GROWSDOWN) {
			name = "[stack]";
		} else if (v->vm_flags & VM_SYSCALL_TRAMP) {
			name = "[syscalls]";
		}
		scnprintf(head, sizeof(head), "%08lx-%08lx %c%c%c%c %08lx %02x:%02x %lu ",
			  v->vm_start, v->vm_end, v->vm_flags & VM_READ ? 'r' : '-',
			  v->vm_flags & VM_WRITE ? 'w' : '-', v->vm_flags & VM_EXEC ? 'x' : '-',
			  v->vm_flags & VM_SHARED ? 's' : 'p',
			  v->vm_file ? v->vm_pgoff << PAGE_SHIFT : 0, MAJOR(dev), MINOR(dev), ino);
		pb_printf(&pb, *name ? "%-73s%s\n" : "%s%s\n", head, name);
	}
	return pb.len;
}

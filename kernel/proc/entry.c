/*
 * The boundary between guest and kernel: run the current task's guest
 * until it traps, then handle the trap (syscall, fault, tick, signal).
 * Task context on the CPU thread.
 */
#include <glass/debug.h>
#include <glass/sched.h>
#include <glass/mm.h>
#include <glass/os.h>
#include <glass/syscalls.h>
#include <glass/syscall_patch.h>
#include <glass/proc.h>
#include <glass/profile.h>
#include <glass/trace.h>

unsigned long syscall_count;
unsigned long fault_count;
unsigned long tick_count;

static long sys_ni(unsigned long nr)
{
	static unsigned long logged[(NR_syscalls + 63) / 64];
	static bool logged_unknown;     /* numbers past the table: the first only */

	if (nr < NR_syscalls && !(logged[nr / 64] & (1UL << (nr % 64)))) {
		logged[nr / 64] |= 1UL << (nr % 64);
		pr_notice("%s[%d]: unimplemented syscall %s (%lu) returns ENOSYS\n",
			  current->comm, current->pid,
			  syscall_names[nr] ? syscall_names[nr] : "?", nr);
	} else if (nr >= NR_syscalls && !logged_unknown) {
		logged_unknown = true;
		pr_notice("%s[%d]: unknown syscall %lu returns ENOSYS\n",
			  current->comm, current->pid, nr);
	}
	return -ENOSYS;
}

static void do_syscall(struct pt_regs *regs)
{
	unsigned long nr;
	long ret;

	syscall_count++;
	if (unlikely(inject_syscall_pid) && current->pid == inject_syscall_pid)
		inject_syscall_fault();
	/* The tracer may change the number and arguments, or skip the call. */
	if (unlikely(current->pt.flags & PT_SYSCALL) && ptrace_report_syscall_entry(regs))
		goto out;
	nr = regs->orig_ax;
	trace_syscall_enter(regs);
	if (nr < NR_syscalls && syscall_table[nr])
		ret = syscall_table[nr](regs->di, regs->si, regs->dx, regs->r10,
					regs->r8, regs->r9);
	else
		ret = sys_ni(nr);
	/* Syscalls that replace the registers (execve, rt_sigreturn) say so. */
	if (current->regs_replaced)
		current->regs_replaced = false;
	else
		regs->ax = ret;
	trace_syscall_exit(regs);
out:
	if (unlikely(current->pt.flags & (PT_SYSCALL | PT_SINGLESTEP)))
		ptrace_report_syscall_exit(regs);
}

/* A guest page fault: resolved, or a signal (SIGSEGV, SIGBUS) or the OOM
 * killer. Its hand-off is one host round trip; resolving it may flush a
 * full batch of mapping changes in more. */
static void do_page_fault(struct guest_stop *stop)
{
	unsigned long round_trips = os_round_trips;
	int si_code = SEGV_MAPERR;
	int flags = FAULT_FLAG_USER;
	int err;

	fault_count++;
	current->min_flt++;
	/* The kind of access comes from the host's page-fault error code:
	 * the VMA decides whether it is allowed (an exec of a writable,
	 * non-executable page must not pass as a write). */
	if (stop->error_code & X86_PF_WRITE)
		flags |= FAULT_FLAG_WRITE;
	else if (stop->error_code & X86_PF_INSTR)
		flags |= FAULT_FLAG_EXEC;
	err = handle_mm_fault(current->mm, stop->addr, flags, &si_code);
	/* Before the OOM killer sleeps, so the event keeps its place. */
	trace_page_fault(stop->addr, current->regs.ip, flags, err, si_code,
			 os_round_trips - round_trips + 1);
	if (err == -ENOMEM) {
		pagefault_out_of_memory();
	} else if (err == -EIO || err == -ENXIO) {
		/* A file page wholly beyond the end of its file. */
		force_sig_fault(SIGBUS, BUS_ADRERR, stop->addr);
	} else if (err < 0) {
		/* As Linux's show_unhandled_signals: say where. */
		pr_info("%s[%d]: segfault at %#lx ip %#llx sp %#llx (%s)\n", current->comm,
			current->pid, stop->addr, (unsigned long long)current->regs.ip,
			(unsigned long long)current->regs.sp,
			si_code == SEGV_MAPERR ? "no mapping" : "access");
		force_sig_fault(SIGSEGV, si_code, stop->addr);
	}
}

static void do_guest_signal(struct guest_stop *stop)
{
	if (syscall_patch_fixup(stop, &current->regs)) {
		do_syscall(&current->regs);
		return;
	}
	syscall_patch_rewind(&current->regs);
	switch (stop->signo) {
	case SIGSEGV:
		if (stop->code == SEGV_MAPERR || stop->code == SEGV_ACCERR) {
			do_page_fault(stop);
			return;
		}
		/* General protection (si_code SI_KERNEL): no address. */
		force_sig_fault(SIGSEGV, SI_KERNEL, 0);
		return;
	case SIGBUS:
	case SIGILL:
	case SIGFPE:
	case SIGTRAP:
		force_sig_fault(stop->signo, stop->code, stop->addr);
		return;
	default:
		/* The stub reports only the signals above (it blocks the
		 * rest): anything else is a stub bug, and kills. */
		force_sig(stop->signo);
	}
}

/* Save the FP registers of the task owning mm's host process into it. */
void save_fpstate(struct mm_struct *mm)
{
	struct task_struct *owner = mm->host.regs_owner;

	if (!owner || owner->fpstate_valid)
		return;
	if (!owner->fpstate)
		owner->fpstate = kzalloc(os_xstate_size(), GFP_KERNEL);
	if (owner->fpstate && !os_guest_get_fpregs(mm->host.pid, owner->fpstate,
						   os_xstate_size()))
		owner->fpstate_valid = true;
}

/*
 * Threads of one mm share its host process: before current runs there,
 * park the previous thread's FP registers and load current's.
 */
static void switch_fpstate(struct mm_struct *mm)
{
	save_fpstate(mm);
	if (current->fpstate_valid &&
	    !os_guest_set_fpregs(mm->host.pid, current->fpstate, os_xstate_size()))
		current->fpstate_valid = false;
	mm->host.regs_owner = current;
}

static u64 next_irq_poll_ns;

/* Interrupts while guests keep the CPU busy: at most once a millisecond. */
static void poll_interrupts(u64 now)
{
	if (now < next_irq_poll_ns)
		return;
	next_irq_poll_ns = now + NSEC_PER_MSEC;
	os_poll_irqs();
	run_timers();
}

/*
 * The return-to-user loop: signals, rescheduling, the TLB flush, then one
 * host round trip to run the guest. Never returns; exit leaves through
 * do_exit().
 */
__noreturn void ret_to_user(void)
{
	struct guest_stop stop;

	for (;;) {
		struct mm_struct *mm;
		u64 now;

		cpu_progress++;
		/* One clock read for the kernel side of the round trip: its
		 * time is charged to current, interrupts are polled, and a
		 * spent slice or a wakeup switches tasks here. */
		now = ktime_get_ns();
		account_task_time(now, false);
		poll_interrupts(now);
		if (current->need_resched)
			schedule();
		do_signal();
		mm = current->mm;
		if (host_flush(mm)) {
			pr_err("%s[%d]: host address space update failed\n",
			       current->comm, current->pid);
			do_group_exit(SIGKILL);
		}
		if (mm->host.regs_owner != current)
			switch_fpstate(mm);
		profile_catch_up();
		os_guest_run(mm->host.pid, &current->regs, &stop);
		profile_guest_stopped(&current->regs);
		account_task_time(ktime_get_ns(), true);
		if (stop.kind == GUEST_SYSCALL || stop.kind == GUEST_SIGNAL ||
		    stop.kind == GUEST_TICK)
			host_release(mm);       /* its batch is confirmed */
		switch (stop.kind) {
		case GUEST_SYSCALL:
			if (stop.code == STUB_SYSCALL_PATCHED)
				syscall_entries++;
			else
				syscall_patch_trapped(&current->regs);
			do_syscall(&current->regs);
			break;
		case GUEST_SIGNAL:
			do_guest_signal(&stop);
			break;
		case GUEST_TICK:
			syscall_patch_rewind(&current->regs);
			tick_count++;
			current->need_resched = true;
			break;
		case GUEST_GONE:
			pr_err("%s[%d]: host process of its address space died\n",
			       current->comm, current->pid);
			do_group_exit(SIGKILL);
		case GUEST_MM_FAILED:
			pr_err("%s[%d]: host address space update failed: %d\n",
			       current->comm, current->pid, stop.code);
			do_group_exit(SIGKILL);
		case GUEST_CORRUPT:
			pr_err("%s[%d]: garbage in its stub's hand-off page: killed\n",
			       current->comm, current->pid);
			do_group_exit(SIGKILL);
		}
	}
}

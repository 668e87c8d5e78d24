/*
 * Fakes for the signal-frame and line-discipline unit tests (beside
 * kmalloc_fakes.c and printk_fakes.c): uaccess as memcpy on host pointers (a range can be made to
 * fault), one `current` task with an mm whose "live" FP registers are a
 * buffer, FP size 832 (x87+SSE+AVX), and recorders for kill_pgrp,
 * wake_up, force_sig and set_current_blocked. Compiled with host headers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel_in_host.h"
#include <glass/signal.h>

#include "sig_fakes.h"

/* ---- user memory: host pointers; [fault_lo, fault_hi) faults ---- */
unsigned long fake_fault_lo, fake_fault_hi;

static bool faults(unsigned long a, unsigned long n)
{
	return !a || (a < fake_fault_hi && a + n > fake_fault_lo);
}

unsigned long copy_to_user(void __user *to, const void *from, unsigned long n)
{
	if (faults((unsigned long)to, n))
		return n;
	memcpy(to, from, n);
	return 0;
}

unsigned long copy_from_user(void *to, const void __user *from, unsigned long n)
{
	if (faults((unsigned long)from, n))
		return n;
	memcpy(to, from, n);
	return 0;
}

/* ---- current, its mm and FP state ---- */
static struct task_struct fake_task;
static struct mm_struct fake_mm;
struct task_struct *current = &fake_task;
unsigned char fake_live_fp[FAKE_XSTATE_SIZE];

unsigned long os_xstate_size(void)
{
	return FAKE_XSTATE_SIZE;
}

/* As entry.c's: the owner's live registers into its fpstate. */
void save_fpstate(struct mm_struct *mm)
{
	struct task_struct *owner = mm->host.regs_owner;

	if (!owner || owner->fpstate_valid)
		return;
	if (!owner->fpstate)
		owner->fpstate = calloc(1, FAKE_XSTATE_SIZE);
	memcpy(owner->fpstate, fake_live_fp, FAKE_XSTATE_SIZE);
	owner->fpstate_valid = true;
}

void fake_reset_current(void)
{
	free(fake_task.fpstate);
	memset(&fake_task, 0, sizeof(fake_task));
	memset(&fake_mm, 0, sizeof(fake_mm));
	fake_task.pid = fake_task.tgid = 42;
	fake_task.mm = &fake_mm;
	fake_mm.host.regs_owner = &fake_task;   /* registers live in the host */
	fake_fault_lo = fake_fault_hi = 0;
	fake_force_sig_count = 0;
	fake_last_force_sig = 0;
	fake_kill_count = 0;
	fake_wake_count = 0;
}

/* ---- signal.c pieces signal_frame.c calls ---- */
int fake_force_sig_count, fake_last_force_sig;

void force_sig(int sig)
{
	fake_force_sig_count++;
	fake_last_force_sig = sig;
}

void set_current_blocked(const kernel_sigset_t *set)
{
	current->blocked.sig = set->sig & ~(sigmask(SIGKILL) | sigmask(SIGSTOP));
}

long do_no_restart_syscall(struct restart_block *rb)
{
	return -EINTR;
}

/* ---- what n_tty.c calls ---- */
int fake_kill_count;
struct fake_kill fake_kills[64];
int fake_wake_count;

int kill_pgrp(pid_t pgrp, int sig, int priv)
{
	if (fake_kill_count < 64)
		fake_kills[fake_kill_count] = (struct fake_kill){ pgrp, sig, priv };
	fake_kill_count++;
	return 0;
}

void wake_up(wait_queue_head_t *wq)
{
	fake_wake_count++;
}

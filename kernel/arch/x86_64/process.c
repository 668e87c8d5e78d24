/* Kernel-task setup for the x86-64 context switch. */
#include <glass/sched.h>
#include <glass/layout.h>

/*
 * Lay out a new task's stack as __switch_to expects to find a switched-out
 * one: six callee-saved registers, then the return address.
 */
void arch_setup_kthread(struct task_struct *t)
{
	unsigned long *sp = (unsigned long *)((char *)t->stack + THREAD_SIZE);

	*--sp = 0;                              /* alignment slot */
	*--sp = (unsigned long)ret_from_kthread;
	for (int i = 0; i < 6; i++)
		*--sp = 0;                      /* rbp rbx r12-r15 */
	t->thread.sp = (unsigned long)sp;
}

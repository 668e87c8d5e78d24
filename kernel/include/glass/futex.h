/* Fast user-space mutexes (kernel/proc/futex.c). */
#ifndef GLASS_FUTEX_H
#define GLASS_FUTEX_H

struct mm_struct;

/* Wake up to n waiters on the private futex at addr in mm. */
int futex_wake_addr(struct mm_struct *mm, unsigned long addr, int n);

#endif

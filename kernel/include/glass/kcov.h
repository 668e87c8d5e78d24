/*
 * kcov (coverage/kcov.c): the program counters of kernel code run for a
 * task, into a buffer it maps, with Linux's ABI (uapi/kcov.h). Only a
 * KCOV=1 build has it.
 */
#ifndef GLASS_KCOV_H
#define GLASS_KCOV_H

struct task_struct;

#ifdef CONFIG_KCOV
/* The task ends: its trace stops (do_exit, CPU thread). */
void kcov_task_exit(struct task_struct *t);
#else
static inline void kcov_task_exit(struct task_struct *t) {}
#endif

#endif

/*
 * What to trace, parsed from `trace syscalls pid=3 follow filter=file,read`
 * (mconsole) or `trace=syscalls,faults,comm=sh` (the command line): pure
 * code (spec.c), unit-tested and fuzzed.
 */
#ifndef KERNEL_TRACE_SPEC_H
#define KERNEL_TRACE_SPEC_H

#include <glass/types.h>
#include <uapi/unistd.h>

#define TRACE_SPEC_COMM 16              /* TASK_COMM_LEN */

struct trace_spec {
	unsigned int sources;           /* TRACE_SYSCALLS | TRACE_FAULTS | TRACE_SCHED */
	int pid;                        /* pid=N: task N and its threads; 0: any */
	char comm[TRACE_SPEC_COMM];     /* comm=NAME; "": any */
	bool follow;                    /* and the children they fork from now on */
	bool filtered;                  /* filter=: only the syscalls in set */
	unsigned long set[(NR_syscalls + 63) / 64];
};

/* strace's -e trace=%CLASS sets (spec.c says which syscalls). */
#define TRACE_CLASS_FILE 0x1
#define TRACE_CLASS_PROCESS 0x2
#define TRACE_CLASS_MEMORY 0x4
#define TRACE_CLASS_SIGNAL 0x8
#define TRACE_CLASS_DESC 0x10
#define TRACE_CLASS_IPC 0x20

/*
 * Parse words separated by blanks or commas: the sources (syscalls,
 * faults, sched), pid=N, comm=NAME, follow, and filter=ITEM where ITEM
 * is a class or a syscall name; the words after a filter= that are no
 * keyword are more items (filter=file,process). 0, or -EINVAL with a
 * one-line message in err.
 */
int trace_spec_parse(const char *s, struct trace_spec *spec, char *err, size_t errlen);
/* Does spec take syscall nr? */
static inline bool trace_spec_wants(const struct trace_spec *spec, unsigned long nr)
{
	return !spec->filtered ||
	       (nr < NR_syscalls && (spec->set[nr / 64] & (1UL << (nr % 64))));
}
/* The classes of syscall nr (TRACE_CLASS_*). */
unsigned int trace_syscall_classes(unsigned int nr);

#endif

/*
 * Which /proc file about which pid a host tool opens: the paths strace and
 * gdb read about their tracee (/proc/N/task/T/mem, exe, status, maps,
 * comm, task/, ns/mnt, ns/pid), which glass-ptproxy answers for guest pids.
 * Pure (unit-tested, fuzzed).
 */
#ifndef PTPROXY_PROCPATH_H
#define PTPROXY_PROCPATH_H

#include <glass/types.h>

enum ptp_path_kind {
	PTP_PATH_OTHER,         /* not a tracee file: the tool opens it natively */
	PTP_PATH_MEM,
	PTP_PATH_EXE,
	PTP_PATH_STATUS,
	PTP_PATH_STAT,
	PTP_PATH_MAPS,
	PTP_PATH_COMM,
	PTP_PATH_TASKDIR,       /* /proc/N/task (a directory listing) */
	PTP_PATH_NS_MNT,
	PTP_PATH_NS_PID,
};

struct ptp_path {
	enum ptp_path_kind kind;
	int pid;                /* N */
	int tid;                /* T of /proc/N/task/T/..., else N */
};

/* Classify path (NUL-terminated, at most len bytes read): fills p and
 * returns p->kind. "/proc/self" and anything not below /proc/<digits>
 * are PTP_PATH_OTHER. */
enum ptp_path_kind ptp_parse_proc_path(const char *path, size_t len, struct ptp_path *p);

#endif

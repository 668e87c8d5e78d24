/* Resource limits (getrlimit, setrlimit, prlimit64): per process, in
 * signal_struct, as Linux's; the numbers and layout are the x86-64 ABI's. */
#ifndef GLASS_RESOURCE_H
#define GLASS_RESOURCE_H

#include <glass/types.h>

#define RLIMIT_CPU 0
#define RLIMIT_FSIZE 1
#define RLIMIT_DATA 2
#define RLIMIT_STACK 3
#define RLIMIT_CORE 4
#define RLIMIT_RSS 5
#define RLIMIT_NPROC 6
#define RLIMIT_NOFILE 7
#define RLIMIT_MEMLOCK 8
#define RLIMIT_AS 9
#define RLIMIT_LOCKS 10
#define RLIMIT_SIGPENDING 11
#define RLIMIT_MSGQUEUE 12
#define RLIMIT_NICE 13
#define RLIMIT_RTPRIO 14
#define RLIMIT_RTTIME 15
#define RLIM_NLIMITS 16
#define RLIM_INFINITY (~0UL)

#define _STK_LIM (8UL << 20)    /* RLIMIT_STACK's default soft limit */

struct rlimit64 {
	u64 rlim_cur, rlim_max;
};

/* Linux's INIT_RLIMITS: what pid 1 starts with. */
extern const struct rlimit64 init_rlimits[RLIM_NLIMITS];

#endif

/* PTRACE_GET_SYSCALL_INFO's record (linux/ptrace.h), which musl's
 * headers lack: for ministrace.c and t_ptrace.c. */
#ifndef GLASS_EXAMPLES_SYSCALL_INFO_H
#define GLASS_EXAMPLES_SYSCALL_INFO_H

#include <stdint.h>

#ifndef PTRACE_GET_SYSCALL_INFO
#define PTRACE_GET_SYSCALL_INFO 0x420e
#endif

struct syscall_info {
	uint8_t op, pad[3];
	uint32_t arch;
	uint64_t ip, sp;
	union {
		struct { uint64_t nr, args[6]; } entry;
		struct { int64_t rval; uint8_t is_error; } exit;
	};
};

#endif

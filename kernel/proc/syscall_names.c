/* Syscall names by number, for logs and traces, from syscalls.tbl. */
#include <glass/syscalls.h>

#define __SYSCALL(nr, name) [nr] = #name,
const char *const syscall_names[NR_syscalls] = {
#include <generated/syscalls_64.h>
};

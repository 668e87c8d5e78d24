/*
 * The dispatch table, from syscalls.tbl (as Linux's arch/x86/entry/
 * syscall_64.c): each entry is a weak reference to sys_<name>, so it is
 * the SYSCALL_DEFINE where one exists and NULL (-ENOSYS) where none does.
 */
#include <glass/syscalls.h>

#define __SYSCALL(nr, name) long sys_##name(__SC_RAW) __attribute__((weak));
#include <generated/syscalls_64.h>
#undef __SYSCALL

#define __SYSCALL(nr, name) [nr] = sys_##name,
const syscall_fn_t syscall_table[NR_syscalls] = {
#include <generated/syscalls_64.h>
};

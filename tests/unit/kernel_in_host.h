/*
 * Include the kernel headers (fs, sched, mm) in a host test file that
 * also uses libc and Check: renames the kernel's sigset_t and drops the
 * libc macros the kernel headers define again.
 */
#ifndef TESTS_KERNEL_IN_HOST_H
#define TESTS_KERNEL_IN_HOST_H

#undef RENAME_NOREPLACE
#undef RENAME_EXCHANGE
#undef RENAME_WHITEOUT
#undef CLOSE_RANGE_UNSHARE
#undef CLOSE_RANGE_CLOEXEC
#undef INT_MAX
#undef INT_MIN
#undef UINT_MAX
#undef LONG_MAX
#undef LONG_MIN
#undef ULONG_MAX
#undef NAME_MAX
#undef PATH_MAX
#undef PIPE_BUF
#undef MAJOR
#undef MINOR
#undef MKDEV
#undef min
#undef max
#define sigset_t kernel_sigset_t
#include <glass/fs.h>
#include <glass/mm.h>
#include <glass/sched.h>
#include <glass/uaccess.h>
#undef sigset_t

#endif

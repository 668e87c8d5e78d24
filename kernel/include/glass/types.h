/* Basic kernel types. Freestanding: only compiler headers. */
#ifndef GLASS_TYPES_H
#define GLASS_TYPES_H

#include <stddef.h>
#include <stdbool.h>
#include <stdarg.h>

typedef __UINT8_TYPE__ u8;
typedef __UINT16_TYPE__ u16;
typedef __UINT32_TYPE__ u32;
typedef __UINT64_TYPE__ u64;
typedef __INT8_TYPE__ s8;
typedef __INT16_TYPE__ s16;
typedef __INT32_TYPE__ s32;
typedef __INT64_TYPE__ s64;
typedef __UINTPTR_TYPE__ uintptr_t;
typedef u64 uint64_t;
typedef u32 uint32_t;
typedef u8 uint8_t;

#define INT_MAX __INT_MAX__
#define INT_MIN (-INT_MAX - 1)
#define UINT_MAX (INT_MAX * 2U + 1U)
#define LONG_MAX __LONG_MAX__
#define LONG_MIN (-LONG_MAX - 1L)
#define ULONG_MAX (LONG_MAX * 2UL + 1UL)
#define U64_MAX ((u64)~0ULL)
#define ULLONG_MAX_ (~0ULL)

typedef long ssize_t;
typedef long loff_t;
typedef int pid_t;
typedef unsigned int uid_t;
typedef unsigned int gid_t;
typedef unsigned int umode_t;
typedef unsigned long dev_t;
typedef unsigned long ino_t;
typedef unsigned int gfp_t;

/* Marks a guest (user) address; documentation only. */
#define __user

#define __always_unused __attribute__((unused))
#define __noreturn __attribute__((noreturn))
#define __printf(a, b) __attribute__((format(printf, a, b)))
#define __aligned(x) __attribute__((aligned(x)))
#define __packed __attribute__((packed))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#endif

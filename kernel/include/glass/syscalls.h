/*
 * Syscall definitions. SYSCALL_DEFINEn(name, type, arg, ...) defines
 * sys_name(), with typed arguments. kernel/proc/syscalls.tbl lists every
 * Linux syscall; the dispatch table (syscall_table.c) refers to each
 * sys_name weakly, so defining one is all it takes to implement it, and
 * the build checks that name is in the table with n arguments.
 */
#ifndef GLASS_SYSCALLS_H
#define GLASS_SYSCALLS_H

#include <glass/types.h>
#include <generated/syscall_nargs.h>
#include <uapi/unistd.h>

typedef long (*syscall_fn_t)(unsigned long, unsigned long, unsigned long,
			     unsigned long, unsigned long, unsigned long);

extern const char *const syscall_names[NR_syscalls];
/* sys_name by number; NULL where nothing defines one (-ENOSYS). */
extern const syscall_fn_t syscall_table[NR_syscalls];

#define __SC_DECL(t, a) t a
#define __SC_CAST(t, a) (t) a
#define __SC_ARGS0(m, ...) void
#define __SC_ARGS1(m, t, a) m(t, a)
#define __SC_ARGS2(m, t, a, ...) m(t, a), __SC_ARGS1(m, __VA_ARGS__)
#define __SC_ARGS3(m, t, a, ...) m(t, a), __SC_ARGS2(m, __VA_ARGS__)
#define __SC_ARGS4(m, t, a, ...) m(t, a), __SC_ARGS3(m, __VA_ARGS__)
#define __SC_ARGS5(m, t, a, ...) m(t, a), __SC_ARGS4(m, __VA_ARGS__)
#define __SC_ARGS6(m, t, a, ...) m(t, a), __SC_ARGS5(m, __VA_ARGS__)

#define __SC_RAW unsigned long a0, unsigned long a1, unsigned long a2, \
		 unsigned long a3, unsigned long a4, unsigned long a5
#define __SC_PASS0()
#define __SC_PASS1(T1, N1) (T1)a0
#define __SC_PASS2(T1, N1, T2, N2) (T1)a0, (T2)a1
#define __SC_PASS3(T1, N1, T2, N2, T3, N3) (T1)a0, (T2)a1, (T3)a2
#define __SC_PASS4(T1, N1, T2, N2, T3, N3, T4, N4) \
	(T1)a0, (T2)a1, (T3)a2, (T4)a3
#define __SC_PASS5(T1, N1, T2, N2, T3, N3, T4, N4, T5, N5) \
	(T1)a0, (T2)a1, (T3)a2, (T4)a3, (T5)a4
#define __SC_PASS6(T1, N1, T2, N2, T3, N3, T4, N4, T5, N5, T6, N6) \
	(T1)a0, (T2)a1, (T3)a2, (T4)a3, (T5)a4, (T6)a5

#define SYSCALL_DEFINE0(name) __SYSCALL_DEFINEx(0, name)

/*
 * The body, __do_sys_name, is never inlined into sys_name: inlined, a
 * breakpoint on sys_name (placed after the prologue, in the body) was
 * listed at the body's first line but hit in sys_name at the
 * SYSCALL_DEFINE line, as gdb shows an inlined body entered at its first
 * instruction as its caller (ddd drew the arrow and the stop sign apart).
 * Now `break sys_name` stops and is listed at the SYSCALL_DEFINE line,
 * and a breakpoint on a body line at that line. One extra call (a tail
 * jump) per syscall costs nothing beside the hand-off.
 */
#define __SYSCALL_DEFINEx(n, name, ...)                                  \
	_Static_assert(__SC_NARGS_##name == n,                             \
		       #name ": argument count differs from syscalls.tbl"); \
	static __attribute__((noinline)) long                              \
	__do_sys_##name(__SC_ARGS##n(__SC_DECL, __VA_ARGS__));             \
	long sys_##name(__SC_RAW);                                         \
	__attribute__((unused)) long sys_##name(__SC_RAW)                  \
	{                                                                  \
		(void)a0, (void)a1, (void)a2, (void)a3, (void)a4, (void)a5; \
		return __do_sys_##name(__SC_PASS##n(__VA_ARGS__));         \
	}                                                                  \
	static long __do_sys_##name(__SC_ARGS##n(__SC_DECL, __VA_ARGS__))

#define SYSCALL_DEFINE1(name, ...) __SYSCALL_DEFINEx(1, name, __VA_ARGS__)
#define SYSCALL_DEFINE2(name, ...) __SYSCALL_DEFINEx(2, name, __VA_ARGS__)
#define SYSCALL_DEFINE3(name, ...) __SYSCALL_DEFINEx(3, name, __VA_ARGS__)
#define SYSCALL_DEFINE4(name, ...) __SYSCALL_DEFINEx(4, name, __VA_ARGS__)
#define SYSCALL_DEFINE5(name, ...) __SYSCALL_DEFINEx(5, name, __VA_ARGS__)
#define SYSCALL_DEFINE6(name, ...) __SYSCALL_DEFINEx(6, name, __VA_ARGS__)

#endif

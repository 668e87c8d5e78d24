/*
 * Fixed virtual addresses. Glass is linked non-PIE, so these never move
 * and gdb needs no offsets.
 *
 *   glass process:  text at 0x400000, module area just below 2 GiB,
 *                   physmem at PHYSMEM_BASE, kernel stacks at STACK_AREA.
 *   guest process:  guest memory below TASK_SIZE, the stub at STUB_CODE,
 *                   its shared data pages at STUB_DATA.
 */
#ifndef GLASS_LAYOUT_H
#define GLASS_LAYOUT_H

#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))
#define PAGE_ALIGN(x) (((x) + PAGE_SIZE - 1) & PAGE_MASK)

#define PHYSMEM_BASE 0x200000000000UL
#define STACK_AREA 0x300000000000UL
#define THREAD_SIZE (64UL << 10)        /* one kernel stack */
#define STACK_SLOT (THREAD_SIZE * 2)    /* stack plus unmapped guard gap */
#define STACK_SLOTS 4096

#define MODULE_AREA 0x60000000UL
#define MODULE_AREA_SIZE (512UL << 20)

/* Guest side. The host places a new process's stack above 0x7ffb00000000
 * at most 16 GiB below the top, so the stub stays clear of it. */
#define TASK_SIZE 0x7fe000000000UL
#define STACK_TOP TASK_SIZE
#define STUB_CODE 0x7ff000000000UL
#define STUB_DATA 0x7ff000100000UL
#define STUB_DATA_PAGES 16
/* The stub's entry for patched guest syscalls (glass/os.h). */
#define STUB_SYSCALL_ENTRY_OFF 0x40
#define STUB_SYSCALL_ENTRY (STUB_CODE + STUB_SYSCALL_ENTRY_OFF)
/* A stub parked for its next mm (os_stub_park, glass/os.h): the guest
 * thread is run at STUB_PARK and sleeps in the futex call whose syscall
 * instruction is at STUB_PARK_SYSCALL; the host shows STUB_PARK_PC. */
#define STUB_PARK_SYSCALL_OFF 0x200
#define STUB_PARK_SYSCALL (STUB_CODE + STUB_PARK_SYSCALL_OFF)
#define STUB_PARK_PC (STUB_PARK_SYSCALL + 2)
#define STUB_PARK_OFF 0x210
#define STUB_PARK (STUB_CODE + STUB_PARK_OFF)

#endif

/*
 * Software breakpoints: int3 written into kernel text through
 * /proc/self/mem (os_mem_write reaches read-only text). gdb's own
 * breakpoints and internal ones (the stop at start_kernel, the step over
 * a syscall instruction) share the table. Monitor-thread code, except
 * bp_lift_all/bp_restore_all, which the parked CPU thread runs around
 * commands so that they cannot trap into a park inside a park.
 */
#include <glass/debug.h>
#include <glass/module.h>
#include <glass/os.h>

#define MAX_BPS 64
#define INT3 0xcc

struct bp {
	u64 addr;
	u8 saved;
	bool used;
	bool internal;
};
static struct bp bps[MAX_BPS];

extern char __executable_start[], etext[];
extern char __start_text_monitor[], __stop_text_monitor[];

/* Glass's own code, but never what the monitor thread runs (rule
 * monitor-never-blocks), and loaded modules. */
bool __monitor_text text_breakable(u64 a)
{
	if (a >= (u64)__executable_start && a < (u64)etext)
		return !(a >= (u64)__start_text_monitor && a < (u64)__stop_text_monitor);
	return __module_address(a);
}

static __monitor_text struct bp *bp_find(u64 addr)
{
	for (int i = 0; i < MAX_BPS; i++)
		if (bps[i].used && bps[i].addr == addr)
			return &bps[i];
	return NULL;
}

int __monitor_text bp_insert(u64 addr, bool internal)
{
	struct bp *b = bp_find(addr);
	u8 int3 = INT3;

	if (b)
		return 0;
	if (!text_breakable(addr))
		return -EPERM;
	for (int i = 0; i < MAX_BPS && !b; i++)
		if (!bps[i].used)
			b = &bps[i];
	if (!b)
		return -ENOSPC;
	if (os_mem_read(addr, &b->saved, 1) != 1 || os_mem_write(addr, &int3, 1) != 1)
		return -EFAULT;
	b->addr = addr;
	b->internal = internal;
	b->used = true;
	return 0;
}

int __monitor_text bp_remove(u64 addr)
{
	struct bp *b = bp_find(addr);

	if (!b)
		return -ENOENT;
	os_mem_write(addr, &b->saved, 1);
	b->used = false;
	return 0;
}

/* CPU thread, from the module notifier: gdb sends no Z packet while the
 * kernel runs, so nothing else changes the table now. */
void bp_forget(u64 addr, u64 size)
{
	for (int i = 0; i < MAX_BPS; i++)
		if (bps[i].used && bps[i].addr - addr < size)
			bps[i].used = false;
}

bool __monitor_text bp_is_set(u64 addr, bool *internal)
{
	struct bp *b = bp_find(addr);

	if (b)
		*internal = b->internal;
	return b;
}

void __monitor_text bp_remove_all(bool internal_too)
{
	for (int i = 0; i < MAX_BPS; i++)
		if (bps[i].used && (internal_too || !bps[i].internal))
			bp_remove(bps[i].addr);
}

void bp_lift_all(void)
{
	for (int i = 0; i < MAX_BPS; i++)
		if (bps[i].used)
			os_mem_write(bps[i].addr, &bps[i].saved, 1);
}

void bp_restore_all(void)
{
	u8 int3 = INT3;

	for (int i = 0; i < MAX_BPS; i++)
		if (bps[i].used)
			os_mem_write(bps[i].addr, &int3, 1);
}

/* Kernel symbol lookup for %pS, oopses and backtraces. */
#ifndef GLASS_SYMBOLS_H
#define GLASS_SYMBOLS_H

#include <glass/types.h>

/* Writes "name+0xoff/0xsize" (or the hex address) into buf. Never fails,
 * takes no locks, allocates nothing: usable from the monitor thread. */
void symbolize(unsigned long addr, char *buf, size_t size);

/* The symbol holding addr, its offset and size; NULL if none. Monitor
 * thread code (rule monitor-never-blocks). */
const char *symbol_lookup(unsigned long addr, unsigned long *off, unsigned long *size);

#endif

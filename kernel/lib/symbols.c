/*
 * Kernel symbol lookup from the table the build links into glass
 * (scripts/kallsyms.sh, like Linux's kallsyms): sorted addresses and
 * names, so symbolizing needs no allocation, no lock and no libdw, and
 * works from the monitor thread and in an oops.
 */
#include <glass/kernel.h>
#include <glass/module.h>
#include <glass/monitor.h>
#include <glass/symbols.h>

/* Provided by the generated build/kallsyms.c; empty in the first link. */
extern const unsigned long kallsyms_addresses[] __attribute__((weak));
extern const unsigned int kallsyms_name_offsets[] __attribute__((weak));
extern const char kallsyms_names[] __attribute__((weak));
extern const unsigned long kallsyms_num __attribute__((weak));

/* Index of the last symbol at or below addr, or -1. */
static __monitor_text long lookup(unsigned long addr)
{
	unsigned long lo = 0, hi;

	if (!&kallsyms_num || !kallsyms_num || addr < kallsyms_addresses[0])
		return -1;
	hi = kallsyms_num;
	while (hi - lo > 1) {
		unsigned long mid = lo + (hi - lo) / 2;
		if (kallsyms_addresses[mid] <= addr)
			lo = mid;
		else
			hi = mid;
	}
	return (long)lo;
}

const char *__monitor_text symbol_lookup(unsigned long addr, unsigned long *off,
					 unsigned long *size)
{
	long i;

	if (__module_address(addr))
		return module_address_lookup(addr, off, size, NULL);
	i = lookup(addr);
	if (i < 0 || (unsigned long)i + 1 >= kallsyms_num)
		return NULL;
	*off = addr - kallsyms_addresses[i];
	*size = kallsyms_addresses[i + 1] - kallsyms_addresses[i];
	return kallsyms_names + kallsyms_name_offsets[i];
}

void symbolize(unsigned long addr, char *buf, size_t size)
{
	const char *name, *modname;
	unsigned long off, symsize;
	long i;

	/* Module code: "name+0xoff/0xsize [module]", as Linux's %pS. */
	name = module_address_lookup(addr, &off, &symsize, &modname);
	if (name) {
		scnprintf(buf, size, "%s+%#lx/%#lx [%s]", name, off, symsize, modname);
		return;
	}
	i = lookup(addr);
	if (i < 0 || (unsigned long)i + 1 >= kallsyms_num) {
		scnprintf(buf, size, "%#lx", addr);
		return;
	}
	scnprintf(buf, size, "%s+%#lx/%#lx", kallsyms_names + kallsyms_name_offsets[i],
		  addr - kallsyms_addresses[i],
		  kallsyms_addresses[i + 1] - kallsyms_addresses[i]);
}


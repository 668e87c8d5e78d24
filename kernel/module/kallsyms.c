/*
 * Addresses inside modules: which module, which of its symbols. Monitor
 * thread safe (__monitor_text): no lock, no allocation; the list is walked
 * as glass/module.h describes, and a module's sections and symbols are
 * set before it is listed and freed only after it is unlisted.
 */
#include <glass/layout.h>
#include <glass/module.h>
#include <glass/monitor.h>

struct module *__monitor_text __module_address(unsigned long addr)
{
	struct module *mod;

	if (addr < MODULE_AREA || addr >= MODULE_AREA + MODULE_AREA_SIZE)
		return NULL;
	list_for_each_entry(mod, &modules, list)
		if (addr - (unsigned long)mod->base < mod->size)
			return mod;
	return NULL;
}

const char *__monitor_text module_address_lookup(unsigned long addr, unsigned long *off,
						 unsigned long *size, const char **modname)
{
	struct module *mod = __module_address(addr);
	const struct module_symbol *syms;
	unsigned long lo = 0, hi;

	if (!mod || !mod->nr_symbols)
		return NULL;
	syms = mod->symbols;
	if (addr < syms[0].addr)
		return NULL;
	/* The last symbol at or below addr. */
	hi = mod->nr_symbols;
	while (hi - lo > 1) {
		unsigned long mid = lo + (hi - lo) / 2;

		if (syms[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	*off = addr - syms[lo].addr;
	*size = syms[lo].size;
	if (modname)
		*modname = mod->name;
	return syms[lo].name;
}

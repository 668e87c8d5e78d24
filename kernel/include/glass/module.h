/*
 * Loadable modules: what the rest of the kernel, the gdb stub and the
 * diagnostics see of a loaded module. The loader (kernel/module/) owns the
 * list; everyone else reads it.
 *
 * Readers on the monitor thread (the gdb stub's library list, oops and
 * sysrq t symbolization) walk `modules` without a lock: a module is linked
 * in only once fully set up and unlinked before it is freed, both on the
 * CPU thread, and `modules_generation` changes on each, so a reader that
 * sees it change retries or reports the list stale.
 */
#ifndef GLASS_MODULE_H
#define GLASS_MODULE_H

#include <glass/list.h>
#include <glass/types.h>

#define MODULE_NAME_LEN 56

enum module_state {
	MODULE_STATE_COMING,    /* linked, init running */
	MODULE_STATE_LIVE,
	MODULE_STATE_GOING,     /* exit running, about to be unlinked */
};

/* One SHF_ALLOC section of a loaded module, in the .ko's section order
 * (the order gdb's library list gives their addresses in). */
struct module_section {
	const char *name;
	unsigned long addr;
	unsigned long size;
};

struct module {
	struct list_head list;          /* on `modules`, newest first */
	enum module_state state;
	char name[MODULE_NAME_LEN];
	/* The .ko image on the host that gdb reads: the host path it came
	 * from, or a copy in the umid directory. */
	char image_path[256];
	struct module_section *sections;
	unsigned int nr_sections;
	/* Its own symbol table (function and object symbols, relocated
	 * addresses), for symbolizing addresses inside it. */
	const struct module_symbol *symbols;
	unsigned int nr_symbols;
	int (*init)(void);
	void (*exit)(void);
};

struct module_symbol {
	unsigned long addr;
	unsigned long size;
	const char *name;
};

extern struct list_head modules;
extern unsigned long modules_generation;

/* The module whose sections hold addr, or NULL. Monitor-thread safe. */
struct module *__module_address(unsigned long addr);

/* The symbol of a module holding addr, with its offset and size, and the
 * module's name in *modname; NULL if addr is in no module. Monitor-thread
 * safe: symbol_lookup() falls back to it. */
const char *module_address_lookup(unsigned long addr, unsigned long *off,
				  unsigned long *size, const char **modname);

#endif

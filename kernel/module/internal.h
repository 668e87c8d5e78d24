/* kernel/module's own interfaces between its files. */
#ifndef GLASS_MODULE_INTERNAL_H
#define GLASS_MODULE_INTERNAL_H

#include <glass/module.h>
#include <glass/module_elf.h>
#include <glass/mutex.h>

/* One module using another's export (Linux's struct module_use): on the
 * user's target_list and on the used module's source_list. */
struct module_use {
	struct list_head source_list, target_list;
	struct module *source, *target;
};

/* memory.c: the module area. */
void *module_alloc(unsigned long size);
void module_memfree(void *base, unsigned long size);
int module_protect(void *base, const unsigned long part_size[MOD_PARTS]);

/* params.c */
int module_parse_args(struct module *mod, char *args);
void module_free_params(struct module *mod);

/* main.c: list changes and lookups hold module_mutex. */
extern struct mutex module_mutex;
struct module *find_module(const char *name);

#endif

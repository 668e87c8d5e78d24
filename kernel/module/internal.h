/* kernel/module's own interfaces between its files. */
#ifndef GLASS_MODULE_INTERNAL_H
#define GLASS_MODULE_INTERNAL_H

#include <glass/module.h>
#include <glass/module_elf.h>
#include <glass/mutex.h>

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

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

#include <glass/export.h>
#include <glass/list.h>
#include <glass/moduleparam.h>
#include <glass/types.h>

#define MODULE_NAME_LEN 56

enum module_state {
	MODULE_STATE_COMING,    /* linked, init running */
	MODULE_STATE_LIVE,
	MODULE_STATE_GOING,     /* exit running, about to be unlinked */
};

/* One SHF_ALLOC section of a loaded module, in the .ko's section order
 * (the order gdb's library list gives their addresses in): every one the
 * file marks SHF_ALLOC, also empty ones and .modinfo, which is not
 * loaded (address 0). */
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

	/* The loader's own fields (kernel/module/). */
	void *base;                     /* the module area range it occupies */
	unsigned long size;             /* bytes, a page multiple */
	unsigned long text_size, ro_size;   /* RX, then RO, then RW */
	int refcnt;                     /* try_module_get/module_put */
	bool gpl;                       /* GPL-compatible: may use _GPL exports */
	/* Its exports (its __ksymtab, __ksymtab_gpl sections). */
	const struct kernel_symbol *syms, *gpl_syms;
	unsigned int num_syms, num_gpl_syms;
	struct kernel_param *kp;        /* its __param section */
	unsigned int num_kp;
	/* Dependencies, as Linux: a module_use on the user's target_list and
	 * on the used module's source_list. */
	struct list_head source_list;   /* modules using this one */
	struct list_head target_list;   /* modules this one uses */
	void *strtab;                   /* names of symbols[] */
	char *args;                     /* the parameter string it got */
	bool image_copy;                /* image_path is our umid copy */
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

/*
 * Refcounts: a reference keeps the module from being unloaded (rmmod
 * fails with EWOULDBLOCK, as Linux). try_module_get fails once the module
 * is going. NULL (code built into glass) always succeeds. CPU thread.
 */
bool try_module_get(struct module *mod);
void module_put(struct module *mod);
void __module_get(struct module *mod);

/* Load/unload notifications (coverage, profiling, the gdb stub): called
 * with MODULE_STATE_COMING before init runs (sections placed and
 * protected), MODULE_STATE_LIVE after it succeeded, MODULE_STATE_GOING
 * after exit ran or init failed, before the memory is freed. Kernel task
 * context (the insmod/rmmod caller's, or mconsole's); it may sleep but
 * must not load or unload modules. */
struct module_notifier {
	void (*fn)(struct module_notifier *nb, enum module_state state,
		   struct module *mod);
	struct list_head list;
};
void register_module_notifier(struct module_notifier *nb);
void unregister_module_notifier(struct module_notifier *nb);

/* A placed section by name, or NULL (.gcov_info, __mcount_loc, ...). */
const struct module_section *module_find_section(const struct module *mod,
						 const char *name);

/* Load an image (the kernel's own copy, len bytes; the loader may write
 * into it) with its parameter string: init_module(2)'s and mconsole's
 * path. image_path names the host file gdb reads, or NULL to keep a copy
 * in the umid directory. Returns 0 or -errno, with a log line on error. */
int load_module(void *image, unsigned long len, const char *args,
		const char *image_path, int flags);
/* finit_module(2)'s flags, as Linux's. */
#define MODULE_INIT_IGNORE_MODVERSIONS 1
#define MODULE_INIT_IGNORE_VERMAGIC 2
/* delete_module(2) and mconsole rmmod. */
int unload_module(const char *name, unsigned int flags);
/* /proc/modules' text into buf; the length it needs (snprintf-style). */
int module_list_show(char *buf, size_t size);

/*
 * What a module's source says about it (Linux's names). module_init(fn)
 * and module_exit(fn) become the module's init_module and cleanup_module
 * symbols, which the loader looks up; .modinfo holds "tag=value" strings
 * (license, author, description, parm; the build adds name and vermagic);
 * THIS_MODULE is the loader's struct module, resolved at load time.
 */
#define ___PASTE(a, b) a##b
#define __PASTE(a, b) ___PASTE(a, b)
#define __UNIQUE_ID(prefix) __PASTE(__PASTE(__UNIQUE_ID_, prefix), __COUNTER__)

#define __MODULE_INFO(tag, name, info)					\
	static const char __UNIQUE_ID(name)[]				\
		__attribute__((section(".modinfo"), used, aligned(1)))	\
		= #tag "=" info
#define MODULE_INFO(tag, info) __MODULE_INFO(tag, tag, info)
#define MODULE_LICENSE(l) MODULE_INFO(license, l)
#define MODULE_AUTHOR(a) MODULE_INFO(author, a)
#define MODULE_DESCRIPTION(d) MODULE_INFO(description, d)
#define MODULE_ALIAS(a) MODULE_INFO(alias, a)

#ifdef MODULE
extern struct module __this_module;
#define THIS_MODULE (&__this_module)

#define module_init(fn)							\
	static inline int (*__inittest(void))(void) { return fn; }	\
	int init_module(void) __attribute__((alias(#fn)))
#define module_exit(fn)							\
	static inline void (*__exittest(void))(void) { return fn; }	\
	void cleanup_module(void) __attribute__((alias(#fn)))
#else
#define THIS_MODULE ((struct module *)0)
/* Built into glass: init is an ordinary initcall, exit never runs. */
#include <glass/init.h>
#define module_init(fn) device_initcall(fn)
#define module_exit(fn)
#endif

#endif

/*
 * Loading and unloading modules: load_module (init_module(2),
 * finit_module(2), mconsole insmod) checks and places an image with the
 * pure loader (elf_load.c), resolves its symbols against the export
 * tables, applies its parameters and runs its init; unload_module
 * (delete_module(2), mconsole rmmod) refuses a module in use and runs its
 * exit. Errnos and messages follow Linux 6.1's kernel/module/main.c.
 *
 * Context: kernel tasks on the CPU thread; module_mutex serialises list
 * changes and is dropped while init and exit run (they may sleep). The
 * list is published for the lock-free monitor-thread readers as
 * glass/module.h describes.
 */
#include <glass/errno.h>
#include <glass/kernel.h>
#include <glass/mm.h>
#include <glass/os.h>
#include <glass/string.h>
#include <generated/vermagic.h>
#include "internal.h"

LIST_HEAD(modules);
unsigned long modules_generation;
DEFINE_MUTEX(module_mutex);
static LIST_HEAD(module_notifiers);

struct module *find_module(const char *name)
{
	struct module *mod;

	list_for_each_entry(mod, &modules, list)
		if (!strcmp(mod->name, name))
			return mod;
	return NULL;
}

/* ---- refcounts, notifiers ---- */

bool try_module_get(struct module *mod)
{
	if (!mod)
		return true;
	if (mod->state == MODULE_STATE_GOING)
		return false;
	mod->refcnt++;
	return true;
}
EXPORT_SYMBOL(try_module_get);

void __module_get(struct module *mod)
{
	if (mod)
		mod->refcnt++;
}
EXPORT_SYMBOL(__module_get);

void module_put(struct module *mod)
{
	if (!mod)
		return;
	BUG_ON(mod->refcnt <= 0);
	mod->refcnt--;
}
EXPORT_SYMBOL(module_put);

void register_module_notifier(struct module_notifier *nb)
{
	list_add_tail(&nb->list, &module_notifiers);
}

void unregister_module_notifier(struct module_notifier *nb)
{
	list_del(&nb->list);
}

static void notify(struct module *mod, enum module_state state)
{
	struct module_notifier *nb;

	list_for_each_entry(nb, &module_notifiers, list)
		nb->fn(nb, state, mod);
}

const struct module_section *module_find_section(const struct module *mod,
						 const char *name)
{
	for (unsigned int i = 0; i < mod->nr_sections; i++)
		if (mod->sections[i].addr && !strcmp(mod->sections[i].name, name))
			return &mod->sections[i];
	return NULL;          /* none, or not loaded (.modinfo) */
}

/* ---- symbol resolution: only exports, the kernel's then the modules' ---- */

static const struct kernel_symbol *lookup_exported(const struct kernel_symbol *start,
						   const struct kernel_symbol *stop,
						   const char *name)
{
	for (const struct kernel_symbol *ks = start; ks && ks < stop; ks++)
		if (!strcmp(ks->name, name))
			return ks;
	return NULL;
}

/* The export called name, and its owner (NULL: glass itself). GPL-only
 * exports count only when gplok. */
static const struct kernel_symbol *find_symbol(const char *name, bool gplok,
					       struct module **owner)
{
	const struct kernel_symbol *ks;
	struct module *mod;

	*owner = NULL;
	ks = lookup_exported(__start___ksymtab, __stop___ksymtab, name);
	if (!ks && gplok)
		ks = lookup_exported(__start___ksymtab_gpl, __stop___ksymtab_gpl, name);
	if (ks)
		return ks;
	list_for_each_entry(mod, &modules, list) {
		ks = lookup_exported(mod->syms, mod->syms + mod->num_syms, name);
		if (!ks && gplok)
			ks = lookup_exported(mod->gpl_syms, mod->gpl_syms + mod->num_gpl_syms, name);
		if (ks) {
			*owner = mod;
			return ks;
		}
	}
	return NULL;
}

/* a uses b's exports: a reference on b, once per pair (Linux's ref_module). */
static int ref_module(struct module *a, struct module *b)
{
	struct module_use *use;

	list_for_each_entry(use, &b->source_list, source_list)
		if (use->source == a)
			return 0;
	/* Linux's strong_try_module_get: b still in its init is -EBUSY. */
	if (b->state == MODULE_STATE_COMING)
		return -EBUSY;
	if (!try_module_get(b))
		return -ENOENT;
	use = kmalloc(sizeof(*use), GFP_KERNEL);
	if (!use) {
		module_put(b);
		return -ENOMEM;
	}
	use->source = a;
	use->target = b;
	list_add(&use->source_list, &b->source_list);
	list_add(&use->target_list, &a->target_list);
	return 0;
}

static void module_unload_free(struct module *mod)
{
	struct module_use *use, *tmp;

	list_for_each_entry_safe(use, tmp, &mod->target_list, target_list) {
		list_del(&use->source_list);
		list_del(&use->target_list);
		module_put(use->target);
		kfree(use);
	}
}

static int resolve_symbol(void *arg, const char *name, unsigned long *value)
{
	struct module *mod = arg, *owner;
	const struct kernel_symbol *ks;
	int err;

	/* THIS_MODULE in the module's code. */
	if (!strcmp(name, "__this_module")) {
		*value = (unsigned long)mod;
		return 0;
	}
	ks = find_symbol(name, mod->gpl, &owner);
	if (!ks)
		return -ENOENT;
	if (owner) {
		err = ref_module(mod, owner);
		if (err)
			return err;
	}
	*value = ks->value;
	return 0;
}

/* ---- what the module keeps of its image ---- */

static bool license_is_gpl_compatible(const char *license)
{
	static const char *const gpl[] = {
		"GPL", "GPL v2", "GPL and additional rights", "Dual BSD/GPL",
		"Dual MIT/GPL", "Dual MPL/GPL",
	};

	for (size_t i = 0; i < ARRAY_SIZE(gpl); i++)
		if (!strcmp(license, gpl[i]))
			return true;
	return false;
}

/* A name usable in paths and messages: letters, digits, _ and -. */
static bool module_name_ok(const char *name)
{
	size_t len = strlen(name);

	if (!len || len >= MODULE_NAME_LEN)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return false;
	}
	return true;
}

static void *section_addr(const struct load_info *info, const char *name,
			  unsigned long entsize, unsigned int *num)
{
	unsigned int i = mod_find_section(info, name);

	*num = 0;
	if (!i || !(info->sechdrs[i].sh_flags & SHF_ALLOC))
		return NULL;
	*num = info->sechdrs[i].sh_size / entsize;
	return (void *)(uintptr_t)info->sechdrs[i].sh_addr;
}

/* Was section i SHF_ALLOC in the file? Every such section, empty or not
 * loaded (.modinfo, at address 0), is in mod->sections: gdb pairs the
 * library list's addresses with all of them (glass/module.h). */
static bool file_alloc_section(const struct load_info *info, unsigned int i)
{
	return (info->sechdrs[i].sh_flags & SHF_ALLOC) || i == info->modinfo_idx;
}

/* The names of sections and symbols outlive the image: one copy of both
 * string tables in mod->strtab. */
static int copy_tables(struct module *mod, const struct load_info *info)
{
	unsigned int nsec = 0, nsym = 0, s = 0, k = 0;
	char *strings;

	for (unsigned int i = 1; i < info->hdr->e_shnum; i++)
		if (file_alloc_section(info, i))
			nsec++;
	for (unsigned int i = 1; i < info->num_syms; i++)
		if (mod_symbol_wanted(info, &info->syms[i]))
			nsym++;
	strings = kmalloc(info->secstrings_size + info->strtab_size, GFP_KERNEL);
	mod->sections = kcalloc(nsec ? nsec : 1, sizeof(*mod->sections), GFP_KERNEL);
	mod->symbols = kcalloc(nsym ? nsym : 1, sizeof(*mod->symbols), GFP_KERNEL);
	mod->strtab = strings;
	if (!strings || !mod->sections || !mod->symbols)
		return -ENOMEM;
	memcpy(strings, info->secstrings, info->secstrings_size);
	memcpy(strings + info->secstrings_size, info->strtab, info->strtab_size);
	for (unsigned int i = 1; i < info->hdr->e_shnum; i++) {
		const struct elf64_shdr *sh = &info->sechdrs[i];

		if (!file_alloc_section(info, i))
			continue;
		mod->sections[s].name = strings + sh->sh_name;
		mod->sections[s].addr = sh->sh_addr;
		mod->sections[s].size = sh->sh_size;
		s++;
	}
	mod->nr_sections = s;
	for (unsigned int i = 1; i < info->num_syms; i++) {
		const struct elf64_sym *sym = &info->syms[i];
		struct module_symbol *ms = (struct module_symbol *)mod->symbols;
		unsigned int j;

		if (!mod_symbol_wanted(info, sym))
			continue;
		j = k++;
		/* Insertion sort by address: lookups bisect. */
		for (; j && ms[j - 1].addr > sym->st_value; j--)
			ms[j] = ms[j - 1];
		ms[j].addr = sym->st_value;
		ms[j].size = sym->st_size;
		ms[j].name = strings + info->secstrings_size + sym->st_name;
	}
	mod->nr_symbols = nsym;
	return 0;
}

/* A global function the module defines (init_module, cleanup_module). */
static void *module_function(const struct load_info *info, const char *name)
{
	for (unsigned int i = 1; i < info->num_syms; i++) {
		const struct elf64_sym *sym = &info->syms[i];

		if (ELF64_ST_BIND(sym->st_info) == STB_GLOBAL && mod_symbol_wanted(info, sym) &&
		    ELF64_ST_TYPE(sym->st_info) == STT_FUNC &&
		    !strcmp(info->strtab + sym->st_name, name))
			return (void *)(uintptr_t)sym->st_value;
	}
	return NULL;
}

/* Its exports, its parameters, init and exit; refuses an export that
 * another module or glass already has (Linux: -ENOEXEC). */
static int find_module_sections(struct module *mod, const struct load_info *info)
{
	struct module *owner;

	mod->syms = section_addr(info, "__ksymtab", sizeof(struct kernel_symbol), &mod->num_syms);
	mod->gpl_syms = section_addr(info, "__ksymtab_gpl", sizeof(struct kernel_symbol),
				     &mod->num_gpl_syms);
	mod->kp = section_addr(info, "__param", sizeof(struct kernel_param), &mod->num_kp);
	mod->init = module_function(info, "init_module");
	mod->exit = module_function(info, "cleanup_module");
	for (unsigned int i = 0; i < mod->num_syms + mod->num_gpl_syms; i++) {
		const struct kernel_symbol *ks = i < mod->num_syms ? &mod->syms[i] :
						 &mod->gpl_syms[i - mod->num_syms];

		if (find_symbol(ks->name, true, &owner)) {
			pr_err("%s: exports duplicate symbol %s (owned by %s)\n", mod->name,
			       ks->name, owner ? owner->name : "kernel");
			return -ENOEXEC;
		}
	}
	return 0;
}

/* Everything but the list: the caller unlinked it (or never linked it). */
static void free_module(struct module *mod)
{
	module_unload_free(mod);
	module_free_params(mod);
	if (mod->base)
		module_memfree(mod->base, mod->size);
	if (mod->image_path[0] && mod->image_copy)
		os_umid_remove_module(mod->name);
	kfree(mod->sections);
	kfree(mod->symbols);
	kfree(mod->strtab);
	kfree(mod->args);
	kfree(mod);
}

static void publish(struct module *mod)
{
	/* Fully set up before the monitor thread can see it. */
	barrier();
	list_add(&mod->list, &modules);
	barrier();
	modules_generation++;
}

static void unpublish(struct module *mod)
{
	list_del(&mod->list);
	barrier();
	modules_generation++;
}

/* Checks, places, links and protects; the module is not yet listed. */
static int setup_module(struct module *mod, struct load_info *info, int flags)
{
	const char *vermagic = mod_get_modinfo(info, "vermagic", NULL);
	const char *license = mod_get_modinfo(info, "license", NULL);
	int err;

	if (!(flags & MODULE_INIT_IGNORE_VERMAGIC) &&
	    (!vermagic || strcmp(vermagic, VERMAGIC_STRING))) {
		pr_err("%s: version magic '%s' should be '%s'\n", mod->name,
		       vermagic ? vermagic : "", VERMAGIC_STRING);
		return -ENOEXEC;
	}
	mod->gpl = license && license_is_gpl_compatible(license);
	if (!mod->gpl)
		pr_warn("%s: module license '%s' taints kernel.\n", mod->name,
			license ? license : "unspecified");
	err = mod_layout(info);
	if (err)
		goto refused;
	mod->base = module_alloc(info->total);
	if (!mod->base) {
		pr_err("%s: no room for %lu bytes in the module area\n", mod->name, info->total);
		return -ENOMEM;
	}
	mod->size = info->total;
	mod->text_size = info->part_size[MOD_TEXT];
	mod->ro_size = info->part_size[MOD_RO];
	mod_place(info, (unsigned long)mod->base);
	err = mod_simplify_symbols(info, resolve_symbol, mod);
	if (err)
		goto refused;
	err = mod_apply_relocations(info);
	if (err)
		goto refused;
	err = copy_tables(mod, info);
	if (err)
		return err;
	err = find_module_sections(mod, info);
	if (err)
		return err;
	return module_protect(mod->base, info->part_size);
refused:
	pr_err("%s: %s\n", mod->name, info->reason);
	return err;
}

/* Runs init with the module listed as COMING; on failure unlists and
 * frees it. module_mutex is not held (init may sleep or load others). */
static int do_init_module(struct module *mod)
{
	int ret;

	notify(mod, MODULE_STATE_COMING);
	ret = mod->init ? mod->init() : 0;
	if (ret < 0) {
		pr_err("%s: module_init returned %d\n", mod->name, ret);
		mod->state = MODULE_STATE_GOING;
		notify(mod, MODULE_STATE_GOING);
		mutex_lock(&module_mutex);
		unpublish(mod);
		free_module(mod);
		mutex_unlock(&module_mutex);
		return ret;
	}
	if (ret > 0)
		pr_warn("%s: '%pS'->init suspiciously returned %d, it should follow 0/-E convention\n",
			mod->name, mod->init, ret);
	mod->state = MODULE_STATE_LIVE;
	notify(mod, MODULE_STATE_LIVE);
	return 0;
}

int load_module(void *image, unsigned long len, const char *args,
		const char *image_path, int flags)
{
	struct load_info info;
	struct module *mod;
	const char *name;
	int err;

	err = mod_elf_check(&info, image, len);
	if (err) {
		pr_err("module: %s\n", info.reason);
		return err;
	}
	name = mod_get_modinfo(&info, "name", NULL);
	if (!name || !module_name_ok(name)) {
		pr_err("module: %s\n", name ? "bad module name in .modinfo" : "no name in .modinfo");
		return -ENOEXEC;
	}
	mod = kzalloc(sizeof(*mod), GFP_KERNEL);
	if (!mod)
		return -ENOMEM;
	strscpy(mod->name, name, sizeof(mod->name));
	INIT_LIST_HEAD(&mod->source_list);
	INIT_LIST_HEAD(&mod->target_list);
	mod->state = MODULE_STATE_COMING;
	mod->args = kstrdup(args, GFP_KERNEL);
	if (!mod->args) {
		kfree(mod);
		return -ENOMEM;
	}

	mutex_lock(&module_mutex);
	if (find_module(mod->name)) {
		pr_err("%s: a module of this name is already loaded\n", mod->name);
		err = -EEXIST;
		goto free;
	}
	/* The copy for gdb before setup_module rewrites the image in place. */
	if (image_path) {
		strscpy(mod->image_path, image_path, sizeof(mod->image_path));
	} else {
		err = os_umid_save_module(mod->name, image, len, mod->image_path,
					  sizeof(mod->image_path));
		if (err)
			pr_warn("%s: no copy of the image for gdb in the umid directory (%d)\n",
				mod->name, err);
		mod->image_copy = !err;
	}
	err = setup_module(mod, &info, flags);
	if (err)
		goto free;
	/* parse_args works on a copy: mod->args stays whole for /sys. */
	{
		char *parse = kstrdup(args, GFP_KERNEL);

		err = parse ? module_parse_args(mod, parse) : -ENOMEM;
		kfree(parse);
	}
	if (err)
		goto free;
	publish(mod);
	mutex_unlock(&module_mutex);
	return do_init_module(mod);
free:
	free_module(mod);
	mutex_unlock(&module_mutex);
	return err;
}

/*
 * As Linux 6.1 without CONFIG_MODULE_FORCE_UNLOAD: a module others use,
 * or one holding references (an open device), is -EWOULDBLOCK whatever
 * the flags (O_NONBLOCK no longer waits since Linux 3.13; O_TRUNC, rmmod
 * -f, forces nothing); one still in its init or already going is -EBUSY,
 * as is one with an init but no exit (permanent).
 */
int unload_module(const char *name, unsigned int flags)
{
	struct module *mod;
	int err = 0;

	mutex_lock(&module_mutex);
	mod = find_module(name);
	if (!mod)
		err = -ENOENT;
	else if (!list_empty(&mod->source_list))
		err = -EWOULDBLOCK;
	else if (mod->state != MODULE_STATE_LIVE)
		err = -EBUSY;
	else if (mod->init && !mod->exit)
		err = -EBUSY;
	else if (mod->refcnt)
		err = -EWOULDBLOCK;
	if (err) {
		mutex_unlock(&module_mutex);
		return err;
	}
	mod->state = MODULE_STATE_GOING;
	mutex_unlock(&module_mutex);

	if (mod->exit)
		mod->exit();
	notify(mod, MODULE_STATE_GOING);
	mutex_lock(&module_mutex);
	unpublish(mod);
	free_module(mod);
	mutex_unlock(&module_mutex);
	return 0;
}

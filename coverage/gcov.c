/*
 * The gcov registry: every gcov_info record of the kernel and its
 * modules on one chain (through the records' own next fields), dumped
 * and reset from here. The kernel's records are the pointers the linker
 * gathered in section gcov_info (-fprofile-info-section, Makefile); a
 * module's are those of its own section gcov_info. When a module goes,
 * its records are copied ("ghosts", as Linux keeps them) so that a dump
 * still writes its counts; loading it again adds the copy into the new
 * records, so the counts go on from where they were. CPU thread.
 */
#include <glass/gcov.h>
#include <glass/init.h>
#include <glass/kernel.h>
#include <glass/list.h>
#include <glass/export.h>
#include <glass/mm.h>
#include <glass/module.h>
#include <glass/os.h>
#include <glass/string.h>

/* The linker's bounds of the kernel's own records; absent (NULL) in a
 * build without COVERAGE=1. */
extern struct gcov_info *__start_gcov_info[] __attribute__((weak));
extern struct gcov_info *__stop_gcov_info[] __attribute__((weak));

static struct gcov_info *gcov_root;

/* A record of an unloaded module, copied with everything it points to
 * in one allocation. */
struct gcov_ghost {
	struct list_head list;
	struct gcov_info info;
};
static LIST_HEAD(ghosts);

unsigned int gcov_nr_ctrs(const struct gcov_info *info)
{
	unsigned int n = 0;

	for (int i = 0; i < GCOV_COUNTERS; i++)
		if (info->merge[i])
			n++;
	return n;
}

static void gcov_link(struct gcov_info *info)
{
	info->next = gcov_root;
	gcov_root = info;
}

static void gcov_unlink(struct gcov_info *info)
{
	for (struct gcov_info **p = &gcov_root; *p; p = &(*p)->next) {
		if (*p == info) {
			*p = info->next;
			info->next = NULL;
			return;
		}
	}
}

static void gcov_module_notify(struct module_notifier *nb, enum module_state state,
			       struct module *mod);
static struct module_notifier gcov_nb = { .fn = gcov_module_notify };

static int gcov_init(void)
{
	for (struct gcov_info **p = __start_gcov_info; p < __stop_gcov_info; p++)
		gcov_link(*p);
	os_gcov_at_exit(&gcov_root);
	register_module_notifier(&gcov_nb);
	return 0;
}
core_initcall(gcov_init);

#ifdef CONFIG_GCOV_KERNEL
/* Each module record names it (libgcov's, linked into glass). */
void __gcov_merge_add(gcov_type *counters, unsigned int n);
EXPORT_SYMBOL(__gcov_merge_add);
#endif

void gcov_stats(struct gcov_stats *st)
{
	struct gcov_fn_info *fn;
	struct gcov_ghost *g;
	unsigned int i;

	memset(st, 0, sizeof(*st));
	for (const struct gcov_info *info = gcov_root; info; info = info->next) {
		unsigned int nctrs = gcov_nr_ctrs(info);

		st->objects++;
		gcov_for_each_fn(fn, info, i) {
			st->functions++;
			for (unsigned int c = 0; c < nctrs; c++)
				st->counters += fn->ctrs[c].num;
		}
	}
	list_for_each_entry(g, &ghosts, list)
		st->ghosts++;
}

static void ghost_free(struct gcov_ghost *g)
{
	gcov_unlink(&g->info);
	list_del(&g->list);
	kfree(g);
}

void gcov_reset(void)
{
	struct gcov_ghost *g, *tmp;
	struct gcov_fn_info *fn;
	unsigned int i;

	list_for_each_entry_safe(g, tmp, &ghosts, list)
		ghost_free(g);
	for (struct gcov_info *info = gcov_root; info; info = info->next) {
		unsigned int nctrs = gcov_nr_ctrs(info);

		gcov_for_each_fn(fn, info, i)
			for (unsigned int c = 0; c < nctrs; c++)
				memset(fn->ctrs[c].values, 0,
				       fn->ctrs[c].num * sizeof(gcov_type));
	}
}

int gcov_dump(const char *dir, char *failed, size_t size)
{
	return os_gcov_dump(gcov_root, dir, failed, size);
}

/* ---- modules ---- */

static struct gcov_ghost *ghost_find(const char *filename)
{
	struct gcov_ghost *g;

	list_for_each_entry(g, &ghosts, list)
		if (!strcmp(g->info.filename, filename))
			return g;
	return NULL;
}

/* The same object as a kept copy: same compilation, same functions. */
static bool gcov_same_object(const struct gcov_info *a, const struct gcov_info *b)
{
	return a->stamp == b->stamp && a->checksum == b->checksum &&
	       a->n_functions == b->n_functions &&
	       !memcmp(a->merge, b->merge, sizeof(a->merge));
}

/* Add the kept counts into the module's new record (arcs counters sum;
 * --coverage makes no other kind). */
static void gcov_add(struct gcov_info *to, const struct gcov_info *from)
{
	unsigned int nctrs = gcov_nr_ctrs(to);
	struct gcov_fn_info *fn;
	unsigned int i;

	gcov_for_each_fn(fn, to, i) {
		const struct gcov_fn_info *old = from->functions[i];

		if (!old || old->key != from || old->ident != fn->ident)
			continue;
		for (unsigned int c = 0; c < nctrs; c++)
			for (unsigned int k = 0; k < fn->ctrs[c].num &&
			     k < old->ctrs[c].num; k++)
				fn->ctrs[c].values[k] += old->ctrs[c].values[k];
	}
}

void gcov_module_load(struct gcov_info **begin, struct gcov_info **end)
{
	for (struct gcov_info **p = begin; p < end; p++) {
		struct gcov_ghost *g = ghost_find((*p)->filename);

		if (g) {
			if (gcov_same_object(*p, &g->info))
				gcov_add(*p, &g->info);
			else
				pr_warn("gcov: %s was rebuilt: its earlier counts are dropped\n",
					(*p)->filename);
			ghost_free(g);
		}
		gcov_link(*p);
	}
}

/* Bytes of a copy of info: the record, its functions and their counters
 * and the file name, each 8-byte aligned. */
static size_t ghost_size(const struct gcov_info *info)
{
	unsigned int nctrs = gcov_nr_ctrs(info), i;
	size_t size = sizeof(struct gcov_ghost) + ALIGN(strlen(info->filename) + 1, 8) +
		      info->n_functions * sizeof(struct gcov_fn_info *);
	struct gcov_fn_info *fn;

	gcov_for_each_fn(fn, info, i) {
		size += sizeof(*fn) + nctrs * sizeof(struct gcov_ctr_info);
		for (unsigned int c = 0; c < nctrs; c++)
			size += fn->ctrs[c].num * sizeof(gcov_type);
	}
	return size;
}

/* Copy info into one allocation. Each function's key points at the copy
 * (libgcov writes only the functions whose key is the record it
 * writes); the merge functions are the kernel's, so they stay valid. */
static struct gcov_ghost *ghost_make(const struct gcov_info *info)
{
	unsigned int nctrs = gcov_nr_ctrs(info), i;
	struct gcov_ghost *g = kmalloc(ghost_size(info), GFP_KERNEL);
	struct gcov_fn_info *fn;
	char *p;

	if (!g)
		return NULL;
	g->info = *info;
	g->info.next = NULL;
	p = (char *)(g + 1);
	memcpy(p, info->filename, strlen(info->filename) + 1);
	g->info.filename = p;
	p += ALIGN(strlen(info->filename) + 1, 8);
	g->info.functions = (struct gcov_fn_info **)p;
	p += info->n_functions * sizeof(struct gcov_fn_info *);
	for (i = 0; i < info->n_functions; i++)
		g->info.functions[i] = NULL;
	gcov_for_each_fn(fn, info, i) {
		struct gcov_fn_info *copy = (struct gcov_fn_info *)p;

		p += sizeof(*fn) + nctrs * sizeof(struct gcov_ctr_info);
		*copy = *fn;
		copy->key = &g->info;
		for (unsigned int c = 0; c < nctrs; c++) {
			size_t bytes = fn->ctrs[c].num * sizeof(gcov_type);

			copy->ctrs[c].num = fn->ctrs[c].num;
			copy->ctrs[c].values = (gcov_type *)p;
			memcpy(p, fn->ctrs[c].values, bytes);
			p += bytes;
		}
		g->info.functions[i] = copy;
	}
	return g;
}

int gcov_module_unload(struct gcov_info **begin, struct gcov_info **end)
{
	int err = 0;

	for (struct gcov_info **p = begin; p < end; p++) {
		struct gcov_ghost *g = ghost_make(*p);

		gcov_unlink(*p);
		if (!g) {
			pr_err("gcov: no memory to keep the counts of %s\n", (*p)->filename);
			err = -ENOMEM;
			continue;
		}
		list_add(&g->list, &ghosts);
		gcov_link(&g->info);
	}
	return err;
}

/* A module built with COVERAGE=1 has its records in its section
 * gcov_info (never a constructor: libgcov's __gcov_init and __gcov_exit
 * would run on the kernel's own list). */
static void gcov_module_notify(struct module_notifier *nb, enum module_state state,
			       struct module *mod)
{
	const struct module_section *sec = module_find_section(mod, "gcov_info");
	struct gcov_info **begin, **end;

	if (!sec)
		return;
	begin = (struct gcov_info **)sec->addr;
	end = (struct gcov_info **)(sec->addr + sec->size);
	if (state == MODULE_STATE_COMING)
		gcov_module_load(begin, end);
	else if (state == MODULE_STATE_GOING)
		gcov_module_unload(begin, end);
}

/*
 * coverage/gcov.c: the registry's module side on records made by hand in
 * gcc 12's layout. A module's records join the chain on load; on unload a
 * copy with every function's key pointing at it takes their place; a
 * reload of the same object adds the copy's counts and drops it; reset
 * zeroes and drops copies; a rebuilt object's old counts go.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <glass/gcov.h>
#include <glass/init.h>
#include <glass/module.h>
#include "check_run.h"
#include "fakes.h"

/* ---- fakes of the registry's neighbours ---- */
static struct gcov_info *const *exit_root;
static struct module_notifier *notifier;
static struct module_section fake_section = { .name = "gcov_info" };

void os_gcov_at_exit(struct gcov_info *const *root) { exit_root = root; }
int os_gcov_dump(const struct gcov_info *root, const char *dir, char *failed, size_t size)
{
	return 0;
}
void register_module_notifier(struct module_notifier *nb) { notifier = nb; }
const struct module_section *module_find_section(const struct module *mod, const char *name)
{
	return strcmp(name, "gcov_info") ? NULL : &fake_section;
}

static void fake_merge(gcov_type *c, unsigned int n) {}

/* The registry's initcall (core_initcall puts it in section initcall1). */
extern initcall_t __start_initcall1[], __stop_initcall1[];

/* ---- a module object: one record, two functions of 3 arcs ---- */
struct fake_object {
	struct gcov_info info;
	struct gcov_info *ptr;          /* its section gcov_info */
	struct gcov_fn_info *fns[2];
	struct {
		struct gcov_fn_info fn;
		struct gcov_ctr_info ctr;
	} fn[2];
	gcov_type values[2][3];
	char filename[32];
};

static struct fake_object *object_new(unsigned int checksum)
{
	struct fake_object *o = calloc(1, sizeof(*o));

	o->info.version = 0x4232342a;
	o->info.stamp = 7;
	o->info.checksum = checksum;
	strcpy(o->filename, "/mod/hello.gcda");
	o->info.filename = o->filename;
	o->info.merge[0] = fake_merge;
	o->info.n_functions = 2;
	o->info.functions = o->fns;
	for (int i = 0; i < 2; i++) {
		o->fn[i].fn.key = &o->info;
		o->fn[i].fn.ident = 100 + i;
		o->fn[i].ctr.num = 3;
		o->fn[i].ctr.values = o->values[i];
		o->fns[i] = &o->fn[i].fn;
	}
	o->ptr = &o->info;
	return o;
}

/* Like the loader: the module's section, then the notification. */
static void notify(struct fake_object *o, enum module_state state)
{
	fake_section.addr = (unsigned long)&o->ptr;
	fake_section.size = sizeof(o->ptr);
	notifier->fn(notifier, state, NULL);
}

/* The module goes and its memory with it. */
static void unload(struct fake_object *o)
{
	notify(o, MODULE_STATE_GOING);
	memset(o, 0xaa, sizeof(*o));
	free(o);
}

static struct gcov_stats stats(void)
{
	struct gcov_stats st;

	gcov_stats(&st);
	return st;
}

static void registry_start(void)
{
	static bool booted;

	if (!booted)
		for (initcall_t *f = __start_initcall1; f < __stop_initcall1; f++)
			(*f)();
	booted = true;
	ck_assert_ptr_nonnull(exit_root);
	ck_assert_ptr_nonnull(notifier);
	gcov_reset();
}

START_TEST(no_records_without_coverage)
{
	registry_start();
	ck_assert_uint_eq(stats().objects, 0);
}
END_TEST

START_TEST(unload_keeps_a_copy)
{
	struct fake_object *o;
	const struct gcov_info *g;

	registry_start();
	o = object_new(1);
	notify(o, MODULE_STATE_COMING);
	ck_assert_uint_eq(stats().objects, 1);
	ck_assert_uint_eq(stats().functions, 2);
	ck_assert_uint_eq(stats().counters, 6);
	o->values[0][0] = 5;
	o->values[1][2] = 7;
	unload(o);

	ck_assert_uint_eq(stats().objects, 1);
	ck_assert_uint_eq(stats().ghosts, 1);
	g = *exit_root;
	ck_assert_str_eq(g->filename, "/mod/hello.gcda");
	ck_assert_uint_eq(g->n_functions, 2);
	for (int i = 0; i < 2; i++) {
		/* libgcov writes only functions keyed to the record written. */
		ck_assert_ptr_eq(g->functions[i]->key, g);
		ck_assert_uint_eq(g->functions[i]->ident, 100 + i);
		ck_assert_uint_eq(g->functions[i]->ctrs[0].num, 3);
	}
	ck_assert_int_eq(g->functions[0]->ctrs[0].values[0], 5);
	ck_assert_int_eq(g->functions[1]->ctrs[0].values[2], 7);
	ck_assert_ptr_eq(g->merge[0], fake_merge);
}
END_TEST

START_TEST(reload_sums)
{
	struct fake_object *o;

	registry_start();
	for (int cycle = 1; cycle <= 3; cycle++) {
		o = object_new(1);
		notify(o, MODULE_STATE_COMING);
		ck_assert_uint_eq(stats().ghosts, 0);
		/* The counts go on from the last unload's. */
		ck_assert_int_eq(o->values[0][1], cycle - 1);
		o->values[0][1]++;
		if (cycle == 3)
			break;
		unload(o);
	}
	ck_assert_ptr_eq(*exit_root, &o->info);
	ck_assert_uint_eq(stats().objects, 1);
	ck_assert_int_eq(o->values[0][1], 3);
	gcov_reset();
	ck_assert_int_eq(o->values[0][1], 0);
	unload(o);
}
END_TEST

START_TEST(reset_drops_copies)
{
	struct fake_object *o;
	long live;

	registry_start();
	live = fake_kmalloc_live;
	o = object_new(1);
	notify(o, MODULE_STATE_COMING);
	o->values[1][1] = 9;
	unload(o);
	ck_assert_int_eq(fake_kmalloc_live, live + 1);
	gcov_reset();
	ck_assert_uint_eq(stats().objects, 0);
	ck_assert_int_eq(fake_kmalloc_live, live);
	o = object_new(1);
	notify(o, MODULE_STATE_COMING);
	ck_assert_int_eq(o->values[1][1], 0);
	unload(o);
}
END_TEST

START_TEST(rebuilt_object_starts_over)
{
	struct fake_object *o;

	registry_start();
	o = object_new(1);
	notify(o, MODULE_STATE_COMING);
	o->values[0][0] = 4;
	unload(o);
	fake_printk[0] = '\0';
	o = object_new(2);
	notify(o, MODULE_STATE_COMING);
	ck_assert_int_eq(o->values[0][0], 0);
	ck_assert_uint_eq(stats().ghosts, 0);
	ck_assert_ptr_nonnull(strstr(fake_printk, "was rebuilt"));
	unload(o);
}
END_TEST

START_TEST(comdat_copy_skipped)
{
	struct fake_object *o, *other;
	const struct gcov_info *g;

	registry_start();
	o = object_new(1);
	other = object_new(1);
	/* Function 1 is a COMDAT copy counted in another object. */
	o->fn[1].fn.key = &other->info;
	notify(o, MODULE_STATE_COMING);
	ck_assert_uint_eq(stats().functions, 1);
	unload(o);
	g = *exit_root;
	ck_assert_ptr_eq(g->functions[0]->key, g);
	ck_assert_ptr_null(g->functions[1]);
	free(other);
}
END_TEST

static Suite *gcov_suite(void)
{
	Suite *s = suite_create("gcov");
	TCase *tc = tcase_create("modules");

	tcase_add_test(tc, no_records_without_coverage);
	tcase_add_test(tc, unload_keeps_a_copy);
	tcase_add_test(tc, reload_sums);
	tcase_add_test(tc, reset_drops_copies);
	tcase_add_test(tc, rebuilt_object_starts_over);
	tcase_add_test(tc, comdat_copy_skipped);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	int failed = check_run(gcov_suite(), CK_NOFORK);

	gcov_reset();           /* the last test's copies */
	return failed;
}

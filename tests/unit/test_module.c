/*
 * The module loader's kernel side (kernel/module/main.c, kallsyms.c,
 * memory.c) on hand-made objects (modobj.h) loaded for real into the
 * module area of this test process: the list, sections and symbol table,
 * address lookups, refcounts, dependencies, notifiers, and the refusals
 * that need the kernel side (same name, vermagic, unknown symbol,
 * duplicate export, init failing), each leaving no kmalloc block and no
 * module-area page behind.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel_in_host.h"
#include <glass/errno.h>
#include <glass/module.h>
#include <generated/vermagic.h>
#include "check_run.h"
#include "fakes.h"
#include "modobj.h"
#include "module_fakes.h"

/* What the hand-made modules link against. */
long test_ext;
EXPORT_SYMBOL(test_ext);
long test_gpl_ext;
EXPORT_SYMBOL_GPL(test_gpl_ext);

static struct module *first(void)
{
	return list_empty(&modules) ? NULL : list_first_entry(&modules, struct module, list);
}

/* Loads a copy of o (load_module writes into its image). */
static int load(struct modobj *o, const char *args)
{
	unsigned char *copy = malloc(o->len);
	int err;

	memcpy(copy, o->buf, o->len);
	err = load_module(copy, o->len, args, NULL, 0);
	free(copy);
	return err;
}

START_TEST(load_list_lookup_unload)
{
	struct modobj o = modobj_build2("hello", VERMAGIC_STRING, "hello_data", "test_ext");
	long live = fake_kmalloc_live;
	unsigned long gen = modules_generation, off, size, text;
	const char *name, *modname;
	struct module *mod;

	ck_assert_int_eq(load(&o, ""), 0);
	mod = first();
	ck_assert_ptr_nonnull(mod);
	ck_assert_str_eq(mod->name, "hello");
	ck_assert_int_eq(mod->state, MODULE_STATE_LIVE);
	ck_assert_uint_ne(modules_generation, gen);
	ck_assert_str_eq(mod->image_path, "/umid/module-hello.ko");
	ck_assert_str_eq(fake_umid_copy, "hello");
	/* The loaded sections in .ko order (mod->sections may also list the
	 * file's empty or unloaded SHF_ALLOC ones, at address 0, for gdb). */
	{
		static const char *const loaded[] = { ".text", ".data", ".bss", ".rodata",
						      "__ksymtab" };
		const struct module_section *mi = module_find_section(mod, ".modinfo");
		unsigned int n = 0;

		for (unsigned int i = 0; i < mod->nr_sections; i++) {
			if (!mod->sections[i].addr)
				continue;
			ck_assert_uint_lt(n, ARRAY_SIZE(loaded));
			ck_assert_str_eq(mod->sections[i].name, loaded[n++]);
		}
		ck_assert_uint_eq(n, ARRAY_SIZE(loaded));
		ck_assert(!mi || !mi->addr);
	}
	text = module_find_section(mod, ".text")->addr;
	ck_assert_uint_eq(text, 0x60000000UL);
	ck_assert_uint_eq(module_find_section(mod, ".data")->addr, text + 2 * 4096);
	/* Its symbol table, by address. */
	ck_assert_uint_eq(mod->nr_symbols, 4);
	for (unsigned int i = 1; i < mod->nr_symbols; i++)
		ck_assert_uint_le(mod->symbols[i - 1].addr, mod->symbols[i].addr);
	ck_assert_ptr_eq(__module_address(text + 0x31), mod);
	ck_assert_ptr_null(__module_address(text - 1));
	name = module_address_lookup(text + 0x12, &off, &size, &modname);
	ck_assert_str_eq(name, "local_fn");
	ck_assert_uint_eq(off, 2);
	ck_assert_uint_eq(size, 8);
	ck_assert_str_eq(modname, "hello");
	ck_assert_str_eq(module_address_lookup(text + 0x31, &off, &size, NULL), "init_module");
	/* Its export is found, and refused to a second exporter. */
	ck_assert_uint_eq(mod->num_syms, 1);
	ck_assert_str_eq(mod->syms[0].name, "hello_data");
	ck_assert_uint_eq(mod->syms[0].value, module_find_section(mod, ".data")->addr + 8);

	ck_assert_int_eq(unload_module("hello", 0), 0);
	ck_assert(list_empty(&modules));
	ck_assert_str_eq(fake_umid_copy, "");
	ck_assert_int_eq(fake_kmalloc_live, live);
	ck_assert_ptr_null(__module_address(text));
	ck_assert_int_eq(unload_module("hello", 0), -ENOENT);
	free(o.buf);
}
END_TEST

START_TEST(refcount_blocks_unload)
{
	struct modobj o = modobj_build2("hello", VERMAGIC_STRING, "hello_data", "test_ext");
	struct module *mod;

	ck_assert_int_eq(load(&o, ""), 0);
	mod = first();
	ck_assert(try_module_get(mod));
	ck_assert_int_eq(mod->refcnt, 1);
	ck_assert_int_eq(unload_module("hello", O_NONBLOCK), -EWOULDBLOCK);
	/* rmmod -f: O_TRUNC forces nothing. */
	ck_assert_int_eq(unload_module("hello", O_NONBLOCK | O_TRUNC), -EWOULDBLOCK);
	ck_assert_int_eq(mod->state, MODULE_STATE_LIVE);
	module_put(mod);
	ck_assert_int_eq(mod->refcnt, 0);
	ck_assert(try_module_get(NULL));
	ck_assert_int_eq(unload_module("hello", O_NONBLOCK), 0);
	free(o.buf);
}
END_TEST

START_TEST(dependencies)
{
	struct modobj a = modobj_build2("moda", VERMAGIC_STRING, "a_value", "test_ext");
	struct modobj b = modobj_build2("modb", VERMAGIC_STRING, "b_value", "a_value");
	struct modobj c = modobj_build2("modc", VERMAGIC_STRING, "a_value", "test_ext");
	long live = fake_kmalloc_live;
	struct module *ma;
	char buf[512];

	ck_assert_int_eq(load(&b, ""), -ENOENT);        /* a_value: nobody exports it yet */
	ck_assert_ptr_nonnull(strstr(fake_printk, "modb: Unknown symbol a_value (err -2)"));
	ck_assert_int_eq(load(&a, ""), 0);
	ma = first();
	ck_assert_int_eq(load(&b, ""), 0);
	ck_assert_int_eq(ma->refcnt, 1);
	module_list_show(buf, sizeof(buf));
	ck_assert_ptr_nonnull(strstr(buf, "moda 12288 1 modb, Live 0x"));
	ck_assert_ptr_nonnull(strstr(buf, "modb 12288 0 - Live 0x"));
	fake_printk[0] = '\0';
	ck_assert_int_eq(load(&c, ""), -ENOEXEC);
	ck_assert_ptr_nonnull(strstr(fake_printk, "modc: exports duplicate symbol a_value (owned by moda)"));
	ck_assert_int_eq(unload_module("moda", O_NONBLOCK), -EWOULDBLOCK);
	ck_assert_int_eq(unload_module("modb", O_NONBLOCK), 0);
	ck_assert_int_eq(ma->refcnt, 0);
	ck_assert_int_eq(unload_module("moda", O_NONBLOCK), 0);
	ck_assert_int_eq(fake_kmalloc_live, live);
	free(a.buf);
	free(b.buf);
	free(c.buf);
}
END_TEST

static int events[8], nevents;
static void record(struct module_notifier *nb, enum module_state state, struct module *mod)
{
	if (nevents < 8)
		events[nevents++] = state;
}

START_TEST(notifier_sees_coming_live_going)
{
	struct modobj o = modobj_build2("hello", VERMAGIC_STRING, "hello_data", "test_ext");
	struct module_notifier nb = { .fn = record };

	register_module_notifier(&nb);
	ck_assert_int_eq(load(&o, ""), 0);
	ck_assert_int_eq(unload_module("hello", 0), 0);
	unregister_module_notifier(&nb);
	ck_assert_int_eq(nevents, 3);
	ck_assert_int_eq(events[0], MODULE_STATE_COMING);
	ck_assert_int_eq(events[1], MODULE_STATE_LIVE);
	ck_assert_int_eq(events[2], MODULE_STATE_GOING);
	free(o.buf);
}
END_TEST

/* A module whose license is not GPL-compatible does not see _GPL exports
 * (Linux: Unknown symbol, -ENOENT) and taints the kernel (P in
 * /proc/modules). */
START_TEST(gpl_exports_need_a_gpl_license)
{
	struct modobj gpl = modobj_build2("gplmod", VERMAGIC_STRING, "x", "test_gpl_ext");
	struct modobj bsd = modobj_build2("bsdmod", VERMAGIC_STRING, "x", "test_gpl_ext");
	struct modobj bsd_ok = modobj_build2("bsdmod", VERMAGIC_STRING, "x", "test_ext");
	char *lic;
	char buf[256];

	ck_assert_int_eq(load(&gpl, ""), 0);
	ck_assert_int_eq(unload_module("gplmod", 0), 0);
	lic = memmem(bsd.buf, bsd.len, "license=GPL", 11);
	memcpy(lic, "license=BSD", 11);
	lic = memmem(bsd_ok.buf, bsd_ok.len, "license=GPL", 11);
	memcpy(lic, "license=BSD", 11);
	fake_printk[0] = '\0';
	ck_assert_int_eq(load(&bsd, ""), -ENOENT);
	ck_assert_ptr_nonnull(strstr(fake_printk, "bsdmod: module license 'BSD' taints kernel."));
	ck_assert_ptr_nonnull(strstr(fake_printk, "bsdmod: Unknown symbol test_gpl_ext (err -2)"));
	ck_assert_int_eq(load(&bsd_ok, ""), 0);
	module_list_show(buf, sizeof(buf));
	ck_assert_ptr_nonnull(strstr(buf, "bsdmod 12288 0 - Live 0x0000000060000000 (PO)\n"));
	ck_assert_int_eq(unload_module("bsdmod", 0), 0);
	free(gpl.buf);
	free(bsd.buf);
	free(bsd_ok.buf);
}
END_TEST

/* Each refusal: its errno, its log line, nothing left behind, and the
 * module area free again (the next load gets MODULE_AREA's start). */
static void expect_refused(struct modobj *o, int err, const char *log)
{
	long live = fake_kmalloc_live;

	fake_printk[0] = '\0';
	ck_assert_int_eq(load(o, ""), err);
	ck_assert_msg(strstr(fake_printk, log), "log \"%s\" lacks \"%s\"", fake_printk, log);
	ck_assert(list_empty(&modules) || strcmp(first()->name, "dup") == 0);
	ck_assert_int_eq(fake_kmalloc_live, live);
	ck_assert_str_eq(fake_umid_copy, list_empty(&modules) ? "" : "dup");
}

START_TEST(refusals_leave_nothing)
{
	struct modobj other = modobj_build2("hello", "glass-other", "x", "test_ext");
	struct modobj none = modobj_build2("hello", NULL, "x", "test_ext");
	struct modobj unknown = modobj_build2("hello", VERMAGIC_STRING, "x", "nope");
	struct modobj initfail = modobj_build2("hello", VERMAGIC_STRING, "x", "test_ext");
	struct modobj dup = modobj_build2("dup", VERMAGIC_STRING, "x", "test_ext");
	struct modobj good = modobj_build2("hello", VERMAGIC_STRING, "x", "test_ext");
	/* mov eax, -ENODEV; ret */
	static const unsigned char ret_enodev[] = { 0xb8, 0xed, 0xff, 0xff, 0xff, 0xc3 };

	memcpy(initfail.buf + mo_shdr(&initfail, 1)->sh_offset + 0x30, ret_enodev,
	       sizeof(ret_enodev));
	expect_refused(&other, -ENOEXEC,
		       "hello: version magic 'glass-other' should be '" VERMAGIC_STRING "'");
	expect_refused(&none, -ENOEXEC, "hello: version magic '' should be");
	expect_refused(&unknown, -ENOENT, "hello: Unknown symbol nope (err -2)");
	expect_refused(&initfail, -ENODEV, "hello: module_init returned -19");
	ck_assert_int_eq(load(&dup, ""), 0);
	expect_refused(&dup, -EEXIST, "dup: a module of this name is already loaded");
	ck_assert_int_eq(unload_module("dup", 0), 0);
	ck_assert_int_eq(load(&good, ""), 0);
	ck_assert_uint_eq((unsigned long)first()->base, 0x60000000UL);
	ck_assert_int_eq(unload_module("hello", 0), 0);
	free(other.buf);
	free(none.buf);
	free(unknown.buf);
	free(initfail.buf);
	free(dup.buf);
	free(good.buf);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("module");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, load_list_lookup_unload);
	tcase_add_test(tc, refcount_blocks_unload);
	tcase_add_test(tc, dependencies);
	tcase_add_test(tc, notifier_sees_coming_live_going);
	tcase_add_test(tc, refusals_leave_nothing);
	tcase_add_test(tc, gpl_exports_need_a_gpl_license);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(suite(), CK_FORK_GETENV);
}

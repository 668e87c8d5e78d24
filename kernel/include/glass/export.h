/*
 * What a module may link against: EXPORT_SYMBOL(sym) puts {address, name}
 * of sym into the __ksymtab section (EXPORT_SYMBOL_GPL into __ksymtab_gpl),
 * the name into __ksymtab_strings. The linker gathers every entry of glass
 * into one table bounded by __start___ksymtab/__stop___ksymtab, so the
 * table is built at link time, as kallsyms is; a module's own exports are
 * the same sections in its .ko, which the loader finds by name.
 *
 * A module's undefined symbols resolve only against these tables (the
 * kernel's, then the other modules'), never against kallsyms.
 */
#ifndef GLASS_EXPORT_H
#define GLASS_EXPORT_H

struct kernel_symbol {
	unsigned long value;
	const char *name;
};

#define ___EXPORT_SYMBOL(sym, sec)					\
	extern typeof(sym) sym;						\
	static const char __kstrtab_##sym[]				\
		__attribute__((section("__ksymtab_strings"), used, aligned(1))) \
		= #sym;							\
	static const struct kernel_symbol __ksymtab_##sym		\
		__attribute__((section("__ksymtab" sec), used,		\
			       aligned(sizeof(void *))))		\
		= { (unsigned long)&sym, __kstrtab_##sym }

#define EXPORT_SYMBOL(sym) ___EXPORT_SYMBOL(sym, "")
/* Only for modules whose MODULE_LICENSE is GPL-compatible. */
#define EXPORT_SYMBOL_GPL(sym) ___EXPORT_SYMBOL(sym, "_gpl")

/* The kernel's tables, bounded by the symbols ld makes for sections whose
 * names are C identifiers. */
extern const struct kernel_symbol __start___ksymtab[] __attribute__((weak));
extern const struct kernel_symbol __stop___ksymtab[] __attribute__((weak));
extern const struct kernel_symbol __start___ksymtab_gpl[] __attribute__((weak));
extern const struct kernel_symbol __stop___ksymtab_gpl[] __attribute__((weak));

#endif

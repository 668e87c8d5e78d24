/*
 * Module parameters, as Linux: module_param(name, type, perm) puts a
 * struct kernel_param into the module's __param section and a
 * "parmtype=name:type" string into .modinfo; MODULE_PARM_DESC adds
 * "parm=name:description". The loader applies "name=value" words of the
 * insmod string before module_init runs. Types: bool, invbool, byte,
 * short, ushort, int, uint, long, ulong, charp. A parameter with a
 * nonzero perm is /sys/module/NAME/parameters/PARAM, written if perm
 * has a write bit.
 */
#ifndef GLASS_MODULEPARAM_H
#define GLASS_MODULEPARAM_H

#include <glass/types.h>

struct kernel_param;

struct kernel_param_ops {
	/* Parse val into kp->arg: 0 or -EINVAL (-ENOMEM for charp). */
	int (*set)(const char *val, const struct kernel_param *kp);
	/* The value as text with a newline into buffer (PAGE_SIZE bytes):
	 * its length. */
	int (*get)(char *buffer, const struct kernel_param *kp);
	/* Free what set allocated (charp), at unload. */
	void (*free)(void *arg);
};

struct kernel_param {
	const char *name;
	const struct kernel_param_ops *ops;
	unsigned short perm;
	void *arg;
};

extern const struct kernel_param_ops param_ops_bool, param_ops_invbool,
	param_ops_byte, param_ops_short, param_ops_ushort, param_ops_int,
	param_ops_uint, param_ops_long, param_ops_ulong, param_ops_charp;

/* Checks that the variable has the parameter type's C type. */
#define __param_check(name, p, type)					\
	static inline type *__check_##name(void) { return (p); }
#define param_check_bool(name, p) __param_check(name, p, bool)
#define param_check_invbool(name, p) __param_check(name, p, bool)
#define param_check_byte(name, p) __param_check(name, p, unsigned char)
#define param_check_short(name, p) __param_check(name, p, short)
#define param_check_ushort(name, p) __param_check(name, p, unsigned short)
#define param_check_int(name, p) __param_check(name, p, int)
#define param_check_uint(name, p) __param_check(name, p, unsigned int)
#define param_check_long(name, p) __param_check(name, p, long)
#define param_check_ulong(name, p) __param_check(name, p, unsigned long)
#define param_check_charp(name, p) __param_check(name, p, char *)

#define module_param_named(name, value, type, perm)			\
	param_check_##type(name, &(value))				\
	static const char __param_str_##name[] = #name;			\
	static const struct kernel_param __param_##name			\
		__attribute__((used, section("__param"),		\
			       aligned(sizeof(void *))))		\
		= { __param_str_##name, &param_ops_##type, perm, &(value) }; \
	__MODULE_INFO(parmtype, name##type, #name ":" #type)

#define module_param(name, type, perm) module_param_named(name, name, type, perm)

#define MODULE_PARM_DESC(name, desc) __MODULE_INFO(parm, name, #name ":" desc)

/* Apply one "name=value" (value NULL for a bare "name", as bool wants)
 * to the matching parameter of params[0..num): 0, -ENOENT if none
 * matches, or the set function's error. */
int parse_one_param(const char *name, const char *val,
		    const struct kernel_param *params, unsigned int num);

#endif

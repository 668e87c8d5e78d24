/*
 * Module parameters (glass/moduleparam.h): the setters of each type and
 * the "name=value name2 name3=\"a b\"" string insmod passes, applied to a
 * module's __param table before its init runs. CPU thread.
 */
#include <glass/errno.h>
#include <glass/export.h>
#include <glass/kernel.h>
#include <glass/mm.h>
#include <glass/module.h>
#include <glass/string.h>
#include "internal.h"

#define STANDARD_PARAM(name, type, format, min, max)			\
	static int param_set_##name(const char *val, const struct kernel_param *kp) \
	{								\
		long long v;						\
		char *end;						\
									\
		if (!val || !*val)					\
			return -EINVAL;					\
		v = simple_strtoll(val, &end, 0);			\
		if (*end || v < (long long)(min) || v > (long long)(max)) \
			return -EINVAL;					\
		*(type *)kp->arg = (type)v;				\
		return 0;						\
	}								\
	static int param_get_##name(char *buffer, const struct kernel_param *kp) \
	{								\
		return scnprintf(buffer, PAGE_SIZE, format "\n", *(type *)kp->arg); \
	}								\
	const struct kernel_param_ops param_ops_##name = {		\
		.set = param_set_##name, .get = param_get_##name,	\
	};								\
	EXPORT_SYMBOL(param_ops_##name)

STANDARD_PARAM(byte, unsigned char, "%hhu", 0, 255);
STANDARD_PARAM(short, short, "%hi", -32768, 32767);
STANDARD_PARAM(ushort, unsigned short, "%hu", 0, 65535);
STANDARD_PARAM(int, int, "%i", INT_MIN, INT_MAX);
STANDARD_PARAM(uint, unsigned int, "%u", 0, UINT_MAX);
STANDARD_PARAM(long, long, "%li", LONG_MIN, LONG_MAX);

/* ulong's range does not fit a long long. */
static int param_set_ulong(const char *val, const struct kernel_param *kp)
{
	unsigned long long v;

	if (!val || kstrtoull(val, 0, &v))
		return -EINVAL;
	*(unsigned long *)kp->arg = v;
	return 0;
}

static int param_get_ulong(char *buffer, const struct kernel_param *kp)
{
	return scnprintf(buffer, PAGE_SIZE, "%lu\n", *(unsigned long *)kp->arg);
}
const struct kernel_param_ops param_ops_ulong = {
	.set = param_set_ulong,
	.get = param_get_ulong,
};
EXPORT_SYMBOL(param_ops_ulong);

/* Linux's strtobool: a bare name is true; y/Y/1 and n/N/0. */
static int parse_bool(const char *val, bool *res)
{
	if (!val) {
		*res = true;
		return 0;
	}
	switch (val[0]) {
	case 'y': case 'Y': case '1':
		*res = true;
		return 0;
	case 'n': case 'N': case '0':
		*res = false;
		return 0;
	}
	return -EINVAL;
}

static int param_set_bool(const char *val, const struct kernel_param *kp)
{
	return parse_bool(val, kp->arg);
}

/* Y or N, as Linux shows a bool. */
static int param_get_bool(char *buffer, const struct kernel_param *kp)
{
	return scnprintf(buffer, PAGE_SIZE, "%c\n", *(bool *)kp->arg ? 'Y' : 'N');
}
const struct kernel_param_ops param_ops_bool = {
	.set = param_set_bool,
	.get = param_get_bool,
};
EXPORT_SYMBOL(param_ops_bool);

static int param_set_invbool(const char *val, const struct kernel_param *kp)
{
	bool v;
	int err = parse_bool(val, &v);

	if (!err)
		*(bool *)kp->arg = !v;
	return err;
}

static int param_get_invbool(char *buffer, const struct kernel_param *kp)
{
	return scnprintf(buffer, PAGE_SIZE, "%c\n", *(bool *)kp->arg ? 'N' : 'Y');
}
const struct kernel_param_ops param_ops_invbool = {
	.set = param_set_invbool,
	.get = param_get_invbool,
};
EXPORT_SYMBOL(param_ops_invbool);

/*
 * A charp set at insmod points to a copy, freed when set again or at
 * unload; the copies are listed (as Linux's kmalloced_params) so that a
 * default the module itself assigned is never freed.
 */
struct kmalloced_param {
	struct list_head list;
	char val[];
};
static LIST_HEAD(kmalloced_params);

static void maybe_kfree_parameter(void *p)
{
	struct kmalloced_param *kp;

	list_for_each_entry(kp, &kmalloced_params, list) {
		if (kp->val == p) {
			list_del(&kp->list);
			kfree(kp);
			return;
		}
	}
}

static int param_set_charp(const char *val, const struct kernel_param *kp)
{
	struct kmalloced_param *copy;
	size_t len;

	if (!val)
		return -EINVAL;
	len = strlen(val);
	copy = kmalloc(sizeof(*copy) + len + 1, GFP_KERNEL);
	if (!copy)
		return -ENOMEM;
	memcpy(copy->val, val, len + 1);
	maybe_kfree_parameter(*(char **)kp->arg);
	list_add(&copy->list, &kmalloced_params);
	*(char **)kp->arg = copy->val;
	return 0;
}

static int param_get_charp(char *buffer, const struct kernel_param *kp)
{
	const char *s = *(char **)kp->arg;

	return scnprintf(buffer, PAGE_SIZE, "%s\n", s ? s : "(null)");
}

static void param_free_charp(void *arg)
{
	maybe_kfree_parameter(*(char **)arg);
}
const struct kernel_param_ops param_ops_charp = {
	.set = param_set_charp,
	.get = param_get_charp,
	.free = param_free_charp,
};
EXPORT_SYMBOL(param_ops_charp);

int parse_one_param(const char *name, const char *val,
		    const struct kernel_param *params, unsigned int num)
{
	for (unsigned int i = 0; i < num; i++) {
		const struct kernel_param *kp = &params[i];

		if (!strcmp(kp->name, name))
			return kp->ops->set(val, kp);
	}
	return -ENOENT;
}

/* Linux's next_arg: splits off "name[=value]", value may be in double
 * quotes (which are dropped); NUL-terminates in place. */
static char *next_arg(char *args, char **param, char **val)
{
	unsigned int i, equals = 0;
	bool in_quote = false, quoted = false;

	if (*args == '"') {
		args++;
		in_quote = true;
		quoted = true;
	}
	for (i = 0; args[i]; i++) {
		if (args[i] == ' ' && !in_quote)
			break;
		if (equals == 0 && args[i] == '=')
			equals = i;
		if (args[i] == '"')
			in_quote = !in_quote;
	}
	*param = args;
	if (!equals) {
		*val = NULL;
	} else {
		args[equals] = '\0';
		*val = args + equals + 1;
		if (**val == '"') {
			(*val)++;
			if (args[i - 1] == '"')
				args[i - 1] = '\0';
		}
	}
	if (quoted && i > 0 && args[i - 1] == '"')
		args[i - 1] = '\0';
	if (args[i]) {
		args[i] = '\0';
		args += i + 1;
	} else {
		args += i;
	}
	while (*args == ' ')
		args++;
	return args;
}

int module_parse_args(struct module *mod, char *args)
{
	char *param, *val;

	while (*args == ' ')
		args++;
	while (*args) {
		int err;

		args = next_arg(args, &param, &val);
		err = parse_one_param(param, val, mod->kp, mod->num_kp);
		if (err == -ENOENT) {
			pr_warn("%s: unknown parameter '%s' ignored\n", mod->name, param);
		} else if (err) {
			pr_err("%s: `%s' invalid for parameter `%s'\n", mod->name,
			       val ? val : "", param);
			return err;
		}
	}
	return 0;
}

void module_free_params(struct module *mod)
{
	for (unsigned int i = 0; i < mod->num_kp; i++)
		if (mod->kp[i].ops->free)
			mod->kp[i].ops->free(mod->kp[i].arg);
}

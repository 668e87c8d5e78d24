/*
 * The text of /proc/modules (Linux's m_show: "name size refcnt users
 * state address taints") and of each /sys/module/NAME/sections/SECTION.
 * CPU thread.
 */
#include <glass/kernel.h>
#include <glass/module.h>
#include "internal.h"

static const char *state_name(enum module_state state)
{
	switch (state) {
	case MODULE_STATE_COMING: return "Loading";
	case MODULE_STATE_GOING: return "Unloading";
	default: return "Live";
	}
}

/* One line of /proc/modules; returns its length (scnprintf-style). */
static size_t module_line(const struct module *mod, char *buf, size_t size)
{
	const struct module_use *use;
	size_t n;
	bool users = false;

	n = scnprintf(buf, size, "%s %lu %i ", mod->name, mod->size, mod->refcnt);
	/* Always a trailing comma after the users, as Linux. */
	list_for_each_entry(use, &mod->source_list, source_list) {
		n += scnprintf(buf + n, size - n, "%s,", use->source->name);
		users = true;
	}
	if (mod->init && !mod->exit) {
		n += scnprintf(buf + n, size - n, "[permanent],");
		users = true;
	}
	if (!users)
		n += scnprintf(buf + n, size - n, "-");
	/* Taints: P proprietary, O out of tree (every Glass module is). */
	n += scnprintf(buf + n, size - n, " %s 0x%016lx (%sO)\n", state_name(mod->state),
		       (unsigned long)mod->base, mod->gpl ? "" : "P");
	return n;
}

int module_list_show(char *buf, size_t size)
{
	const struct module *mod;
	size_t n = 0;

	if (size)
		buf[0] = '\0';
	mutex_lock(&module_mutex);
	list_for_each_entry(mod, &modules, list)
		n += module_line(mod, buf + n, size - n);
	mutex_unlock(&module_mutex);
	return n;
}

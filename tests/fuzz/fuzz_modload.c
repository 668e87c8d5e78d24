/*
 * libFuzzer target for the module loader's pure half (kernel/module/
 * elf_load.c): every image goes through the checks; one that passes is
 * laid out, placed in a static area, its symbols resolved (names starting
 * with 'x' are unknown) and its relocations applied. The seeds are a
 * hand-made object (tests/unit/modobj.h) and examples/modules/hello's
 * .ko without debug info.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/kernel_in_host.h"
#include <glass/errno.h>
#include <glass/module_elf.h>

#define AREA_SIZE (1 << 20)
static unsigned char area[AREA_SIZE] __attribute__((aligned(4096)));

static int resolve(void *arg, const char *name, unsigned long *value)
{
	if (name[0] == 'x')
		return -ENOENT;
	*value = (unsigned long)area + (name[0] & 0x7f);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned char image[1 << 20];
	static struct load_info info;
	const char *v = NULL;

	if (size > sizeof(image))
		return 0;
	memcpy(image, data, size);
	if (mod_elf_check(&info, image, size))
		return 0;
	while ((v = mod_get_modinfo(&info, "name", v)))
		;
	if (mod_layout(&info) || info.total > AREA_SIZE)
		return 0;
	mod_place(&info, (unsigned long)area);
	if (mod_simplify_symbols(&info, resolve, NULL))
		return 0;
	mod_apply_relocations(&info);
	for (unsigned int i = 1; i < info.num_syms; i++)
		mod_symbol_wanted(&info, &info.syms[i]);
	return 0;
}

/*
 * The module area (MODULE_AREA, below 2 GiB so modules and glass reach
 * each other with 32-bit relocations): a first-fit page bitmap over it;
 * the host mappings are kernel/os/module.c's. CPU thread, module_mutex.
 */
#include <glass/errno.h>
#include <glass/kernel.h>
#include <glass/layout.h>
#include <glass/os.h>
#include "internal.h"

#define AREA_PAGES (MODULE_AREA_SIZE >> PAGE_SHIFT)
#define BITS_PER_LONG (8 * sizeof(unsigned long))

static unsigned long area_used[AREA_PAGES / BITS_PER_LONG];

static bool page_used(unsigned long i)
{
	return area_used[i / BITS_PER_LONG] & (1UL << (i % BITS_PER_LONG));
}

static void mark_pages(unsigned long first, unsigned long n, bool used)
{
	for (unsigned long i = first; i < first + n; i++) {
		if (used)
			area_used[i / BITS_PER_LONG] |= 1UL << (i % BITS_PER_LONG);
		else
			area_used[i / BITS_PER_LONG] &= ~(1UL << (i % BITS_PER_LONG));
	}
}

/* size bytes (a page multiple) of the area, mapped read-write; NULL when
 * the area is full or the host refuses. */
void *module_alloc(unsigned long size)
{
	unsigned long n = size >> PAGE_SHIFT, run = 0;

	for (unsigned long i = 0; n && i < AREA_PAGES; i++) {
		run = page_used(i) ? 0 : run + 1;
		if (run < n)
			continue;
		unsigned long first = i + 1 - n;
		unsigned long addr = MODULE_AREA + (first << PAGE_SHIFT);

		if (os_module_map(addr, size))
			return NULL;
		mark_pages(first, n, true);
		return (void *)addr;
	}
	return NULL;
}

void module_memfree(void *base, unsigned long size)
{
	unsigned long addr = (unsigned long)base;

	os_unmap(addr, size);
	mark_pages((addr - MODULE_AREA) >> PAGE_SHIFT, size >> PAGE_SHIFT, false);
}

/* W^X once relocated: text RX, rodata RO, data and bss stay RW. */
int module_protect(void *base, const unsigned long part_size[MOD_PARTS])
{
	unsigned long addr = (unsigned long)base;
	int err = 0;

	if (part_size[MOD_TEXT])
		err = os_module_protect(addr, part_size[MOD_TEXT], OS_PROT_READ | OS_PROT_EXEC);
	addr += part_size[MOD_TEXT];
	if (!err && part_size[MOD_RO])
		err = os_module_protect(addr, part_size[MOD_RO], OS_PROT_READ);
	return err;
}

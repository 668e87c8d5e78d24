/* kmalloc and friends on malloc, counting the blocks still live
 * (fake_kmalloc_live, fakes.h). Host headers. */
#include <stdlib.h>
#include <string.h>

#include "kernel_in_host.h"

#include "fakes.h"

long fake_kmalloc_live;

void *kmalloc(size_t size, gfp_t gfp)
{
	void *p = malloc(size ? size : 1);

	if (p) {
		fake_kmalloc_live++;
		if (gfp & __GFP_ZERO)
			memset(p, 0, size);
	}
	return p;
}

void *kzalloc(size_t size, gfp_t gfp)
{
	return kmalloc(size, gfp | __GFP_ZERO);
}

void *kcalloc(size_t n, size_t size, gfp_t gfp)
{
	return kzalloc(n * size, gfp);
}

void *krealloc(void *p, size_t size, gfp_t gfp)
{
	void *q = realloc(p, size ? size : 1);

	if (q && !p)
		fake_kmalloc_live++;
	return q;
}

void kfree(const void *p)
{
	if (p) {
		fake_kmalloc_live--;
		free((void *)p);
	}
}

/* The kernel's own string helpers (the mem and str basics are libc's). */
#include <glass/export.h>
#include <glass/kernel.h>
#include <glass/mm.h>

size_t strscpy(char *dst, const char *src, size_t size)
{
	size_t n = strnlen(src, size ? size - 1 : 0);

	if (!size)
		return 0;
	memcpy(dst, src, n);
	dst[n] = '\0';
	return n;
}
EXPORT_SYMBOL(strscpy);

char *kstrndup(const char *s, size_t max, gfp_t gfp)
{
	size_t n = strnlen(s, max);
	char *p = kmalloc(n + 1, gfp);

	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

char *kstrdup(const char *s, gfp_t gfp)
{
	return s ? kstrndup(s, strlen(s), gfp) : NULL;
}
EXPORT_SYMBOL(kstrdup);

void *kmemdup(const void *src, size_t n, gfp_t gfp)
{
	void *p = kmalloc(n, gfp);

	if (p)
		memcpy(p, src, n);
	return p;
}

bool str_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The mem and str basics come from the host's libc in this process; a
 * module reaches them through the export table like any kernel function
 * (gcc also emits memcpy/memset calls for struct copies and clears). */
EXPORT_SYMBOL(memcpy);
EXPORT_SYMBOL(memmove);
EXPORT_SYMBOL(memset);
EXPORT_SYMBOL(memcmp);
EXPORT_SYMBOL(strlen);
EXPORT_SYMBOL(strnlen);
EXPORT_SYMBOL(strcmp);
EXPORT_SYMBOL(strncmp);
EXPORT_SYMBOL(strchr);
EXPORT_SYMBOL(strrchr);
EXPORT_SYMBOL(strstr);

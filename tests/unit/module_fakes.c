/*
 * What kernel/module needs from the rest of glass, for test_module: the
 * module area as real host mappings (the test binary is non-PIE like
 * glass, so MODULE_AREA reaches it with 32-bit relocations), a recorded
 * umid copy, and mutexes that never contend (one thread). Host headers.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/mman.h>

#include "kernel_in_host.h"
#include <glass/mutex.h>
#include <glass/os.h>

#include "module_fakes.h"

char fake_umid_copy[64];

int os_module_map(unsigned long addr, unsigned long len)
{
	void *p = mmap((void *)addr, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	return p == MAP_FAILED ? -errno : 0;
}

int os_module_protect(unsigned long addr, unsigned long len, int prot)
{
	return mprotect((void *)addr, len, prot) ? -errno : 0;
}

int os_unmap(unsigned long addr, unsigned long len)
{
	return munmap((void *)addr, len) ? -errno : 0;
}

int os_umid_save_module(const char *name, const void *image, unsigned long len,
			char *path, unsigned long pathlen)
{
	snprintf(fake_umid_copy, sizeof(fake_umid_copy), "%s", name);
	snprintf(path, pathlen, "/umid/module-%s.ko", name);
	return 0;
}

void os_umid_remove_module(const char *name)
{
	fake_umid_copy[0] = '\0';
}

void mutex_lock(struct mutex *m)
{
}

void mutex_unlock(struct mutex *m)
{
}

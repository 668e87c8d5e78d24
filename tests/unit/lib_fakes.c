/* Fakes for test_lib: symbolize() as "sym_<hex>" so %pS is checkable. */
#include <stdio.h>

#include <glass/symbols.h>

void symbolize(unsigned long addr, char *buf, size_t size)
{
	snprintf(buf, size, "sym_%lx", addr);
}

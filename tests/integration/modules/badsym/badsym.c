/* badsym: calls a function glass does not export. */
#include <glass/module.h>

int glass_no_such_function(void);

static int badsym_init(void)
{
	return glass_no_such_function();
}

module_init(badsym_init);
MODULE_LICENSE("GPL");

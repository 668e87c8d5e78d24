/* dupexp: exports a name twomod already exports. */
#include <glass/module.h>

int two_value(void);

int two_value(void)
{
	return 3;
}
EXPORT_SYMBOL(two_value);

static int dupexp_init(void)
{
	return 0;
}

module_init(dupexp_init);
MODULE_LICENSE("GPL");

/* twomod, first file: the export usetwo and dupexp use. */
#include <glass/module.h>

int two_value(void);

int two_value(void)
{
	return 2;
}
EXPORT_SYMBOL(two_value);

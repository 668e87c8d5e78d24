/* usetwo: uses twomod's export, so twomod cannot go first. */
#include <glass/kernel.h>
#include <glass/module.h>

int two_value(void);

static int usetwo_init(void)
{
	printk(KERN_INFO "usetwo: twomod says %d\n", two_value());
	return 0;
}

static void usetwo_exit(void)
{
}

module_init(usetwo_init);
module_exit(usetwo_exit);
MODULE_LICENSE("GPL");

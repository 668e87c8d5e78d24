/* twomod, second file: init and exit, linked with a.c into one .ko. */
#include <glass/kernel.h>
#include <glass/module.h>

int two_value(void);

static int twomod_init(void)
{
	printk(KERN_INFO "twomod: value %d\n", two_value());
	return 0;
}

static void twomod_exit(void)
{
}

module_init(twomod_init);
module_exit(twomod_exit);
MODULE_LICENSE("GPL");

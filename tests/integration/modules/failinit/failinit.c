/* failinit: its init fails with -ENODEV. */
#include <glass/errno.h>
#include <glass/module.h>

static int failinit_init(void)
{
	return -ENODEV;
}

module_init(failinit_init);
MODULE_LICENSE("GPL");

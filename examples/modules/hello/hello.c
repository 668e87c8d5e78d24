/* hello: the smallest module. Says hello at insmod and goodbye at rmmod,
 * naming whoever the `name` parameter says (insmod hello.ko name=you). */
#include <glass/kernel.h>
#include <glass/module.h>

static char *name = "world";
module_param(name, charp, 0644);
MODULE_PARM_DESC(name, "who to greet");

static int hello_init(void)
{
	printk(KERN_INFO "hello: hello, %s\n", name);
	return 0;
}

static void hello_exit(void)
{
	printk(KERN_INFO "hello: goodbye, %s\n", name);
}

module_init(hello_init);
module_exit(hello_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("Glass");
MODULE_DESCRIPTION("Says hello and goodbye");

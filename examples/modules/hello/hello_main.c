/*
 * hello: the smallest module, in two files. Says hello at insmod and
 * goodbye at rmmod, naming whoever the `name` parameter says, `count`
 * times (insmod hello.ko name=you count=2). The greeting itself is in
 * hello_greet.c, linked into the same hello.ko (hello-objs).
 */
#include <glass/kernel.h>
#include <glass/module.h>

#include "hello.h"

static char *name = "world";
module_param(name, charp, 0644);
MODULE_PARM_DESC(name, "who to greet");

static int count = 1;
module_param(count, int, 0644);
MODULE_PARM_DESC(count, "how many times to greet (1 to 10)");

static int hello_init(void)
{
	if (count < 1 || count > 10) {
		pr_err("hello: count=%d: give 1 to 10\n", count);
		return -EINVAL;
	}
	for (int i = 1; i <= count; i++)
		hello_greet("hello", name, i);
	return 0;
}

static void hello_exit(void)
{
	hello_greet("goodbye", name, count);
}

module_init(hello_init);
module_exit(hello_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("Glass");
MODULE_DESCRIPTION("Says hello and goodbye");

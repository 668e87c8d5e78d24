/* hello's greeting, in a file of its own to show a module built from
 * several objects. */
#include <glass/kernel.h>

#include "hello.h"

void hello_greet(const char *word, const char *who, int n)
{
	printk(KERN_INFO "hello: %s, %s (%d)\n", word, who, n);
}

/* What hello_main.c calls in hello_greet.c. */
#ifndef HELLO_H
#define HELLO_H

/* Prints "hello: WORD, WHO (N)" to the kernel log. */
void hello_greet(const char *word, const char *who, int n);

#endif

/*
 * The fakes unit tests share, one file per concern, and what a test can
 * see of them: printk_fakes.c (printk, vprintk, panic, symbolize) and
 * kmalloc_fakes.c (kmalloc and friends on malloc). Host headers only.
 */
#ifndef TESTS_FAKES_H
#define TESTS_FAKES_H

#include <setjmp.h>
#include <stddef.h>

/* printk_fakes.c: the log printk wrote, level prefixes dropped (clear it
 * with fake_printk[0] = '\0'; FAKES_VERBOSE=1 echoes it to stderr). */
extern char fake_printk[16384];
/* The last panic's message. With fake_panic_return set, panic longjmps
 * there; otherwise it prints the message and aborts. */
extern char fake_panic_msg[256];
extern jmp_buf *fake_panic_return;

/* kmalloc_fakes.c: blocks kmalloc'd and not yet freed. */
extern long fake_kmalloc_live;

#endif

/* module_fakes.c: what a test sees of the module loader's host side. */
#ifndef TESTS_MODULE_FAKES_H
#define TESTS_MODULE_FAKES_H

/* The name of the module whose image copy is in the (fake) umid
 * directory, "" when none. */
extern char fake_umid_copy[64];

#endif

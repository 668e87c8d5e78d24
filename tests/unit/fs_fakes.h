/* Knobs of tests/unit/fs_fakes.c. */
#ifndef TESTS_FS_FAKES_H
#define TESTS_FS_FAKES_H

#include <stdbool.h>

extern long fake_pages_live;            /* pages allocated, not freed */
extern bool fake_signal_pending;
extern int fake_sigpipe_count;
extern int fake_schedule_count;
extern void (*fake_schedule_hook)(void); /* runs when a task would sleep */

#endif

/* Every unit test's main(): run suite s, exit status 0 when all passed.
 * fork: CK_FORK_GETENV (Check's default, CK_FORK=no in the environment
 * turns forking off) or CK_NOFORK. */
#ifndef TESTS_CHECK_RUN_H
#define TESTS_CHECK_RUN_H

#include <check.h>

static inline int check_run(Suite *s, enum fork_status fork)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_set_fork_status(sr, fork);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}

#endif

#!/bin/bash
# Walk-through: two kernel threads deadlock on two locks (inject deadlock).
# The hung-task detector names both, the lock each waits for and who holds
# it; sysrq w shows the same on demand.
#   ./glass inject=1 hung_task_timeout_secs=2
#   uml_mconsole UMID inject deadlock
#   … "INFO: task inject_lock_ab:N blocked for more than 2 seconds." on stderr
#   uml_mconsole UMID sysrq w
. "$(dirname "$0")/../../tests/integration/lib.sh"
mc_setup

glass_start inject=1 hung_task_timeout_secs=2 init=/bin/sh -- -c 'exec sleep 1000'
wait_for 20 test -S "$UML_DIR/$GLASS_UMID/mconsole" || fail "no mconsole socket"
expect_mc_re '^OK injected deadlock' inject deadlock
if wait_for 15 grep -q 'INFO: task inject_lock_ba:[0-9]* blocked for more than 2 seconds' "$GLASS_ERR"; then
	ok "the hung-task detector reported the deadlock"
else
	fail "no hung-task report"
fi
expect_stderr_contains 'waiting for lock inject_lock_a held by inject_lock_ab:'
expect_stderr_contains 'mutex_lock+0x'
expect_stderr_contains '"echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.'
expect_mc_re 'waiting for lock inject_lock_b held by pid [0-9]+ \(inject_lock_ba\)' sysrq w
mc halt
glass_wait
finish

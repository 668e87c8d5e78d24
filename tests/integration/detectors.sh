#!/bin/bash
# The detectors beyond the walk-throughs (examples/sessions/deadlock.sh and
# soft_lockup.sh): the thresholds are sysctls; a stop is not a lockup; a
# spinning kernel thread is reported again while it stays stuck; a host
# call that never returns is named as such.
. "$(dirname "$0")/lib.sh"

mc_setup
up() { wait_for 20 test -S "$UML_DIR/$GLASS_UMID/mconsole" || fail "no mconsole socket"; }

# ---- sysctls, and a stop that is not a lockup ----
glass_start inject=1 hung_task_timeout_secs=2 watchdog_thresh=1 init=/bin/sh -- -c '
	mount -t proc p /proc
	cat /proc/sys/kernel/hung_task_timeout_secs /proc/sys/kernel/watchdog_thresh
	echo 7 > /proc/sys/kernel/hung_task_timeout_secs && cat /proc/sys/kernel/hung_task_timeout_secs
	echo 2 > /proc/sys/kernel/hung_task_timeout_secs
	echo x > /proc/sys/kernel/watchdog_thresh || echo rejected
	echo ready; exec sleep 1000'
up
wait_for 20 grep -q ready "$GLASS_OUT" || fail "guest not ready"
expect_output "$(printf '2\n1\n7\nsh: write error: Invalid argument\nrejected\nready')"
mc stop
sleep 4
mc go
sleep 1
if grep -q 'soft lockup' "$GLASS_ERR"; then fail "a 4 s stop was reported as a lockup"; else ok "a stop is not a lockup"; fi

# ---- soft lockup: a kernel thread that never yields ----
mc inject spin
if wait_for 15 grep -q 'BUG: soft lockup - CPU#0 stuck for [0-9]*s! \[inject_spin:[0-9]*\]' "$GLASS_ERR"; then
	ok "soft lockup reported"
else
	fail "no soft-lockup report"
fi
expect_stderr_contains 'inject_spin_fn+0x'
lockups() { [ "$(grep -c 'BUG: soft lockup' "$GLASS_ERR")" -ge 2 ]; }
wait_for 15 lockups && ok "reported again while stuck" ||
	fail "only one soft-lockup report"
mc halt
glass_wait

# ---- a host call that never returns ----
glass_start inject=1 watchdog_thresh=1 init=/bin/sh -- -c 'exec sleep 1000'
up
mc inject hang-host
if wait_for 15 grep -q 'The CPU thread is in a host call that has not returned' "$GLASS_ERR"; then
	ok "hung host call reported"
else
	fail "no report of the hung host call"
fi
expect_stderr_contains 'hang_host_fn+0x'
mc halt
glass_wait
[ "$GLASS_STATUS" = 0 ] && ok "halt while the CPU hangs in the host" || fail "halt: status $GLASS_STATUS"

# ---- a host signal that ends the CPU thread: reported with its backtrace ----
glass_start init=/bin/sh -- -c 'exec sleep 1000'
up
# Once init sleeps, the CPU waits in the idle loop, where the report looks.
asleep() { mc ps; grep -q 'hrtimer_nanosleep.* sleep$' <<<"$MC_OUT"; }
wait_for 20 asleep || fail "init never went to sleep"
pkill -ABRT -P "$GLASS_PID"
glass_wait
[ "$GLASS_STATUS" = 134 ] && ok "SIGABRT: panic status 134" || fail "SIGABRT: status $GLASS_STATUS"
expect_stderr_contains 'BUG: SIGABRT on the CPU thread'
expect_stderr_contains 'cpu_idle+0x'
expect_stderr_contains 'Kernel panic'
finish

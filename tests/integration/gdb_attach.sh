#!/bin/bash
# A debugger on a running kernel: SIGUSR1 starts the stub (the UML
# HOWTO's way) and logs where; a second debugger while one is attached is
# refused at once with a message gdb prints, and the first goes on; gdb
# with no executable argument finds glass; no warning on connect.
. "$(dirname "$0")/lib.sh"

mc_setup
command -v gdb >/dev/null || { fail "gdb missing"; finish; }

glass_start init=/bin/sh -- -c 'exec sleep 1000'
wait_for 20 test -S "$UML_DIR/$GLASS_UMID/mconsole" || fail "no mconsole socket"
sock=$UML_DIR/$GLASS_UMID/gdb
logged() { [ "$(grep -c "gdb stub: target remote $sock\$" "$GLASS_ERR")" -ge "$1" ]; }

pkill -USR1 -P "$GLASS_PID"
wait_for 10 logged 1 && ok "SIGUSR1 logs the endpoint" || fail "no endpoint logged after SIGUSR1"
kill -0 "$GLASS_PID" 2>/dev/null && ok "glass survives SIGUSR1" || fail "SIGUSR1 ended glass"

# The first gdb stays attached for a while (its shell sleep); meanwhile
# a second one connects.
timeout 60 gdb -nx -q -batch -ex "target remote $sock" -ex 'info threads' -ex 'shell sleep 6' \
	-ex 'info threads' -ex detach "$GLASS" >"$TEST_TMP/first.out" 2>&1 &
first=$!
wait_for 30 grep -q '"sleep" (S hrtimer_nanosleep)' "$TEST_TMP/first.out" &&
	ok "the first gdb lists the tasks" || fail "first gdb: $(tail -n 5 "$TEST_TMP/first.out")"
start=$SECONDS
timeout 20 gdb -nx -q -batch -ex "target remote $sock" "$GLASS" >"$TEST_TMP/second.out" 2>&1
took=$((SECONDS - start))
grep -q 'Remote failure reply: E.another debugger is attached to this Glass' "$TEST_TMP/second.out" &&
	ok "the second gdb is told why (${took}s)" || fail "second gdb: $(tail -n 5 "$TEST_TMP/second.out")"
[ "$took" -le 5 ] && ok "refused within seconds" || fail "the refusal took ${took}s"
wait "$first"
[ "$(grep -c '"sleep" (S hrtimer_nanosleep)' "$TEST_TMP/first.out")" = 2 ] &&
	grep -q 'Remote target) detached' "$TEST_TMP/first.out" &&
	ok "the first gdb went on and detached" || fail "first gdb: $(tail -n 8 "$TEST_TMP/first.out")"

# Listening already: SIGUSR1 says where again, and gdb can come back.
pkill -USR1 -P "$GLASS_PID"
wait_for 10 logged 2 && ok "a second SIGUSR1 logs the endpoint again" || fail "no second log line"
out=$(timeout 30 gdb -nx -q -batch -ex "target remote $sock" -ex 'info threads' -ex detach "$GLASS" 2>&1)
grep -q '"sleep" (S hrtimer_nanosleep)' <<<"$out" && ok "gdb attaches again" ||
	fail "gdb again: $(tail -n 3 <<<"$out")"

# No executable argument: the stub names it (qXfer:exec-file:read). With
# the helper loaded, no file-transfer warning on connect.
out=$(cd "$TEST_TMP" && timeout 30 gdb -nx -q -batch -ex "target remote $sock" -ex 'info threads' \
	-ex detach 2>&1)
grep -qF "Reading symbols from $GLASS..." <<<"$out" && grep -q 'schedule () at kernel/sched/core.c' <<<"$out" &&
	ok "gdb with no file finds glass's symbols" || fail "gdb with no file: $(head -n 5 <<<"$out")"
out=$(timeout 30 gdb -nx -q -batch -iex "add-auto-load-safe-path $TOP" -ex "target remote $sock" \
	-ex 'info threads' -ex detach "$GLASS" 2>&1)
grep -q 'warning' <<<"$out" && fail "a warning on connect: $(grep -m2 warning <<<"$out")" ||
	ok "no warning on connect with the helper"
mc version
[ "$MC_STATUS" = 0 ] && ok "kernel runs on" || fail "mconsole version: $MC_OUT"
mc halt
glass_wait
expect_status 0
finish

#!/bin/bash
# gdb's machine interface, which ddd's and emacs' front ends drive: connect,
# break, continue, thread list, stack list, detach. emacs' gdb-mi asks for
# non-stop mode unless gdb-non-stop-setting is nil (README): the stub is
# all-stop, so that request fails plainly, and the all-stop path works.
. "$(dirname "$0")/lib.sh"

command -v gdb >/dev/null || { fail "gdb missing (apt-get install gdb)"; finish; }

glass_start gdb init=/bin/sh -- -c 'mount -t devtmpfs d /dev; (while :; do sleep 0.2; done) & sleep 1; echo ready; exec sleep 100'
wait_for 20 grep -q 'gdb stub: target remote' "$GLASS_ERR" || { fail "no gdb endpoint"; finish; }
wait_for 20 grep -q ready "$GLASS_OUT" || fail "guest not ready"
ep=$(sed -n 's/.*gdb stub: target remote \(.*\)$/\1/p' "$GLASS_ERR" | head -n1)

# What emacs sends first by default: non-stop, refused by gdb for an
# all-stop stub at connect time.
out=$TEST_TMP/mi-nonstop.out
printf '%s\n' '-gdb-set non-stop 1' "-target-select remote $ep" '-gdb-exit' |
	timeout 60 gdb -nx -q --interpreter=mi "$GLASS" >"$out" 2>&1
if grep -q '\^error,msg="Non-stop mode requested, but remote does not support non-stop"' "$out"; then
	ok "non-stop refused plainly"
else
	fail "non-stop request: $(grep '\^error' "$out" | head -n 3)"
fi

# The all-stop path (emacs with gdb-non-stop-setting nil, and ddd).
out=$TEST_TMP/mi.out
printf '%s\n' '-gdb-set non-stop 0' "-target-select remote $ep" \
	'-break-insert schedule' '-exec-continue' '-thread-info' \
	'-stack-list-frames 0 3' '-break-delete 1' '-thread-list-ids' '-target-detach' '-gdb-exit' |
	timeout 60 gdb -nx -q --interpreter=mi "$GLASS" >"$out" 2>&1
expect_in "$out" "connected" '^\^connected'
expect_in "$out" "breakpoint inserted" '^\^done,bkpt=\{number="1",type="breakpoint".*func="schedule"'
expect_in "$out" "running" '^\*running,thread-id="all"'
expect_in "$out" "stopped at the breakpoint" '^\*stopped,reason="breakpoint-hit",disp="keep",bkptno="1",frame=\{addr="0x[0-9a-f]+",func="schedule"'
expect_in "$out" "thread list with names" '^\^done,threads=\[.*name="swapper".*name="sleep"'
expect_in "$out" "thread details" 'details="S hrtimer_nanosleep"'
expect_in "$out" "current thread" 'current-thread-id="[0-9]+"'
expect_in "$out" "stack list" '^\^done,stack=\[frame=\{level="0",addr="0x[0-9a-f]+",func="schedule",file="kernel/sched/core.c"'
expect_in "$out" "thread ids" '^\^done,thread-ids=\{thread-id="1"'
expect_in "$out" "detached" '^\^done' 
kill -0 "$GLASS_PID" 2>/dev/null && ok "kernel runs on after detach" || fail "glass died"
[ "$_failures" = 0 ] || { echo "--- MI transcript:"; cat "$out"; }
kill "$GLASS_PID" 2>/dev/null
finish

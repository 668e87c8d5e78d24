#!/bin/bash
# An idle kernel is not a soft lockup: a shell waiting for console input
# leaves the CPU thread in the event loop's wait for a long time, and with
# watchdog_thresh=2 30 s cover seven detector periods without a report.
. "$(dirname "$0")/lib.sh"

fifo=$TEST_TMP/console
mkfifo "$fifo"
exec 7<>"$fifo"         # held open: the shell's read waits, never sees EOF
GLASS_STDIN=$fifo glass_start watchdog_thresh=2 init=/bin/sh -- -c 'echo waiting; read line; echo "got $line"'
wait_for 20 grep -q waiting "$GLASS_OUT" || fail "guest not ready"
sleep 30
echo hello >&7
wait_for 20 grep -q 'got hello' "$GLASS_OUT" && ok "the shell read its line after 30 s" ||
	fail "the shell did not read its line"
glass_wait
exec 7>&-
if grep -q 'soft lockup' "$GLASS_ERR"; then
	fail "30 s of idle reported as a soft lockup"
	grep -m3 'soft lockup' "$GLASS_ERR"
else
	ok "30 s idle, no soft-lockup report"
fi
finish

#!/bin/bash
# poweroff -f and halt -f exit 0; reboot -f re-executes glass with the same
# command line (a hostfs marker tells the boots apart). A reboot loses no
# record: the trace goes on in the same file, and a panic's core and log
# (panic=N) stay too (oops.sh).
. "$(dirname "$0")/lib.sh"

glass_run init=/bin/sh -- -c 'echo bye; poweroff -f; echo still-here'
expect_status 0
expect_output bye
glass_run init=/bin/sh -- -c 'halt -f; echo still-here'
expect_status 0
expect_output ''

mark=$TEST_TMP/hostdir
mkdir -p "$mark"
glass_run --timeout 60 init=/bin/sh -- -c "mount -t hostfs none /mnt -o $mark || exit 9
if [ -e /mnt/booted ]; then echo second; poweroff -f; else touch /mnt/booted; echo first; reboot -f; fi"
expect_status 0
expect_output "$(printf 'first\nsecond')"

rm -f "$mark/booted"
glass_run --timeout 60 trace=syscalls init=/bin/sh -- -c "mount -t hostfs none /mnt -o $mark || exit 9
if [ -e /mnt/booted ]; then echo second; poweroff -f; else touch /mnt/booted; echo first; reboot -f; fi"
expect_status 0
trace=$UML_DIR/$GLASS_UMID/trace
for word in first second; do
	if grep -q "write(1, \"$word\\\\n\", [0-9]*) = [0-9]" "$trace" 2>/dev/null; then
		ok "the trace file holds the $word boot's write"
	else
		fail "no write of '$word' in $trace: $(grep -c . "$trace" 2>&1) lines; $(grep 'write(1' "$trace" 2>&1 | head -3)"
	fi
done

finish

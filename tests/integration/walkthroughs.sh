#!/bin/bash
# The shell walk-throughs in examples/sessions/*.sh (mconsole and gdb
# together), each a test of its own.
. "$(dirname "$0")/lib.sh"

for s in "$TOP"/examples/sessions/*.sh; do
	if timeout -k 5 240 "$s" >"$TEST_TMP/$(basename "$s").out" 2>&1; then
		ok "$(basename "$s" .sh)"
	else
		fail "$(basename "$s" .sh):"
		tail -n 20 "$TEST_TMP/$(basename "$s").out"
	fi
done
finish

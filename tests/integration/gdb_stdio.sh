#!/bin/bash
# gdb=stdio: `target remote | ./glass debug=stdio …`. gdb talks on glass's
# stdin and stdout, the console moves to a pty named on stderr, and the
# kernel stops at start_kernel, runs on, and gdb hears init's exit status.
. "$(dirname "$0")/lib.sh"

command -v gdb >/dev/null || { fail "gdb missing"; finish; }
out=$TEST_TMP/gdb.out
timeout -k 5 90 gdb -nx -q -batch \
	-ex "target remote | $GLASS debug=stdio uml_dir=$UML_DIR umid=stdio-$$ init=/bin/sh -- -c 'echo hi; exit 3'" \
	-ex 'bt 1' -ex 'info threads' -ex continue "$GLASS" >"$out" 2>&1
# A gdb killed by the time-out leaves its glass behind: clean it up.
pkill -KILL -f "umid=stdio-$$ "
expect_in "$out" "stopped at start_kernel" '^#0  start_kernel \(\) at kernel/init/main\.c'
expect_in "$out" "idle is the thread" 'Thread 4194304 "swapper"'
expect_in "$out" "console on a pty, named on stderr" "Virtual console 0 assigned device '/dev/pts/[0-9]+'"
expect_in "$out" "init's exit status reaches gdb" 'exited with code 03'
[ "$_failures" = 0 ] || head -n 60 "$out"
finish

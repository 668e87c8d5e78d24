#!/bin/bash
# Boot to init=/bin/sh and run one command: `hi` on stdout, exit 0.
# Arguments after -- reach init verbatim (one argv entry each).
. "$(dirname "$0")/lib.sh"

glass_run init=/bin/sh -- -c 'echo hi'
expect_status 0
expect_output hi

# No re-splitting at spaces; $0 is the script's first word after -c.
glass_run init=/bin/sh -- -c 'printf "<%s>" "$@"; echo' zero 'a b' '' c
expect_status 0
expect_output '<a b><><c>'

# The default initramfs boots through /init to a shell reading the console;
# stdin may be a regular file (./glass < FILE). The console may echo the
# input, so look for the command's result, which is not in its text.
printf 'echo from-$((6 * 7))\nexit 0\n' >"$TEST_TMP/in"
glass_run --stdin "$TEST_TMP/in"
expect_status 0
expect_stdout_contains from-42
# ... and a pipe.
glass_run --stdin <(printf 'echo pipe-$((6 * 7))\nexit 3\n')
expect_status 3
expect_stdout_contains pipe-42
finish

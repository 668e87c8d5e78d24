#!/bin/bash
# glass exits with init's status. (pid 1 ignores signals it has no handler
# for, as on Linux, so `kill -TERM $$` from init is not a way to kill it.)
. "$(dirname "$0")/lib.sh"

glass_run init=/bin/sh -- -c 'exit 7'
expect_status 7
glass_run init=/bin/sh -- -c 'exit 0'
expect_status 0
glass_run init=/bin/false
expect_status 1
glass_run init=/bin/sh -- -c 'kill -TERM $$; exit 255'
expect_status 255
finish

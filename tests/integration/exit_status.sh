#!/bin/bash
# glass exits with init's status; 128+N when init dies of signal N.
. "$(dirname "$0")/lib.sh"

glass_run init=/bin/sh -- -c 'exit 7'
expect_status 7
glass_run init=/bin/sh -- -c 'exit 0'
expect_status 0
glass_run init=/bin/false
expect_status 1
glass_run init=/bin/sh -- -c 'kill -TERM $$'
expect_status 143
finish

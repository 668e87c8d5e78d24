#!/bin/bash
# poweroff -f and halt -f exit 0; reboot -f re-executes glass with the same
# command line (a hostfs marker tells the boots apart).
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
finish

#!/bin/bash
# Every applet the guests use, run by busybox_applets.script natively
# (host /bin/busybox) and inside Glass; outputs must match after the
# normalization in busybox_applets.rules. poweroff, halt and reboot cannot
# run natively: power.sh covers them.
. "$(dirname "$0")/lib.sh"
compare_with_native tests/integration/busybox_applets.script tests/integration/busybox_applets.rules
finish

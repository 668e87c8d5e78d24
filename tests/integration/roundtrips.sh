#!/bin/bash
# Host round trips per guest operation (examples/programs/roundtrips.c reads
# /proc/glass/stats): exact bounds, checked inside Glass.
. "$(dirname "$0")/lib.sh"

prog=$TOP/build/programs/glibc/roundtrips
[ -x "$prog" ] || { fail "$prog not built: make programs"; finish; }
img=$TEST_TMP/rt.cpio
make_initramfs "$img" --add "$prog:/bin/roundtrips" || { fail "mkinitramfs failed"; finish; }
glass_run initrd="$img" init=/bin/sh -- -c \
	'mount -t proc proc /proc && mount -t tmpfs tmpfs /tmp && /bin/roundtrips'
expect_status 0
expect_stdout_contains "roundtrips"
finish

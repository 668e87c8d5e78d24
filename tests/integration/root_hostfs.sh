#!/bin/bash
# root=, rootfstype=, rootflags=, ro and rw (kernel/init/do_mounts.c):
# - root=/dev/root rootfstype=hostfs rootflags=TREE boots init from a host
#   tree holding only a static busybox: "/" is the tree, read-only by
#   default (EROFS; /proc/mounts says "/dev/root / hostfs ro"), ".." at
#   "/" stays there, and none of the five options reaches init's argv or
#   environment.
# - rw makes it writable: a file written inside is on the host.
# - Without root= the initramfs stays the root.
# - A root that cannot be mounted panics naming the reason (exit by
#   SIGABRT, init never runs): a missing host directory, a tree outside
#   hostfs=, an unknown rootfstype=, root=/dev/NAME with no such device.
. "$(dirname "$0")/lib.sh"

T=$TEST_TMP/tree
mkdir -p "$T/bin" "$T/proc" "$T/dev" "$T/etc"
cp /bin/busybox "$T/bin/busybox"
ln -s busybox "$T/bin/sh"
echo "from the tree" >"$T/marker"
root="root=/dev/root rootfstype=hostfs rootflags=$T"

# ---- read-only (the default) hostfs root; options consumed ----
glass_run $root ro init=/bin/sh -- -c '
busybox cat /marker
busybox mount -t proc proc /proc
busybox grep " / " /proc/mounts
echo x >/newfile 2>/dev/null || echo "write refused"
cd /..; echo "cwd $(busybox pwd) has $(busybox ls / | busybox tr "\n" " ")"
echo "args $#: $*"
busybox env | busybox grep -E "^(root|rootfstype|rootflags|ro|rw)=" || echo "no root options in env"'
expect_status 0
expect_stdout_contains "from the tree"
expect_stdout_contains "/dev/root / hostfs ro"
expect_stdout_contains "write refused"
expect_stdout_contains "cwd / has bin dev etc marker proc"
expect_stdout_contains "args 0: "
expect_stdout_contains "no root options in env"
expect_stderr_contains "VFS: Mounted root (hostfs filesystem) readonly"
[ ! -e "$T/newfile" ] && ok "nothing written on the host" || fail "$T/newfile was made"

# ---- rw ----
glass_run $root rw init=/bin/sh -- -c 'echo written inside >/newfile && busybox cat /newfile'
expect_status 0
expect_stdout_contains "written inside"
[ "$(cat "$T/newfile" 2>/dev/null)" = "written inside" ] && ok "rw: file on the host" ||
	fail "rw: $T/newfile missing or wrong"

# ---- no root=: the initramfs ----
glass_run init=/bin/sh -- -c 'test -x /init && test ! -e /marker && echo "initramfs root"'
expect_status 0
expect_stdout_contains "initramfs root"

# ---- roots that cannot be mounted: a panic with the reason ----
panics() {
	local what=$1 reason=$2
	shift 2
	glass_run "$@" init=/bin/sh -- -c 'echo INIT RAN'
	if [ "$GLASS_STATUS" = 134 ] && grep -qE -- "Kernel panic.*$reason" "$GLASS_ERR" &&
	   ! grep -q "INIT RAN" "$GLASS_OUT"; then
		ok "$what: panic ($reason)"
	else
		fail "$what: status $GLASS_STATUS, expected a panic matching /$reason/"
	fi
}
panics "missing host directory" 'VFS: Cannot mount root "/dev/root" as hostfs: error -2' \
	root=/dev/root rootfstype=hostfs rootflags="$TEST_TMP/nonexistent"
mkdir -p "$TEST_TMP/jail"
panics "outside hostfs=" 'VFS: Cannot mount root "/dev/root" as hostfs: error -1' \
	$root hostfs="$TEST_TMP/jail"
expect_stderr_contains "is outside hostfs="
panics "unknown rootfstype" 'Unable to mount root fs on "/dev/root": unknown filesystem type in rootfstype=nosuchfs' \
	root=/dev/root rootfstype=nosuchfs
# With a filesystem that needs a block device registered (ext2) the device
# is looked for and not found; without one, there is nothing to try.
panics "no such device" 'VFS: (Cannot open root device "/dev/nosuchdev": error -2|Unable to mount root fs on "/dev/nosuchdev")' \
	root=/dev/nosuchdev

finish

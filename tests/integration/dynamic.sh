#!/bin/bash
# Dynamically linked programs (PT_INTERP, kernel/proc/binfmt_elf.c), run
# from a read-only hostfs mount of the host's / (chroot into it, with the
# guest's own /proc, /dev and a tmpfs /tmp over the host's):
# - dynlink (examples/programs, glibc dynamic: auxv, /proc/self/exe and
#   maps, RELRO, dlopen of libz and libm, TLS in threads, signals,
#   getrandom) prints the same PASS lines in Glass as natively and exits 0;
# - Debian's dynamic /bin/bash -c, /usr/bin/sort, /usr/bin/md5sum and
#   /usr/bin/perl -e print what they print natively;
# - a dynamic program whose interpreter is missing (the host's /bin/true
#   run outside the chroot: the initramfs has no /lib64) fails with ENOENT,
#   so busybox sh says "not found" (exit 127), never a syntax error.
. "$(dirname "$0")/lib.sh"

DYN=$TOP/build/programs/dynamic/dynlink
[ -x "$DYN" ] || { fail "$DYN not built: make programs"; finish; }
for p in /bin/bash /usr/bin/sort /usr/bin/md5sum /usr/bin/perl /bin/true; do
	readelf -lW "$p" | grep -q 'Requesting program interpreter' ||
		{ fail "$p is not dynamically linked here"; finish; }
done

cat >"$TEST_TMP/cmds.sh" <<'CMDS'
/bin/bash -c 'echo "bash $((6 * 7)) ${BASH_VERSINFO[0]}"; for i in 1 2 3; do echo -n $i; done; echo'
printf 'pear\napple\nfig\n' | /usr/bin/sort | tr '\n' ' '; echo
printf 'glass\n' | /usr/bin/md5sum
/usr/bin/perl -e 'print join(",", map { $_ * $_ } 1 .. 5), " ", scalar(@ARGV), "\n"' a b
CMDS
"$DYN" >"$TEST_TMP/native.out" 2>&1
want="dynlink status: $?
$(bash "$TEST_TMP/cmds.sh")"
grep '^PASS ' "$TEST_TMP/native.out" | sort >"$TEST_TMP/native.pass"
[ "$(grep -c . "$TEST_TMP/native.pass")" -ge 20 ] && ! grep -q '^FAIL' "$TEST_TMP/native.out" ||
	fail "dynlink fails natively: $(grep '^FAIL' "$TEST_TMP/native.out" | head -n 3)"

GLASS_TIMEOUT=180 glass_run init=/bin/sh DYN="$DYN" CMDS="$TEST_TMP/cmds.sh" -- -c '
mount -t proc proc /proc; mount -t tmpfs tmpfs /tmp; mount -t devtmpfs dev /dev
mkdir -p /mnt/h
mount -r -t hostfs none /mnt/h -o / || echo "MOUNT FAILED"
cp "/mnt/h$CMDS" /tmp/cmds.sh
mount -t proc proc /mnt/h/proc; mount -t devtmpfs dev /mnt/h/dev; mount -t tmpfs tmp /mnt/h/tmp
cp /tmp/cmds.sh /mnt/h/tmp/cmds.sh
/mnt/h/bin/true; echo "missing interpreter: status $?"
echo "=== dynlink"
chroot /mnt/h "$DYN"
echo "dynlink status: $?"
chroot /mnt/h /bin/bash /tmp/cmds.sh
echo "=== end"'
expect_status 0
tr -d '\r' <"$GLASS_OUT" >"$TEST_TMP/glass.out"
sed -n '/^=== dynlink/,/^dynlink status/p' "$TEST_TMP/glass.out" | grep '^PASS ' | sort >"$TEST_TMP/glass.pass"
if cmp -s "$TEST_TMP/native.pass" "$TEST_TMP/glass.pass"; then
	ok "dynlink: the same $(wc -l <"$TEST_TMP/glass.pass") PASS lines as natively"
else
	fail "dynlink: PASS lines differ in Glass:"
	diff "$TEST_TMP/native.pass" "$TEST_TMP/glass.pass"
	grep '^FAIL' "$TEST_TMP/glass.out"
fi
got=$(sed -n '/^dynlink status/,/^=== end/p' "$TEST_TMP/glass.out" | grep -v '^=== end')
if [ "$got" = "$want" ]; then
	ok "bash, sort, md5sum, perl print what they print natively"
else
	fail "bash, sort, md5sum, perl differ: native"
	echo "$want"
	echo "--- Glass"
	echo "$got"
fi
expect_stdout_contains "missing interpreter: status 127"
expect_stdout_contains "/mnt/h/bin/true: not found"
grep -q "syntax error" "$TEST_TMP/glass.out" && fail "a shell syntax error was printed" ||
	ok "no syntax error"
finish

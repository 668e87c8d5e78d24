#!/bin/bash
# Dynamically linked programs (PT_INTERP, kernel/proc/binfmt_elf.c), run
# from a read-only hostfs mount of the host's / (chroot into it, with the
# guest's own /proc, /dev and a tmpfs /tmp over the host's; the programs
# and commands are copied there first, as the checkout may be under /tmp):
# - the glibc-dynamic builds of examples/programs (build/programs/dynamic:
#   every t_*.c, and dynlink: auxv, /proc/self/exe and maps, RELRO, dlopen
#   of libz and libm, TLS in threads, signals, getrandom) print the same
#   PASS lines in Glass as natively and exit 0;
# - Debian's dynamic /bin/bash -c, /usr/bin/sort, /usr/bin/md5sum and
#   /usr/bin/perl -e print what they print natively;
# - a dynamic program whose interpreter is missing (the host's /bin/true
#   run outside the chroot: the initramfs has no /lib64) fails with ENOENT,
#   so busybox sh says "not found" (exit 127), never a syntax error.
. "$(dirname "$0")/lib.sh"

PD=$TOP/build/programs/dynamic
[ -x "$PD/dynlink" ] || { fail "$PD/dynlink not built: make programs"; finish; }
progs=$(cd "$PD" && ls)
for p in /bin/bash /usr/bin/sort /usr/bin/md5sum /usr/bin/perl /bin/true "$PD/dynlink"; do
	readelf -lW "$p" | grep -q 'Requesting program interpreter' ||
		{ fail "$p is not dynamically linked here"; finish; }
done

cat >"$TEST_TMP/cmds.sh" <<'CMDS'
/bin/bash -c 'echo "bash $((6 * 7)) ${BASH_VERSINFO[0]}"; for i in 1 2 3; do echo -n $i; done; echo'
printf 'pear\napple\nfig\n' | /usr/bin/sort | tr '\n' ' '; echo
printf 'glass\n' | /usr/bin/md5sum
/usr/bin/perl -e 'print join(",", map { $_ * $_ } 1 .. 5), " ", scalar(@ARGV), "\n"' a b
CMDS
want=$(bash "$TEST_TMP/cmds.sh")
mkdir -p "$TEST_TMP/native" "$TEST_TMP/ntmp"
for p in $progs; do
	(cd "$TEST_TMP/ntmp" && TMPDIR=$TEST_TMP/ntmp timeout -k 5 120 "$PD/$p") \
		>"$TEST_TMP/native/$p.out" 2>&1 ||
		fail "$p fails natively: $(grep '^FAIL' "$TEST_TMP/native/$p.out" | head -n 3)"
	grep '^PASS ' "$TEST_TMP/native/$p.out" | sort >"$TEST_TMP/native/$p.pass"
done

GLASS_TIMEOUT=400 glass_run init=/bin/sh PD="$PD" CMDS="$TEST_TMP/cmds.sh" -- -c '
mount -t proc proc /proc; mount -t tmpfs tmpfs /tmp; mount -t devtmpfs dev /dev
mkdir -p /mnt/h
mount -r -t hostfs none /mnt/h -o / || echo "MOUNT FAILED"
cp "/mnt/h$CMDS" /tmp/cmds.sh
mkdir /tmp/progs && cp "/mnt/h$PD"/* /tmp/progs/
mount -t proc proc /mnt/h/proc; mount -t devtmpfs dev /mnt/h/dev; mount -t tmpfs tmp /mnt/h/tmp
cp /tmp/cmds.sh /mnt/h/tmp/cmds.sh
cp -r /tmp/progs /mnt/h/tmp/progs
/mnt/h/bin/true; echo "missing interpreter: status $?"
for p in $(ls /tmp/progs); do
	echo "=== BEGIN $p"
	chroot /mnt/h /bin/sh -c "cd /tmp && TMPDIR=/tmp /tmp/progs/$p" 2>&1
	echo "=== END $p status $?"
done
echo "=== cmds"
chroot /mnt/h /bin/bash /tmp/cmds.sh
echo "=== end"'
expect_status 0
tr -d '\r' <"$GLASS_OUT" >"$TEST_TMP/glass.out"
for p in $progs; do
	awk -v p="$p" '$0 == "=== BEGIN " p { on = 1; next } on && /^=== END / { exit } on' \
		"$TEST_TMP/glass.out" | grep '^PASS ' | sort >"$TEST_TMP/$p.gpass"
	if ! grep -q "^=== END $p status 0$" "$TEST_TMP/glass.out"; then
		fail "$p: no exit 0 in Glass: $(grep "^=== END $p " "$TEST_TMP/glass.out")"
		grep '^FAIL' "$TEST_TMP/glass.out" | head -n 10
	elif cmp -s "$TEST_TMP/native/$p.pass" "$TEST_TMP/$p.gpass"; then
		ok "$p: the same $(wc -l <"$TEST_TMP/$p.gpass") PASS lines as natively"
	else
		fail "$p: PASS lines differ in Glass:"
		diff "$TEST_TMP/native/$p.pass" "$TEST_TMP/$p.gpass"
	fi
done
got=$(sed -n '/^=== cmds/,/^=== end/p' "$TEST_TMP/glass.out" | sed '1d;$d')
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

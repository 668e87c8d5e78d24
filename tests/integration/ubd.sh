#!/bin/bash
# ubd block devices with Debian's uml_mkcow, uml_moo and
# uml_mconsole:
# 1. From the command line: a plain file, a COW file made by uml_mkcow, a
#    COW file Glass makes itself, a read-only file. The guest sees block
#    nodes 98:N*16 (/dev/ubdN and /dev/ubdX), their size by ioctl and
#    lseek, reads them with dd/hexdump/md5sum as the host sees the files,
#    and writes at odd offsets and lengths; afterwards the plain file has
#    the guest's bytes, the backing files are untouched, uml_moo merges
#    the COW files into images with the guest's writes, and Glass's new
#    COW file has uml_mkcow's header.
# 2. At run time through mconsole: config ubd1=FILE, the guest reads it,
#    config ubd1 reports it, remove refuses while a guest holds it open
#    and works after, the node goes; UML's errors for bad numbers, and
#    clear errors for missing, directory, truncated, corrupt and stale COW
#    files, which leave Glass running; a guest write followed by SIGKILL
#    of glass, or by mconsole halt, is in the host file. While it runs, a
#    second instance may not open its image (UML's lock), read-write or
#    read-only, at boot (exit 2) or through config; flag c shares it.
# 3. A bad ubd word on the command line: one-line error, exit status 2.
. "$(dirname "$0")/lib.sh"

for t in uml_mkcow uml_moo; do
	command -v $t >/dev/null || { fail "$t missing (apt-get install uml-utilities)"; finish; }
done
mc_setup
BLKINFO=$TOP/build/programs/glibc/blkinfo
[ -x "$BLKINFO" ] || { fail "$BLKINFO not built: make programs"; finish; }

D=$TEST_TMP/disks
C=$TEST_TMP/ctl
mkdir -p "$D" "$C"
md5() { md5sum <"$1" | cut -d' ' -f1; }
# bytes FILE OFFSET COUNT: that part of FILE as text
bytes() { dd if="$1" bs=1 skip="$2" count="$3" 2>/dev/null; }
# line PREFIX: the guest's output line starting with PREFIX, CRs dropped
line() { tr -d '\r' <"$GLASS_OUT" | grep -m1 "^$1" ; }
expect_line() {
	local got
	got=$(line "$1")
	if [ "$got" = "$2" ]; then ok "guest: $2"
	else fail "guest line '$got', expected '$2'"; fi
}

head -c 1048576 /dev/urandom >"$D/plain.img"
head -c 262144 /dev/urandom >"$D/back.img"
head -c 131072 /dev/urandom >"$D/back2.img"
head -c 65536 /dev/urandom >"$D/ro.img"
uml_mkcow -f "$D/mk.cow" "$D/back.img" >/dev/null
plain_md5=$(md5 "$D/plain.img")
back_md5=$(md5 "$D/back.img")
back2_md5=$(md5 "$D/back2.img")

cat >"$TEST_TMP/part1.sh" <<'EOF'
mount -t proc proc /proc
mount -t tmpfs tmpfs /tmp
mount -t devtmpfs devtmpfs /dev
for n in ubd0 ubda ubd1 ubdb ubd2 ubd3; do stat -c "STAT %n %F %t:%T" /dev/$n; done
echo "BLK0 $(/blkinfo /dev/ubd0)"
echo "BLK1 $(/blkinfo /dev/ubd1)"
echo "BLK3 $(/blkinfo /dev/ubd3)"
echo "MD5 0 $(md5sum </dev/ubd0)"
echo "MD5 1 $(dd if=/dev/ubd1 bs=4096 2>/dev/null | md5sum)"
echo "MD5 2 $(md5sum </dev/ubdc)"
hexdump -C -n 64 /dev/ubd0 | sed 's/^/HEX /'
printf GUEST-PLAIN | dd of=/dev/ubd0 bs=1 seek=1000 conv=notrunc 2>/dev/null
printf MOO-COW | dd of=/dev/ubd1 bs=1 seek=700 conv=notrunc 2>/dev/null
# 3000 bytes at 4500: partial sectors at both ends, whole ones between
dd if=/dev/urandom of=/tmp/r bs=3000 count=1 2>/dev/null
dd if=/tmp/r of=/dev/ubd1 bs=1500 seek=3 conv=notrunc 2>/dev/null
dd if=/dev/ubd1 bs=1500 skip=3 count=2 2>/dev/null | cmp - /tmp/r && echo "RMW ok"
# and across a 64 KiB chunk boundary, unaligned
dd if=/dev/urandom of=/tmp/r2 bs=70000 count=1 2>/dev/null
dd if=/tmp/r2 of=/dev/ubd1 bs=1 seek=65000 conv=notrunc 2>/dev/null
dd if=/dev/ubd1 bs=1 skip=65000 count=70000 2>/dev/null | cmp - /tmp/r2 && echo "CHUNKS ok"
printf NEW-COW | dd of=/dev/ubd2 bs=512 seek=5 conv=notrunc 2>/dev/null
echo x 2>/dev/null >/dev/ubd3 || echo "RO refused"
dd if=/dev/zero of=/dev/ubd0 bs=512 seek=2048 count=1 2>/dev/null || echo "END refused"
[ "$(dd if=/dev/ubd0 bs=512 skip=2048 2>/dev/null | wc -c)" = 0 ] && echo "EOF ok"
echo "MD5 1after $(md5sum </dev/ubd1)"
echo "MD5 2after $(md5sum </dev/ubd2)"
EOF
img=$TEST_TMP/ubd.cpio
make_initramfs "$img" --add "$TEST_TMP/part1.sh:/test/part1.sh" --add "$BLKINFO:/blkinfo" ||
	{ fail "mkinitramfs failed"; finish; }

# ---- 1. devices from the command line ----
glass_run initrd="$img" init=/bin/sh "ubd0=$D/plain.img" "ubd1=$D/mk.cow" \
	"ubd2=$D/new.cow,$D/back2.img" "ubd3r=$D/ro.img" -- /test/part1.sh
expect_status 0
expect_stderr_contains "Creating \"$D/new.cow\" as COW file for \"$D/back2.img\""
expect_line "STAT /dev/ubd0" "STAT /dev/ubd0 block special file 62:0"
expect_line "STAT /dev/ubda" "STAT /dev/ubda block special file 62:0"
expect_line "STAT /dev/ubdb" "STAT /dev/ubdb block special file 62:10"
expect_line "STAT /dev/ubd3" "STAT /dev/ubd3 block special file 62:30"
expect_line BLK0 "BLK0 size64=1048576 sectors=2048 seek_end=1048576 ssz=512 ro=0 rdev=98:0"
expect_line BLK1 "BLK1 size64=262144 sectors=512 seek_end=262144 ssz=512 ro=0 rdev=98:16"
expect_line BLK3 "BLK3 size64=65536 sectors=128 seek_end=65536 ssz=512 ro=1 rdev=98:48"
expect_line "MD5 0" "MD5 0 $plain_md5  -"
expect_line "MD5 1 " "MD5 1 $back_md5  -"
expect_line "MD5 2 " "MD5 2 $back2_md5  -"
if diff <(line HEX | sed 's/^HEX //'; tr -d '\r' <"$GLASS_OUT" | grep '^HEX' | tail -n +2 | sed 's/^HEX //') \
	<(hexdump -C -n 64 "$D/plain.img") >/dev/null; then
	ok "guest hexdump = host hexdump"
else
	fail "guest hexdump differs"; tr -d '\r' <"$GLASS_OUT" | grep '^HEX'
fi
for l in "RMW ok" "CHUNKS ok" "RO refused" "END refused" "EOF ok"; do expect_line "$l" "$l"; done
[ "$(bytes "$D/plain.img" 1000 11)" = GUEST-PLAIN ] && ok "host file has the guest's write" ||
	fail "plain.img at 1000: '$(bytes "$D/plain.img" 1000 11)'"
[ "$(md5 "$D/back.img")" = "$back_md5" ] && [ "$(md5 "$D/back2.img")" = "$back2_md5" ] &&
	ok "backing files untouched" || fail "a backing file changed"
# uml_moo merges what the guest wrote through the COW files.
uml_moo "$D/mk.cow" "$D/merged1.img" >/dev/null 2>&1 || fail "uml_moo mk.cow failed"
expect_line "MD5 1after" "MD5 1after $(md5 "$D/merged1.img")  -"
[ "$(bytes "$D/merged1.img" 700 7)" = MOO-COW ] && ok "uml_moo merged the guest's write" ||
	fail "merged1 at 700: '$(bytes "$D/merged1.img" 700 7)'"
uml_moo "$D/new.cow" "$D/merged2.img" >/dev/null 2>&1 || fail "uml_moo new.cow failed"
expect_line "MD5 2after" "MD5 2after $(md5 "$D/merged2.img")  -"
[ "$(bytes "$D/merged2.img" 2560 7)" = NEW-COW ] && ok "uml_moo merged Glass's own COW file" ||
	fail "merged2 at 2560: '$(bytes "$D/merged2.img" 2560 7)'"
# Glass's COW file: uml_mkcow's header (the bitmap after it has our bit).
uml_mkcow -f "$D/ref.cow" "$D/back2.img" >/dev/null
cmp -n 8192 "$D/ref.cow" "$D/new.cow" >/dev/null && ok "new COW header = uml_mkcow's" ||
	fail "new COW header differs from uml_mkcow's: $(cmp -n 8192 "$D/ref.cow" "$D/new.cow")"
[ "$(stat -c %s "$D/new.cow")" = "$(stat -c %s "$D/ref.cow")" ] && ok "new COW length = uml_mkcow's" ||
	fail "new COW length $(stat -c %s "$D/new.cow"), uml_mkcow $(stat -c %s "$D/ref.cow")"

# ---- 2. at run time, through mconsole ----
head -c 32768 /dev/urandom >"$D/rt.img"
head -c 16384 /dev/zero >"$D/kill.img"
rt_md5=$(md5 "$D/rt.img")
cat >"$TEST_TMP/part2.sh" <<'EOF'
mount -t proc proc /proc
mount -t devtmpfs devtmpfs /dev
mount none /mnt -t hostfs -o "$CTL"
wait_file() { while [ ! -e "/mnt/$1" ]; do sleep 0.1; done; }
echo READY
wait_file go1
echo "RT-MD5 $(md5sum </dev/ubd1)"
exec 3</dev/ubd1
echo HOLDING
wait_file go2
exec 3<&-
echo CLOSED
wait_file go3
[ -e /dev/ubd1 ] && echo NODE-STILL || echo NODE-GONE
printf KILL-SURVIVES | dd of=/dev/ubd0 bs=1 seek=4096 conv=notrunc 2>/dev/null && echo WROTE
while :; do sleep 1; done
EOF
make_initramfs "$img" --add "$TEST_TMP/part2.sh:/test/part2.sh" || { fail "mkinitramfs failed"; finish; }
glass_start initrd="$img" init=/bin/sh "ubd0=$D/kill.img" CTL="$C" -- /test/part2.sh
alive() { kill -0 "$GLASS_PID" 2>/dev/null && ok "glass still running" || fail "glass died"; }
seen() { [ -e "$GLASS_OUT" ] && tr -d '\r' <"$GLASS_OUT" | grep -q "^$1"; }
wait_for 20 seen READY || fail "guest not ready"
expect_mc 0 "OK" config "ubd1=$D/rt.img"
touch "$C/go1"
wait_for 20 seen RT-MD5 && expect_line RT-MD5 "RT-MD5 $rt_md5  -" || fail "guest did not read ubd1"
wait_for 20 seen HOLDING || fail "guest did not open ubd1"
expect_mc 0 "OK $D/rt.img" config ubd1
expect_mc 0 "OK $D/kill.img" config ubd0
expect_mc 1 "ERR Device is currently open" remove ubd1
touch "$C/go2"
wait_for 20 seen CLOSED || fail "guest did not close ubd1"
expect_mc 0 "OK" remove ubd1
touch "$C/go3"
wait_for 20 seen NODE- && expect_line NODE- NODE-GONE
mc config ubd1
[ "$MC_STATUS" = 0 ] && [ "$(tr -d ' ' <<<"$MC_OUT")" = OK ] && ok "config ubd1 after remove: empty" ||
	fail "config ubd1 after remove: status $MC_STATUS '$MC_OUT'"
expect_mc 1 "ERR Device doesn't exist" remove ubd1
expect_mc 1 "ERR Invalid device number - must be between 0 and 15" remove ubd16
expect_mc 1 "ERR Device number out of range" config "ubd16=$D/rt.img"
expect_mc 1 "ERR Device is already configured" config "ubd0=$D/rt.img"
expect_mc 1 "ERR Expected '=' or flag letter" config "ubd2x=$D/rt.img"

# Bad files: clear errors, and the unit stays free.
printf 'OOOM\0\0\0\7' >"$D/badver.cow"
head -c 100 "$D/mk.cow" >"$D/trunc.cow"
cp "$D/back.img" "$D/stale.img" && uml_mkcow -f "$D/stale.cow" "$D/stale.img" >/dev/null
touch -d '2001-01-01' "$D/stale.img"
cp "$D/back.img" "$D/grown.img" && uml_mkcow -f "$D/grown.cow" "$D/grown.img" >/dev/null
touch -r "$D/grown.img" "$D/ref.time" && echo more >>"$D/grown.img" && touch -r "$D/ref.time" "$D/grown.img"
cp "$D/back.img" "$D/gone.img" && uml_mkcow -f "$D/gone.cow" "$D/gone.img" >/dev/null && rm "$D/gone.img"
expect_mc 1 "No such file or directory" config "ubd2=$D/missing.img"
expect_mc 1 "is not a regular file" config "ubd2=$D"
expect_mc 1 "version" config "ubd2=$D/badver.cow"
expect_mc 1 "truncated" config "ubd2=$D/trunc.cow"
expect_mc 1 "mtime mismatch" config "ubd2=$D/stale.cow"
expect_mc 1 "Size mismatch" config "ubd2=$D/grown.cow"
expect_mc 1 "Couldn't stat backing file '$D/gone.img'" config "ubd2=$D/gone.cow"
expect_mc 1 "is not a COW file" config "ubd2=$D/rt.img,$D/back.img"
expect_mc 0 "OK" config "ubd2=$D/rt.img"
expect_mc 0 "OK" remove ubd2
alive

# A second instance is refused the image the first has open read-write.
first=("$GLASS_PID" "$GLASS_OUT" "$GLASS_ERR" "$GLASS_UMID")
for w in ubd0 ubd0r; do
	glass_run init=/bin/true "$w=$D/kill.img"
	expect_status 2
	expect_stderr_contains "bad value for $w=$D/kill.img: '$D/kill.img' is in use by another instance (locked)"
done
glass_run init=/bin/true "ubd0c=$D/kill.img"
expect_status 0
glass_start init=/bin/sh -- -c 'echo UP; while :; do sleep 1; done'
wait_for 20 seen UP || fail "second instance not up"
expect_mc 1 "ERR '$D/kill.img' is in use by another instance (locked)" config "ubd0=$D/kill.img"
expect_mc 0 OK halt
glass_wait
GLASS_PID=${first[0]} GLASS_OUT=${first[1]} GLASS_ERR=${first[2]} GLASS_UMID=${first[3]}

# A write the guest saw complete survives SIGKILL of glass.
wait_for 20 seen WROTE || fail "guest did not write ubd0"
# GLASS_PID is timeout(1)'s; glass's own pid is in its umid directory.
gpid=$(cat "$UML_DIR/$GLASS_UMID/pid")
kill -KILL "$gpid"
glass_wait
[ "$GLASS_STATUS" = 137 ] && ok "glass died of SIGKILL" || fail "glass status $GLASS_STATUS, not 137"
[ "$(bytes "$D/kill.img" 4096 13)" = KILL-SURVIVES ] && ok "write survived SIGKILL of glass" ||
	fail "kill.img at 4096: '$(bytes "$D/kill.img" 4096 13)'"

# ... and mconsole halt (exit at once, no sync, as UML).
head -c 8192 /dev/zero >"$D/halt.img"
glass_start init=/bin/sh "ubd0=$D/halt.img" -- -c 'mount -t devtmpfs d /dev
	printf HALT-SURVIVES | dd of=/dev/ubd0 bs=1 seek=512 conv=notrunc 2>/dev/null && echo WROTE
	while :; do sleep 1; done'
wait_for 20 seen WROTE || fail "guest did not write ubd0 before halt"
expect_mc 0 OK halt
glass_wait
expect_status 0
[ "$(bytes "$D/halt.img" 512 13)" = HALT-SURVIVES ] && ok "write survived halt" ||
	fail "halt.img at 512: '$(bytes "$D/halt.img" 512 13)'"

# ---- 3. a bad ubd word on the command line ----
glass_run init=/bin/true "ubd0=$D/missing.img"
expect_status 2
expect_stderr_contains "bad value for ubd0=$D/missing.img: Couldn't open '$D/missing.img': No such file or directory"
finish

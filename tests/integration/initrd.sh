#!/bin/bash
# initrd=FILE boots another newc archive, plain or gzip-compressed;
# a missing or corrupt archive is a clear error, not a crash.
. "$(dirname "$0")/lib.sh"

cat >"$TEST_TMP/init" <<'SH'
#!/bin/sh
echo "custom init: $0 $*"
exit 5
SH
chmod +x "$TEST_TMP/init"
"$TOP/scripts/mkinitramfs.sh" --init "$TEST_TMP/init" "$TEST_TMP/plain.cpio" >/dev/null
"$TOP/scripts/mkinitramfs.sh" --gzip --init "$TEST_TMP/init" "$TEST_TMP/gz.cpio.gz" >/dev/null

for img in plain.cpio gz.cpio.gz; do
	glass_run initrd="$TEST_TMP/$img" -- one two
	expect_status 5
	expect_output 'custom init: /init one two'
done

glass_run initrd="$TEST_TMP/nonexistent.cpio"
expect_status 2
expect_stderr_contains 'nonexistent.cpio'

# A bad archive is the user's file, not a kernel bug: one line naming the
# file and the reason, exit status 1, no panic and no core, the umid
# directory gone; never a half-unpacked root running init.
head -c 100000 "$TEST_TMP/gz.cpio.gz" >"$TEST_TMP/cut.cpio.gz"
head -c 3000 "$TEST_TMP/plain.cpio" >"$TEST_TMP/cut.cpio"
echo 'just some text' >"$TEST_TMP/text"
: >"$TEST_TMP/empty"
/usr/bin/python3 - "$TEST_TMP/gz.cpio.gz" "$TEST_TMP/bad.cpio.gz" <<'PY'
import sys
d = bytearray(open(sys.argv[1], "rb").read())
for i in range(2000, 3000):
    d[i] ^= 0x55
open(sys.argv[2], "wb").write(d)
PY
for bad in "cut.cpio.gz:truncated compressed data" "cut.cpio:truncated archive" \
	"text:not a newc cpio archive" "bad.cpio.gz:" "empty:empty archive"; do
	f=${bad%%:*} why=${bad#*:}
	glass_run initrd="$TEST_TMP/$f"
	line=$(grep "initrd=$TEST_TMP/$f: " "$GLASS_ERR")
	if [ "$GLASS_STATUS" = 1 ] && [ "$(grep -c "initrd=" <<<"$line")" = 1 ] &&
		grep -q "initrd=$TEST_TMP/$f: $why" <<<"$line"; then
		ok "$f refused, status 1: ${line#*] }"
	else
		fail "$f: status $GLASS_STATUS, '$line'"
	fi
	grep -qE 'Kernel panic|Oops|BUG:|core written' "$GLASS_ERR" && fail "$f: a panic: $(grep -m1 -E 'panic|BUG:' "$GLASS_ERR")"
	[ -e "$UML_DIR/$GLASS_UMID" ] && fail "$f: umid directory left: $(ls "$UML_DIR/$GLASS_UMID")"
	grep -q 'custom init' "$GLASS_OUT" && fail "$f: init ran on a half-unpacked root"
done
finish

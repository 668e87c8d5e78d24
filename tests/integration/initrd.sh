#!/bin/bash
# initrd=FILE boots another newc archive, plain or gzip-compressed (issue 2
# point 2); a missing or corrupt archive is a clear error, not a crash.
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

# A truncated gzip archive: the kernel says why and stops (panic status),
# it does not run a half-unpacked root.
head -c 100000 "$TEST_TMP/gz.cpio.gz" >"$TEST_TMP/cut.cpio.gz"
glass_run initrd="$TEST_TMP/cut.cpio.gz"
if [ "$GLASS_STATUS" -ne 0 ] && [ "$GLASS_STATUS" -ne 5 ] && grep -q 'panic.*initrd=.*cut.cpio.gz: ' "$GLASS_ERR"; then
	ok "truncated archive refused: $(grep -m1 'panic' "$GLASS_ERR")"
else
	fail "truncated archive: status $GLASS_STATUS"
fi
finish

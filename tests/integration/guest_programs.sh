#!/bin/bash
# The guest test programs of examples/programs (glibc, musl and static-pie
# builds of every t_*.c) must pass natively, and inside Glass must print
# the same set of PASS lines and exit 0. All run in one boot, from an
# initramfs with the (stripped) programs in /programs.
. "$(dirname "$0")/lib.sh"

PB=$TOP/build/programs
progs=()
for v in glibc musl static-pie; do
	for p in "$PB/$v"/t_*; do
		[ -x "$p" ] && progs+=("$v/$(basename "$p")")
	done
done
[ ${#progs[@]} -gt 0 ] || { fail "no programs in $PB: run make programs"; finish; }

# Native runs: each must pass.
mkdir -p "$TEST_TMP/native" "$TEST_TMP/ntmp" "$TEST_TMP/stage"
for p in "${progs[@]}"; do
	key=${p//\//_}
	(cd "$TEST_TMP/ntmp" && TMPDIR=$TEST_TMP/ntmp timeout -k 5 120 "$PB/$p") \
		>"$TEST_TMP/native/$key.out" 2>&1
	st=$?
	grep '^PASS ' "$TEST_TMP/native/$key.out" | sort >"$TEST_TMP/native/$key.pass"
	if [ $st != 0 ]; then
		fail "$p fails natively (exit $st): $(grep '^FAIL' "$TEST_TMP/native/$key.out" | head -n 3)"
	fi
	mkdir -p "$TEST_TMP/stage/$(dirname "$p")"
	objcopy --strip-debug "$PB/$p" "$TEST_TMP/stage/$p"
done

cat >"$TEST_TMP/run.sh" <<'RUN'
mount -t proc proc /proc
mount -t tmpfs tmpfs /tmp
mount -t devtmpfs devtmpfs /dev
cd /tmp
for p in "$@"; do
	echo "=== BEGIN $p"
	TMPDIR=/tmp "/programs/$p" 2>&1
	echo "=== END $p status $?"
done
echo "=== ALL DONE"
RUN
img=$TEST_TMP/programs.cpio
make_initramfs "$img" --add "$TEST_TMP/stage:/programs" --add "$TEST_TMP/run.sh:/test/run.sh" ||
	{ fail "mkinitramfs failed"; finish; }
glass_run --timeout 280 initrd="$img" init=/bin/sh -- /test/run.sh "${progs[@]}"
tr -d '\r' <"$GLASS_OUT" >"$TEST_TMP/glass.out"

for p in "${progs[@]}"; do
	key=${p//\//_}
	awk -v p="$p" '$0 == "=== BEGIN " p { on = 1; next } on && /^=== END / { exit } on' \
		"$TEST_TMP/glass.out" >"$TEST_TMP/$key.glass"
	end=$(grep -m1 "^=== END $p status " "$TEST_TMP/glass.out")
	grep '^PASS ' "$TEST_TMP/$key.glass" | sort >"$TEST_TMP/$key.gpass"
	if [ -z "$end" ]; then
		fail "$p: no end marker in Glass (crashed or hung); last lines: $(tail -n 3 "$TEST_TMP/$key.glass" | tr '\n' '|')"
	elif ! cmp -s "$TEST_TMP/native/$key.pass" "$TEST_TMP/$key.gpass"; then
		fail "$p: PASS set differs in Glass ($(wc -l <"$TEST_TMP/$key.gpass") vs $(wc -l <"$TEST_TMP/native/$key.pass") native); Glass said:"
		grep '^FAIL' "$TEST_TMP/$key.glass" | head -n 10
		comm -23 "$TEST_TMP/native/$key.pass" "$TEST_TMP/$key.gpass" | head -n 10 | sed 's/^/  missing: /'
	elif [ "${end##* }" != 0 ]; then
		fail "$p: exit status ${end##* } in Glass"
	else
		ok "$p: $(wc -l <"$TEST_TMP/$key.gpass") checks pass in Glass as natively"
	fi
done
grep -q '^=== ALL DONE' "$TEST_TMP/glass.out" || fail "the run script did not finish in Glass"
expect_status 0
finish

#!/bin/bash
# Guest syscall fuzzer (examples/programs/sysfuzz.c): random syscall numbers
# 0..460 with hostile arguments, SYSFUZZ_CALLS (30000) calls for each seed
# in SYSFUZZ_SEEDS ("1 2 3"), then the call ranges of sysfuzz.regress, all
# in one boot. Asserts: every batch of calls came back (sysfuzz exits 0: no
# child survived SIGKILL; glass did not time out), the kernel is still
# responsive afterwards (a final command in the same boot runs), the task
# count is back to what it was, no panic or BUG on stderr, an unknown
# syscall number is logged at most once, and glass exits 0. A second, small
# boot (mem=32M max_tasks=16) fuzzes one seed under tight limits.
# Logs of every call: $TEST_TMP/logs/log.SEED (kept with KEEP_TMP=1; the
# tail is shown on failure). Reproduce with `sysfuzz SEED 1 LOG CALL`.
. "$(dirname "$0")/lib.sh"

prog=$TOP/build/programs/glibc/sysfuzz
[ -x "$prog" ] || { fail "$prog not built: make programs"; finish; }
CALLS=${SYSFUZZ_CALLS:-30000}
SEEDS=${SYSFUZZ_SEEDS:-1 2 3}
logs=$TEST_TMP/logs
mkdir -p "$logs"

# The fuzzer sits in the initramfs, so it cannot damage the host's copy; its
# logs go to a hostfs mount, so they survive a hung or crashed kernel.
img=$TEST_TMP/sysfuzz.cpio
make_initramfs "$img" --add "$prog:/bin/sysfuzz" || { fail "mkinitramfs failed"; finish; }

# runs: lines "NAME SEED START COUNT".
runs=()
for s in $SEEDS; do runs+=("seed$s $s 0 $CALLS"); done
while read -r s start n _; do
	case "$s" in ''|\#*) continue ;; esac
	runs+=("regress$s.$start $s $start $n")
done <"$TOP/tests/integration/sysfuzz.regress"

script='mount -t proc proc /proc; mount -t tmpfs tmpfs /tmp; mount -t devtmpfs dev /dev
mount -t hostfs none /mnt -o "$LOGS" || echo "hostfs mount failed"
cd /tmp
before=$(grep ^tasks /proc/glass/stats)
echo "tasks before $before"
while read -r name seed start n; do
	sysfuzz "$seed" "$n" "/mnt/log.$name" "$start"
	echo "=== $name status $?"
done <<EOR
$RUNS
EOR
# A batch killed by SIGKILL may leave threads still exiting and orphans
# for init (this sh) to reap, which it does between commands: give them up
# to 5 s. A task that stays is a leak, and the count shows it.
i=0
while [ "$(grep ^tasks /proc/glass/stats)" != "$before" ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
echo "tasks after $(grep ^tasks /proc/glass/stats)"
[ "$(grep ^tasks /proc/glass/stats)" = "$before" ] || ps
echo alive'

# check_boot LABEL: the assertions on the last glass run.
check_boot() {
	local label=$1 r name out
	shift
	if [ "$GLASS_STATUS" = 124 ] || [ "$GLASS_STATUS" = 137 ]; then
		fail "$label: glass hung (timed out)"
	else
		expect_status 0
	fi
	out=$TEST_TMP/$label.out
	tr -d '\r' <"$GLASS_OUT" >"$out"
	for r in "$@"; do
		name=${r%% *}
		if grep -qx "=== $name status 0" "$out"; then
			ok "$label/$name: $(awk -v n="$name" '/^sysfuzz seed/ { l = $0 }
				$0 == "=== " n " status 0" { print l; exit }' "$out")"
		else
			fail "$label/$name: $(grep "=== $name status" "$out" || echo 'no end marker (hang or crash)');" \
				"$(grep -h 'sysfuzz FAIL' "$out")"
			echo "--- last lines of log.$name:"
			tail -n 6 "$logs/log.$name" 2>/dev/null
		fi
	done
	grep -qx alive "$out" && ok "$label: still responsive after fuzzing" ||
		fail "$label: the command after the fuzzer did not run"
	local before after
	before=$(sed -n 's/^tasks before //p' "$out")
	after=$(sed -n 's/^tasks after //p' "$out")
	[ -n "$before" ] && [ "$before" = "$after" ] && ok "$label: $after, as before" ||
		fail "$label: task count '$before' before, '$after' after"
	if grep -aE 'Kernel panic|BUG' "$GLASS_ERR" >/dev/null; then
		fail "$label: kernel panic or BUG:"
		grep -aE -A5 'Kernel panic|BUG' "$GLASS_ERR" | head -n 20
	else
		ok "$label: no panic or BUG on stderr"
	fi
	local unknown
	unknown=$(grep -ac 'unknown syscall' "$GLASS_ERR")
	[ "$unknown" -le 1 ] && ok "$label: unknown syscalls logged once ($unknown)" ||
		fail "$label: $unknown 'unknown syscall' lines (should be logged once)"
}

boot() {   # boot LABEL TIMEOUT GLASS-OPTIONS... -- RUN...
	local label=$1 t=$2 opts=()
	shift 2
	while [ "$1" != -- ]; do opts+=("$1"); shift; done
	shift
	glass_run --timeout "$t" initrd="$img" "${opts[@]}" LOGS="$logs" \
		RUNS="$(printf '%s\n' "$@")" init=/bin/sh -- -c "$script"
	check_boot "$label" "$@"
}

boot main 240 -- "${runs[@]}"
boot tight 60 mem=32M max_tasks=16 -- "tight 4242 0 $((CALLS / 3))"
finish

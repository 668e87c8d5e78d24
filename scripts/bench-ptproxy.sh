#!/bin/bash
# bench-ptproxy.sh: `make bench-ptproxy`. glass-ptproxy's figures
# (ptproxy/README.md): guest syscalls per second under
# `glass-ptproxy UMID strace -p` against native `strace -p` on the same
# program (examples/programs/sysloop getppid, one system call per loop),
# forwarded calls per traced syscall (--stats), and the gdb attach-to-bt
# time (`gdb -batch -p PID -ex bt -ex detach`, whole command) in Glass and
# natively. BENCH_RUNS runs each (default 3), every figure printed.
# Figures, not pass/fail.
. "$(dirname "$0")/../tests/integration/lib.sh"
RUNS=${BENCH_RUNS:-3}
SECS=${BENCH_SECS:-3}
SYSLOOP=$TOP/build/programs/glibc/sysloop
PTPROXY=$TOP/glass-ptproxy
for f in "$SYSLOOP" "$PTPROXY" "$GLASS"; do
	[ -x "$f" ] || { echo "bench-ptproxy: $f missing: run make" >&2; exit 1; }
done
GLASS_TIMEOUT=$((RUNS * (2 * SECS + 10) + 60))
mc_setup
img=$TEST_TMP/initrd.cpio
make_initramfs "$img" --add "$SYSLOOP:/bin/sysloop"
glass_start initrd="$img" init=/bin/sh -- -c 'mount -t devtmpfs devtmpfs /dev; mount -t proc proc /proc
	sysloop getppid 100000000000 & echo "SYSPID $!"; wait'
wait_for 20 grep -q '^SYSPID' "$GLASS_OUT" || { echo "bench-ptproxy: no guest" >&2; exit 1; }
gpid=$(sed -n 's/^SYSPID \([0-9]*\).*/\1/p' "$GLASS_OUT")
"$SYSLOOP" getppid 100000000000 & npid=$!
sleep 1

for i in $(seq "$RUNS"); do
	timeout -s INT "$SECS" "$PTPROXY" --stats "$GLASS_UMID" strace -p "$gpid" \
		-o "$TEST_TMP/g.out" 2>"$TEST_TMP/g.err"
	g=$(wc -l <"$TEST_TMP/g.out")
	calls=$(sed -n 's/^glass-ptproxy: \([0-9]*\) calls forwarded$/\1/p' "$TEST_TMP/g.err")
	timeout -s INT "$SECS" strace -p "$npid" -o "$TEST_TMP/n.out" 2>/dev/null
	n=$(wc -l <"$TEST_TMP/n.out")
	echo "strace -p, run $i: Glass $((g / SECS))/s, native $((n / SECS))/s" \
		"(native/Glass $(awk "BEGIN { printf \"%.1f\", $n / ($g ? $g : 1) }")x);" \
		"forwarded calls per traced syscall $(awk "BEGIN { printf \"%.1f\", ${calls:-0} / ($g ? $g : 1) }")"
done
for i in $(seq "$RUNS"); do
	s=$(date +%s.%N)
	"$PTPROXY" "$GLASS_UMID" gdb -nx -batch -p "$gpid" -ex bt -ex detach >/dev/null 2>&1
	m=$(date +%s.%N)
	gdb -nx -batch -p "$npid" -ex bt -ex detach >/dev/null 2>&1
	e=$(date +%s.%N)
	echo "gdb attach-to-bt, run $i: Glass $(awk "BEGIN { printf \"%.2f\", $m - $s }") s," \
		"native $(awk "BEGIN { printf \"%.2f\", $e - $m }") s"
done
kill "$npid"
mc halt
glass_wait

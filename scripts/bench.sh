#!/bin/bash
# bench.sh: `make bench`. Runs examples/programs/bench.c natively, inside
# Glass, and inside Debian's user-mode-linux (linux.uml) when installed,
# plus a raw ptrace round trip on this host (examples/programs/ptrace_rt.c)
# and boot times; prints a table with ratios. Figures, not pass/fail: exits
# non-zero only when the native run itself fails. Never reads stdin.
#   BENCH_SCALE=F   multiply iteration counts (default 1)
#   BENCH_KEEP=1    keep the scratch directory
set -uo pipefail
cd "$(dirname "$0")/.."
exec </dev/null
TOP=$PWD
PB=$TOP/build/programs
SCALE=${BENCH_SCALE:-1}
T=$(mktemp -d "${TMPDIR:-/tmp}/glass-bench.XXXXXX")
[ -n "${BENCH_KEEP:-}" ] || trap 'rm -rf "$T"' EXIT
UML=$(command -v linux.uml || true)

for f in "$PB/glibc/bench" "$PB/host/ptrace_rt" glass; do
	[ -x "$f" ] || { echo "bench: $f missing: run make" >&2; exit 1; }
done

declare -A NAT GL UM
# parse FILE ARRAY: "BENCH name us ops" lines (CRs from a tty dropped).
parse() {
	local -n arr=$2
	local tag name us rest
	while read -r tag name us rest; do
		[ "$tag" = BENCH ] && [ "$name" != done ] && arr[$name]=$us
	done < <(tr -d '\r' <"$1")
}
ms_now() { date +%s%N; }

# Native.
"$PB/glibc/bench" "$SCALE" >"$T/native.out" 2>&1 || { cat "$T/native.out"; echo "bench: native run failed" >&2; exit 1; }
parse "$T/native.out" NAT

# Raw ptrace round trip.
"$PB/host/ptrace_rt" $(awk -v s="$SCALE" 'BEGIN { print int(50000 * s) + 1 }') >"$T/ptrace.out" 2>&1
PTRACE=$(awk '$1 == "BENCH" && $2 == "ptrace_roundtrip" { print $3 }' "$T/ptrace.out")

# The bench initramfs: default contents, the bench, and an init script for
# UML that runs it and powers off.
cat >"$T/benchinit" <<INIT
#!/bin/sh
mount -t proc proc /proc
mount -t tmpfs tmpfs /tmp
/bin/bench $SCALE
poweroff -f
INIT
printf '#!/bin/sh\npoweroff -f\n' >"$T/bootexit"
chmod +x "$T/benchinit" "$T/bootexit"
scripts/mkinitramfs.sh --add "$PB/glibc/bench:/bin/bench" --add "$T/benchinit:/benchinit" \
	--add "$T/bootexit:/bootexit" "$T/bench.cpio"

# Glass: the bench is init itself.
timeout -k 5 300 ./glass uml_dir="$T" umid=bench-$$ quiet initrd="$T/bench.cpio" \
	init=/bin/bench -- "$SCALE" >"$T/glass.out" 2>"$T/glass.err"
GST=$?
parse "$T/glass.out" GL
[ $GST = 0 ] || echo "bench: glass exited $GST (figures may be missing); stderr tail:" && [ $GST = 0 ] ||
	tail -n 5 "$T/glass.err" | sed 's/^/  | /'

# UML: the same initramfs, an init script, console on stdout (its kernel
# log shares stdout: the BENCH marker picks our lines out).
uml_run() {   # uml_run INIT OUT
	timeout -k 5 300 "$UML" mem=256M initrd="$T/bench.cpio" rdinit="$1" init="$1" \
		con0=fd:0,fd:1 con=null uml_dir="$T" umid=umlbench-$$-$RANDOM quiet \
		</dev/null >"$2" 2>&1
}
if [ -n "$UML" ]; then
	uml_run /benchinit "$T/uml.out" || echo "bench: linux.uml exited $?"
	parse "$T/uml.out" UM
fi

# Boot: wall time from starting the kernel to its exit with an init that
# exits at once (best of 5). An upper bound on "start to init's first
# instruction". TODO(kernel): a kernel-side timestamp of init's first
# instruction (e.g. a "init: first instruction after N us" log line) would
# give the exact figure; bench.sh reads BOOT_US from glass's stderr if present.
best_of() {   # best_of N COMMAND... -> microseconds
	local n=$1 best= t0 t1 d
	shift
	for _ in $(seq "$n"); do
		t0=$(ms_now)
		"$@" >/dev/null 2>&1 </dev/null
		t1=$(ms_now)
		d=$(((t1 - t0) / 1000))
		[ -z "$best" ] || [ "$d" -lt "$best" ] && best=$d
	done
	echo "$best"
}
NAT[boot]=$(best_of 5 /bin/true)
GL[boot]=$(best_of 5 timeout 30 ./glass uml_dir="$T" quiet init=/bin/true)
[ -n "$UML" ] && UM[boot]=$(best_of 3 uml_run /bootexit /dev/null)
b=$(grep -o 'BOOT_US [0-9]*' "$T/glass.err" | head -n1 | awk '{ print $2 }')
[ -n "$b" ] && GL[boot_init]=$b

# The table.
ratio() { awk -v a="${1:-}" -v b="${2:-}" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print "-"; else printf "%.2fx", a / b }'; }
val() { [ -n "${1:-}" ] && printf '%.2f' "$1" || printf -- '-'; }
echo
echo "Glass microbenchmarks (microseconds per operation; scale $SCALE)"
printf '%-18s %12s %12s %12s %13s %11s\n' benchmark native glass uml glass/native uml/glass
for k in getppid page_fault fork_exit_wait pipe_write_read pipe_pingpong boot; do
	printf '%-18s %12s %12s %12s %13s %11s\n' "$k" "$(val "${NAT[$k]:-}")" "$(val "${GL[$k]:-}")" \
		"$(val "${UM[$k]:-}")" "$(ratio "${GL[$k]:-}" "${NAT[$k]:-}")" "$(ratio "${UM[$k]:-}" "${GL[$k]:-}")"
done
echo
echo "raw ptrace round trip on this host: $(val "$PTRACE") us (SYSEMU+waitpid+GETREGS+SETREGS)"
echo "glass getppid / ptrace round trip: $(ratio "${GL[getppid]:-}" "$PTRACE") (target <= 1.3x)"
echo "boot = wall time of a run whose init exits at once (glass init=/bin/true; uml: init that powers off; native: /bin/true)"
[ -n "${GL[boot_init]:-}" ] && echo "glass start to init's first instruction (kernel's BOOT_US): ${GL[boot_init]} us"
[ -n "$UML" ] || echo "user-mode-linux not installed: no UML column (apt-get install user-mode-linux)"
echo "targets: boot < 50 ms; getppid <= 1.3x ptrace; page_fault, fork, pipe >= 2x faster than UML (uml/glass >= 2)"
# ---- tracing (kernel/trace/README.md): getppid with tracing off, with
# `trace syscalls` into the ring and nobody reading, both in Glass in this
# run, and natively under strace -f. The same init for both Glass runs:
# it waits a second (when bench.sh turns tracing on), runs the bench,
# and waits for bench.sh to read trace status.
printf '#!/bin/sh\nsleep 1\n/bin/bench %s\nsleep 30\n' "$SCALE" >"$T/traceinit"
chmod +x "$T/traceinit"
scripts/mkinitramfs.sh --add "$PB/glibc/bench:/bin/bench" --add "$T/traceinit:/traceinit" \
	"$T/trace.cpio"
trace_run() {   # trace_run NAME [trace command...]: the bench's getppid
	local u=trace-$$-$1 out=$T/$1.out
	shift
	timeout -k 5 120 ./glass uml_dir="$T" umid="$u" quiet initrd="$T/trace.cpio" \
		init=/traceinit >"$out" 2>"$out.err" &
	local pid=$! n=0
	until [ -S "$T/$u/mconsole" ] || [ $n -gt 100 ]; do sleep 0.05; n=$((n + 1)); done
	[ $# -gt 0 ] && ./glass-console --uml-dir "$T" "$u" "$@" >/dev/null
	n=0
	until grep -q 'BENCH done' "$out" || [ $n -gt 1200 ]; do sleep 0.1; n=$((n + 1)); done
	./glass-console --uml-dir "$T" "$u" trace status >"$out.status" 2>&1
	./glass-console --uml-dir "$T" "$u" halt >/dev/null 2>&1
	wait $pid
	tr -d '\r' <"$out" | awk '$1 == "BENCH" && $2 == "getppid" { print $3 }'
}
TOFF=$(trace_run off)
TON=$(trace_run on trace syscalls)
strace -f -o /dev/null "$PB/glibc/bench" "$SCALE" >"$T/strace.out" 2>&1
TST=$(awk '$1 == "BENCH" && $2 == "getppid" { print $3 }' "$T/strace.out")
EV=$(sed -n 's/^events: \([0-9]*\) written.*/\1/p' "$T/on.out.status")
BY=$(sed -n 's/.*; \([0-9]*\) bytes written).*/\1/p' "$T/on.out.status")
echo
echo "Tracing: getppid, microseconds per call (ratios against glass with tracing off, this run)"
printf '  %-48s %10s %8s\n' "glass, tracing off (baseline)" "$(val "$TOFF")" "1.00x"
printf '  %-48s %10s %8s  (target <= 1.2x)\n' "glass, trace syscalls into the ring, no reader" \
	"$(val "$TON")" "$(ratio "$TON" "$TOFF")"
printf '  %-48s %10s %8s  (%s native)\n' "native under strace -f" "$(val "$TST")" \
	"$(ratio "$TST" "$TOFF")" "$(ratio "$TST" "${NAT[getppid]:-}")"
awk -v on="$TON" -v off="$TOFF" -v ev="$EV" -v by="$BY" 'BEGIN {
	if (on == "" || off == "" || ev == "") exit
	printf "  events/s into the ring under the getppid loop: %.0f (2 per call)\n", 2e6 / on
	if (on > off)
		printf "  tracing costs %.2f us per event: the hooks and ring take %.0f events/s at most\n", (on - off) / 2, 2 / (on - off) * 1e6
	else
		printf "  tracing on costs less than this run'"'"'s noise\n"
	printf "  bytes per event: %.1f (%d events, %d bytes)\n", by / ev, ev, by }'
BENCH_SCALE=$SCALE scripts/bench-load.sh   # the same under load (scripts/bench-load.sh)
exit 0

#!/bin/bash
# bench-profile.sh: `make bench-profile`. The profilers' cost on
# examples/programs/bench.c: each benchmark in ./glass and in the
# make PROFILE=1 build-prof/glass (the -pg slowdown), and the getppid
# benchmark while the sampling profiler runs at 100, 1000 and 10000 Hz
# (with its own overhead estimate from `profile status`). Each figure is
# the best of BENCH_RUNS runs (shared machines are noisy). Figures, not
# pass/fail. Never reads stdin.
#   BENCH_SCALE=F   multiply iteration counts (default 1)
#   BENCH_RUNS=N    runs per configuration (default 3)
set -uo pipefail
cd "$(dirname "$0")/.."
exec </dev/null
PB=$PWD/build/programs
SCALE=${BENCH_SCALE:-1}
RUNS=${BENCH_RUNS:-3}
T=$(mktemp -d "${TMPDIR:-/tmp}/glass-bench-profile.XXXXXX")
trap 'rm -rf "$T"' EXIT

for f in "$PB/glibc/bench" glass build-prof/glass glass-console; do
	[ -x "$f" ] || { echo "bench-profile: $f missing: run make and make PROFILE=1" >&2; exit 1; }
done

# The bench starts 2 s after boot, time enough to start the profiler.
cat >"$T/benchinit" <<INIT
#!/bin/sh
mount -t proc proc /proc
mount -t tmpfs tmpfs /tmp
sleep 2
/bin/bench $SCALE
poweroff -f
INIT
chmod +x "$T/benchinit"
scripts/mkinitramfs.sh --add "$PB/glibc/bench:/bin/bench" --add "$T/benchinit:/benchinit" \
	"$T/bench.cpio" >/dev/null

# run NAME GLASS [HZ]: one bench run, figures in $T/NAME.out; with HZ,
# sampled at HZ and the profiler's status in $T/NAME.status.
run() {
	local name=$1 g=$2 hz=${3:-} umid=bp-$$-$1
	timeout -k 5 600 "$g" uml_dir="$T" umid="$umid" quiet initrd="$T/bench.cpio" \
		init=/benchinit >"$T/$name.out" 2>"$T/$name.err" &
	local pid=$!
	if [ -n "$hz" ]; then
		for _ in $(seq 100); do [ -S "$T/$umid/mconsole" ] && break; sleep 0.1; done
		./glass-console --uml-dir "$T" "$umid" profile start hz="$hz" >/dev/null
		while kill -0 "$pid" 2>/dev/null && ! grep -q 'BENCH getppid' "$T/$name.out"; do
			sleep 0.1
		done
		./glass-console --uml-dir "$T" "$umid" profile status >"$T/$name.status"
	fi
	wait "$pid"
}
runs() {   # runs NAME GLASS [HZ]: BENCH_RUNS of them, NAME.1 ...
	for i in $(seq "$RUNS"); do
		run "$1.$i" "${@:2}"
	done
}
fig() {   # fig NAME BENCHMARK: the best run's figure
	cat "$T/$1".*.out | tr -d '\r' |
		awk -v b="$2" '$1 == "BENCH" && $2 == b && (m == "" || $3 < m) { m = $3 } END { print m }'
}
ratio() { awk -v a="${1:-}" -v b="${2:-}" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print "-"; else printf "%.2fx", a / b }'; }

runs plain ./glass
runs pg build-prof/glass
echo "make PROFILE=1 (-pg, gprof): microseconds per operation, best of $RUNS; scale $SCALE"
printf '%-18s %10s %10s %9s\n' benchmark glass "PROFILE=1" slowdown
for k in getppid page_fault fork_exit_wait pipe_write_read pipe_pingpong; do
	printf '%-18s %10s %10s %9s\n' "$k" "$(fig plain "$k")" "$(fig pg "$k")" \
		"$(ratio "$(fig pg "$k")" "$(fig plain "$k")")"
done
echo
echo "sampling profiler on the getppid benchmark (profile start hz=N)"
printf '%-8s %10s %9s  %s\n' hz getppid slowdown "profile status: overhead"
printf '%-8s %10s %9s\n' off "$(fig plain getppid)" 1.00x
for hz in 100 1000 10000; do
	runs "hz$hz" ./glass "$hz"
	printf '%-8s %10s %9s  %s\n' "$hz" "$(fig "hz$hz" getppid)" \
		"$(ratio "$(fig "hz$hz" getppid)" "$(fig plain getppid)")" \
		"$(grep -ho 'overhead: .*' "$T/hz$hz".*.status 2>/dev/null | head -n1)"
done
exit 0

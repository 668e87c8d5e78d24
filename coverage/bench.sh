#!/bin/bash
# coverage/bench.sh: `make bench-coverage`. examples/programs/bench.c in
# the normal ./glass and in the instrumented builds that exist
# (build-cov: COVERAGE=1, build-kcov: KCOV=1 with no task traced,
# build-cov-kcov: both), one table of microseconds per operation with
# each build's slowdown against the normal one: the best of BENCH_RUNS
# runs (default 3), the builds taking turns, so a busy machine's noise
# hits them alike. Figures, not pass/fail.
#   BENCH_SCALE=F   multiply iteration counts (default 1)
set -uo pipefail
cd "$(dirname "$0")/.."
exec </dev/null
PB=build/programs
SCALE=${BENCH_SCALE:-1}
T=$(mktemp -d "${TMPDIR:-/tmp}/glass-bench-cov.XXXXXX")
trap 'rm -rf "$T"' EXIT
[ -x glass ] && [ -x "$PB/glibc/bench" ] || { echo "bench-coverage: run make first" >&2; exit 1; }
scripts/mkinitramfs.sh --add "$PB/glibc/bench:/bin/bench" "$T/bench.cpio" >/dev/null

builds=(./glass)
for b in build-cov build-kcov build-cov-kcov; do
	[ -x "$b/glass" ] && builds+=("$b/glass")
done
for run in $(seq "${BENCH_RUNS:-3}"); do
	for g in "${builds[@]}"; do
		timeout -k 5 300 "$g" uml_dir="$T" umid=bench-$$ quiet initrd="$T/bench.cpio" \
			init=/bin/bench -- "$SCALE" 2>/dev/null | tr -d '\r' |
			awk '$1 == "BENCH" && $2 != "done" { print $2, $3 }' >>"$T/${g//\//_}.all"
	done
done
# The best run of each benchmark, in the bench's order.
for g in "${builds[@]}"; do
	awk '!($1 in best) { order[++n] = $1; best[$1] = $2 }
	     $2 < best[$1] { best[$1] = $2 }
	     END { for (i = 1; i <= n; i++) print order[i], best[order[i]] }' \
		"$T/${g//\//_}.all" >"$T/${g//\//_}.out"
done
{
	printf '%-22s' benchmark
	for g in "${builds[@]}"; do g=${g#./}; printf ' %16s' "${g%/glass}"; done
	echo
	while read -r name us; do
		printf '%-22s %13s us' "$name" "$us"
		for g in "${builds[@]:1}"; do
			v=$(awk -v n="$name" '$1 == n { print $2 }' "$T/${g//\//_}.out")
			printf ' %9s (x%s)' "${v:--}" "$(awk -v a="${v:-0}" -v b="$us" 'BEGIN { printf (b > 0 && a > 0) ? "%.1f" : "-", a / b }')"
		done
		echo
	done <"$T/._glass.out"
}

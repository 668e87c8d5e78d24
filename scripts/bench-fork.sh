#!/bin/bash
# bench-fork.sh: how fork's cost grows with the parent's resident size
# (issue 18, targets 2 and 5). Runs `bench forkmem MIB` (examples/programs/
# bench.c: fork+exit+wait from a parent holding MIB MiB of touched
# anonymous memory) natively and inside Glass (mem=512M), for 1 and 100
# MiB, in interleaved rounds (native, then each glass, per size and
# round), and prints each one's best and median round, the ratios of the
# medians and the slope (microseconds per MiB resident). On a loaded host
# the best round says what a fork costs, the median what a user sees.
# Figures, not pass/fail. Called by scripts/bench.sh; runs alone too.
#   BENCH_SCALE=F   multiply iteration counts (default 1)
#   BENCH_FORK_MIB="1 100"   the resident sizes
#   BENCH_FORK_ROUNDS=N      rounds (default 3)
#   BENCH_FORK_GLASS="./glass /other/glass"   the builds to compare
set -uo pipefail
cd "$(dirname "$0")/.."
exec </dev/null
PB=$PWD/build/programs
SCALE=${BENCH_SCALE:-1}
SIZES=${BENCH_FORK_MIB:-1 100}
ROUNDS=${BENCH_FORK_ROUNDS:-3}
GLASSES=${BENCH_FORK_GLASS:-./glass}
N=$(awk -v s="$SCALE" 'BEGIN { print int(50 * s) + 1 }')
T=$(mktemp -d "${TMPDIR:-/tmp}/glass-benchfork.XXXXXX")
trap 'rm -rf "$T"' EXIT
[ -x "$PB/glibc/bench" ] || { echo "bench-fork: run make" >&2; exit 1; }
for g in $GLASSES; do
	[ -x "$g" ] || { echo "bench-fork: $g: no glass" >&2; exit 1; }
done

scripts/mkinitramfs.sh --add "$PB/glibc/bench:/bin/bench" "$T/fork.cpio"
figure() { tr -d '\r' <"$1" | awk -v k="fork_$2m" '$1 == "BENCH" && $2 == k { print $3 }'; }
ratio() { awk -v a="${1:-}" -v b="${2:-}" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print "-"; else printf "%.2fx", a / b }'; }
# best and median of the figures in file $1 (one a line): "best median"
stats() { sort -g "$1" | awk '{ v[NR] = $1 } END { if (NR) printf "%.0f %.0f", v[1], v[int((NR + 1) / 2)]; else print "- -" }'; }

echo
echo "fork+exit+wait against the parent's resident size (microseconds per fork;" \
	"$N forks, $ROUNDS rounds; best/median; load $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%-9s %15s' resident native
i=0
for g in $GLASSES; do
	printf ' %15s %9s' "glass$i" "g$i/nat"
	i=$((i + 1))
done
echo
declare -A MED
for m in $SIZES; do
	: >"$T/nat$m"
	for g in $GLASSES; do : >"$T/g$m-${g//\//_}"; done
	for r in $(seq "$ROUNDS"); do
		"$PB/glibc/bench" forkmem "$m" "$N" >"$T/out" 2>&1
		figure "$T/out" "$m" >>"$T/nat$m"
		for g in $GLASSES; do
			timeout -k 5 300 "$g" uml_dir="$T" umid=benchfork-$$-$m quiet mem=512M \
				initrd="$T/fork.cpio" init=/bin/bench -- forkmem "$m" "$N" >"$T/out" 2>&1
			figure "$T/out" "$m" >>"$T/g$m-${g//\//_}"
		done
	done
	read -r best med < <(stats "$T/nat$m")
	MED[nat$m]=$med
	printf '%-9s %15s' "$m MiB" "$best/$med"
	i=0
	for g in $GLASSES; do
		read -r best med < <(stats "$T/g$m-${g//\//_}")
		MED[g$i-$m]=$med
		printf ' %15s %9s' "$best/$med" "$(ratio "$med" "${MED[nat$m]}")"
		i=$((i + 1))
	done
	echo
done
set -- $SIZES
if [ $# -ge 2 ]; then
	a=$1 b=${!#}
	slope() { awk -v a="$a" -v b="$b" -v x="$1" -v y="$2" 'BEGIN {
		if (x == "" || y == "" || x == "-" || y == "-") print "-"; else printf "%.1f", (y - x) / (b - a) }'; }
	line="slope (us per MiB resident, medians): native $(slope "${MED[nat$a]}" "${MED[nat$b]}")"
	i=0
	for g in $GLASSES; do
		line="$line, glass$i $(slope "${MED[g$i-$a]}" "${MED[g$i-$b]}")"
		i=$((i + 1))
	done
	echo "$line"
fi
i=0
for g in $GLASSES; do
	echo "glass$i: $g"
	i=$((i + 1))
done
exit 0

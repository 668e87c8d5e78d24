#!/bin/bash
# bench-fork.sh: how fork's cost grows with the parent's resident size
# (issue 18, target 5). Runs `bench forkmem MIB` (examples/programs/bench.c:
# fork+exit+wait from a parent holding MIB MiB of touched anonymous memory)
# natively and inside Glass (mem=512M), for 1 and 100 MiB, and prints the
# figures, their ratios and the slope (microseconds per MiB resident).
# Figures, not pass/fail. Called by scripts/bench.sh; runs alone too.
#   BENCH_SCALE=F   multiply iteration counts (default 1)
#   BENCH_FORK_MIB="1 100"   the resident sizes
set -uo pipefail
cd "$(dirname "$0")/.."
exec </dev/null
PB=$PWD/build/programs
SCALE=${BENCH_SCALE:-1}
SIZES=${BENCH_FORK_MIB:-1 100}
N=$(awk -v s="$SCALE" 'BEGIN { print int(50 * s) + 1 }')
T=$(mktemp -d "${TMPDIR:-/tmp}/glass-benchfork.XXXXXX")
trap 'rm -rf "$T"' EXIT
[ -x "$PB/glibc/bench" ] && [ -x glass ] || { echo "bench-fork: run make" >&2; exit 1; }

scripts/mkinitramfs.sh --add "$PB/glibc/bench:/bin/bench" "$T/fork.cpio"
figure() { tr -d '\r' <"$1" | awk -v k="fork_$2m" '$1 == "BENCH" && $2 == k { print $3 }'; }
ratio() { awk -v a="${1:-}" -v b="${2:-}" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print "-"; else printf "%.2fx", a / b }'; }

echo
echo "fork+exit+wait against the parent's resident size (microseconds per fork; $N forks)"
printf '%-12s %12s %12s %13s\n' resident native glass glass/native
declare -A NAT GL
for m in $SIZES; do
	"$PB/glibc/bench" forkmem "$m" "$N" >"$T/n$m" 2>&1
	timeout -k 5 300 ./glass uml_dir="$T" umid=benchfork-$$-$m quiet mem=512M \
		initrd="$T/fork.cpio" init=/bin/bench -- forkmem "$m" "$N" >"$T/g$m" 2>&1
	NAT[$m]=$(figure "$T/n$m" "$m")
	GL[$m]=$(figure "$T/g$m" "$m")
	printf '%-12s %12s %12s %13s\n' "$m MiB" "${NAT[$m]:--}" "${GL[$m]:--}" \
		"$(ratio "${GL[$m]}" "${NAT[$m]}")"
done
set -- $SIZES
if [ $# -ge 2 ]; then
	awk -v a="$1" -v b="${!#}" -v n1="${NAT[$1]}" -v n2="${NAT[${!#}]}" \
		-v g1="${GL[$1]}" -v g2="${GL[${!#}]}" 'BEGIN {
		if (n1 == "" || n2 == "" || g1 == "" || g2 == "") exit
		printf "slope (us per MiB resident): native %.2f, glass %.2f\n",
			(n2 - n1) / (b - a), (g2 - g1) / (b - a) }'
fi
exit 0

#!/bin/bash
# bench-load.sh: the end of `make bench` (scripts/bench.sh calls it). The
# guest microbenchmarks (examples/programs/bench.c) in Glass on a quiet
# host and with every other host CPU kept busy by a spinning process (a
# busy laptop: a build, a browser tab), natively and in UML under the same
# load, in one run; and the hand-off's spin counters (/proc/glass/stats),
# which show whether the spinning hand-off kept working or fell back to
# sleeping. A hand-off that livelocked or starved would not finish: each
# Glass run has a time-out, reported as such. Figures, not pass/fail.
#   BENCH_SCALE=F   multiply iteration counts (default 1)
set -uo pipefail
cd "$(dirname "$0")/.."
exec </dev/null
PB=$PWD/build/programs
SCALE=${BENCH_SCALE:-1}
T=$(mktemp -d "${TMPDIR:-/tmp}/glass-bench-load.XXXXXX")
HOGS=()
stop_hogs() {
	for p in "${HOGS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${HOGS[@]}"; do wait "$p" 2>/dev/null; done
	HOGS=()
}
trap 'stop_hogs; rm -rf "$T"' EXIT
UML=$(command -v linux.uml || true)
[ -x "$PB/glibc/bench" ] && [ -x glass ] || { echo "bench-load: run make" >&2; exit 1; }

# One spinning process per host CPU but one: Glass's CPU thread has a CPU
# to itself at best, as on a 2-core laptop with a build running.
NHOGS=$(($(nproc) - 1))
[ "$NHOGS" -ge 1 ] || NHOGS=1
start_hogs() {
	for _ in $(seq "$NHOGS"); do
		bash -c 'while :; do :; done' &
		HOGS+=($!)
	done
}

printf '#!/bin/sh\nmount -t proc proc /proc\nmount -t tmpfs tmpfs /tmp\n/bin/bench %s\ngrep spin_ /proc/glass/stats 2>/dev/null\npoweroff -f\n' \
	"$SCALE" >"$T/init"
chmod +x "$T/init"
scripts/mkinitramfs.sh --add "$PB/glibc/bench:/bin/bench" --add "$T/init:/benchinit" \
	"$T/bench.cpio"

declare -A R
# run NAME COMMAND...: the BENCH and spin_ lines of its output into R[NAME,key].
run() {
	local name=$1 tag key us rest
	shift
	timeout -k 5 300 "$@" </dev/null >"$T/$name.out" 2>&1
	[ $? = 124 ] && R[$name,timeout]=1
	while read -r tag key us rest; do
		case $tag in
		BENCH) [ "$key" != done ] && R[$name,$key]=$us ;;
		spin_*) R[$name,$tag]=$key ;;
		esac
	done < <(tr -d '\r' <"$T/$name.out")
}
GLASS=(./glass uml_dir="$T" quiet initrd="$T/bench.cpio" init=/benchinit)
UMLRUN=("$UML" mem=256M initrd="$T/bench.cpio" rdinit=/benchinit init=/benchinit
	con0=fd:0,fd:1 con=null uml_dir="$T" umid=umlload-$$ quiet)

run quiet "${GLASS[@]}" umid=load-$$-quiet
start_hogs
run native "$PB/glibc/bench" "$SCALE"
run loaded "${GLASS[@]}" umid=load-$$-loaded
[ -n "$UML" ] && run uml "${UMLRUN[@]}"
stop_hogs

val() { [ -n "${1:-}" ] && printf '%.2f' "$1" || printf -- '-'; }
ratio() { awk -v a="${1:-}" -v b="${2:-}" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print "-"; else printf "%.2fx", a / b }'; }
echo
echo "Under load: $NHOGS spinning process(es) on $(nproc) host CPUs; microseconds per operation" \
	"(scale $SCALE; host load average $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%-18s %12s %12s %12s %12s %13s %11s\n' benchmark "glass, no hog" native glass uml \
	glass/native uml/glass
for k in getppid page_fault fork_exit_wait pipe_write_read pipe_pingpong; do
	printf '%-18s %12s %12s %12s %12s %13s %11s\n' "$k" "$(val "${R[quiet,$k]:-}")" \
		"$(val "${R[native,$k]:-}")" "$(val "${R[loaded,$k]:-}")" "$(val "${R[uml,$k]:-}")" \
		"$(ratio "${R[loaded,$k]:-}" "${R[native,$k]:-}")" "$(ratio "${R[uml,$k]:-}" "${R[loaded,$k]:-}")"
done
for r in quiet loaded; do
	[ -n "${R[$r,timeout]:-}" ] && echo "glass (run $r) did not finish in 300 s: the hand-off livelocked or starved"
	printf 'hand-off polls, glass %s: kernel %s saw the stop, %s slept; guest thread %s saw the answer, %s slept\n' \
		"$([ $r = quiet ] && echo 'with no hog' || echo 'under load')" "${R[$r,spin_kernel_hit]:--}" "${R[$r,spin_kernel_miss]:--}" \
		"${R[$r,spin_guest_hit]:--}" "${R[$r,spin_guest_miss]:--}"
done
[ -n "$UML" ] || echo "user-mode-linux not installed: no UML column"
exit 0

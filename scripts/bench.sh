#!/bin/bash
# bench.sh: `make bench`. Figures, not pass/fail: exits non-zero only when
# the native run itself fails. Never reads stdin. Sections, in order:
#   1. microbenchmarks: examples/programs/bench.c natively, inside Glass and
#      inside Debian's user-mode-linux (linux.uml) when installed, plus a
#      raw ptrace round trip on this host (examples/programs/ptrace_rt.c);
#   2. boot: start to exit with an init that exits at once, mem=128M/1G/4G,
#      and start to init's first instruction;
#   3. the shell workload (scripts/bench-workload.sh) natively, in Glass
#      and in UML, step by step;
#   4. idle tasks: getppid and the workload beside 1, 50 and 500 sleeping
#      guest processes;
#   5. tracing's cost;
#   6. sub-benchmarks: other scripts, one line each (see the end).
# Each section prints its own table; ratios are always within this run.
#   BENCH_SCALE=F   multiply iteration counts (default 1)
#   BENCH_KEEP=1    keep the scratch directory
#   BENCH_ONLY="micro boot workload idle trace sub"   run only these sections
set -uo pipefail
cd "$(dirname "$0")/.."
exec </dev/null
TOP=$PWD
PB=$TOP/build/programs
SCALE=${BENCH_SCALE:-1}
ONLY=${BENCH_ONLY:-micro boot workload idle trace sub}
T=$(mktemp -d "${TMPDIR:-/tmp}/glass-bench.XXXXXX")
[ -n "${BENCH_KEEP:-}" ] || trap 'rm -rf "$T"' EXIT
UML=$(command -v linux.uml || true)
export TOP PB SCALE T UML   # for the sub-benchmarks (section 6)

for f in "$PB/glibc/bench" "$PB/host/ptrace_rt" "$PB/host/walltime" glass /bin/busybox; do
	[ -x "$f" ] || { echo "bench: $f missing: run make (and make deps)" >&2; exit 1; }
done
want() { case " $ONLY " in *" $1 "*) return 0 ;; esac; return 1; }

declare -A NAT GL UM
# parse FILE ARRAY: "BENCH name us ops" lines (CRs from a tty dropped).
parse() {
	local -n arr=$2
	local tag name us rest
	while read -r tag name us rest; do
		[ "$tag" = BENCH ] && [ "$name" != done ] && arr[$name]=$us
	done < <(tr -d '\r' <"$1")
}
ratio() { awk -v a="${1:-}" -v b="${2:-}" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print "-"; else printf "%.2fx", a / b }'; }
val() { [ -n "${1:-}" ] && printf '%.2f' "$1" || printf -- '-'; }
# row NAME NATIVE GLASS UML: one line of a native/glass/uml table.
row() {
	printf '%-18s %12s %12s %12s %13s %11s\n' "$1" "$(val "${2:-}")" "$(val "${3:-}")" \
		"$(val "${4:-}")" "$(ratio "${3:-}" "${2:-}")" "$(ratio "${4:-}" "${3:-}")"
}
header() { printf '%-18s %12s %12s %12s %13s %11s\n' "$1" native glass uml glass/native uml/glass; }

echo "make bench: $(date -u '+%Y-%m-%d %H:%M UTC'), nproc $(nproc), load average $(cut -d' ' -f1-3 /proc/loadavg), $(git log -1 --format=%h 2>/dev/null)"

# The bench initramfs, shared by every section: default contents, the
# bench, the shell workload, and init scripts (UML needs poweroff -f; in
# Glass it ends the run too).
cat >"$T/benchinit" <<INIT
#!/bin/sh
mount -t proc proc /proc
mount -t tmpfs tmpfs /tmp
/bin/bench $SCALE
poweroff -f
INIT
printf '#!/bin/sh\npoweroff -f\n' >"$T/bootexit"
# /wlinit [N]: the shell workload in a tmpfs, beside N sleeping processes
# (section 4: then the microbenchmarks first, at a quarter of the scale).
cat >"$T/wlinit" <<INIT
#!/bin/sh
mount -t proc proc /proc
mount -t tmpfs tmpfs /tmp
n=\${1:-0}
i=0
while [ \$i -lt "\$n" ]; do
	sleep 100000 &
	i=\$((i + 1))
done
[ "\$n" = 0 ] || /bin/bench $(awk -v s="$SCALE" 'BEGIN { print s / 4 }')
mkdir /tmp/wl
sh /bin/bench-workload.sh /tmp/wl $SCALE
poweroff -f
INIT
chmod +x "$T/benchinit" "$T/bootexit" "$T/wlinit"
scripts/mkinitramfs.sh --add "$PB/glibc/bench:/bin/bench" --add "$T/benchinit:/benchinit" \
	--add "$T/bootexit:/bootexit" --add "$T/wlinit:/wlinit" \
	--add "scripts/bench-workload.sh:/bin/bench-workload.sh" "$T/bench.cpio"

# UML: the same initramfs, an init script, console on stdout (its kernel
# log shares stdout: the BENCH marker picks our lines out).
uml_run() {   # uml_run INIT OUT [KERNEL ARGS...]
	local init=$1 out=$2
	shift 2
	timeout -k 5 300 "$UML" mem=256M initrd="$T/bench.cpio" rdinit="$init" init="$init" \
		con0=fd:0,fd:1 con=null uml_dir="$T" umid=umlbench-$$-$RANDOM quiet "$@" \
		</dev/null >"$out" 2>&1
}
# glass_run OUT [ARGS...]: glass with the bench initramfs; stdout to OUT,
# stderr to OUT.err; a failure is shown, not fatal.
glass_run() {
	local out=$1 st
	shift
	timeout -k 5 600 ./glass uml_dir="$T" umid=bench-$$-$RANDOM quiet initrd="$T/bench.cpio" \
		"$@" >"$out" 2>"$out.err"
	st=$?
	[ $st = 0 ] && return 0
	echo "bench: glass $* exited $st (figures may be missing); stderr tail:"
	tail -n 5 "$out.err" | sed 's/^/  | /'
	return $st
}

# ---- 1. microbenchmarks ----
if want micro; then
	"$PB/glibc/bench" "$SCALE" >"$T/native.out" 2>&1 ||
		{ cat "$T/native.out"; echo "bench: native run failed" >&2; exit 1; }
	parse "$T/native.out" NAT
	"$PB/host/ptrace_rt" $(awk -v s="$SCALE" 'BEGIN { print int(50000 * s) + 1 }') >"$T/ptrace.out" 2>&1
	PTRACE=$(awk '$1 == "BENCH" && $2 == "ptrace_roundtrip" { print $3 }' "$T/ptrace.out")
	# Glass: the bench is init itself.
	glass_run "$T/glass.out" init=/bin/bench -- "$SCALE"
	parse "$T/glass.out" GL
	if [ -n "$UML" ]; then
		uml_run /benchinit "$T/uml.out" || echo "bench: linux.uml exited $?"
		parse "$T/uml.out" UM
	fi
	echo
	echo "Microbenchmarks (microseconds per operation; scale $SCALE)"
	header benchmark
	for k in getppid page_fault fork_exit_wait pipe_write_read pipe_pingpong; do
		row "$k" "${NAT[$k]:-}" "${GL[$k]:-}" "${UM[$k]:-}"
	done
	echo "raw ptrace round trip on this host: $(val "$PTRACE") us (SYSEMU+waitpid+GETREGS+SETREGS)"
	echo "targets (issue 18): getppid <= 5x native; page fault <= 1.5x native;" \
		"fork+exit+wait <= 1.2x native; pipe >= 3x faster than UML"
fi

# ---- 2. boot ----
# Wall time from starting the kernel to its exit, with an init that exits
# at once, best of 10 (3 for UML); the CPU time (user+sys of glass, its
# threads and every stub, which a loaded machine does not inflate) and
# the largest host RSS of that run; start to init's first instruction:
# Glass's own line "Run /bin/true as init process, N us after start"
# (process start to the return to user mode that runs it); and the same
# for mem=128M, 1G and 4G. Timed by build/programs/host/walltime (fork,
# exec, wait; examples/programs/walltime.c), nothing else in between:
# /usr/bin/time + timeout cost more than the boot they timed.
# boot_run VAR N ARGS...: best wall of N runs (us) into VAR, that run's
# cpu (ms), first-instruction (us) and max RSS (KB) into VAR_cpu,
# VAR_init, VAR_rss.
boot_run() {
	local var=$1 n=$2 best= w c r st i
	shift 2
	for ((i = 0; i < n; i++)); do
		"$PB/host/walltime" -t 60 "$@" >/dev/null 2>"$T/boot.err" </dev/null
		read -r w c r st < <(tr -d '\r' <"$T/boot.err" | awk '$1 == "WALLTIME" { print $2, $3, $4, $5 }')
		[ "${st:-1}" = 0 ] || { echo "bench: $* exited ${st:-?}"; continue; }
		if [ -z "$best" ] || [ "$w" -lt "$best" ]; then
			best=$w
			printf -v "${var}_cpu" '%s' "$(awk -v u="$c" 'BEGIN { printf "%.1f", u / 1000 }')"
			printf -v "${var}_rss" '%s' "$r"
			printf -v "${var}_init" '%s' "$(tr -d '\r' <"$T/boot.err" | sed -n 's/.*as init process, \([0-9]*\) us after start.*/\1/p')"
		fi
	done
	printf -v "$var" '%s' "$best"
}
ms1() { [ -n "${1:-}" ] && awk -v u="$1" 'BEGIN { printf "%.1f", u / 1000 }' || printf -- '-'; }
if want boot; then
	echo
	echo "Boot: start to exit with init=/bin/true (best of 10; ms; cpu: glass, threads and stubs)"
	printf '%-22s %10s %10s %16s %10s\n' "" "wall" "cpu" "to init's 1st" "host RSS"
	boot_run nb 10 /bin/true
	NAT[boot]=$nb
	printf '%-22s %10s %10s %16s %9sK\n' "native /bin/true" "$(ms1 "$nb")" "${nb_cpu:--}" - "${nb_rss:--}"
	for m in 128M 1G 4G; do
		boot_run gb 10 ./glass uml_dir="$T" mem=$m init=/bin/true
		[ $m = 128M ] && GL[boot]=$gb
		printf '%-22s %10s %10s %16s %9sK\n' "glass mem=$m" "$(ms1 "$gb")" "${gb_cpu:--}" \
			"$(ms1 "${gb_init:-}")" "${gb_rss:--}"
	done
	if [ -n "$UML" ]; then
		boot_run ub 3 "$UML" mem=256M initrd="$T/bench.cpio" rdinit=/bootexit init=/bootexit \
			con0=fd:0,fd:1 con=null uml_dir="$T" umid=umlbench-$$-$RANDOM quiet
		UM[boot]=$ub
		printf '%-22s %10s %10s %16s %9sK\n' "uml mem=256M" "$(ms1 "$ub")" "${ub_cpu:--}" - "${ub_rss:--}"
	fi
	echo "glass/native $(ratio "${GL[boot]}" "${NAT[boot]}"), uml/glass $(ratio "${UM[boot]:-}" "${GL[boot]}");" \
		"target: glass wall <= 20 ms, flat in mem="
fi

# ---- 3. the shell workload ----
# scripts/bench-workload.sh natively (busybox sh and applets, a tmpfs
# scratch directory), in Glass and in UML; milliseconds per step.
declare -A WN WG WU
wl_table() {   # wl_table TITLE NATIVE-ARRAY GLASS-ARRAY UML-ARRAY
	local -n n=$2 g=$3 u=$4
	echo
	echo "$1"
	header step
	for k in tree md5 gen sort tgz text forks total; do
		row "$k" "$(ms "${n[wl_$k]:-}")" "$(ms "${g[wl_$k]:-}")" "$(ms "${u[wl_$k]:-}")"
	done
}
ms() { [ -n "${1:-}" ] && awk -v u="$1" 'BEGIN { print u / 1000 }'; }
if want workload; then
	mkdir -p "$T/bb"
	for a in $(/bin/busybox --list); do ln -sf /bin/busybox "$T/bb/$a"; done
	SHM=$(mktemp -d /dev/shm/glass-bench.XXXXXX 2>/dev/null || mktemp -d "$T/wl.XXXXXX")
	PATH=$T/bb /bin/busybox sh scripts/bench-workload.sh "$SHM" "$SCALE" >"$T/wl.native" 2>&1
	rm -rf "$SHM"
	parse "$T/wl.native" WN
	glass_run "$T/wl.glass" init=/wlinit
	parse "$T/wl.glass" WG
	if [ -n "$UML" ]; then
		uml_run /wlinit "$T/wl.uml" || echo "bench: linux.uml exited $?"
		parse "$T/wl.uml" WU
	fi
	wl_table "Shell workload (scripts/bench-workload.sh; milliseconds)" WN WG WU
	echo "targets: each step <= 2x native, >= 3x faster than UML"
fi

# ---- 4. idle tasks ----
# getppid and the workload in Glass beside N sleeping guest processes
# (`sleep` in the background, each its own address space and stub): a
# cost that grows with N is a bug.
if want idle; then
	echo
	echo "Idle tasks: Glass beside N sleeping processes (getppid us; workload ms)"
	printf '%-6s %10s' N getppid
	for k in tree md5 gen sort tgz text forks total; do printf ' %8s' "$k"; done
	echo
	for n in 1 50 500; do
		declare -A IG=()
		glass_run "$T/idle$n.out" max_tasks=1024 init=/wlinit -- "$n"
		parse "$T/idle$n.out" IG
		printf '%-6s %10s' "$n" "$(val "${IG[getppid]:-}")"
		for k in tree md5 gen sort tgz text forks total; do printf ' %8s' "$(ms "${IG[wl_$k]:-}")"; done
		echo
	done
fi

if want trace; then
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
fi

# ---- 6. sub-benchmarks ----
# One line each: `sub SCRIPT [ARGS...]`. A sub-benchmark prints its own
# title and table, may use T (scratch), PB, SCALE, UML and TOP from the
# environment, and its failure is reported without ending make bench.
sub() {
	echo
	"$@" || echo "bench: $* exited $?"
}
if want sub; then
	sub scripts/bench-fork.sh   # fork against the parent's resident size (issue 18, target 5)
	sub scripts/bench-load.sh   # the same with the other host CPUs busy (issue 18, target 6)
fi
exit 0

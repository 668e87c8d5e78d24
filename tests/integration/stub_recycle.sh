#!/bin/bash
# Parked stubs (kernel/arch/x86_64/host_mm.c, issue 18): the host process
# of an ended address space is emptied, checked and kept for the next one.
# - default boot: a shell loop of `recycleprobe dirty` (every vector
#   register set, MXCSR, the x87 control word, fs and gs bases of its
#   own) and `recycleprobe clean` (each as exec leaves it, checked at its
#   first instruction; the bases with rdfsbase where the host has it):
#   every clean run says "clean ok", stubs_parked and stubs_reused grow by
#   at least the loop's count, stubs_park_failed stays 0, and after 20
#   fork+exit rounds glass has no more host processes than before them
#   (on a host that will not show /proc/PID/syscall, which the boot
#   says, nothing is parked and only the clean runs are checked);
# - stub_recycle=0: the same runs are clean, nothing is parked or reused.
# The guest that forged its last stop, sleeps elsewhere or set its own
# sigaltstack is refused by tests/unit/test_stub.c (against the real stub).
. "$(dirname "$0")/lib.sh"

PB=$TOP/build/programs
[ -x "$PB/bare/recycleprobe" ] || { fail "$PB/bare/recycleprobe not built: make programs"; finish; }
img=$TEST_TMP/recycle.cpio
make_initramfs "$img" --add "$PB/bare/recycleprobe:/bin/recycleprobe" ||
	{ fail "mkinitramfs failed"; finish; }
fsgs=
grep -qw fsgsbase /proc/cpuinfo && fsgs=fsgsbase

# 20 rounds of dirty and clean between two reads of the counters, then
# the host processes glass has before and after 20 more forks.
script='mount -t proc proc /proc
stats() { grep "^stubs_" /proc/glass/stats | sed "s/^/$1 /"; }
stats before
i=0
while [ $i -lt 20 ]; do
	recycleprobe dirty || echo "dirty failed"
	recycleprobe clean '"$fsgs"'
	i=$((i + 1))
done
stats after
echo READY; read x
i=0
while [ $i -lt 20 ]; do /bin/true; i=$((i + 1)); done
echo FORKED; read x'

# count LABEL NAME: the counter's value under LABEL ("" if missing).
count() {
	_strip_cr "$GLASS_OUT" | awk -v l="$1" -v n="$2" '$1 == l && $2 == n { print $3; exit }'
}
expect_count() {
	if [ -n "$2" ] && [ "$2" "$3" "$4" ]; then ok "$1: $2"
	else fail "$1: '$2', expected $3 $4"; fi
}
# children PID: the host processes glass (the child of timeout PID) has.
children() { ps --ppid "$(pgrep -P "$1" | head -1)" -o pid= 2>/dev/null | wc -l; }
lacks() {
	if _strip_cr "$GLASS_OUT" | grep -q -- "$1"; then fail "output has '$1'"
	else ok "no '$1' in the output"; fi
}

# run [OPTION...]: the script, with its two pauses answered; the host
# processes glass had at each, into $before_forks and $after_forks.
run() {
	local fifo=$TEST_TMP/in
	rm -f "$fifo"
	mkfifo "$fifo"
	GLASS_TIMEOUT=120 GLASS_STDIN=$fifo glass_start "$@" initrd="$img" init=/bin/sh -- -c "$script"
	exec 9>"$fifo"
	wait_for 60 grep -q READY "$GLASS_OUT" || fail "the loop did not end"
	before_forks=$(children "$GLASS_PID")
	echo >&9
	wait_for 60 grep -q FORKED "$GLASS_OUT" || fail "the forks did not end"
	after_forks=$(children "$GLASS_PID")
	echo >&9
	exec 9>&-
	glass_wait
}

run
expect_status 0
n=$(_strip_cr "$GLASS_OUT" | grep -c '^clean ok$')
expect_count "clean runs after dirty ones" "$n" -eq 20
lacks "clean BAD"
lacks "dirty failed"
[ -n "$fsgs" ] || note "no fsgsbase on this host: the fs and gs bases not read"
# A host that will not show where a stub's thread sleeps parks nothing:
# the boot says so, and only the clean runs can be checked here.
if grep -aq "host: no stub recycling" "$GLASS_ERR"; then
	ok "this host cannot park: $(grep -a -m1 'no stub recycling' "$GLASS_ERR" | sed 's/^\[[ 0-9.]*\] //')"
	expect_count "stubs parked on a host that cannot park" "$(count after stubs_parked)" -eq 0
else
	b=$(count before stubs_parked) a=$(count after stubs_parked)
	expect_count "stubs parked over the loop" $((a - b)) -ge 40
	b=$(count before stubs_reused) a=$(count after stubs_reused)
	expect_count "stubs reused over the loop" $((a - b)) -ge 40
	expect_count "stubs refused" "$(count after stubs_park_failed)" -eq 0
	expect_count "host processes after 20 forks (before: $before_forks)" "$after_forks" -le "$before_forks"
fi

run stub_recycle=0
expect_status 0
n=$(_strip_cr "$GLASS_OUT" | grep -c '^clean ok$')
expect_count "clean runs with stub_recycle=0" "$n" -eq 20
lacks "clean BAD"
for c in parked reused park_failed; do
	expect_count "stubs_$c with stub_recycle=0" "$(count after stubs_$c)" -eq 0
done
finish

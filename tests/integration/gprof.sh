#!/bin/bash
# make PROFILE=1 (profiling/README.md): the -pg build, in build-prof/ so
# it never mixes with make check's objects, boots and runs a guest that
# calls getppid 100000 times; `gprof dump` through mconsole writes a
# gmon.out that gprof reads, with sys_getppid among the most called
# functions and its 100000 calls counted; `gprof reset` starts afresh;
# at exit the profile of the run is written to gmon.out too.
. "$(dirname "$0")/lib.sh"

mc_setup
command -v gprof >/dev/null || { fail "gprof missing (binutils)"; finish; }
PB=$TOP/build/programs/glibc
[ -x "$PB/profload" ] || { fail "no $PB/profload: run make programs"; finish; }
start=$SECONDS
make -C "$TOP" -j"${JOBS:-2}" PROFILE=1 >"$TEST_TMP/make.log" 2>&1 ||
	{ tail -20 "$TEST_TMP/make.log"; fail "make PROFILE=1 failed"; finish; }
note "make PROFILE=1: $((SECONDS - start)) s"
GLASS=$TOP/build-prof/glass
N=100000
# Modules are not gprof'd: a PROFILE=1 module build says so and builds nothing.
out=$(make -C "$TOP" M="$TOP/examples/modules/hello" PROFILE=1 2>&1) &&
	fail "make M=... PROFILE=1 built a module: $out" ||
	{ grep -q 'gprof does not cover modules' <<<"$out" && ok "PROFILE=1 module build refused plainly" ||
		fail "PROFILE=1 module build: $out"; }

cd "$TEST_TMP" || exit 1
glass_start init=/bin/sh -- -c "mount -t hostfs none /mnt -o $PB && /mnt/profload getppid -$N &&
	sleep 30; poweroff -f"
wait_for 50 grep -q 'profload done' "$GLASS_OUT" || fail "profload did not finish under the -pg build"
expect_mc_re '^OK wrote .*gmon1.out' gprof dump "$TEST_TMP/gmon1.out"

# gprof's flat profile: name in the last column, calls in the 4th when
# the function has calls.
calls_of() {   # calls_of GMON FUNCTION
	gprof -b -p "$GLASS" "$1" 2>/dev/null |
		awk -v f="$2" '$NF == f && NF >= 7 { print $4 }'
}
calls=$(calls_of gmon1.out sys_getppid)
[ -n "$calls" ] && [ "$calls" -ge $N ] && ok "gprof: sys_getppid called $calls times" ||
	fail "gprof: sys_getppid calls '$calls': $(gprof -b -p "$GLASS" gmon1.out 2>&1 | head -20)"
rank=$(gprof -b -p "$GLASS" gmon1.out 2>/dev/null | awk 'NF >= 7 && $4 ~ /^[0-9]+$/ { print $4, $NF }' |
	sort -rn | awk '$2 == "sys_getppid" { print NR; exit }')
[ -n "$rank" ] && [ "$rank" -le 15 ] && ok "gprof: sys_getppid is number $rank by calls" ||
	fail "gprof: sys_getppid ranks '$rank' by calls"
gprof -b -q "$GLASS" gmon1.out 2>/dev/null | grep -qE '^\[[0-9]+\].* sys_getppid \[' &&
	ok "gprof: call graph has sys_getppid" || fail "gprof: no sys_getppid in the call graph"

expect_mc_re '^OK gprof: a fresh profile' gprof reset
expect_mc_re '^OK wrote' gprof dump "$TEST_TMP/gmon2.out"
calls=$(calls_of gmon2.out sys_getppid)
[ -z "$calls" ] && ok "after reset: no sys_getppid calls" || fail "after reset: sys_getppid calls '$calls'"
expect_mc_re '^ERR gprof dump: cannot write' gprof dump "$TEST_TMP/no/such/dir/gmon.out"
expect_mc_re '^OK' halt
glass_wait

# At exit from the CPU thread (init's poweroff): gmon.out in the cwd.
glass_start init=/bin/sh -- -c "mount -t hostfs none /mnt -o $PB && /mnt/profload getppid -1000; poweroff -f"
glass_wait
[ "$GLASS_STATUS" = 0 ] && ok "the -pg build powers off (status 0)" || fail "poweroff: status $GLASS_STATUS"
calls=$(calls_of gmon.out sys_getppid)
[ -n "$calls" ] && [ "$calls" -ge 1000 ] && ok "gmon.out at exit: sys_getppid called $calls times" ||
	fail "gmon.out at exit: sys_getppid calls '$calls'"

# A panic writes it too (the CPU thread dies in os_abort).
rm -f gmon.out
glass_start inject=1 init=/bin/sh -- -c "mount -t hostfs none /mnt -o $PB && /mnt/profload getppid -1000; sleep 100"
wait_for 30 grep -q 'profload done' "$GLASS_OUT" || fail "profload did not finish before the panic"
mc inject oops-irq
glass_wait
grep -q 'Kernel panic' "$GLASS_ERR" && ok "oops-irq panicked" || fail "no panic"
calls=$(calls_of gmon.out sys_getppid)
[ -n "$calls" ] && [ "$calls" -ge 1000 ] && ok "gmon.out at a panic: sys_getppid called $calls times" ||
	fail "gmon.out at a panic: sys_getppid calls '$calls'"
finish

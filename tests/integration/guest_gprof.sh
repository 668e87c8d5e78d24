#!/bin/bash
# A guest's own gprof profile (kernel/proc/itimer.c): pgburn, built with
# -pg, runs in Glass from a hostfs directory and writes gmon.out there;
# the host's gprof reads it: samples were taken (glibc's profil runs on
# ITIMER_PROF), burn_a has the most self time and more than burn_b,
# which does a quarter of its work, and each was called once.
. "$(dirname "$0")/lib.sh"

command -v gprof >/dev/null || { fail "gprof missing (binutils)"; finish; }
PB=$TOP/build/programs/glibc
[ -x "$PB/pgburn" ] || { fail "no $PB/pgburn: run make programs"; finish; }
H=$TEST_TMP/h
mkdir -p "$H"
cp "$PB/pgburn" "$H/"
glass_run --timeout 120 init=/bin/sh -- -c "mount -t hostfs none /mnt -o $H && cd /mnt && ./pgburn"
expect_status 0
expect_stdout_contains "pgburn done"
[ -s "$H/gmon.out" ] && ok "gmon.out written" || { fail "no gmon.out in $H"; finish; }
gprof -b -p "$H/pgburn" "$H/gmon.out" >"$TEST_TMP/flat" 2>&1
# self seconds and calls of a function in the flat profile ("" if absent).
self() { awk -v f="$1" '$NF == f { print $3; exit }' "$TEST_TMP/flat"; }
calls() { awk -v f="$1" '$NF == f && NF == 7 { print $4; exit }' "$TEST_TMP/flat"; }
a=$(self burn_a) b=$(self burn_b)
top=$(awk '/^ *[0-9.]+ +[0-9.]+ +[0-9.]+/ { print $NF; exit }' "$TEST_TMP/flat")
if [ -n "$a" ] && awk -v a="$a" 'BEGIN { exit !(a >= 0.05) }'; then ok "burn_a sampled: $a s"
else fail "burn_a not sampled ('$a'): $(cat "$TEST_TMP/flat")"; fi
[ "$top" = burn_a ] && ok "burn_a first in the flat profile" ||
	fail "the flat profile starts with '$top': $(cat "$TEST_TMP/flat")"
if [ -n "$b" ] && awk -v a="$a" -v b="$b" 'BEGIN { exit !(a > b) }'; then ok "burn_a ($a s) over burn_b ($b s)"
else fail "burn_a '$a' s, burn_b '$b' s"; fi
[ "$(calls burn_a)" = 1 ] && [ "$(calls burn_b)" = 1 ] && ok "burn_a and burn_b called once each" ||
	fail "calls: burn_a '$(calls burn_a)', burn_b '$(calls burn_b)'"
finish

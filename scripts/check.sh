#!/bin/bash
# check.sh [PATTERN...]: the whole test suite (`make check`). Each item is
# one test with a PASS/FAIL line; the last line is "N passed, N failed".
#   build                    make all (glass, initramfs, guest programs)
#   build-cov                make COVERAGE=1 KCOV=1 (build-cov-kcov/glass)
#   static/*                 host headers, libc names, non-PIE + debug info,
#                            monitor text calls only monitor text,
#                            kernel/os's calls into the kernel
#   unit/test_X, unit-san/test_X   Check programs, plain and ASan+UBSan
#   integration/X            tests/integration/X.sh (timeout 300 s each; fails
#                            when X.sh is not executable)
#   fuzz/fuzz_X              libFuzzer targets, CHECK_FUZZ_SECONDS each (20)
# With PATTERNs, only tests whose name matches one (shell glob) run.
# Logs: build/check/<name>.log. Never reads stdin.
set -uo pipefail
cd "$(dirname "$0")/.."
exec </dev/null

JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
FUZZ_SECONDS=${CHECK_FUZZ_SECONDS:-20}
LOGDIR=build/check
mkdir -p "$LOGDIR"
passed=0 failed=0 skipped=0
failed_names=()

selected() {
	[ $# -eq 0 ] && return 0
	local name=$1 p
	shift
	for p in "${PATTERNS[@]}"; do
		# shellcheck disable=SC2053
		[[ $name == $p ]] && return 0
	done
	return 1
}
PATTERNS=("$@")

# run NAME TIMEOUT COMMAND...: one test.
run() {
	local name=$1 t=$2
	shift 2
	[ ${#PATTERNS[@]} -eq 0 ] || selected "$name" ${PATTERNS[@]+"${PATTERNS[@]}"} || return 0
	local log=$LOGDIR/${name//\//_}.log start=$SECONDS
	# Through bash so that exported shell functions can be tests too.
	timeout -k 10 "$t" bash -c '"$@"' check-item "$@" >"$log" 2>&1
	local st=$?
	local secs=$((SECONDS - start))
	if [ $st = 0 ]; then
		passed=$((passed + 1))
		echo "PASS $name (${secs}s)"
	else
		failed=$((failed + 1))
		failed_names+=("$name")
		[ $st = 124 ] || [ $st = 137 ] && echo "FAIL $name (timed out after ${t}s)" ||
			echo "FAIL $name (exit $st, ${secs}s)"
		echo "---- $name: last lines of $log"
		tail -n 30 "$log" | sed 's/^/  | /'
		echo "----"
	fi
}

skip() {
	[ ${#PATTERNS[@]} -eq 0 ] || selected "$1" ${PATTERNS[@]+"${PATTERNS[@]}"} || return 0
	skipped=$((skipped + 1))
	echo "SKIP $1 ($2)"
}

# (a) Build, and the static checks.
run build 1800 make -j"$JOBS" all
# The coverage build integration/coverage uses (about 50 s at -j2).
run build-cov 1800 make -j"$JOBS" COVERAGE=1 KCOV=1
run static/host-headers 60 scripts/check-host-headers.sh
run static/libc-names 60 scripts/check-libc-names.sh
run static/glass-link 60 scripts/check-link.sh
run static/monitor-text 60 scripts/check-monitor-text.sh
run static/os-upcalls 60 scripts/check-upcalls.sh

# (b) Unit tests, built one by one so one broken test does not hide others.
# Check's per-test time-out is 4 s; ASan builds on a shared, loaded 2-core
# machine overran it (test_mm's kmalloc_sizes at load average 12): give
# every unit test 5x that. The outer time-outs of `run` still apply.
export CK_TIMEOUT_MULTIPLIER=${CK_TIMEOUT_MULTIPLIER:-5}
unit_test() {   # unit_test OBJDIR NAME
	make -j"$JOBS" "$1/tests/unit/$2" && "$1/tests/unit/$2"
}
export -f unit_test
export JOBS FUZZ_SECONDS
for src in tests/unit/test_*.c; do
	[ -e "$src" ] || continue
	t=$(basename "$src" .c)
	run "unit/$t" 600 unit_test build "$t"
	run "unit-san/$t" 900 unit_test build-san "$t"
done

# (c) Integration tests: every tests/integration/*.sh but lib.sh, which
# must be executable: a test that lost its x bit fails, it is not skipped.
not_executable() {   # not_executable SCRIPT
	echo "$1 is not executable (chmod +x it, or it never runs from make check)"
	return 1
}
export -f not_executable
for f in tests/integration/*.sh; do
	[ "$f" = tests/integration/lib.sh ] && continue
	if [ -x "$f" ]; then
		run "integration/$(basename "$f" .sh)" 300 "$f"
	else
		run "integration/$(basename "$f" .sh)" 10 not_executable "$f"
	fi
done

# (d) Fuzz targets, when clang's libFuzzer runtime is installed.
fuzz_test() {   # fuzz_test NAME
	local bin=build-fuzz/tests/fuzz/$1 corpus=build/check/corpus-$1
	make -j"$JOBS" "$bin" || return 1
	mkdir -p "$corpus"
	local seeds=()
	[ -d "tests/fuzz/$1.corpus" ] && seeds=("tests/fuzz/$1.corpus")
	"$bin" -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 "$corpus" ${seeds[@]+"${seeds[@]}"}
}
export -f fuzz_test
have_fuzzer=0
if command -v clang >/dev/null &&
	[ -n "$(clang -print-file-name=libclang_rt.fuzzer-x86_64.a 2>/dev/null | grep /)" ] &&
	[ -f "$(clang -print-file-name=libclang_rt.fuzzer-x86_64.a)" ]; then
	have_fuzzer=1
fi
for src in tests/fuzz/fuzz_*.c; do
	[ -e "$src" ] || continue
	t=$(basename "$src" .c)
	if [ $have_fuzzer = 1 ]; then
		run "fuzz/$t" $((FUZZ_SECONDS + 600)) fuzz_test "$t"
	else
		skip "fuzz/$t" "clang or libclang-rt-14-dev missing"
	fi
done

if [ $failed -gt 0 ]; then
	echo "failed: ${failed_names[*]}"
fi
if [ $skipped -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ $failed = 0 ]

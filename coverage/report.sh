#!/bin/bash
# coverage/report.sh [DUMP_DIR [OUT_DIR]]: reports of a gcov dump
# (`make coverage-report`). DUMP_DIR holds the .gcda files: the build
# tree of the COVERAGE=1 build (default build-cov, or $B), where
# `gcov dump` writes them, or a DIR given to `gcov dump DIR` (the .gcno
# files are then copied beside them from the build tree). Writes to
# OUT_DIR (default DUMP_DIR/coverage-report):
#   gcov/*.gcov      gcov's annotated sources (kernel#mm#fault.c.gcov)
#   coverage.info    lcov's tracefile
#   html/index.html  gcovr's HTML report, a page per source file
# and prints gcovr's summary table. Needs gcov, gcovr, lcov
# (scripts/deps.sh check installs them).
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
build=${B:-build-cov}
dump=$(realpath "${1:-$build}")
out=$(realpath -m "${2:-$dump/coverage-report}")
[ -d "$build" ] || { echo "report.sh: no $build: make COVERAGE=1 first" >&2; exit 1; }
find "$dump" -name '*.gcda' -print -quit | grep -q . ||
	{ echo "report.sh: no .gcda under $dump: gcov dump first" >&2; exit 1; }

# The notes files beside the counts, where gcov looks for them.
if [ "$dump" != "$(realpath "$build")" ]; then
	(cd "$build" && find . -name '*.gcno' -exec cp --parents {} "$dump" \;)
fi
mkdir -p "$out/gcov" "$out/html"

# gcov text: one .gcov per object, named for its source with / as #
# (gcov -p's names), the headers' inline functions it uses after it. gcov
# finds the sources relative to the top of the tree, where they were
# compiled; a module's are absolute.
find "$dump" -name '*.gcda' | while read -r gcda; do
	rel=$(realpath --relative-to="$dump" "${gcda%.gcda}.c")
	src=$rel
	[ -f "$top/$rel" ] || src=/$rel
	[ -f "$src" ] || [ -f "$top/$src" ] || continue
	(cd "$top" && gcov -t -o "$(dirname "$gcda")" "$src" 2>/dev/null) >"$out/gcov/${rel//\//#}.gcov" || true
done

# (lcov 1.16 on Debian 12's perl warns about redefined subroutines.)
lcov --quiet --capture --directory "$dump" --base-directory "$top" \
	--output-file "$out/coverage.info" --rc lcov_branch_coverage=0 \
	2> >(grep -v 'redefined at' >&2)
gcovr --root "$top" --object-directory "$dump" "$dump" \
	--html-details "$out/html/index.html" --print-summary
echo "report.sh: $out/gcov, $out/coverage.info, $out/html/index.html"

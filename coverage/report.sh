#!/bin/bash
# coverage/report.sh [DUMP_DIR [OUT_DIR]]: reports of a gcov dump
# (`make coverage-report`). DUMP_DIR holds the .gcda files: the build
# tree of the COVERAGE=1 build (default build-cov, or $B), where
# `gcov dump` writes them, or a DIR given to `gcov dump DIR` (the .gcno
# files are then copied beside them from the build tree). Writes to
# OUT_DIR (default DUMP_DIR/coverage-report):
#   gcov/*.gcov      gcov's annotated sources (gcov -p: path in the name)
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

# gcov text: one .gcov per source; gcov reads the source paths relative to
# where the objects were compiled (the top of the tree).
find "$dump" -name '*.gcda' | while read -r gcda; do
	(cd "$out/gcov" && gcov -p -o "$(dirname "$gcda")" "$top/$(realpath --relative-to="$dump" "${gcda%.gcda}.c")" >/dev/null 2>&1) || true
done

# (lcov 1.16 on Debian 12's perl warns about redefined subroutines.)
lcov --quiet --capture --directory "$dump" --base-directory "$top" \
	--output-file "$out/coverage.info" --rc lcov_branch_coverage=0 \
	2> >(grep -v 'redefined at' >&2)
gcovr --root "$top" --object-directory "$dump" "$dump" \
	--html-details "$out/html/index.html" --print-summary
echo "report.sh: $out/gcov, $out/coverage.info, $out/html/index.html"

#!/bin/bash
# check-upcalls.sh [BUILD_DIR]: the host layer's calls back into the
# kernel are the ones kernel/include/glass/os_upcalls.h declares. Every
# symbol a kernel/os object uses that a kernel object (BUILD_DIR/kernel
# outside kernel/os, gdbstub/, profiling/; default build/) defines must be declared
# there, and everything declared there must be used by kernel/os. Exits 1
# listing the offenders.
set -euo pipefail
export LC_ALL=C
cd "$(dirname "$0")/.."
b=${1:-build}
hdr=kernel/include/glass/os_upcalls.h

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
os=()
for src in kernel/os/*.c; do
	o=$b/${src%.c}.o
	[ -f "$o" ] || { echo "check-upcalls: no $o: build glass first" >&2; exit 1; }
	os+=("$o")
done
nm --defined-only "${os[@]}" | awk 'NF == 3 { print $3 }' | sort -u >"$tmp/os_def"
nm -u "${os[@]}" | awk '{ print $2 }' | sort -u >"$tmp/os_undef"
kern=()
while IFS= read -r o; do
	src=${o#"$b"/}
	src=${src%.o}
	# Only objects of sources that still exist (stale ones are ignored).
	[ -f "$src.c" ] || [ -f "$src.S" ] || continue
	kern+=("$o")
done < <(find "$b/kernel" "$b/gdbstub" $(ls -d "$b/profiling" 2>/dev/null) \
	-path "$b/kernel/os" -prune -o -name '*.o' -print)
nm --defined-only "${kern[@]}" | awk 'NF == 3 { print $3 }' | sort -u >"$tmp/kern_def"
comm -23 "$tmp/os_undef" "$tmp/os_def" | comm -12 - "$tmp/kern_def" >"$tmp/used"
# Declared names: a function's name before its "(", an array's before "[".
sed -e 's@/\*.*\*/@@g' -e '/^ *\*/d' -e '/^\/\*/d' "$hdr" |
	grep -oE '\b[a-z_][a-z0-9_]*(\(|\[)' | grep -vE '^(__noreturn|sizeof)' |
	tr -d '([' | sort -u >"$tmp/declared"

bad=0
for s in $(comm -23 "$tmp/used" "$tmp/declared"); do
	echo "check-upcalls: kernel/os uses $s, which $hdr does not declare"
	bad=1
done
for s in $(comm -13 "$tmp/used" "$tmp/declared"); do
	echo "check-upcalls: $hdr declares $s, which kernel/os does not use"
	bad=1
done
[ $bad = 1 ] || echo "check-upcalls: kernel/os calls into the kernel only through $hdr ($(wc -l <"$tmp/used") symbols)"
exit $bad

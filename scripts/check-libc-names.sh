#!/bin/bash
# check-libc-names.sh [BUILD_DIR]: rule host-boundary. No kernel object
# (BUILD_DIR/kernel/**/*.o outside kernel/os/, and the objects of the other
# directories linked into glass: gdbstub/ ...; default build/) defines a
# global symbol that the host libc exports, or that one of the archives
# linked static into glass defines (libunwind, libdw, libelf and theirs,
# Makefile LDLIBS): in one process it would replace libc's own for libc and
# every library, or the archive's for the archive. Exits 1 listing the
# offenders.
set -euo pipefail
export LC_ALL=C
cd "$(dirname "$0")/.."
b=${1:-build}
libc=${LIBC:-/lib/x86_64-linux-gnu/libc.so.6}
[ -f "$libc" ] || { echo "check-libc-names: $libc not found" >&2; exit 1; }
[ -d "$b/kernel" ] || { echo "check-libc-names: no $b/kernel: build glass first" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
libdir=$(dirname "$libc")
{
	nm -D --defined-only "$libc" | awk 'NF >= 3 { sub(/@.*/, "", $3); print $3 }'
	for a in unwind dw elf lzma z bz2; do
		[ ! -f "$libdir/lib$a.a" ] ||
			nm -g --defined-only "$libdir/lib$a.a" 2>/dev/null | awk 'NF >= 3 { print $3 }'
	done
} | sort -u >"$tmp/libc"

objs=()
while IFS= read -r o; do
	src=${o#"$b"/}
	src=${src%.o}
	# Only objects of sources that still exist (stale ones are ignored).
	[ -f "$src.c" ] || [ -f "$src.S" ] || continue
	objs+=("$o")
done < <({
	find "$b/kernel" -path "$b/kernel/os" -prune -o -name '*.o' -print
	for d in gdbstub trace coverage profiling moddebug; do
		[ ! -d "$b/$d" ] || find "$b/$d" -name '*.o'
	done
} | sort)
[ ${#objs[@]} -gt 0 ] || { echo "check-libc-names: no kernel objects in $b/kernel" >&2; exit 1; }

# "file.o: addr T name" for every defined global symbol.
nm -A -g --defined-only "${objs[@]}" | awk '{ f = $1; sub(/:[^:]*$/, "", f); print $NF, f }' | sort >"$tmp/defs"
join "$tmp/defs" "$tmp/libc" >"$tmp/clash" || true
if [ -s "$tmp/clash" ]; then
	while read -r sym obj; do
		echo "$obj defines $sym, a libc or host library name (rename it: rule host-boundary)"
	done <"$tmp/clash"
	exit 1
fi
echo "check-libc-names: ${#objs[@]} kernel objects, no libc names defined"

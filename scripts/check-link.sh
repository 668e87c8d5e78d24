#!/bin/bash
# check-link.sh [GLASS]: glass is linked non-PIE (ELF type EXEC, docs/DESIGN.md
# Boot), carries debug info (rule symbols-always) and needs no shared
# library but libc: libunwind, libdw and theirs are linked static, since
# loading them cost every boot a few ms (Makefile LDLIBS).
set -euo pipefail
cd "$(dirname "$0")/.."
g=${1:-glass}
[ -x "$g" ] || { echo "check-link: no $g: build it first" >&2; exit 1; }
bad=0
type=$(LC_ALL=C readelf -h "$g" | awk '/Type:/ { print $2 }')
if [ "$type" = EXEC ]; then echo "check-link: $g is EXEC (non-PIE)"
else echo "check-link: $g is ELF type $type, not EXEC: link it -no-pie"; bad=1; fi
if LC_ALL=C readelf -S "$g" | grep -q '\.debug_info'; then echo "check-link: $g has .debug_info"
else echo "check-link: $g has no .debug_info: build with -g"; bad=1; fi
if LC_ALL=C readelf -S "$g" | grep -q '\.debug_line'; then :
else echo "check-link: $g has no .debug_line"; bad=1; fi
needed=$(LC_ALL=C readelf -d "$g" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | grep -v '^libc\.so' | tr '\n' ' ' || true)
if [ -z "$needed" ]; then echo "check-link: $g needs no shared library but libc"
else echo "check-link: $g needs $needed: link them static (Makefile LDLIBS)"; bad=1; fi
exit $bad

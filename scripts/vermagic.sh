#!/bin/bash
# vermagic.sh OUT FLAGS...: the module ABI's identity, as Linux's vermagic:
# a hash of every header a module compiles against (kernel/include and the
# generated build/include) and of the kernel's compile flags. A module whose
# .modinfo vermagic differs was built against another build of Glass and is
# refused. OUT is rewritten only when the hash changes.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$1
shift
hash=$({
	find kernel/include build/include -name '*.h' ! -name vermagic.h | LC_ALL=C sort | xargs cat
	printf '%s\n' "$*"
} | sha1sum | cut -c1-16)
line="#define VERMAGIC_STRING \"glass-$hash\""
mkdir -p "$(dirname "$out")"
[ -f "$out" ] && [ "$(cat "$out")" = "$line" ] || echo "$line" >"$out"

#!/bin/bash
# check-host-headers.sh: rule host-boundary. Code linked into glass outside
# kernel/os/ (and the libc-free stub) includes only the freestanding headers
# and the project's own. Prints each violation; exits 1 if there is any.
set -euo pipefail
cd "$(dirname "$0")/.."

allowed=" stddef.h stdint.h stdbool.h stdarg.h limits.h "
# The project's own, generated into build/include by scripts/syscalltbl.sh.
generated=" uapi/unistd.h generated/syscalls_64.h generated/syscall_nargs.h "
dirs=()
for d in kernel gdbstub trace coverage profiling moddebug; do
	[ -d "$d" ] && dirs+=("$d")
done
# syscalltbl.sh's tables for the trace decoder.
generated+="generated/syscall_args.h generated/syscall_kinds.h "
bad=0
# No process per line (sed, dirname): on a busy machine forks made this
# check outlast its time limit.
incl='^[[:space:]]*#[[:space:]]*include[[:space:]]*(.*)$'
while IFS= read -r f; do
	fdir=${f%/*}
	parent=${fdir%/*}
	[ "$parent" = "$fdir" ] && parent=.
	while IFS= read -r hit; do
		line=${hit%%:*}
		[[ ${hit#*:} =~ $incl ]] && inc=${BASH_REMATCH[1]}
		case "$inc" in
		\<*\>*) name=${inc#<}; name=${name%%>*}
			[[ "$allowed$generated" == *" $name "* ]] && continue
			[ -f "kernel/include/$name" ] && continue
			[ -f "$parent/include/$name" ] && continue
			# a top-level component's header (-I.): <trace/trace.h>
			[[ "$name" == */* && -f "$name" ]] && continue ;;
		\"*\"*) name=${inc#\"}; name=${name%%\"*}
			[ -f "$fdir/$name" ] && continue
			[ -f "kernel/include/$name" ] && continue ;;
		*) name=$inc ;;
		esac
		echo "$f:$line: includes $name, a host header (only kernel/os/ may: rule host-boundary)"
		bad=1
	done < <(grep -nE '^[[:space:]]*#[[:space:]]*include' "$f" || true)
done < <(find "${dirs[@]}" \( -path kernel/os -o -path kernel/arch/x86_64/stub \) -prune -o \
	-type f \( -name '*.c' -o -name '*.h' -o -name '*.S' \) -print | sort)
exit $bad

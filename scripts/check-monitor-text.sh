#!/bin/bash
# check-monitor-text.sh [GLASS [BUILD_DIR]]: rule monitor-never-blocks, checked.
# Code in the monitor's section (text_monitor: __monitor_text functions and
# gdbstub/) must not leave it: gdb never plants a breakpoint there, but
# it may in any other function of glass, and the monitor thread must not
# hit one. So every direct call or jump from text_monitor lands in
# text_monitor, except
#   - from the host layer's monitor code (kernel/os), in the libc
#     functions below: system-call wrappers and pure memory functions,
#     none of which locks or allocates;
#   - the few deliberate exits below, each with its reason.
# Kernel-side monitor code calls no libc at all, so a memcpy or memset that
# gcc made up for a loop or a struct copy there fails this check.
# Indirect calls (the command tables) are not seen here. Exits 1 listing
# the offending calls with their source lines.
set -euo pipefail
export LC_ALL=C
cd "$(dirname "$0")/.."
g=${1:-glass}
b=${2:-build}
[ -x "$g" ] || { echo "check-monitor-text: no $g: build it first" >&2; exit 1; }
[ -d "$b/kernel/os" ] || { echo "check-monitor-text: no $b/kernel/os: build glass first" >&2; exit 1; }

# libc functions kernel/os monitor code may call.
host_libc=(
	__errno_location accept4 clock_gettime close getpid gettid ioctl
	mprotect nanosleep poll pread pthread_self pwrite read recvfrom send
	sendto socket syscall write memcmp memcpy
)
# Deliberate exits from the section, callee names.
exits=(
	# The SIGTRAP handler's way into the park, on the CPU thread only
	# (a trap on another thread returns before them).
	debug_trap os_fault_dispatch
	# The process ends or re-executes (halt, sysrq o and b, gdb's kill):
	# nothing runs after them that a breakpoint could stop.
	os_exit os_reexec
	# sysrq g opens gdb's endpoint; no debugger is attached yet to plant
	# a breakpoint.
	os_gdb_listen
)

read -r start size < <(objdump -h "$g" | awk '$2 == "text_monitor" { print $4, $3 }')
[ -n "${start:-}" ] || { echo "check-monitor-text: $g has no text_monitor section" >&2; exit 1; }
lo=$(printf 'x%016x' $((0x$start)))
hi=$(printf 'x%016x' $((0x$start + 0x$size)))

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The host layer's monitor functions.
objdump -t "$b"/kernel/os/*.o |
	awk 'NF >= 4 && $(NF - 2) == "text_monitor" && $NF != "text_monitor" { print $NF }' |
	sort -u >"$tmp/host"
printf '%s\n' "${host_libc[@]}" | sort -u >"$tmp/libc"
printf '%s\n' "${exits[@]}" | sort -u >"$tmp/exits"

# "address caller callee" for every direct branch out of the section
# (addresses as x%016x strings, compared as strings).
objdump -d --no-show-raw-insn -j text_monitor "$g" |
	awk -v lo="$lo" -v hi="$hi" '
	/^[0-9a-f]+ <.*>:$/ { fn = substr($2, 2, length($2) - 3); next }
	$2 ~ /^(call|jmp|j[a-z]+)$/ && $3 ~ /^[0-9a-f]+$/ {
		t = sprintf("%16s", $3); gsub(/ /, "0", t); t = "x" t
		if (t >= lo && t < hi)
			next
		callee = $4; gsub(/^<|>$/, "", callee); sub(/\+0x[0-9a-f]+$/, "", callee)
		addr = $1; sub(/:$/, "", addr)
		print addr, fn, callee
	}' >"$tmp/out"

bad=0
while read -r addr caller callee; do
	name=${callee%@plt}
	grep -qxF "$name" "$tmp/exits" && continue
	if grep -qxF "$caller" "$tmp/host" && [ "$callee" != "$name" ] &&
		grep -qxF "$name" "$tmp/libc"; then
		continue
	fi
	where=$(addr2line -e "$g" "0x$addr" | sed "s#^$PWD/##")
	echo "$where: $caller (text_monitor) calls $callee, outside the monitor's section (rule monitor-never-blocks)"
	bad=1
done <"$tmp/out"
[ $bad = 0 ] || exit 1
echo "check-monitor-text: $(wc -l <"$tmp/out") branches out of text_monitor, all allowed"

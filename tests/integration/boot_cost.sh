#!/bin/bash
# What a boot asks of the host, counted with strace on the CPU thread (no
# timing): no hardware breakpoint is opened unless something needs one
# (the probe is 3-7 ms on some hosts: kernel/os/probe.c), and physmem gets
# host pages only for what the kernel itself touches (page_alloc.c's
# populate_frames; the initramfs's files are filled by the host), the same
# at mem=128M and mem=4G: under 2 MB where whole 4 MiB blocks used to be.
. "$(dirname "$0")/lib.sh"

command -v strace >/dev/null || { fail "strace missing (apt-get install strace)"; finish; }

for mem in 128M 4G; do
	log=$TEST_TMP/strace-$mem
	timeout 60 strace -o "$log" -e trace=perf_event_open,madvise \
		"$GLASS" uml_dir="$UML_DIR" mem=$mem init=/bin/true >/dev/null 2>&1 </dev/null
	st=$?
	[ $st -eq 0 ] && ok "mem=$mem: boots under strace" || fail "mem=$mem: exit status $st under strace"
	if grep -q PERF_TYPE_BREAKPOINT "$log"; then
		fail "mem=$mem: a hardware breakpoint opened at boot: $(grep -m1 PERF_TYPE_BREAKPOINT "$log")"
	else
		ok "mem=$mem: no hardware breakpoint opened at boot"
	fi
	bytes=$(awk -F', ' '/MADV_POPULATE_WRITE/ { n += $2 } END { print n + 0 }' "$log")
	if [ "$bytes" -gt 0 ] && [ "$bytes" -lt $((2 << 20)) ]; then
		ok "mem=$mem: $bytes bytes of physmem populated at boot"
	else
		fail "mem=$mem: $bytes bytes of physmem populated at boot (want 0 < n < 2 MB)"
	fi
done
finish

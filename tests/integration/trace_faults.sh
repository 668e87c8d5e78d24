#!/bin/bash
# trace faults: each outcome the tracer names is provoked by a guest and
# seen in the trace file, with the access, the right si_code and the host
# round trips it cost; examples/programs/t_trace.c (faults) checks its
# own results meanwhile. Then the OOM killer under memhog (mem=48M).
. "$(dirname "$0")/lib.sh"

PB=$TOP/build/programs
for p in glibc/t_trace musl/t_trace glibc/memhog; do
	[ -x "$PB/$p" ] || { fail "$PB/$p not built: make programs"; finish; }
done
img=$TEST_TMP/faults.cpio
make_initramfs "$img" --add "$PB/glibc/t_trace:/bin/t_trace" \
	--add "$PB/musl/t_trace:/bin/t_trace_musl" --add "$PB/glibc/memhog:/bin/memhog" ||
	{ fail "mkinitramfs failed"; finish; }

# expect_fault FILE PATTERN WHAT: a fault line of t_trace matching PATTERN.
expect_fault() {
	if grep -E -- "--- fault 0x[0-9a-f]+ $2, [0-9]+ round trips? ---" "$1" | grep -q .; then
		ok "$3: $(grep -E -m1 -- "--- fault 0x[0-9a-f]+ $2" "$1" | sed 's/^[0-9]* *[0-9:.]* //')"
	else
		fail "$3: no fault line matching '$2' in $1"
		grep -a -- '--- fault' "$1" | sort -k4 -u | head -n 20
	fi
}

for prog in t_trace t_trace_musl; do
	trace=$TEST_TMP/$prog.trace
	glass_run initrd="$img" trace=faults,comm=$prog trace_file="$trace" init=/bin/sh -- -c \
		"mount -t tmpfs tmpfs /tmp; TMPDIR=/tmp $prog faults"
	expect_status 0
	if grep -q FAIL "$GLASS_OUT"; then fail "$prog faults: $(grep FAIL "$GLASS_OUT")"
	else ok "$prog checked its own results: $(grep -c PASS "$GLASS_OUT") PASS"; fi
	expect_fault "$trace" "read ip=0x[0-9a-f]+ .*zero-page" "$prog: a read of fresh anonymous memory"
	expect_fault "$trace" "write ip=0x[0-9a-f]+ .*anon" "$prog: a write of fresh anonymous memory"
	expect_fault "$trace" "write ip=0x[0-9a-f]+ .*cow" "$prog: the child's copy-on-write"
	expect_fault "$trace" "write ip=0x[0-9a-f]+ .*cow-reuse" "$prog: the parent's write, last holder"
	expect_fault "$trace" "read ip=0x[0-9a-f]+ .*file-read" "$prog: a file page not cached yet"
	expect_fault "$trace" "read ip=0x[0-9a-f]+ .*file-cached" "$prog: a file page in the cache"
	expect_fault "$trace" "write ip=0x[0-9a-f]+ .*stack" "$prog: stack growth"
	# The ip named in the program's own symbols, as sysrq t does.
	expect_fault "$trace" "write ip=0x[0-9a-f]+ \\(deep_stack\\+0x[0-9a-f]+\\) stack" \
		"$prog: the faulting function named"
	expect_fault "$trace" "read ip=0x[0-9a-f]+ .*SIGBUS BUS_ADRERR" "$prog: SIGBUS past the end of the file"
	expect_fault "$trace" "write ip=0x[0-9a-f]+ .*SIGSEGV SEGV_MAPERR" "$prog: SIGSEGV, no mapping"
	expect_fault "$trace" "write ip=0x[0-9a-f]+ .*SIGSEGV SEGV_ACCERR" "$prog: SIGSEGV, read-only"
	# exec maps the program's first instruction itself (and the text
	# around it): the program never faults at its entry point.
	case $prog in t_trace) bin=$PB/glibc/t_trace ;; *) bin=$PB/musl/t_trace ;; esac
	entry=$(readelf -h "$bin" | awk '/Entry point/ { print $4 }')
	if [ -z "$entry" ]; then fail "$prog: no entry point from readelf -h $bin"
	elif grep -q -- "--- fault $entry exec " "$trace"; then
		fail "$prog: a fault at the entry point: $(grep -m1 -- "--- fault $entry exec " "$trace")"
	else ok "$prog: no fault at the entry point $entry"; fi
	# comm= selects: mount, pid 2, ran first and faulted unseen; the
	# program is pid 1 (sh execs its last command) and its child pid 3.
	pids=$(grep -- '--- fault' "$trace" | awk '{ print $1 }' | sort -u | tr '\n' ' ')
	if [ "$pids" = "1 3 " ]; then ok "$prog: only the selected tasks' faults (pids $pids)"
	else fail "$prog: faults of pids $pids, expected those of 1 and 3 only"; fi
done

# The OOM killer: init's memhog grows until memory runs out.
trace=$TEST_TMP/oom.trace
glass_run initrd="$img" mem=48M trace=faults,comm=memhog trace_file="$trace" \
	init=/bin/sh -- -c 'memhog hog; echo "hog status $?"'
expect_stdout_contains "hog status 137"
expect_fault "$trace" "write ip=0x[0-9a-f]+ .*oom-kill" "memhog: out of memory, the OOM killer"
finish

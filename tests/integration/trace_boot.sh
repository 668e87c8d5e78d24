#!/bin/bash
# Tracing from the command line: trace= is on from the first event, so
# the trace file's first syscall is init's first (the same strace -f
# shows natively after its execve), and the boot's scheduling events come
# before it; <umid dir>/trace stays after exit; trace_file= puts it
# elsewhere; follow takes in the children; bad values are one-line errors
# (exit 2). Then a flood of
# syscalls with nobody reading: trace status counts the dropped events,
# and a trace follow client that falls behind is told how many it lost.
. "$(dirname "$0")/lib.sh"

PB=$TOP/build/programs/glibc
[ -x "$PB/t_trace" ] || { fail "$PB/t_trace not built: make programs"; finish; }
img=$TEST_TMP/boot.cpio
make_initramfs "$img" --add "$PB/t_trace:/bin/t_trace" || { fail "mkinitramfs failed"; finish; }
SYSCALL='^[0-9]+ +[0-9:.]+ [a-z_0-9]+\('

# ---- init's first syscall, traced from boot ----
glass_run initrd="$img" trace=syscalls,sched init=/bin/t_trace
expect_status 0
trace=$UML_DIR/$GLASS_UMID/trace
if [ -f "$trace" ]; then
	ok "the umid directory stays with its trace: $(ls "$UML_DIR/$GLASS_UMID" | tr '\n' ' ')"
else
	fail "no $trace after exit: $(ls -a "$UML_DIR/$GLASS_UMID" 2>&1 | tr '\n' ' ')"
	finish
fi
first=$(grep -E -m1 "$SYSCALL" "$trace")
native=$(cd "$TEST_TMP" && strace -o /dev/stdout "$PB/t_trace" 2>/dev/null | sed -n '2{s/(.*//;p}')
if [ -n "$native" ] && grep -qE "^1 +[0-9:.]+ $native\(" <<<"$first"; then
	ok "the first syscall traced is init's first, as natively ($native): $first"
else
	fail "first syscall traced: '$first'; natively the first after execve is '$native'"
fi
before=$(awk -v re="$SYSCALL" '$0 ~ re { exit } /--- (switch|wakeup)/ { n++ } END { print n + 0 }' "$trace")
[ "$before" -gt 0 ] && ok "$before scheduling events of the boot before it" ||
	fail "no scheduling events before init's first syscall"

# ---- trace_file= elsewhere: the umid directory goes as usual ----
glass_run initrd="$img" trace=syscalls,comm=t_trace trace_file="$TEST_TMP/t.trace" \
	init=/bin/t_trace
expect_status 0
[ -d "$UML_DIR/$GLASS_UMID" ] && fail "umid directory left behind with trace_file=" ||
	ok "umid directory removed at exit"
grep -qE '^1 +[0-9:.]+ exit_group\(0\) += \?' "$TEST_TMP/t.trace" &&
	ok "trace_file= holds the trace to init's exit_group" ||
	fail "trace_file=: $(tail -n 3 "$TEST_TMP/t.trace" 2>&1)"

# ---- follow: the children of the selected tasks too ----
for f in "" ",follow"; do
	glass_run initrd="$img" trace=syscalls,comm=sh$f trace_file="$TEST_TMP/f$f.trace" \
		init=/bin/sh -- -c '/bin/t_trace; echo "t_trace $?"'
	expect_stdout_contains "t_trace 0"
	n=$(grep -c 'openat(AT_FDCWD, "/nonexistent/t_trace"' "$TEST_TMP/f$f.trace")
	if [ -n "$f" ] && [ "$n" = 1 ]; then ok "comm=sh,follow: sh's child t_trace traced too"
	elif [ -z "$f" ] && [ "$n" = 0 ] && grep -q 'wait4(' "$TEST_TMP/f.trace"; then
		ok "comm=sh alone: sh traced, its child t_trace not"
	else fail "trace=syscalls,comm=sh$f: t_trace's open seen $n times"; fi
done

# ---- bad values ----
for bad in trace=bogus trace=pid=1 trace=syscalls,filter=nosuch "trace_file=/nonexistent/dir/x trace=faults"; do
	glass_run $bad init=/bin/true
	expect_status 2
	if [ "$(wc -l <"$GLASS_ERR")" -le 2 ] && grep -q "trace" "$GLASS_ERR"; then
		ok "$bad: $(tail -n1 "$GLASS_ERR" | sed 's/^\[[ 0-9.]*\] //')"
	else
		fail "$bad: not a one-line error: $(cat "$GLASS_ERR")"
	fi
	[ -d "$UML_DIR/$GLASS_UMID" ] && fail "$bad: umid directory left behind"
done

# ---- a flood with no reader: the oldest events go, counted ----
GC=$TOP/glass-console
glass_start initrd="$img" init=/bin/sh -- -c \
	'mount -t devtmpfs dev /dev; sleep 1; dd if=/dev/zero of=/dev/null bs=1 count=150000 2>/dev/null; echo flood done; sleep 60'
wait_for 20 test -S "$UML_DIR/$GLASS_UMID/mconsole" || { fail "no mconsole socket"; finish; }
"$GC" --uml-dir "$UML_DIR" "$GLASS_UMID" trace syscalls comm=dd >/dev/null
timeout 30 "$GC" --uml-dir "$UML_DIR" "$GLASS_UMID" trace follow >"$TEST_TMP/follow.out" 2>&1 &
follower=$!
wait_for 40 grep -q "flood done" "$GLASS_OUT" || fail "the flood did not end"
status=$("$GC" --uml-dir "$UML_DIR" "$GLASS_UMID" trace status)
dropped=$(sed -n 's/^events: [0-9]* written, \([0-9]*\) dropped.*/\1/p' <<<"$status")
written=$(sed -n 's/^events: \([0-9]*\) written.*/\1/p' <<<"$status")
[ "${dropped:-0}" -gt 0 ] && ok "trace status: $written written, $dropped dropped" ||
	fail "no drops counted after $written events: $status"
kill "$follower" 2>/dev/null
wait "$follower" 2>/dev/null
lost=$(grep -c -- '--- lost [0-9]* events ---' "$TEST_TMP/follow.out")
reads=$(grep -c 'read(0, ' "$TEST_TMP/follow.out")
[ "$lost" -gt 0 ] && ok "the follower, behind, was told: $lost lost-events lines, $reads reads shown" ||
	ok "the follower kept up ($reads reads shown, nothing lost)"
"$GC" --uml-dir "$UML_DIR" "$GLASS_UMID" halt >/dev/null
glass_wait
finish

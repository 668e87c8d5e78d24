#!/bin/bash
# trace syscalls against strace: examples/programs/t_trace.c (static glibc
# and musl) runs natively under the host's `strace -f -s 32` and inside
# Glass traced from boot (trace=syscalls,comm=...,follow); the syscall
# names and return values of each task must agree, after the rules in
# trace_strace.rules (what legitimately differs, and why). The program
# checks its own results in both runs.
. "$(dirname "$0")/lib.sh"

command -v strace >/dev/null || { fail "strace missing (apt-get install strace)"; finish; }
PB=$TOP/build/programs
for v in glibc musl; do
	[ -x "$PB/$v/t_trace" ] || { fail "$PB/$v/t_trace not built: make programs"; finish; }
	prog=t_trace_$v
	mkdir -p "$TEST_TMP/native"
	# Natively: stdout to a file, as in Glass below.
	(cd "$TEST_TMP/native" && timeout 60 strace -f -s 32 -o "$TEST_TMP/$v.native" \
		"$PB/$v/t_trace" >"$TEST_TMP/$v.native.out")
	[ $? = 0 ] || fail "$v: t_trace fails natively: $(grep FAIL "$TEST_TMP/$v.native.out")"

	img=$TEST_TMP/$v.cpio
	make_initramfs "$img" --add "$PB/$v/t_trace:/bin/$prog" || { fail "mkinitramfs failed"; finish; }
	glass_run initrd="$img" trace=syscalls,comm=$prog,follow trace_file="$TEST_TMP/$v.glass" \
		init=/bin/sh -- -c "mount -t proc proc /proc; mount -t tmpfs tmpfs /tmp
			$prog >/tmp/out; s=\$?; cat /tmp/out; exit \$s"
	expect_status 0
	if grep -q FAIL "$GLASS_OUT" || ! cmp -s <(tr -d '\r' <"$GLASS_OUT") "$TEST_TMP/$v.native.out"; then
		fail "$v: t_trace's own checks differ in Glass: $(tr -d '\r' <"$GLASS_OUT" | grep -v PASS)"
	else
		ok "$v: t_trace passed its own checks traced, as natively"
	fi
	python3 "$TOP/tests/integration/trace_strace.py" "$TOP/tests/integration/trace_strace.rules" \
		"$TEST_TMP/$v.native" "$TEST_TMP/$v.glass" "$v" || _failures=$((_failures + 1))
done
finish

#!/bin/bash
# ministrace (examples/programs/ministrace.c, glibc and musl builds) traces
# the musl tracee inside Glass and natively: the same syscalls, arguments
# and results per process, modulo pids and addresses (normalized below;
# signal lines are dropped, as SIGCHLD's place depends on scheduling).
# Also: -p attach to a running process, -p 1 refused (EPERM), and the
# syscalls-per-second figure under ministrace in Glass and natively.
. "$(dirname "$0")/lib.sh"

PB=$TOP/build/programs
for f in glibc/ministrace musl/ministrace musl/tracee; do
	[ -x "$PB/$f" ] || { fail "no $PB/$f: run make programs"; finish; }
done

# Pids become P1, P2… in order of first appearance as "[pid N]": in that
# prefix, as the result of the calls that return one and as wait4's first
# argument; hex numbers (addresses) become 0xADDR; then each process's
# lines in order.
normalize() {
	awk '
	function pid(w) { return (w in map) ? map[w] : w }
	/^\[pid [0-9]+\] / {
		p = substr($2, 1, length($2) - 1)
		if (!(p in map)) map[p] = "P" (++n)
	}
	/^\[pid / && !/ --- / { lines[++nl] = $0 }
	END {
		for (i = 1; i <= nl; i++) {
			s = lines[i]
			gsub(/0x[0-9a-f]+/, "0xADDR", s)
			split(s, f, " ")
			p = substr(f[2], 1, length(f[2]) - 1)
			s = "[pid " pid(p) "] " substr(s, length(f[1]) + length(f[2]) + 3)
			if (match(s, /(fork|clone|wait4|getpid|gettid|set_tid_address)\(.* = [0-9]+$/)) {
				r = s; sub(/.* = /, "", r)
				sub(/ = [0-9]+$/, " = " pid(r), s)
			}
			if (match(s, /wait4\([0-9]+,/)) {
				a = substr(s, RSTART + 6, RLENGTH - 7)
				s = substr(s, 1, RSTART + 5) pid(a) substr(s, RSTART + RLENGTH - 1)
			}
			print s
		}
	}' "$1" | sort -s -k1,2
}

mkdir -p "$TEST_TMP/stage/glibc" "$TEST_TMP/stage/musl"
for l in glibc musl; do
	(cd "$TEST_TMP" && timeout -k 5 60 "$PB/$l/ministrace" "$PB/musl/tracee" \
		>"$TEST_TMP/native-$l.stdout" 2>"$TEST_TMP/native-$l.trace")
	[ $? = 0 ] || fail "native ministrace ($l) exited $?"
	objcopy --strip-debug "$PB/$l/ministrace" "$TEST_TMP/stage/$l/ministrace"
done
objcopy --strip-debug "$PB/musl/tracee" "$TEST_TMP/stage/musl/tracee"
native_rate=$(cd "$TEST_TMP" && timeout -k 5 120 "$PB/glibc/ministrace" -q \
	"$PB/musl/tracee" loop 20000 2>&1 | sed -n 's/.*: \([0-9]*\)\/s$/\1/p')

cat >"$TEST_TMP/run.sh" <<'RUN'
mount -t proc proc /proc
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
for l in glibc musl; do
	/programs/$l/ministrace /programs/musl/tracee >/tmp/out 2>/tmp/trace
	echo "=== $l status $?"
	cat /tmp/trace
	echo "=== $l end"
done
/programs/glibc/ministrace -p 1 2>&1
echo "=== attach init status $?"
/programs/musl/tracee loop 100000000 &
bg=$!
/programs/glibc/ministrace -p $bg 2>/tmp/attach &
tr=$!
sleep 1
kill -9 $bg
wait $tr
echo "=== attach status $?"
grep -c 'getppid() = ' /tmp/attach
echo "=== attach end"
/programs/glibc/ministrace -q /programs/musl/tracee loop 5000 2>&1
echo "=== ALL DONE"
RUN
img=$TEST_TMP/ministrace.cpio
make_initramfs "$img" --add "$TEST_TMP/stage:/programs" --add "$TEST_TMP/run.sh:/test/run.sh" ||
	{ fail "mkinitramfs failed"; finish; }
glass_run --timeout 180 initrd="$img" init=/bin/sh -- /test/run.sh
tr -d '\r' <"$GLASS_OUT" >"$TEST_TMP/glass.out"
grep -q '^=== ALL DONE' "$TEST_TMP/glass.out" || fail "the guest script did not finish"

for l in glibc musl; do
	awk -v l="$l" '$0 ~ "^=== " l " status" { on = 1; next } $0 == "=== " l " end" { on = 0 } on' \
		"$TEST_TMP/glass.out" >"$TEST_TMP/glass-$l.trace"
	grep -q "^=== $l status 0$" "$TEST_TMP/glass.out" || fail "ministrace ($l) in Glass did not exit 0"
	normalize "$TEST_TMP/native-$l.trace" >"$TEST_TMP/native-$l.norm"
	normalize "$TEST_TMP/glass-$l.trace" >"$TEST_TMP/glass-$l.norm"
	if [ "$(grep -c 'fork() = P2' "$TEST_TMP/native-$l.norm")" != 1 ]; then
		fail "native trace ($l) lacks the fork: $(head -n 5 "$TEST_TMP/native-$l.trace")"
	elif diff -u --label native --label glass "$TEST_TMP/native-$l.norm" "$TEST_TMP/glass-$l.norm"; then
		ok "ministrace ($l): Glass trace matches native ($(wc -l <"$TEST_TMP/native-$l.norm") lines)"
	else
		fail "ministrace ($l): Glass trace differs from native"
	fi
done
if grep -q '^ministrace: attach 1: Operation not permitted$' "$TEST_TMP/glass.out" &&
   grep -q '^=== attach init status 1$' "$TEST_TMP/glass.out"; then
	ok "attaching to init is EPERM"
else
	fail "ministrace -p 1 was not refused with EPERM"
fi
n=$(awk '/^=== attach status/ { on = 1; next } /^=== attach end/ { on = 0 } on' "$TEST_TMP/glass.out")
if [ -n "$n" ] && [ "$n" -gt 10 ] 2>/dev/null; then
	ok "ministrace -p attached to a running process ($n getppid calls traced)"
else
	fail "ministrace -p traced nothing (${n:-no count})"
fi
# mconsole ps and sysrq t show who traces whom, and the tracing stop.
mc_setup
glass_start initrd="$img" init=/bin/sh -- -c 'exec /programs/musl/tracee hold'
wait_for 20 test -S "$UML_DIR/$GLASS_UMID/mconsole" || fail "no mconsole socket"
traced() { mc ps; grep -qE '^ +[0-9]+ +1 t .*tracee \[traced by 1\]' <<<"$MC_OUT"; }
wait_for 20 traced && ok "ps shows the tracing stop and its tracer" ||
	fail "ps lacks a traced tracee: $MC_OUT"
expect_mc_re 'tracee +state:t pid:[0-9]+ tracer:1 wchan:ptrace_stop' sysrq t
mc halt
glass_wait

glass_rate=$(sed -n 's/^ministrace: .*: \([0-9]*\)\/s$/\1/p' "$TEST_TMP/glass.out")
note "syscalls per second under ministrace: Glass ${glass_rate:-?}, native ${native_rate:-?}"
if [ -z "$(pgrep -f "umid=$GLASS_UMID" || true)" ]; then ok "no glass left running"; fi
finish

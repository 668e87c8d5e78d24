#!/bin/bash
# mconsole sysrq with Debian's uml_mconsole: every key, answered by the
# monitor thread, output returned to the client.
. "$(dirname "$0")/lib.sh"

mc_setup
boot() {
	glass_start inject=1 "$@" init=/bin/sh -- -c 'mount -t devtmpfs d /dev; (sleep 1000 | cat) & exec sleep 1000'
	wait_for 20 test -S "$UML_DIR/$GLASS_UMID/mconsole" || fail "no mconsole socket"
	sleep 0.5
}

boot
expect_mc_re '^OK Show State' sysrq t
expect_mc_re 'cat +state:S pid:[0-9]+ wchan:pipe_read' sysrq t
expect_mc_re 'pipe_read\+0x[0-9a-f]+/0x' sysrq t
expect_mc_re 'user: RIP: [0-9a-f]{16} RSP: ' sysrq t
expect_mc_re '^OK injected deadlock' inject deadlock
sleep 0.5
expect_mc_re 'inject_lock_ab +state:D pid:[0-9]+ wchan:mutex_lock' sysrq w
expect_mc_re 'waiting for lock inject_lock_b held by pid [0-9]+ \(inject_lock_ba\)' sysrq w
expect_mc_re 'mutex_lock\+0x' sysrq w
expect_mc_re '^OK CPU 0: swapper' sysrq l
expect_mc_re 'cpu_idle\+0x' sysrq l
expect_mc_re '^RIP: [0-9a-f]{16} EFLAGS' sysrq p
expect_mc_re 'free pages: [0-9]+' sysrq m
expect_mc_re 'Emergency Sync complete' sysrq s
expect_mc_re 'sysrq keys: t ' sysrq h
expect_mc_re '^ERR usage: sysrq KEY' sysrq
expect_mc_re "Entering the debugger: gdb ./glass -ex 'target remote .*/gdb'" sysrq g
if command -v gdb >/dev/null; then
	out=$(timeout 30 gdb -nx -q -batch -ex "target remote $UML_DIR/$GLASS_UMID/gdb" \
		-ex 'info threads' -ex 'detach' "$GLASS" 2>&1)
	grep -q '"inject_lock_ab" (D mutex_lock)' <<<"$out" && ok "gdb attached after sysrq g" ||
		fail "gdb after sysrq g: $(tail -n 5 <<<"$out")"
fi
expect_mc_re '^OK Power down' sysrq o
glass_wait
[ "$GLASS_STATUS" = 0 ] && ok "sysrq o exits 0" || fail "sysrq o: status $GLASS_STATUS"

boot
expect_mc_re '^OK Trigger a crash' sysrq c
glass_wait
[ "$GLASS_STATUS" = 134 ] && ok "sysrq c panics (status 134)" || fail "sysrq c: status $GLASS_STATUS"
expect_stderr_contains 'BUG: kernel NULL pointer dereference, address: 0000000000000000'
expect_stderr_contains 'Kernel panic'

boot
expect_mc_re '^OK Resetting' sysrq b
booted_twice() { [ "$(grep -c 'Glass: a user-mode kernel' "$GLASS_ERR")" -ge 2 ]; }
wait_for 20 booted_twice &&
	ok "sysrq b rebooted" || fail "sysrq b: no second boot"
mc halt
glass_wait

# The console's break sequence: telnet's BREAK (IAC BRK), then the key.
# Any local user can reach a port: line, so by default (sysrq=0) it does
# nothing; sysrq= and /proc/sys/kernel/sysrq take Linux's bitmask.
port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
send_break() {
	/usr/bin/python3 - "$port" "$1" <<'PY' || fail "telnet break $1"
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
time.sleep(0.3)
s.sendall(b"\xff\xf3" + sys.argv[2].encode())
time.sleep(0.5)
s.close()
PY
}
port_boot() {
	glass_start ssl0=port:$port "$@"
	wait_for 20 grep -q "listening on port $port" "$GLASS_ERR" || fail "no port line"
}

port_boot init=/bin/sh -- -c 'exec sleep 1000'
send_break c
send_break b
sleep 1
expect_mc_re '^OK' version
kill -0 "$GLASS_PID" 2>/dev/null && ok "BREAK c and BREAK b ignored by default: Glass runs" ||
	fail "Glass died after a BREAK with the default sysrq=0"
grep -q 'sysrq: \|Trigger a crash\|Resetting\|Kernel panic' "$GLASS_ERR" &&
	fail "a BREAK ran sysrq by default: $(grep 'sysrq: ' "$GLASS_ERR" | head -n 2)" ||
	ok "the default sysrq=0 swallows the key silently"
expect_mc_re '^0$' proc sys/kernel/sysrq
expect_mc_re '^OK Show State' sysrq t
mc halt
glass_wait

# sysrq=16: sync only.
port_boot sysrq=16 init=/bin/sh -- -c 'exec sleep 1000'
send_break o
send_break s
wait_for 10 grep -q 'Emergency Sync' "$GLASS_ERR" && ok "sysrq=16 allows BREAK s" ||
	fail "sysrq=16: no sync after BREAK s"
expect_stderr_contains 'This sysrq operation is disabled.'
expect_mc_re '^16$' proc sys/kernel/sysrq
mc halt
glass_wait

# /proc/sys/kernel/sysrq written by the guest turns it on.
port_boot init=/bin/sh -- -c 'mount -t proc p /proc; echo 1 >/proc/sys/kernel/sysrq; echo "sysrq is $(cat /proc/sys/kernel/sysrq)"; exec sleep 1000'
wait_for 10 grep -q 'sysrq is 1' "$GLASS_OUT" && ok "/proc/sys/kernel/sysrq written and read back" ||
	fail "/proc/sys/kernel/sysrq: $(tail -n 2 "$GLASS_OUT")"
send_break t
wait_for 10 grep -q 'Show State' "$GLASS_ERR" && ok "BREAK t on a serial line ran sysrq t" ||
	fail "no sysrq output after a telnet break"
expect_stderr_contains 'sysrq: t'
mc halt
glass_wait

# sysrq=1: BREAK c crashes, as Linux's.
port_boot sysrq=1 init=/bin/sh -- -c 'exec sleep 1000'
send_break c
glass_wait
[ "$GLASS_STATUS" = 134 ] && ok "sysrq=1: BREAK c panics (status 134)" ||
	fail "sysrq=1 BREAK c: status $GLASS_STATUS"
expect_stderr_contains 'Trigger a crash'

# A guest program with a symbol table: sysrq t names its function.
# monoclock wakes every 100 ms: a reply that caught it awake (state R, on
# the CPU, its RIP wherever it was) is asked again.
glass_start init=/bin/sh -- -c "mount -t hostfs none /mnt -o $TOP/build/programs/glibc && exec /mnt/monoclock 300"
wait_for 20 grep -q 'monoclock ready' "$GLASS_OUT" || fail "monoclock did not start"
for try in 1 2 3 4 5; do
	mc sysrq t
	grep -qE '^monoclock +state:R' <<<"$MC_OUT" || break
done
expect_mc_out_re 'user: RIP: [0-9a-f]{16} \((__)?clock_nanosleep\+0x[0-9a-f]+\)' "sysrq t (try $try)"
mc halt
glass_wait
finish

#!/bin/bash
# mconsole sysrq with Debian's uml_mconsole: every key, answered by the
# monitor thread, output returned to the client.
. "$(dirname "$0")/lib.sh"

command -v uml_mconsole >/dev/null || { fail "uml_mconsole missing"; finish; }
mc() { MC_OUT=$(timeout 20 uml_mconsole "$UML_DIR/$GLASS_UMID/mconsole" "$@" 2>/dev/null); MC_STATUS=$?; }
expect_mc() {
	local want=$1
	shift
	mc "$@"
	if grep -qE -- "$want" <<<"$MC_OUT"; then
		ok "'$*' has /$want/"
	else
		fail "'$*': output lacks /$want/: $(head -n 8 <<<"$MC_OUT")"
	fi
}
boot() {
	glass_start inject=1 "$@" init=/bin/sh -- -c 'mount -t devtmpfs d /dev; (sleep 1000 | cat) & exec sleep 1000'
	wait_for 20 test -S "$UML_DIR/$GLASS_UMID/mconsole" || fail "no mconsole socket"
	sleep 0.5
}

boot
expect_mc '^OK Show State' sysrq t
expect_mc 'cat +state:S pid:[0-9]+ wchan:pipe_read' sysrq t
expect_mc 'pipe_read\+0x[0-9a-f]+/0x' sysrq t
expect_mc 'user: RIP: [0-9a-f]{16} RSP: ' sysrq t
expect_mc '^OK injected deadlock' inject deadlock
sleep 0.5
expect_mc 'inject_lock_ab +state:D pid:[0-9]+ wchan:mutex_lock' sysrq w
expect_mc 'waiting for lock inject_lock_b held by pid [0-9]+ \(inject_lock_ba\)' sysrq w
expect_mc 'mutex_lock\+0x' sysrq w
expect_mc '^OK CPU 0: swapper' sysrq l
expect_mc 'cpu_idle\+0x' sysrq l
expect_mc '^RIP: [0-9a-f]{16} EFLAGS' sysrq p
expect_mc 'free pages: [0-9]+' sysrq m
expect_mc 'Emergency Sync complete' sysrq s
expect_mc 'sysrq keys: t ' sysrq h
expect_mc '^ERR usage: sysrq KEY' sysrq
expect_mc "Entering the debugger: gdb ./glass -ex 'target remote .*/gdb'" sysrq g
if command -v gdb >/dev/null; then
	out=$(timeout 30 gdb -nx -q -batch -ex "target remote $UML_DIR/$GLASS_UMID/gdb" \
		-ex 'info threads' -ex 'detach' "$GLASS" 2>&1)
	grep -q '"inject_lock_ab" (D mutex_lock)' <<<"$out" && ok "gdb attached after sysrq g" ||
		fail "gdb after sysrq g: $(tail -n 5 <<<"$out")"
fi
expect_mc '^OK Power down' sysrq o
glass_wait
[ "$GLASS_STATUS" = 0 ] && ok "sysrq o exits 0" || fail "sysrq o: status $GLASS_STATUS"

boot
expect_mc '^OK Trigger a crash' sysrq c
glass_wait
[ "$GLASS_STATUS" = 134 ] && ok "sysrq c panics (status 134)" || fail "sysrq c: status $GLASS_STATUS"
expect_stderr_contains 'BUG: unable to handle page fault for address 0'
expect_stderr_contains 'Kernel panic'

boot
expect_mc '^OK Resetting' sysrq b
booted_twice() { [ "$(grep -c 'Glass: a user-mode kernel' "$GLASS_ERR")" -ge 2 ]; }
wait_for 20 booted_twice &&
	ok "sysrq b rebooted" || fail "sysrq b: no second boot"
mc halt
glass_wait
finish

#!/bin/bash
# Walk-through: a kernel thread spins and the CPU never reaches a
# scheduling point again. The soft-lockup detector (the monitor thread)
# reports it with the spinning code's backtrace; gdb breaks into it.
#   ./glass gdb inject=1 watchdog_thresh=1
#   uml_mconsole UMID inject spin
#   … "BUG: soft lockup - CPU#0 stuck for 2s! [inject_spin:N]" on stderr
#   gdb ./glass -ex 'target remote …/gdb'    frame #0 is inject_spin_fn
. "$(dirname "$0")/../../tests/integration/lib.sh"
mc_setup

glass_start gdb inject=1 watchdog_thresh=1 init=/bin/sh -- -c 'exec sleep 1000'
wait_for 20 test -S "$UML_DIR/$GLASS_UMID/mconsole" || fail "no mconsole socket"
expect_mc_re '^OK injected spin' inject spin
if wait_for 15 grep -q 'BUG: soft lockup - CPU#0 stuck for [0-9]*s! \[inject_spin:' "$GLASS_ERR"; then
	ok "the soft-lockup detector reported it"
else
	fail "no soft-lockup report"
fi
expect_stderr_contains 'inject_spin_fn+0x'
out=$(timeout 60 gdb -nx -q -batch -ex "target remote $UML_DIR/$GLASS_UMID/gdb" -ex 'bt 2' \
	-ex 'info threads' -ex detach "$GLASS" 2>&1)
grep -q '^#0  inject_spin_fn (unused=0x0) at kernel/debug/inject.c' <<<"$out" &&
	ok "gdb broke into the spinning thread" || fail "gdb: $(tail -n 6 <<<"$out")"
expect_mc_re 'R - +- inject_spin \[kthread\]' ps
mc halt
glass_wait
finish

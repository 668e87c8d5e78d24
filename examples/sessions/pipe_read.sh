#!/bin/bash
# Walk-through: a guest process is stuck; find where with sysrq t and with
# gdb. `cat` waits for input on a pipe nobody writes.
#   ./glass gdb inject=1 …            (the stub on <uml_dir>/<umid>/gdb)
#   uml_mconsole UMID sysrq t         every task, its state, wait channel and kernel stack
#   gdb ./glass -ex 'target remote <uml_dir>/<umid>/gdb'
#   (gdb) info threads                the cat thread: (S pipe_read)
#   (gdb) thread N / task PID         select it
#   (gdb) bt                          pipe_read below schedule, down to the read syscall
. "$(dirname "$0")/../../tests/integration/lib.sh"
mc_setup

glass_start gdb init=/bin/sh -- -c 'mount -t devtmpfs d /dev; (sleep 1000 | cat) & echo ready; exec sleep 1000'
wait_for 20 grep -q ready "$GLASS_OUT" || fail "guest not ready"
sleep 0.5
expect_mc_re 'cat +state:S pid:[0-9]+ wchan:pipe_read' sysrq t
expect_mc_re 'pipe_read\+0x[0-9a-f]+/0x' sysrq t
pid=$(sed -nE 's/^(OK )?cat +state:S pid:([0-9]+).*/\2/p' <<<"$MC_OUT" | head -n1)
out=$(timeout 60 gdb -nx -q -batch -iex "add-auto-load-safe-path $TOP" \
	-ex "target remote $UML_DIR/$GLASS_UMID/gdb" -ex 'info threads' \
	-ex "task $pid" -ex 'bt' -ex detach "$GLASS" 2>&1)
grep -qE "Thread $pid \"cat\" \(S pipe_read\)" <<<"$out" && ok "gdb: the cat thread sleeps in pipe_read" ||
	fail "gdb threads: $(grep cat <<<"$out")"
grep -qE '^#[0-9]+ +0x[0-9a-f]+ in pipe_read \(' <<<"$out" && ok "gdb: bt shows pipe_read" ||
	fail "gdb bt: $(tail -n 12 <<<"$out")"
grep -qE '^#0  schedule \(\)' <<<"$out" && ok "gdb: bt starts in schedule" || fail "gdb bt top"
mc halt
glass_wait
finish

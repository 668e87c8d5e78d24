#!/bin/bash
# The gdb stub started on a running kernel through mconsole: config gdb=T
# (UML's `config gdb=xterm` included, with a stand-in xterm on PATH since
# CI has no display: it runs the gdb command line it is given, in batch).
. "$(dirname "$0")/lib.sh"

mc_setup
command -v gdb >/dev/null || { fail "gdb missing"; finish; }

mkdir -p "$TEST_TMP/bin"
cat >"$TEST_TMP/bin/xterm" <<XTERM
#!/bin/bash
# stand-in xterm: record the arguments, run the command after -e in batch
echo "\$@" >"$TEST_TMP/xterm.args"
while [ \$# -gt 0 ] && [ "\$1" != -e ]; do shift; done
shift
exec "\$@" -batch -ex 'info threads' -ex detach >"$TEST_TMP/xterm.out" 2>&1
XTERM
chmod +x "$TEST_TMP/bin/xterm"
export PATH=$TEST_TMP/bin:$PATH

glass_start init=/bin/sh -- -c 'exec sleep 1000'
wait_for 20 test -S "$UML_DIR/$GLASS_UMID/mconsole" || fail "no mconsole socket"
mc config gdb
[ "$MC_OUT" = "OK none" ] && ok "config gdb: none yet" || fail "config gdb: '$MC_OUT'"
mc config gdb=xterm
grep -q "^OK xterm started: gdb connects to $UML_DIR/$GLASS_UMID/gdb" <<<"$MC_OUT" &&
	ok "config gdb=xterm" || fail "config gdb=xterm: '$MC_OUT'"
if wait_for 30 grep -q 'detached' "$TEST_TMP/xterm.out" 2>/dev/null; then
	ok "gdb in the xterm attached and detached"
else
	fail "xterm's gdb: $(cat "$TEST_TMP/xterm.args" "$TEST_TMP/xterm.out" 2>&1 | tail -n 5)"
fi
grep -q '"sleep" (S hrtimer_nanosleep)' "$TEST_TMP/xterm.out" && ok "it listed the tasks" ||
	fail "no task list from the xterm's gdb"
grep -q -- "-T glass gdb -e gdb .*glass -ex target remote $UML_DIR/$GLASS_UMID/gdb" "$TEST_TMP/xterm.args" &&
	ok "xterm arguments" || fail "xterm arguments: $(cat "$TEST_TMP/xterm.args")"
mc config gdb
[ "$MC_OUT" = "OK $UML_DIR/$GLASS_UMID/gdb" ] && ok "config gdb reports the endpoint" || fail "config gdb: '$MC_OUT'"
mc config gdb=tcp:1
grep -q '^ERR the gdb stub already listens on' <<<"$MC_OUT" && ok "a second stub is refused" ||
	fail "second config: '$MC_OUT'"
kill -0 "$GLASS_PID" && ok "kernel runs on" || fail "glass died"
mc halt
glass_wait

# config gdb=tcp:PORT on a running kernel, 127.0.0.1 only.
port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
glass_start init=/bin/sh -- -c 'exec sleep 1000'
wait_for 20 test -S "$UML_DIR/$GLASS_UMID/mconsole" || fail "no mconsole socket"
mc config gdb=tcp:$port
[ "$MC_OUT" = "OK 127.0.0.1:$port" ] && ok "config gdb=tcp:$port" || fail "config gdb=tcp: '$MC_OUT'"
if ss -ltn 2>/dev/null | grep -q ":$port "; then
	ss -ltn | grep ":$port " | grep -q "127.0.0.1:$port " && ok "listens on 127.0.0.1 only" ||
		fail "listener: $(ss -ltn | grep ":$port ")"
fi
out=$(timeout 30 gdb -nx -q -batch -ex "target remote 127.0.0.1:$port" -ex 'info threads' -ex detach "$GLASS" 2>&1)
grep -q '"sleep" (S hrtimer_nanosleep)' <<<"$out" && ok "gdb over TCP" || fail "gdb over TCP: $(tail -n 3 <<<"$out")"
mc halt
glass_wait
finish

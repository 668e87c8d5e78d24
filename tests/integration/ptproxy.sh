#!/bin/bash
# glass-ptproxy (ptproxy/README.md): the host's own strace attached to a
# guest process by its guest pid: attach, syscalls decoded with their
# pointer arguments (the guest's memory read through the kernel), ^C
# detaches and the guest runs on, untraced; a guest pid that does not
# exist is strace's usual "No such process". Also the figure: guest
# syscalls per second under proxied strace, and forwarded calls per
# traced syscall (glass-ptproxy --stats).
. "$(dirname "$0")/lib.sh"

PTPROXY=$TOP/glass-ptproxy
[ -x "$PTPROXY" ] || { fail "no $PTPROXY: run make"; finish; }
command -v strace >/dev/null || { fail "strace missing (apt-get install strace)"; finish; }

mc_setup
glass_start init=/bin/sh -- -c 'mount -t devtmpfs devtmpfs /dev; mount -t proc proc /proc
	yes >/dev/null & echo "BGPID $!"
	sh -c "while :; do cat /proc/version >/dev/null; done" & echo "FORKPID $!"; wait'
wait_for 20 test -S "$UML_DIR/$GLASS_UMID/ptproxy" || fail "no ptproxy socket"
if [ "$(stat -c %a "$UML_DIR/$GLASS_UMID/ptproxy")" = 600 ]; then
	ok "ptproxy socket is 0600"
else
	fail "ptproxy socket mode $(stat -c %a "$UML_DIR/$GLASS_UMID/ptproxy")"
fi
wait_for 20 grep -q '^BGPID' "$GLASS_OUT" || fail "the guest loop did not start"
pid=$(sed -n 's/^BGPID \([0-9]*\).*/\1/p' "$GLASS_OUT")
fpid=$(sed -n 's/^FORKPID \([0-9]*\).*/\1/p' "$GLASS_OUT")

# timeout sends SIGINT to its process group: strace's ^C.
timeout -k 10 -s INT 3 "$PTPROXY" --stats "$GLASS_UMID" strace -p "$pid" \
	-o "$TEST_TMP/strace.out" 2>"$TEST_TMP/strace.err"
n=$(grep -c '^write(1, "y\\ny\\ny\\n' "$TEST_TMP/strace.out")
if [ "$n" -gt 10 ]; then
	ok "strace -p $pid decoded $n of the guest's write(1, \"y\\ny\\n...\") calls"
else
	fail "strace -p traced ${n:-no} writes: $(head -c 400 "$TEST_TMP/strace.out") $(cat "$TEST_TMP/strace.err")"
fi
if grep -q "Process $pid attached" "$TEST_TMP/strace.err" &&
   grep -q "Process $pid detached" "$TEST_TMP/strace.err"; then
	ok "^C detached"
else
	fail "no attach/detach: $(cat "$TEST_TMP/strace.err")"
fi
calls=$(sed -n 's/^glass-ptproxy: \([0-9]*\) calls forwarded$/\1/p' "$TEST_TMP/strace.err")
n_all=$(wc -l <"$TEST_TMP/strace.out")
note "proxied strace -p: $n_all guest syscalls in 3 s, ${calls:-?} calls forwarded" \
	"($(( ${calls:-0} / (n_all > 0 ? n_all : 1) )) per syscall)"

# Attach after attach: every stop is announced to the proxy (a lost
# PTP_EV_STOP left strace parked in wait4 for good, some rounds with a
# handful of lines).
short=
for i in 1 2 3 4 5; do
	timeout -k 10 -s INT 1 "$PTPROXY" "$GLASS_UMID" strace -p "$pid" \
		-o "$TEST_TMP/round.out" 2>/dev/null
	n=$(wc -l <"$TEST_TMP/round.out")
	[ "$n" -ge 20 ] || short="$short round $i: $n lines;"
done
[ -z "$short" ] && ok "5 attach rounds, none stalled" || fail "strace stalled:$short"

# The guest runs on, untraced: its state is R or S, never t, and it
# still makes system calls (its host process's CPU time grows).
running() { mc ps; grep -qE "^ +$pid +1 [RS] .*yes\$" <<<"$MC_OUT"; }
wait_for 10 running && ok "the guest runs on after the detach" ||
	fail "guest $pid after the detach: $MC_OUT"

# gdb: the program file is given (the guest's busybox is the host's
# busybox-static; /proc/PID/exe is not served yet): memory through the
# /proc/PID/task/PID/mem placeholder, stepi, detach; the guest runs on.
# (break + continue works by hand but not reliably yet: ptproxy/README.md.)
if command -v gdb >/dev/null && [ -x /bin/busybox ]; then
	timeout -k 5 60 "$PTPROXY" "$GLASS_UMID" gdb -nx -batch /bin/busybox -p "$pid" \
		-ex 'x/i $pc' -ex 'bt 1' -ex 'set $a = $pc' -ex stepi -ex 'p $pc != $a' \
		-ex detach >"$TEST_TMP/gdb.out" 2>&1
	if grep -q '^=> 0x[0-9a-f]*:' "$TEST_TMP/gdb.out" && grep -q '^#0  0x' "$TEST_TMP/gdb.out" &&
	   grep -q '^\$1 = 1' "$TEST_TMP/gdb.out" &&
	   grep -q "^\[Inferior 1 (process $pid) detached\]" "$TEST_TMP/gdb.out"; then
		ok "gdb -p $pid: x/i, bt, stepi, detach"
	else
		fail "gdb -p: $(cat "$TEST_TMP/gdb.out")"
	fi
	wait_for 10 running && ok "the guest runs on after gdb's detach" ||
		fail "guest $pid after gdb's detach: $MC_OUT"
else
	note "gdb or /bin/busybox missing: gdb not tried"
fi

# -f: a shell that forks and execs cat in a loop; its children are
# followed (fork, execve, exit), ^C detaches, the loop goes on.
timeout -k 10 -s INT 3 "$PTPROXY" "$GLASS_UMID" strace -f -p "$fpid" \
	-o "$TEST_TMP/stracef.out" 2>"$TEST_TMP/stracef.err"
if [ "$(grep -c 'execve("/proc/self/exe", \["cat", "/proc/version"\]' "$TEST_TMP/stracef.out")" -ge 2 ] &&
   [ "$(grep -c '+++ exited with 0 +++' "$TEST_TMP/stracef.out")" -ge 2 ] &&
   grep -q "^$fpid  *clone(" "$TEST_TMP/stracef.out" &&
   grep -q "Process $fpid detached" "$TEST_TMP/stracef.err"; then
	ok "strace -f -p $fpid followed the forked children ($(grep -c '+++ exited' "$TEST_TMP/stracef.out") of them)"
else
	fail "strace -f: $(head -c 600 "$TEST_TMP/stracef.out") $(tail -n 3 "$TEST_TMP/stracef.err")"
fi
forking() { mc ps; grep -qE "^ +$fpid +1 [RS] " <<<"$MC_OUT"; }
wait_for 10 forking && ok "the forking guest runs on after the detach" ||
	fail "guest $fpid after strace -f: $MC_OUT"

timeout -k 5 20 "$PTPROXY" "$GLASS_UMID" strace -p 99 -o /dev/null 2>"$TEST_TMP/nopid.err"
if grep -q 'ptrace(PTRACE_SEIZE, 99): No such process' "$TEST_TMP/nopid.err"; then
	ok "a guest pid that does not exist: No such process"
else
	fail "strace -p 99: $(cat "$TEST_TMP/nopid.err")"
fi
mc halt
glass_wait
if [ -z "$(pgrep -f "umid=$GLASS_UMID" || true)" ]; then ok "no glass left running"; fi
finish

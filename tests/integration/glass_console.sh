#!/bin/bash
# glass-console, our mconsole client, against a running Glass: every
# command of the table one-shot by umid (default ~/.uml, --uml-dir and
# $UML_DIR) and by socket path (and its directory), exit status 1 on an
# error reply and 2 when it cannot connect, --json parsed by Python,
# streaming (a fake server pauses between packets; strace shows one
# write per packet of a real dmesg), a dead socket's time-out, the
# client's private socket, interactive mode through a pty with history;
# and mconsole=notify: (the socket's path at boot, a panic's message).
. "$(dirname "$0")/lib.sh"

GC=$TOP/glass-console
HELPER=$TOP/tests/integration/glass_console_helper.py
[ -x "$GC" ] || { fail "no $GC (make all)"; finish; }
export HOME=$TEST_TMP/home
mkdir -p "$HOME"
ln -s "$UML_DIR" "$HOME/.uml"
unset UML_DIR_ENV

# gc ARGS...: run glass-console; sets GC_OUT, GC_ERR, GC_STATUS.
gc() {
	GC_OUT=$(timeout 30 "$GC" "$@" 2>"$TEST_TMP/gc.err")
	GC_STATUS=$?
	GC_ERR=$(cat "$TEST_TMP/gc.err")
}
# expect_gc STATUS FIXED-STRING ARGS...: stdout (or stderr for an error)
# has the text and the status is STATUS.
expect_gc() {
	local st=$1 want=$2
	shift 2
	gc "$@"
	if [ "$GC_STATUS" = "$st" ] && grep -qF -- "$want" <<<"$GC_OUT$GC_ERR"; then
		ok "glass-console $* -> $st: $(head -n1 <<<"$GC_OUT$GC_ERR" | cut -c1-60)"
	else
		fail "glass-console $*: status $GC_STATUS (want $st), lacks '$want':"
		head -n 10 <<<"$GC_OUT"; head -n 5 <<<"$GC_ERR"
	fi
}
alive() {
	kill -0 "$GLASS_PID" 2>/dev/null && ok "glass still running" || fail "glass died"
}

# ---- 1. one-shot, every command ----
glass_start init=/bin/sh -- -c 'trap "echo got-cad; exit 7" INT; while :; do sleep 1; done'
U=$GLASS_UMID
sock=$UML_DIR/$U/mconsole
wait_for 20 test -S "$sock" || { fail "no socket $sock"; finish; }

V="Linux glass 6.1.0-glass #1 Glass x86_64"
expect_gc 0 "$V" "$U" version
[ "$GC_OUT" = "$V" ] && ok "version output exact" || fail "version output '$GC_OUT'"
expect_gc 0 "$V" "$sock" version
expect_gc 0 "$V" "$UML_DIR/$U" version
expect_gc 0 "$V" --uml-dir "$UML_DIR" "$U" version
GC_OUT=$(UML_DIR=$UML_DIR HOME=/nonexistent timeout 30 "$GC" "$U" version 2>&1)
[ "$GC_OUT" = "$V" ] && ok "UML_DIR from the environment" || fail "UML_DIR env: '$GC_OUT'"

# Every command help lists, with no arguments, by umid and by path: a
# well-formed answer (0 or 1), never a client failure (2). Those that
# end or pause the kernel are tested on their own below.
expect_gc 0 "Commands:" "$U" help
cmds=$(sed -nE 's/^ +([a-z_]+).* - .*/\1/p' <<<"$GC_OUT")
[ "$(wc -w <<<"$cmds")" -ge 14 ] && ok "help lists $(wc -w <<<"$cmds") commands" ||
	fail "help lists only: $cmds"
for c in $cmds; do
	case $c in halt | reboot | cad | stop | sysrq | inject) continue ;; esac
	for target in "$U" "$sock"; do
		gc "$target" "$c"
		if [ "$GC_STATUS" = 0 ] || [ "$GC_STATUS" = 1 ]; then
			ok "$c via $target -> $GC_STATUS"
		else
			fail "$c via $target: status $GC_STATUS: $GC_ERR"
		fi
	done
done

expect_gc 0 "MemTotal:" "$U" proc meminfo
[ "$(head -c 9 <<<"$GC_OUT")" = "MemTotal:" ] && ok "proc: no leading blank line" ||
	fail "proc output starts '$(head -n1 <<<"$GC_OUT")'"
expect_gc 0 "umid=$U" "$sock" proc cmdline
expect_gc 1 "ERR Failed to open file" "$U" proc no-such-file
expect_gc 0 "Slab caches:" "$U" mem
expect_gc 0 "HOSTPID COMMAND" "$U" ps
grep -qE '^ +1 +0 [A-Z] .* sh$' <<<"$GC_OUT" && ok "ps shows init" || fail "ps: $GC_OUT"
expect_gc 0 "up " "$U" uptime
expect_gc 0 "" "$U" log "gc-marker-$$ one two"
expect_gc 0 "gc-marker-$$ one two" "$U" dmesg
expect_gc 0 "requests" "$U" stats
expect_gc 1 "ERR Unknown command" "$U" frobnicate
[ -z "$GC_OUT" ] && ok "an error reply goes to stderr" || fail "error on stdout: $GC_OUT"
expect_gc 1 "ERR" "$U" config nosuchdev0
expect_gc 1 "ERR" "$sock" remove nosuchdev0

# ---- 2. usage and connection errors: exit 2 with a clear message ----
expect_gc 2 "usage:" 
expect_gc 2 "unknown option --bogus" --bogus "$U" version
expect_gc 2 "bad --timeout" --timeout 0 "$U" version
expect_gc 2 "no mconsole socket at $HOME/.uml/nosuch/mconsole" nosuch version
python3 -c "import socket,sys; s=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM); s.bind(sys.argv[1])" \
	"$TEST_TMP/stale.sock"
expect_gc 2 "nothing listens on $TEST_TMP/stale.sock" "$TEST_TMP/stale.sock" version
: >"$TEST_TMP/plain"
expect_gc 2 "$TEST_TMP/plain is not a socket" "$TEST_TMP/plain" version

# ---- 3. --json ----
gc --json "$U" proc meminfo
if [ "$GC_STATUS" = 0 ] && python3 -c '
import json, sys
o = json.loads(sys.stdin.read())
assert o["command"] == "proc meminfo" and o["ok"] is True, o
assert o["output"].startswith("MemTotal:"), o
' <<<"$GC_OUT"; then ok "--json proc meminfo parses"; else fail "--json: $GC_OUT"; fi
gc --json "$U" frobnicate
if [ "$GC_STATUS" = 1 ] && python3 -m json.tool <<<"$GC_OUT" >/dev/null &&
	python3 -c 'import json,sys; o=json.load(sys.stdin); assert o == {"command": "frobnicate", "ok": False, "output": "Unknown command"}, o' <<<"$GC_OUT"
then ok "--json error reply: ok false, exit 1"; else fail "--json error: $GC_STATUS $GC_OUT"; fi
gc --json "no-such-umid-$$" version
if [ "$GC_STATUS" = 2 ] && python3 -c 'import json,sys; o=json.load(sys.stdin); assert o["command"] == "version" and o["ok"] is False and "no mconsole socket" in o["error"], o' <<<"$GC_OUT"
then ok "--json unknown umid: an error object, exit 2"; else fail "--json unknown umid: $GC_STATUS '$GC_OUT'"; fi
gc --json "$U" dmesg
python3 -m json.tool <<<"$GC_OUT" >/dev/null && ok "--json dmesg (many packets) parses" ||
	fail "--json dmesg: $(head -c 300 <<<"$GC_OUT")"
out=$(printf 'version\nfrobnicate\nps\n' | "$GC" --json "$U" 2>/dev/null)
python3 -c '
import json, sys
objs = [json.loads(l) for l in sys.stdin.read().splitlines()]
assert [o["command"] for o in objs] == ["version", "frobnicate", "ps"], objs
assert [o["ok"] for o in objs] == [True, False, True], objs
' <<<"$out" && ok "--json from a pipe: one object per command" || fail "--json pipe: $out"
python3 "$HELPER" json "$GC" "$TEST_TMP" || fail "json helper"

# ---- 4. streaming ----
python3 "$HELPER" stream "$GC" "$TEST_TMP" || fail "stream helper"
# A real dmesg of many packets: each packet is written out before the
# next one is received (strace: recv and write(1) alternate).
for i in $(seq 1 20); do "$GC" "$U" log "stream-$i-$(printf 'y%.0s' $(seq 1 300))" >/dev/null; done
strace -o "$TEST_TMP/strace.log" -e trace=recvfrom,write "$GC" "$U" dmesg >"$TEST_TMP/dmesg.out"
# (Leaving out the drain of stale packets before the request: EAGAIN.)
seq_=$(grep -v EAGAIN "$TEST_TMP/strace.log" | grep -oE '^(recvfrom|write\(1)' |
	sed 's/write(1/W/; s/recvfrom/R/' | tr -d '\n')
npk=$(grep -o R <<<"$seq_" | wc -l)
# The final W is the newline added after a reply that does not end in one.
if [ "$npk" -ge 10 ] && [[ $seq_ =~ ^(RW)+W?$ ]]; then
	ok "dmesg: $npk packets, each written before the next was received"
else
	fail "dmesg: recv/write order $seq_"
fi
grep -q "stream-20-" "$TEST_TMP/dmesg.out" && ok "dmesg output complete" || fail "dmesg incomplete"

# ---- 5. a socket nobody answers on: a time-out with a clear message ----
python3 "$HELPER" silent "$GC" "$TEST_TMP" || fail "silent helper"
# Glass itself stopped (GLASS_PID is its time-out wrapper).
kpid=$(cat "$UML_DIR/$U/pid")
kill -STOP "$kpid"
expect_gc 2 "no reply from $HOME/.uml/$U/mconsole within 1 s" --timeout 1 "$U" version
kill -CONT "$kpid"
expect_gc 0 "$V" "$U" version

# ---- 6. interactive through a pty: prompt, history with the up-arrow ----
python3 "$HELPER" pty "$GC" "$HOME" "$UML_DIR" "$U" || fail "pty helper"
ls /tmp | grep -q "^glass-console\." && note "(other glass-console temp dirs exist in /tmp)"
alive

# ---- 7. cad, reboot and halt through glass-console ----
expect_gc 0 "" "$U" cad
glass_wait
expect_status 7
glass_start init=/bin/sh -- -c 'while :; do sleep 1; done'
sock=$UML_DIR/$GLASS_UMID/mconsole
wait_for 20 test -S "$sock" || fail "no socket for the reboot run"
expect_gc 0 "" "$sock" reboot
booted_twice() { [ "$(grep -c 'mconsole (version 2) initialized' "$GLASS_ERR")" = 2 ]; }
wait_for 20 booted_twice && wait_for 5 test -S "$sock" && ok "reboot" || fail "no reboot"
expect_gc 0 "" "$GLASS_UMID" halt
glass_wait
expect_status 0

# ---- 8. mconsole=notify: the socket's path at boot, then a panic ----
nsock=$TEST_TMP/notify.sock
python3 "$HELPER" listen "$nsock" "$TEST_TMP/notify.txt" 20 &
lpid=$!
wait_for 10 test -S "$nsock" || fail "listener did not start"
# init= naming no program panics ("Requested init ... failed").
glass_run mconsole=notify:"$nsock" init=/no/such/init
wait "$lpid"
expect_status 134
expect_stderr_contains "Kernel panic - not syncing: Requested init /no/such/init failed"
path=$UML_DIR/$GLASS_UMID/mconsole
want1="magic=0xcafebabe version=2 type=0 len=$((${#path} + 1)) size=$((16 + ${#path} + 1)) data=$path\\0"
msg="Requested init /no/such/init failed (error -2)."
want2="magic=0xcafebabe version=2 type=1 len=$((${#msg} + 1)) size=$((16 + ${#msg} + 1)) data=$msg\\0"
if [ "$(sed -n 1p "$TEST_TMP/notify.txt")" = "$want1" ]; then
	ok "notify: MCONSOLE_SOCKET with the socket's path at boot"
else
	fail "notify socket: '$(sed -n 1p "$TEST_TMP/notify.txt")', want '$want1'"
fi
if [ "$(sed -n 2p "$TEST_TMP/notify.txt")" = "$want2" ]; then
	ok "notify: MCONSOLE_PANIC with the panic message"
else
	fail "notify panic: '$(sed -n 2p "$TEST_TMP/notify.txt")', want '$want2'"
fi
# A bad mconsole= value is a command-line error.
glass_run mconsole=nonsense
expect_status 2
expect_stderr_contains "bad value 'nonsense' for option mconsole"
finish

#!/bin/bash
# Bad input on the gdb socket and a debugger that vanishes: garbage, bad
# checksums, an overlong packet, unknown packets get the protocol's
# answers; a disconnect in the middle of a packet or while the kernel is
# stopped leaves it running; the next gdb still works.
. "$(dirname "$0")/lib.sh"

command -v gdb >/dev/null || { fail "gdb missing"; finish; }
glass_start gdb init=/bin/sh -- -c 'mount -t devtmpfs d /dev; while :; do echo tick; sleep 0.2; done'
wait_for 20 grep -q tick "$GLASS_OUT" || fail "guest not running"
sock=$UML_DIR/$GLASS_UMID/gdb

/usr/bin/python3 - "$sock" <<'PY' && ok "raw protocol answers" || fail "raw protocol"
import socket, sys, time
def conn():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sys.argv[1])
    s.settimeout(10)
    return s
def packet(data):
    return b"$" + data + b"#%02x" % (sum(data) & 0xff)
def expect(s, want, what):
    got = b""
    end = time.time() + 10
    while want not in got and time.time() < end:
        try:
            got += s.recv(65536)
        except socket.timeout:
            break
    if want not in got:
        print("FAIL %s: want %r got %r" % (what, want, got[:200]))
        sys.exit(1)
    return got
s = conn()
s.sendall(b"garbage\x00\xff" + packet(b"?"))
expect(s, b"+$T", "garbage then ? (the stop on connect)")
s.sendall(b"$?#00")
expect(s, b"-", "bad checksum gets -")
s.sendall(packet(b"vFrobnicate"))
expect(s, b"$#00", "unknown packet gets the empty reply")
s.sendall(packet(b"m" + b"0" * 20000))
expect(s, b"E07", "overlong packet")
s.sendall(packet(b"m0,8"))
expect(s, b"$E", "unmapped address is an error")
s.sendall(b"$m4000")            # cut in the middle of a packet
s.close()
time.sleep(0.5)
s = conn()                      # a stop, then the debugger vanishes
s.sendall(packet(b"?"))
expect(s, b"$T", "second connection stops the kernel")
s.close()
PY
n1=$(grep -c tick "$GLASS_OUT")
sleep 1.5
n2=$(grep -c tick "$GLASS_OUT")
[ "$n2" -gt "$n1" ] && ok "kernel runs on after the disconnects ($n1 -> $n2 ticks)" ||
	fail "kernel stopped after a disconnect ($n1 -> $n2 ticks)"

# A real gdb killed while the kernel is stopped.
gdb -nx -q -batch -ex "target remote $sock" -ex 'shell sleep 30' "$GLASS" >/dev/null 2>&1 &
gpid=$!
sleep 3
n1=$(grep -c tick "$GLASS_OUT")
sleep 1
n2=$(grep -c tick "$GLASS_OUT")
[ "$n2" = "$n1" ] && ok "stopped while gdb holds it" || fail "ran while stopped ($n1 -> $n2)"
kill -KILL $gpid
sleep 1.5
n3=$(grep -c tick "$GLASS_OUT")
[ "$n3" -gt "$n2" ] && ok "gdb killed: the kernel runs on" || fail "kernel stuck after gdb died"
out=$(timeout 30 gdb -nx -q -batch -ex "target remote $sock" -ex 'info threads' -ex detach "$GLASS" 2>&1)
grep -q '"sh"' <<<"$out" && ok "next gdb works" || fail "next gdb: $(tail -n 3 <<<"$out")"
kill -0 "$GLASS_PID" && ok "glass alive" || fail "glass died"
finish

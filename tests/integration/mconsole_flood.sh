#!/bin/bash
# A flood of mconsole requests while a guest works (issue 3, point 9):
# 8 clients send 400 datagrams each, one at a time, mixing commands that
# run anywhere, safe-point commands, error replies and bad datagrams
# (mconsole_flood.py checks each answer and the stats counters), while
# the guest computes md5sums of seq output round after round. Every round
# printed, during the flood too, must carry the right sum; Glass must stay
# up and still answer afterwards.
. "$(dirname "$0")/lib.sh"

CLIENTS=${FLOOD_CLIENTS:-8}
REQUESTS=${FLOOD_REQUESTS:-400}

glass_start init=/bin/sh -- -c '
	k=0
	while :; do
		k=$((k + 1))
		s=$(seq 1 $((k % 50 * 100 + 2000)) | md5sum)
		echo "round $k ${s%% *}"
	done'
sock=$UML_DIR/$GLASS_UMID/mconsole
wait_for 20 test -S "$sock" || { fail "no socket $sock"; finish; }
wait_for 20 grep -q "^round 1 " "$GLASS_OUT" || fail "the workload did not start"

rounds() { tr -d '\r' <"$GLASS_OUT" | grep -c '^round [0-9]* [0-9a-f]*$'; }
r0=$(rounds)
python3 "$TOP/tests/integration/mconsole_flood.py" "$sock" "$CLIENTS" "$REQUESTS" ||
	fail "flood: see above"
r1=$(rounds)
[ $((r1 - r0)) -gt 0 ] && ok "the workload finished $((r1 - r0)) rounds during the flood" ||
	fail "no workload round during the flood ($r0 -> $r1)"
kill -0 "$GLASS_PID" 2>/dev/null && ok "glass still running" || fail "glass died"
more_rounds() { [ "$(rounds)" -gt "$r1" ]; }
wait_for 20 more_rounds && ok "the workload goes on after it" ||
	fail "the workload stopped"

# Every round's sum, natively.
if tr -d '\r' <"$GLASS_OUT" | grep '^round ' | python3 -c '
import hashlib, sys
n = bad = 0
for line in sys.stdin:
    w = line.split()
    if len(w) != 3:
        continue
    k = int(w[1])
    data = "".join("%d\n" % i for i in range(1, k % 50 * 100 + 2000 + 1)).encode()
    n += 1
    if hashlib.md5(data).hexdigest() != w[2]:
        bad += 1
        print("round %d: %s, want %s" % (k, w[2], hashlib.md5(data).hexdigest()))
print("%d rounds checked, %d wrong" % (n, bad))
sys.exit(1 if bad or n == 0 else 0)
'; then ok "every workload round has the right md5sum"; else fail "wrong workload results"; fi

out=$(timeout 20 "$TOP/tests/integration/mconsole_raw.py" "$sock" cmd version)
[ "$out" = "PKT err=0 more=0 len=40 Linux glass 6.1.0-glass #1 Glass x86_64" ] &&
	ok "mconsole answers after the flood" || fail "after the flood: '$out'"
finish

#!/bin/bash
# mconsole with Debian's own client, uml_mconsole (uml-utilities): the
# socket and its boot line, version, help, proc, ps, dmesg, uptime, log,
# mem, stats, an unknown command, cad, reboot and halt; and hand-made bad
# datagrams (bad magic, wrong version, oversized length, truncated, no
# reply address) that get UML's answers, are counted, and leave Glass
# running.
. "$(dirname "$0")/lib.sh"

RAW=$TOP/tests/integration/mconsole_raw.py
mc_setup

alive() {
	kill -0 "$GLASS_PID" 2>/dev/null && ok "glass still running" || fail "glass died"
}

# ---- 1. a running kernel ----
glass_start init=/bin/sh -- -c 'trap "echo got-cad; exit 7" INT; while :; do sleep 1; done'
sock=$UML_DIR/$GLASS_UMID/mconsole
if ! wait_for 20 test -S "$sock"; then
	fail "no socket $sock within 20 s"
	finish
fi
mode=$(stat -c %a "$sock")
[ "$mode" = 600 ] && ok "socket mode 0600" || fail "socket mode $mode, expected 600"
wait_for 5 grep -qF "mconsole (version 2) initialized on $sock" "$GLASS_ERR" &&
	ok "boot line names the socket" || fail "no 'mconsole (version 2) initialized on $sock' line"

# By path, as uml_mconsole also accepts (it warns on stderr first).
out=$(timeout 20 uml_mconsole "$sock" version 2>/dev/null)
[ "$out" = "OK Linux glass 6.1.0-glass #1 Glass x86_64" ] && ok "version by socket path" ||
	fail "version by path: '$out'"
expect_mc 0 "OK Linux glass 6.1.0-glass #1 Glass x86_64" version
expect_mc 0 "OK Commands:" help
for c in version help halt reboot cad log proc ps dmesg uptime mem stats; do
	grep -qE "^ +$c( |$)" <<<"$MC_OUT" || fail "help does not list $c"
done
expect_mc 0 "MemTotal:" proc meminfo
[ "$(head -n1 <<<"$MC_OUT")" = "OK " ] || fail "proc text does not begin on a line of its own"
expect_mc 0 "glass" proc sys/kernel/hostname
expect_mc 1 "ERR Failed to open file" proc no-such-file
expect_mc 0 "Slab caches:" mem

# ps: init is pid 1 with a live host process for its address space.
expect_mc 0 "HOSTPID COMMAND" ps
line=$(grep -E '^ +1 +0 [A-Z] ' <<<"$MC_OUT")
hostpid=$(awk '{print $5}' <<<"$line")
if [ -n "$line" ] && [[ $hostpid =~ ^[0-9]+$ ]] && [ -d "/proc/$hostpid" ]; then
	ok "ps: init's address space is live host pid $hostpid"
else
	fail "ps: no good line for pid 1: '$line'"
fi
grep -qE ' sh$' <<<"$line" || fail "ps: pid 1 is not sh: '$line'"

expect_mc 0 "OK up " uptime
expect_mc 0 "mconsole (version 2) initialized" dmesg
# log: uml_mconsole sends the text, then "log \n", and prints an OK for
# each reply: two lines, as with UML. Each request gets exactly one.
expect_mc 0 "OK" log "marker-$$ from the host"
[ "$(grep -c '^OK' <<<"$MC_OUT")" = 2 ] && ok "log: uml_mconsole prints one OK per request (2)" ||
	fail "log: uml_mconsole printed '$MC_OUT'"
out=$(timeout 20 "$RAW" "$UML_DIR/$GLASS_UMID/mconsole" once "log once-$$")
[ "$out" = "PKT err=0 more=0 len=1 " ] && ok "log: one request, one reply packet" ||
	fail "log: replies to one request: '$out'"
expect_mc 0 "marker-$$ from the host" dmesg
grep -qF "marker-$$ from the host" "$GLASS_ERR" && ok "log line on the kernel console" ||
	fail "log line not on stderr"
expect_mc 1 "ERR Unknown command" frobnicate
alive

# ---- 2. hand-made datagrams ----
raw() { timeout 20 "$RAW" "$sock" "$@"; }
out=$(raw badmagic help)
[ "$out" = "RAW ERR Version 0 mconsole clients are not supported by this driver" ] &&
	ok "bad magic: raw version-0 answer" || fail "bad magic: '$out'"
out=$(raw badversion help)
[ "$out" = "PKT err=1 more=0 len=44 This driver only supports version 2 clients" ] &&
	ok "bad version answered" || fail "bad version: '$out'"
out=$(raw toolarge help)
[ "$out" = "PKT err=1 more=0 len=18 Request too large" ] && ok "too large answered" ||
	fail "too large: '$out'"
out=$(raw truncated help)
grep -q "^PKT err=1 more=0 .*truncated" <<<"$out" && ok "truncated answered" ||
	fail "truncated: '$out'"
out=$(raw noaddr version)
[ "$out" = NONE ] && ok "no reply address: no answer" || fail "no address: '$out'"
# A multi-packet reply: err on none, more on all but the last, len <= 512.
long=$(printf 'x%.0s' $(seq 1 300))
for i in 1 2 3 4; do mc log "$i$long"; done
raw cmd dmesg >"$TEST_TMP/dmesg.pkts"
n=$(wc -l <"$TEST_TMP/dmesg.pkts")
if [ "$n" -ge 2 ] && ! grep -q BADLEN "$TEST_TMP/dmesg.pkts" &&
	[ "$(grep -c 'more=1' "$TEST_TMP/dmesg.pkts")" = $((n - 1)) ] &&
	tail -n1 "$TEST_TMP/dmesg.pkts" | grep -q 'more=0' &&
	! grep -q 'err=1' "$TEST_TMP/dmesg.pkts" &&
	awk '{sub("len=", "", $4); if ($4 + 0 > 512) exit 1}' "$TEST_TMP/dmesg.pkts"; then
	ok "dmesg came as $n well-formed packets"
else
	fail "dmesg packets malformed:"; cut -c1-80 "$TEST_TMP/dmesg.pkts"
fi
out=$(raw cmd "proc meminfo" | head -n1)
[ "$out" = 'PKT err=0 more=1 len=2 \n' ] && ok "proc: first packet is \"\\n\" with more" ||
	fail "proc first packet: '$out'"
alive

expect_mc 0 "OK requests" stats
for kv in "bad_magic 1" "bad_version 1" "too_large 1" "truncated 1" "unknown 1" "no_address 1" \
	"timed_out 0" "send_errors 0"; do
	grep -qE "^(OK )?${kv% *} +${kv#* }$" <<<"$MC_OUT" || fail "stats: want '$kv'"
done
ok "stats counted the bad requests"

# ---- 3. cad: SIGINT to init, whose trap exits 7 ----
expect_mc 0 "OK" cad
glass_wait
expect_status 7
expect_stdout_contains got-cad

# ---- 4. reboot re-executes glass; halt exits 0 ----
glass_start init=/bin/sh -- -c 'while :; do sleep 1; done'
sock=$UML_DIR/$GLASS_UMID/mconsole
wait_for 20 test -S "$sock" || fail "no socket for the reboot run"
expect_mc 0 "OK" reboot
# (a function, so the count is taken anew on every try)
booted_twice() { [ "$(grep -c 'mconsole (version 2) initialized' "$GLASS_ERR")" = 2 ]; }
if wait_for 20 booted_twice &&
	wait_for 5 test -S "$sock"; then
	ok "rebooted: a second boot with its own socket"
else
	fail "no second boot after reboot"
fi
alive
expect_mc 0 "OK" halt
glass_wait
expect_status 0
[ -e "$UML_DIR/$GLASS_UMID" ] && fail "umid dir left after halt" || ok "umid dir removed after halt"
finish

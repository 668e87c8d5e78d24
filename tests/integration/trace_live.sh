#!/bin/bash
# Tracing switched on and off while a guest loops (t_trace loop: getppid
# and a pipe round trip every 2 ms, each result checked by the guest):
# nothing is traced before `trace syscalls`, events appear after it (trace
# dump, trace follow streaming through glass-console), stop after `trace
# off`, and the guest never notices (it passes its own checks and exits
# 0). Then `trace export` of faults, syscalls and sched, parsed as JSON:
# per-task tracks named comm[pid], syscall slices, fault instants, the CPU
# track. Bad arguments get clear errors; gdb's monitor reaches the same
# commands (trace status).
. "$(dirname "$0")/lib.sh"

GC=$TOP/glass-console
PB=$TOP/build/programs/glibc
[ -x "$GC" ] || { fail "no $GC (make all)"; finish; }
[ -x "$PB/t_trace" ] || { fail "$PB/t_trace not built: make programs"; finish; }

mc_setup        # uml_mconsole for the one-shot commands, glass-console to follow
# written: the events-written count of trace status.
written() {
	mc trace status
	sed -n 's/.*events: \([0-9]*\) written.*/\1/p' <<<"$MC_OUT"
}

img=$TEST_TMP/live.cpio
make_initramfs "$img" --add "$PB/t_trace:/bin/t_trace" || { fail "mkinitramfs failed"; finish; }
glass_start initrd="$img" gdb init=/bin/sh -- -c 't_trace loop 4000; echo "loop status $?"'
wait_for 20 test -S "$UML_DIR/$GLASS_UMID/mconsole" || { fail "no mconsole socket"; finish; }

expect_mc 0 "tracing: off" trace status
n0=$(written)
sleep 0.3
[ "$(written)" = "$n0" ] && ok "nothing traced while off ($n0 events)" ||
	fail "events while off: $n0, then $(written)"

# Bad arguments: clear errors, nothing changes.
expect_mc 1 "unknown word 'bogus'" trace bogus
expect_mc 1 "nothing to trace" trace pid=3
expect_mc 1 "pid=x: not a pid" trace syscalls pid=x
expect_mc 1 "'nosuch' is neither a syscall nor a class" trace syscalls filter=nosuch
expect_mc 1 "filter= chooses syscalls" trace faults filter=file
expect_mc 1 "pid= and comm=" trace syscalls pid=1 comm=sh
expect_mc 1 "trace dump: N is a number" trace dump x
expect_mc 1 "give the file to write" trace export
expect_mc 0 "tracing: off" trace status

# On: the loop's syscalls appear.
expect_mc 0 "tracing: syscalls (comm=t_trace, 3 syscalls)" \
	trace syscalls comm=t_trace filter=getppid,read,write
sleep 0.3
expect_mc 0 "getppid()" trace dump 20
if grep -v -e getppid -e 'read(' -e 'write(' -e '^[0-9]* *[0-9:.]* ---' <<<"$MC_OUT" | grep -q .; then
	fail "filter=getppid,read,write let others through: $(grep -v -e getppid -e 'read(' -e 'write(' <<<"$MC_OUT" | head -n 3)"
else
	ok "only the filtered syscalls"
fi
# trace follow streams until the client goes away (here: killed).
timeout 1 "$GC" --uml-dir "$UML_DIR" "$GLASS_UMID" trace follow >"$TEST_TMP/follow.out" 2>&1
n=$(grep -c 'getppid() *= ' "$TEST_TMP/follow.out")
[ "$n" -gt 10 ] && ok "trace follow streamed $n getppid events in 1 s" ||
	fail "trace follow: $n getppid events: $(head -n 5 "$TEST_TMP/follow.out")"
wait_for 5 sh -c "'$GC' --uml-dir '$UML_DIR' '$GLASS_UMID' trace status | grep -q 'followers: 0'" &&
	ok "the follower is gone with its client" || fail "follower still registered"

# Faults and sched too, for the timeline; then off.
expect_mc 0 "faults" trace faults
expect_mc 0 "sched" trace sched
sleep 0.3
expect_mc 0 "tracing off" trace off
n1=$(written)
sleep 0.3
n2=$(written)
[ -n "$n1" ] && [ "$n1" = "$n2" ] && ok "no events after off ($n1 written)" ||
	fail "events after off: $n1, then $n2"

# gdb's monitor reaches the same table; follow cannot stream there.
out=$(timeout 30 gdb -nx -q -batch -ex "target remote $UML_DIR/$GLASS_UMID/gdb" \
	-ex 'monitor trace status' -ex 'monitor trace follow' -ex detach "$GLASS" 2>&1)
grep -q "^events: $n1 written" <<<"$out" && ok "gdb: monitor trace status" ||
	fail "gdb monitor trace status: $(head -n 20 <<<"$out")"
grep -q "gdb's monitor cannot: use trace dump" <<<"$out" && ok "gdb: monitor trace follow refused" ||
	fail "gdb monitor trace follow: $(head -n 20 <<<"$out")"

expect_mc 0 "events to" trace export "$TEST_TMP/trace.json"
python3 - "$TEST_TMP/trace.json" <<'PY' || _failures=$((_failures + 1))
import json, re, sys
from collections import Counter
sys.path.insert(0, sys.argv[0].rsplit("/", 1)[0])
ev = json.load(open(sys.argv[1]))["traceEvents"]
ph = Counter(e["ph"] for e in ev)
names = {e["args"]["name"] for e in ev if e["ph"] == "M" and e["name"] == "thread_name"}
loop = [n for n in names if re.fullmatch(r"t_trace\[\d+\]", n)]
slices = [e for e in ev if e["ph"] == "X" and e["name"] == "getppid"]
instants = [e for e in ev if e["ph"] == "i"]
cpu = [e for e in ev if e["ph"] in "BE" and e["pid"] == 0]
bad = []
if not loop: bad.append("no track named t_trace[PID] among %s" % sorted(names)[:8])
if not slices: bad.append("no getppid slices")
if any("dur" not in e or e["dur"] < 0 for e in slices): bad.append("a slice without dur")
if not instants: bad.append("no instants (faults)")
if not cpu: bad.append("no CPU track events")
print(("FAIL: " + "; ".join(bad)) if bad else
      "ok: export: %d events, tracks %s, %d getppid slices, %d instants, %d CPU events"
      % (len(ev), loop, len(slices), len(instants), len(cpu)))
sys.exit(1 if bad else 0)
PY

glass_wait
expect_status 0
expect_stdout_contains "PASS loop"
expect_stdout_contains "loop status 0"
finish

#!/bin/bash
# mconsole stop and go, with Debian's uml_mconsole: while stopped no guest
# runs and the guest's CLOCK_MONOTONIC stands still, and version, help,
# proc, ps and stack are still answered; go resumes; the errors are UML's.
# Then a wedged kernel (inject spin): ps and stack answer from the monitor
# thread, a safe-point command times out with a reason, and halt still
# works.
. "$(dirname "$0")/lib.sh"

mc_setup
PB=$TOP/build/programs/glibc
[ -x "$PB/monoclock" ] || { fail "no $PB/monoclock: run make programs"; finish; }


# ---- stop and go ----
glass_start mconsole_timeout=2 inject=1 init=/bin/sh -- -c "mount -t hostfs none /mnt -o $PB && exec /mnt/monoclock 40"
wait_for 20 grep -q 'monoclock ready' "$GLASS_OUT" || fail "monoclock did not start"
# uml_mconsole interactive: commands from its input, one reply each.
out=$(printf 'version\nps\n' | timeout 20 uml_mconsole "$UML_DIR/$GLASS_UMID/mconsole" 2>/dev/null)
grep -q '^OK Linux glass ' <<<"$out" && grep -q 'monoclock$' <<<"$out" &&
	ok "uml_mconsole interactive" || fail "uml_mconsole interactive: $out"
expect_mc_re '^OK stopped$' stop
# monoclock wakes every 100 ms: a stop that caught it awake lets it go
# and stops again, so that what follows sees it asleep.
for try in 1 2 3 4 5; do
	mc ps
	grep -qE '^ *[0-9]+ +[0-9]+ R .*monoclock$' <<<"$MC_OUT" || break
	mc go
	mc stop
done
t0=$(date +%s%N)
expect_mc_re '^ERR Already stopped$' stop
expect_mc_re '^OK Linux glass ' version
expect_mc_re 'stop - Pause the kernel' help
expect_mc_re '^OK $|MemTotal' proc meminfo
expect_mc_re 'S hrtimer_nanosleep +[0-9]+ monoclock' ps
expect_mc_re '#0 0x[0-9a-f]+ schedule\+0x' stack 1
expect_mc_re "Glass: a user-mode kernel" dmesg
expect_mc_re 'monoclock +state:S' sysrq t
expect_mc_re '^OK CPU 0: ' sysrq l
sleep 2
expect_mc_re '^OK' go
t1=$(date +%s%N)
expect_mc_re '^ERR Not stopped$' go
wait_for 20 grep -q 'max_gap_ms' "$GLASS_OUT" || fail "monoclock did not finish"
gap=$(sed -n 's/^max_gap_ms \([0-9]*\).*/\1/p' "$GLASS_OUT" | tr -d '\r')
stopped_ms=$(((t1 - t0) / 1000000))
if [ -n "$gap" ] && [ "$gap" -lt 500 ] && [ "$stopped_ms" -ge 2000 ]; then
	ok "guest clock stood still: largest gap ${gap} ms across a ${stopped_ms} ms stop"
else
	fail "guest clock: largest gap '${gap}' ms across a ${stopped_ms} ms stop"
fi
glass_wait

# ---- halt while stopped ----
glass_start init=/bin/sh -- -c 'exec sleep 1000'
wait_for 20 test -S "$UML_DIR/$GLASS_UMID/mconsole" || fail "no mconsole socket"
expect_mc_re '^OK stopped$' stop
expect_mc_re '^OK' halt
glass_wait
[ "$GLASS_STATUS" = 0 ] && ok "halt while stopped exits 0" || fail "halt while stopped: status $GLASS_STATUS"

# ---- a wedged kernel ----
glass_start mconsole_timeout=2 inject=1 init=/bin/sh -- -c 'sleep 1000'
wait_for 20 test -S "$UML_DIR/$GLASS_UMID/mconsole" || fail "no mconsole socket"
expect_mc_re '^OK injected spin' inject spin
expect_mc_re 'R - +- inject_spin \[kthread\]' ps
expect_mc_re 'schedule_timeout_ns\+0x' stack 1
expect_mc_re 'running on the CPU' stack 2
expect_mc_re '^ERR Timed out: the kernel did not take .proc. within 2 s' proc meminfo
expect_mc_re '^OK' halt
glass_wait
[ "$GLASS_STATUS" = 0 ] && ok "halt while wedged exits 0" || fail "halt while wedged: status $GLASS_STATUS"
finish

#!/bin/bash
# mconsole stop and go, with Debian's uml_mconsole: while stopped no guest
# runs and the guest's CLOCK_MONOTONIC stands still, and version, help,
# proc, ps and stack are still answered; go resumes; the errors are UML's.
# Then a wedged kernel (inject spin): ps and stack answer from the monitor
# thread, a safe-point command times out with a reason, and halt still
# works.
. "$(dirname "$0")/lib.sh"

command -v uml_mconsole >/dev/null || { fail "uml_mconsole missing"; finish; }
PB=$TOP/build/programs/glibc
[ -x "$PB/monoclock" ] || { fail "no $PB/monoclock: run make programs"; finish; }

mc() { MC_OUT=$(timeout 20 uml_mconsole "$UML_DIR/$GLASS_UMID/mconsole" "$@" 2>/dev/null); MC_STATUS=$?; }
expect_mc() {
	local want=$1
	shift
	mc "$@"
	if grep -qE -- "$want" <<<"$MC_OUT"; then
		ok "'$*' -> $(head -n1 <<<"$MC_OUT" | cut -c1-60)"
	else
		fail "'$*': output lacks /$want/: $(head -n 5 <<<"$MC_OUT")"
	fi
}

# ---- stop and go ----
glass_start mconsole_timeout=2 inject=1 init=/bin/sh -- -c "mount -t hostfs none /mnt -o $PB && exec /mnt/monoclock 40"
wait_for 20 grep -q 'monoclock ready' "$GLASS_OUT" || fail "monoclock did not start"
expect_mc '^OK stopped$' stop
t0=$(date +%s%N)
expect_mc '^ERR Already stopped$' stop
expect_mc '^OK Linux glass ' version
expect_mc 'stop - Pause the kernel' help
expect_mc '^OK $|MemTotal' proc meminfo
expect_mc 'S hrtimer_nanosleep +[0-9]+ monoclock' ps
expect_mc '#0 0x[0-9a-f]+ schedule\+0x' stack 1
expect_mc "Glass: a user-mode kernel" dmesg
sleep 2
expect_mc '^OK' go
t1=$(date +%s%N)
expect_mc '^ERR Not stopped$' go
wait_for 20 grep -q 'max_gap_ms' "$GLASS_OUT" || fail "monoclock did not finish"
gap=$(sed -n 's/^max_gap_ms \([0-9]*\).*/\1/p' "$GLASS_OUT" | tr -d '\r')
stopped_ms=$(((t1 - t0) / 1000000))
if [ -n "$gap" ] && [ "$gap" -lt 500 ] && [ "$stopped_ms" -ge 2000 ]; then
	ok "guest clock stood still: largest gap ${gap} ms across a ${stopped_ms} ms stop"
else
	fail "guest clock: largest gap '${gap}' ms across a ${stopped_ms} ms stop"
fi
glass_wait

# ---- a wedged kernel ----
glass_start mconsole_timeout=2 inject=1 init=/bin/sh -- -c 'sleep 1000'
wait_for 20 test -S "$UML_DIR/$GLASS_UMID/mconsole" || fail "no mconsole socket"
expect_mc '^OK injected spin' inject spin
expect_mc 'R - +- inject_spin \[kthread\]' ps
expect_mc 'schedule_timeout_ns\+0x' stack 1
expect_mc 'running on the CPU' stack 2
expect_mc '^ERR Timed out: the kernel did not take .proc. within 2 s' proc meminfo
expect_mc '^OK' halt
glass_wait
[ "$GLASS_STATUS" = 0 ] && ok "halt while wedged exits 0" || fail "halt while wedged: status $GLASS_STATUS"
finish

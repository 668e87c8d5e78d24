#!/bin/bash
# Oopses and panics (kernel/diag), each fault kind made real with inject=1
# and Debian's uml_mconsole:
#  1. faults in kernel threads (NULL dereference, bad pointer, ud2, int3
#     with no debugger, a stack overflow into the guard gap): each report
#     names the signal and address, the registers, the faulting function
#     and its source line, and a backtrace with file:line per frame; the
#     task is killed and the kernel, its other tasks and the guest run on;
#  2. faults that panic (interrupt context, inside libc, BUG_ON): exit by
#     SIGABRT, the core and the kernel log in the kept umid directory, and
#     gdb reads the core back to the faulting line, threads named;
#  3. panic=N reboots (the core and log kept), panic=gdb waits for gdb at the faulting frame.
. "$(dirname "$0")/lib.sh"

mc_setup
INJECT=$TOP/kernel/debug/inject.c
# line_of TEXT: the line of inject.c holding TEXT.
line_of() { grep -nF -- "$1" "$INJECT" | head -n1 | cut -d: -f1; }
booted() { wait_for 20 test -S "$UML_DIR/$GLASS_UMID/mconsole"; }
has() { grep -qE -- "$1" "$GLASS_ERR"; }
count_ge() {    # count_ge N REGEX FILE: REGEX is on at least N lines of FILE
	[ "$(grep -cE -- "$2" "$3")" -ge "$1" ]
}
check() {       # check DESCRIPTION REGEX: the kernel log has it
	if has "$2"; then ok "$1"; else fail "$1: no /$2/ in the kernel log"; fi
}

# ---- 1. oopses that kill a kernel thread; the kernel runs on ----
glass_start inject=1 init=/bin/sh -- -c 'trap "echo alive after oopses; exit 0" INT; while :; do sleep 1; done'
booted || { fail "no mconsole socket"; finish; }
n=0
for kind in oops-task:inject_null_deref:'movl $1, (%0)':'kernel NULL pointer dereference, address: 0+$' \
	    bad-pointer:bad_pointer_fn:'0xdead0000UL;':'unable to handle page fault for address: 0+dead0000' \
	    ud2:ud2_fn:'__builtin_trap();':'invalid opcode at' \
	    int3:int3_fn:'asm volatile("int3")':'int3 with no debugger attached' \
	    overflow:overflow_recurse:'frame[0] = (char)depth':'kernel stack overflow in task [0-9]+ \(inject_overflow\): guard gap hit'; do
	IFS=: read -r k fn text bug <<<"$kind"
	n=$((n + 1))
	mc inject "$k"
	out=$MC_OUT
	[ "$out" = "OK injected $k" ] || fail "inject $k: '$out'"
	wait_for 10 has "Oops: .*\[#$n\]" || { fail "$k: no oops #$n"; continue; }
	wait_for 5 count_ge $n 'end trace: killing task' "$GLASS_ERR"
	line=$(line_of "$text")
	check "$k: headline" "BUG: $bug"
	check "$k: signal and address" "Oops: SIG(SEGV|ILL|TRAP) \(si_code -?[0-9]+, fault address 0x[0-9a-f]+\) \[#$n\]"
	check "$k: faulting function and line" "IP: $fn\+0x[0-9a-f]+/0x[0-9a-f]+ at kernel/debug/inject.c:$line\$"
	check "$k: frame #0 with file:line" " #0 \[<[0-9a-f]{16}>\] $fn\+0x[0-9a-f]+/0x[0-9a-f]+ \(kernel/debug/inject.c:$line\)"
	[ "$k" = overflow ] ||
		check "$k: backtrace through kthread_entry" " #[1-9] \[<[0-9a-f]{16}>\] kthread_entry\+0x[0-9a-f]+/0x[0-9a-f]+ \(kernel/sched/kthread.c:[0-9]+\)"
done
check "registers" "RAX: [0-9a-f]{16} RBX: [0-9a-f]{16} RCX: [0-9a-f]{16}"
check "registers r13-r15" "R13: [0-9a-f]{16} R14: [0-9a-f]{16} R15: [0-9a-f]{16}"
check "the task is killed" "end trace: killing task [0-9]+ \(inject_oops\)"
mc ps
ps=$MC_OUT
if grep -q inject_ <<<"$ps"; then fail "killed tasks still listed: $ps"; else ok "killed tasks are gone from ps"; fi
has "Kernel panic" && fail "an oops in task context panicked"
kill -0 "$GLASS_PID" 2>/dev/null && ok "glass still running after $n oopses" || fail "glass died"
# The guest runs on: ctrl-alt-del reaches init's trap.
mc cad
glass_wait
expect_status 0
expect_stdout_contains "alive after oopses"

# A guest task in a syscall: its next syscall faults in kernel code; it is
# killed (SIGSEGV: its parent sees 139) and its parent runs on.
glass_start inject=1 init=/bin/sh -- -c 'mount -t devtmpfs d /dev; cat /dev/zero >/dev/null & wait $!; echo "cat status $?"'
booted || fail "oops-syscall: no mconsole socket"
wait_for 20 eval 'mc ps; grep -qE "^ +[0-9]+ +1 .* cat\$" <<<"$MC_OUT"' || fail "oops-syscall: cat never ran"
mc ps
pid=$(awk '$NF == "cat" { print $1 }' <<<"$MC_OUT" | head -n1)
mc inject oops-syscall "$pid"
out=$MC_OUT
[ "$out" = "OK injected oops-syscall $pid" ] && ok "inject oops-syscall $pid" || fail "inject oops-syscall: '$out'"
glass_wait
expect_status 0
check "oops-syscall: oops in the guest's task" "CPU: 0 PID: $pid Comm: cat\$"
check "oops-syscall: through the syscall path" " #[1-9] .* \(kernel/proc/entry.c:[0-9]+\)"
check "oops-syscall: the task is killed" "end trace: killing task $pid \(cat\)"
expect_stdout_contains "cat status 139"

# ---- 2. faults that panic: a core, the log, the umid directory kept ----
for kind in "oops-irq|Fatal exception in interrupt|inject_null_deref|movl \$1, (%0)" \
	    "libc-fault|Fatal exception in host code|libc_fault_fn|os_inject_strlen(" \
	    "bug|BUG: !overflow_stop at kernel/debug/inject.c|bug_fn|BUG_ON(!overflow_stop)"; do
	IFS='|' read -r k why fn text <<<"$kind"
	glass_start inject=1 init=/bin/sh -- -c 'sleep 30'
	booted || { fail "$k: no mconsole socket"; continue; }
	mc inject "$k"
	glass_wait
	expect_status 134
	check "$k: panic message" "Kernel panic - not syncing: $why"
	dir=$UML_DIR/$GLASS_UMID
	check "$k: core path printed" "panic: core written to $dir/core"
	[ -s "$dir/core" ] && ok "$k: core file in the umid directory" || fail "$k: no $dir/core"
	grep -q "Kernel panic" "$dir/console.log" 2>/dev/null && ok "$k: console.log kept" ||
		fail "$k: no console.log with the panic"
	# Sparse: far fewer blocks than bytes.
	if [ -s "$dir/core" ] && [ $(($(stat -c %b "$dir/core") * 512)) -lt $(stat -c %s "$dir/core") ]; then
		ok "$k: core is sparse"
	else
		fail "$k: core is not sparse"
	fi
	line=$(line_of "$text")
	gout=$TEST_TMP/gdb-$k.out
	timeout 120 gdb -nx -q -batch -iex "add-auto-load-safe-path $TOP" "$GLASS" "$dir/core" \
		-ex 'info threads' -ex 'bt' >"$gout" 2>&1
	if grep -qE "^#[0-9]+ .*$fn \(.*\) at kernel/debug/inject.c:$line" "$gout"; then
		ok "$k: gdb on the core: bt reaches $fn at inject.c:$line"
	else
		fail "$k: gdb's bt lacks $fn at inject.c:$line"; tail -n 30 "$gout"
	fi
	grep -qE 'LWP 1 +"(sh|sleep)"' "$gout" && grep -qE 'LWP 4194304 +"swapper"' "$gout" &&
		ok "$k: gdb names the core's threads after their tasks" ||
		{ fail "$k: threads not named"; grep -A8 "Target Id" "$gout"; }
	grep -q "registers in core file" "$gout" && fail "$k: a thread without registers"
	# Without the helper (libthread_db on, threads unnamed): every task
	# (the helper's named threads) still has registers, a frame #0 in a
	# function, and glass's host threads no "registers" warning.
	pout=$TEST_TMP/gdb-plain-$k.out
	timeout 120 gdb -nx -q -batch "$GLASS" "$dir/core" -ex 'thread apply all bt 1' >"$pout" 2>&1
	grep -q "registers in core file" "$pout" &&
		fail "$k: plain gdb: $(grep -m1 'registers in core file' "$pout")"
	tids=$(sed -nE 's/.*LWP ([0-9]+) +"[^"]*".*/\1/p' "$gout" | sort -u)
	bad=$(python3 - "$pout" $tids <<'PY'
import re, sys
frame0, cur = {}, None
for line in open(sys.argv[1]):
    m = re.match(r'^Thread \d+ \((?:Thread 0x[0-9a-f]+ \()?LWP (\d+)', line)
    if m:
        cur = m.group(1)
    elif cur and line.startswith("#0"):
        frame0[cur], cur = line, None
print(" ".join(t for t in sys.argv[2:]
               if not re.match(r'#0 +(0x[0-9a-f]+ in )?[A-Za-z_]\w* \(', frame0.get(t, ""))))
PY
)
	[ -n "$tids" ] && [ -z "$bad" ] &&
		ok "$k: plain gdb on the core: every task has a frame #0 in a function" ||
		{ fail "$k: plain gdb: tasks without a frame: '$bad' (tasks '$tids')"; head -n 30 "$pout"; }
done

# ---- 3. panic=N reboots; panic=gdb waits for gdb at the fault ----
glass_start inject=1 panic=1 init=/bin/sh -- -c 'echo booted; sleep 30'
booted || fail "panic=1: no mconsole socket"
wait_for 10 grep -q booted "$GLASS_OUT"
mc inject bug
wait_for 20 count_ge 2 'Glass: a user-mode kernel' "$GLASS_ERR" &&
	ok "panic=1: rebooted" || fail "panic=1: no second boot"
check "panic=1: says so" "Rebooting in 1 seconds"
wait_for 20 count_ge 2 booted "$GLASS_OUT" && ok "panic=1: init ran again" ||
	fail "panic=1: init did not run again"
booted && mc halt
glass_wait
expect_status 0
dir=$UML_DIR/$GLASS_UMID
[ -s "$dir/core" ] && grep -q "Kernel panic" "$dir/console.log" 2>/dev/null &&
	ok "panic=1: the panic's core and console.log stay after the next boot's halt" ||
	fail "panic=1: after the reboot and halt $dir holds: $(ls "$dir" 2>&1 | tr '\n' ' ')"

glass_start inject=1 panic=gdb init=/bin/sh -- -c 'sleep 30'
booted || fail "panic=gdb: no mconsole socket"
mc inject oops-task     # task context: an oops, no panic
mc inject oops-irq
if wait_for 20 has "panic: waiting for gdb: gdb ./glass -ex 'target remote .*'"; then
	ok "panic=gdb: announces the endpoint"
	ep=$(sed -n "s/.*panic: waiting for gdb: gdb .\/glass -ex 'target remote \(.*\)'$/\1/p" "$GLASS_ERR" | head -n1)
	gout=$TEST_TMP/gdb-panic.out
	timeout 60 gdb -nx -q -batch -iex "add-auto-load-safe-path $TOP" "$GLASS" \
		-ex "target remote $ep" -ex 'bt 4' -ex 'info registers rip' >"$gout" 2>&1
	line=$(line_of 'movl $1, (%0)')
	if grep -qE "^#0 .*inject_null_deref \(\) at kernel/debug/inject.c:$line" "$gout" &&
	   grep -qE "^#1 .*run_timers" "$gout"; then
		ok "panic=gdb: gdb sees the faulting frame as #0"
	else
		fail "panic=gdb: gdb's bt lacks the faulting frame"; cat "$gout"
	fi
else
	fail "panic=gdb: no 'waiting for gdb' line"
fi
pkill -KILL -P "$GLASS_PID"     # glass, not just its timeout(1)
glass_wait

# panic=gdb after a panic() call (BUG_ON), not a fault: parked in the debug
# trap raised from panic_finish; gdb's bt runs through panic to the BUG.
glass_start inject=1 panic=gdb init=/bin/sh -- -c 'sleep 30'
booted || fail "panic=gdb (BUG): no mconsole socket"
mc inject bug
if wait_for 20 has "panic: waiting for gdb"; then
	gout=$TEST_TMP/gdb-panic-bug.out
	timeout 60 gdb -nx -q -batch -iex "add-auto-load-safe-path $TOP" "$GLASS" \
		-ex "target remote $UML_DIR/$GLASS_UMID/gdb" -ex 'bt 10' >"$gout" 2>&1
	line=$(line_of 'BUG_ON(!overflow_stop)')
	grep -qE "^#[0-9]+ .* in panic \(" "$gout" &&
	grep -qE "^#[0-9]+ .*bug_fn \(.*\) at kernel/debug/inject.c:$line" "$gout" &&
		ok "panic=gdb (BUG): gdb's bt runs through panic to bug_fn at inject.c:$line" ||
		{ fail "panic=gdb (BUG): bt lacks panic or bug_fn"; cat "$gout"; }
else
	fail "panic=gdb (BUG): no 'waiting for gdb' line"
fi
pkill -KILL -P "$GLASS_PID"     # glass, not just its timeout(1)
glass_wait 2>/dev/null
finish

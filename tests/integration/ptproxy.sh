#!/bin/bash
# glass-ptproxy (ptproxy/README.md): the host's own strace attached to a
# guest process by its guest pid: attach, syscalls decoded with their
# pointer arguments (the guest's memory read through the kernel), ^C
# detaches and the guest runs on, untraced; a guest pid that does not
# exist is strace's usual "No such process". Also the figure: guest
# syscalls per second under proxied strace, and forwarded calls per
# traced syscall (glass-ptproxy --stats).
GLASS_TIMEOUT=${GLASS_TIMEOUT:-300}     # one boot for all of it, on a loaded machine too
. "$(dirname "$0")/lib.sh"

PTPROXY=$TOP/glass-ptproxy
[ -x "$PTPROXY" ] || { fail "no $PTPROXY: run make"; finish; }
command -v strace >/dev/null || { fail "strace missing (apt-get install strace)"; finish; }

SYSLOOP=$TOP/build/programs/glibc/sysloop
THREADLOOP=$TOP/build/programs/glibc/threadloop
[ -x "$SYSLOOP" ] && [ -x "$THREADLOOP" ] || { fail "no $SYSLOOP or $THREADLOOP: run make"; finish; }

mc_setup
img=$TEST_TMP/initrd.cpio
make_initramfs "$img" --add "$SYSLOOP:/bin/sysloop" --add "$THREADLOOP:/bin/threadloop" || { fail "mkinitramfs failed"; finish; }
glass_start initrd="$img" init=/bin/sh -- -c 'mount -t devtmpfs devtmpfs /dev; mount -t proc proc /proc
	yes >/dev/null & echo "BGPID $!"
	sysloop getppid 1000000000 & echo "SYSPID $!"
	threadloop 2 & echo "THREADPID $!"
	sh -c "while :; do cat /proc/version >/dev/null; done" & echo "FORKPID $!"; wait'
wait_for 20 test -S "$UML_DIR/$GLASS_UMID/ptproxy" || fail "no ptproxy socket"
if [ "$(stat -c %a "$UML_DIR/$GLASS_UMID/ptproxy")" = 600 ]; then
	ok "ptproxy socket is 0600"
else
	fail "ptproxy socket mode $(stat -c %a "$UML_DIR/$GLASS_UMID/ptproxy")"
fi
wait_for 20 grep -q '^FORKPID' "$GLASS_OUT" || fail "the guest loops did not start"
pid=$(sed -n 's/^BGPID \([0-9]*\).*/\1/p' "$GLASS_OUT")
fpid=$(sed -n 's/^FORKPID \([0-9]*\).*/\1/p' "$GLASS_OUT")
spid=$(sed -n 's/^SYSPID \([0-9]*\).*/\1/p' "$GLASS_OUT")
tpid=$(sed -n 's/^THREADPID \([0-9]*\).*/\1/p' "$GLASS_OUT")

# traced_for SECONDS ERR ARGS...: glass-ptproxy ARGS (running strace),
# its stderr to ERR, left SECONDS once strace says it attached (its own
# start-up through the proxy takes seconds on a loaded machine), then
# strace's ^C.
gone() { ! kill -0 "$1" 2>/dev/null; }
traced_for() {
	local secs=$1 err=$2 p
	shift 2
	"$PTPROXY" "$@" 2>"$err" &
	p=$!
	wait_for 60 grep -q ' attached' "$err"
	sleep "$secs"
	pkill -INT -x strace -P "$p" || kill -INT "$p"
	wait_for 20 gone "$p" || kill -KILL "$p"
	wait "$p"
}
traced_for 3 "$TEST_TMP/strace.err" --stats "$GLASS_UMID" strace -p "$pid" -o "$TEST_TMP/strace.out"
n=$(grep -c '^write(1, "y\\ny\\ny\\n' "$TEST_TMP/strace.out")
# Any decoded write shows the path works; how many is speed (`make
# bench-ptproxy`): at load 12, 8 in 3 s were seen.
if [ "$n" -ge 2 ]; then
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
note "proxied strace -p: $n_all guest syscalls in 3 s after the attach, ${calls:-?} calls forwarded" \
	"($(( ${calls:-0} / (n_all > 0 ? n_all : 1) )) per syscall)"

# Attach after attach: every stop is announced to the proxy (a lost
# PTP_EV_STOP left strace parked in wait4 for good): in each round the
# trace still grows after its first second.
stalled=
for i in 1 2 3 4 5; do
	"$PTPROXY" "$GLASS_UMID" strace -p "$pid" -o "$TEST_TMP/round.out" 2>"$TEST_TMP/round.err" &
	wait_for 60 grep -q ' attached' "$TEST_TMP/round.err"
	sleep 1
	n1=$(wc -l <"$TEST_TMP/round.out")
	sleep 2
	n2=$(wc -l <"$TEST_TMP/round.out")
	pkill -INT -x strace -P $! || kill -INT $!
	wait_for 20 gone $! || kill -KILL $!
	wait $!
	[ "$n2" -gt "$n1" ] || stalled="$stalled round $i: $n1 then $n2 lines;"
done
[ -z "$stalled" ] && ok "5 attach rounds, none stalled" || fail "strace stalled:$stalled"

# The guest runs on, untraced: its state is R or S, never t, and it
# still makes system calls (its host process's CPU time grows).
running() { mc ps; grep -qE "^ +$pid +1 [RS] .*yes\$" <<<"$MC_OUT"; }
wait_for 10 running && ok "the guest runs on after the detach" ||
	fail "guest $pid after the detach: $MC_OUT"

# gdb finds the guest program itself (/proc/PID/exe: a copy in the umid
# directory) and its symbols: bt names main in sysloop.c; a breakpoint
# in syscall() is hit on continue; stepi, info registers, x/i; detach;
# the guest runs on.
sysloop_runs() { mc ps; grep -qE "^ +$spid +1 [RS] .*sysloop\$" <<<"$MC_OUT"; }
if command -v gdb >/dev/null; then
	timeout -k 5 60 "$PTPROXY" "$GLASS_UMID" gdb -nx -batch -p "$spid" -ex bt \
		-ex 'break syscall' -ex continue -ex 'set $a = $pc' -ex stepi -ex 'p $pc != $a' \
		-ex 'info registers rip' -ex 'x/i $pc' -ex detach >"$TEST_TMP/gdb.out" 2>&1
	if grep -qE '^#[0-9]+ +0x[0-9a-f]+ in main \(.*\) at .*sysloop\.c:[0-9]+' "$TEST_TMP/gdb.out" &&
	   grep -qE '^Breakpoint 1, 0x[0-9a-f]+ in syscall \(\)' "$TEST_TMP/gdb.out" &&
	   grep -q '^\$1 = 1' "$TEST_TMP/gdb.out" &&
	   grep -qE '^rip +0x[0-9a-f]+ +0x[0-9a-f]+ <syscall\+[0-9]+>' "$TEST_TMP/gdb.out" &&
	   grep -qE '^=> 0x[0-9a-f]+ <syscall\+[0-9]+>:' "$TEST_TMP/gdb.out" &&
	   grep -q "^\[Inferior 1 (process $spid) detached\]" "$TEST_TMP/gdb.out"; then
		ok "gdb -p $spid: bt with symbols, break, continue, stepi, info registers, x/i, detach"
	else
		fail "gdb -p: $(cat "$TEST_TMP/gdb.out")"
	fi
	wait_for 10 sysloop_runs && ok "the guest runs on after gdb's detach" ||
		fail "guest $spid after gdb's detach: $MC_OUT"

	# A debugger killed (SIGKILL) while attached: mconsole ps and sysrq t
	# show the traced stop meanwhile; then the guest runs on, detached.
	timeout -k 5 60 "$PTPROXY" "$GLASS_UMID" gdb -nx -batch -p "$spid" \
		-ex 'shell sleep 30' >/dev/null 2>&1 &
	proxy=$!
	traced() { mc ps; grep -qE "^ +$spid +1 t .*\[traced by [0-9]+\]" <<<"$MC_OUT"; }
	if wait_for 20 traced; then
		ok "mconsole ps: $(grep -E "^ +$spid " <<<"$MC_OUT" | tr -s ' ')"
		mc sysrq t
		grep -qE "^sysloop +state:t pid:$spid tracer:[0-9]+ wchan:ptrace_stop" <<<"$MC_OUT" &&
			ok "sysrq t shows the traced stop and its tracer" ||
			fail "sysrq t: $MC_OUT"
	else
		fail "mconsole ps while gdb is attached: $MC_OUT"
	fi
	pkill -KILL -x gdb -P "$(pgrep -P "$proxy" -x glass-ptproxy)"
	wait "$proxy"
	wait_for 10 sysloop_runs && ok "gdb killed: the guest runs on" ||
		fail "guest $spid after gdb was killed: $MC_OUT"
else
	note "gdb missing: gdb not tried"
fi

# The /proc files a tool reads about a guest pid (here a shell given
# "-p PID"): exe is the program's copy in the umid directory, status and
# task/ are the guest's, ns/mnt and ns/pid are the tool's own namespaces
# (that part fails without the proxy only where the host pid of the same
# number is missing or in other namespaces; here a host kernel thread
# may well share ours).
"$PTPROXY" "$GLASS_UMID" sh -c 'p=$1
	readlink /proc/$p/exe; cmp "$(readlink /proc/$p/exe)" "$2" && echo same-exe
	grep -E "^(Name|Tgid):" /proc/$p/status; ls /proc/$p/task
	[ "$(readlink /proc/$p/ns/mnt)" = "$(readlink /proc/self/ns/mnt)" ] && echo own-mnt
	[ "$(readlink /proc/$p/ns/pid)" = "$(readlink /proc/self/ns/pid)" ] && echo own-pid' \
	-p "$spid" "$SYSLOOP" >"$TEST_TMP/procfiles.out" 2>&1
if [ "$(cat "$TEST_TMP/procfiles.out")" = "$UML_DIR/$GLASS_UMID/exe-$spid
same-exe
Name:	sysloop
Tgid:	$spid
$spid
own-mnt
own-pid" ]; then
	ok "/proc/$spid/{exe,status,task,ns/mnt,ns/pid} for the tool"
else
	fail "/proc files: $(cat "$TEST_TMP/procfiles.out")"
fi

# strace -p of the same program natively and in Glass: the same lines,
# modulo pids and counts, and the first and last lines (where the attach
# and the detach fell: "= ? <unavailable>", "<detached ...>").
"$SYSLOOP" getppid 1000000000 & npid=$!
sleep 0.3                       # past its start-up calls, as the guest's
timeout -k 10 -s INT 1 strace -p "$npid" -o "$TEST_TMP/native.out" 2>"$TEST_TMP/native.err"
kill "$npid"
traced_for 3 "$TEST_TMP/proxied.err" "$GLASS_UMID" strace -p "$spid" -o "$TEST_TMP/proxied.out"
norm() { sed -E '1d;$d;s/= [0-9]+$/= PID/' "$1" | sort -u; }
if [ -s "$TEST_TMP/proxied.out" ] && diff <(norm "$TEST_TMP/native.out") <(norm "$TEST_TMP/proxied.out") \
	>"$TEST_TMP/strace.diff"; then
	ok "strace -p: the same lines as native strace ($(norm "$TEST_TMP/proxied.out"))"
else
	fail "strace -p differs from native: $(head -c 600 "$TEST_TMP/strace.diff")"
fi

# -f: a shell that forks and execs cat in a loop; its children are
# followed (fork, execve, exit), ^C detaches, the loop goes on.
traced_for 3 "$TEST_TMP/stracef.err" "$GLASS_UMID" strace -f -p "$fpid" -o "$TEST_TMP/stracef.out"
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

# Threads: /proc/PID/task lists the guest's thread ids, strace -f
# attaches to the three and decodes both loop threads' calls, as native
# strace -f does on the same program (the calls each thread makes; the
# interleaving and the split <unfinished ...> lines are timing's).
calls_by_thread() {
	sed -nE 's/^([0-9]+) +(<\.\.\. )?([a-z0-9_]+)[ (].*/\1 \3/p' "$1" | sort -u |
		awk '$1 != '"$2"' { print $2 }' | sort | uniq -c
}
"$THREADLOOP" 2 & npid=$!
sleep 0.3
timeout -k 10 -s INT 1 strace -f -p "$npid" -o "$TEST_TMP/nthreads.out" 2>/dev/null
kill "$npid"
traced_for 2 "$TEST_TMP/threads.err" "$GLASS_UMID" strace -f -p "$tpid" -o "$TEST_TMP/threads.out"
if grep -q "Process $tpid attached with 3 threads" "$TEST_TMP/threads.err" &&
   [ "$(grep -c 'detached$' "$TEST_TMP/threads.err")" = 3 ] &&
   [ -n "$(calls_by_thread "$TEST_TMP/threads.out" "$tpid")" ] &&
   diff <(calls_by_thread "$TEST_TMP/nthreads.out" "$npid") \
	<(calls_by_thread "$TEST_TMP/threads.out" "$tpid") >"$TEST_TMP/threads.diff"; then
	ok "strace -f -p $tpid: 3 threads attached, as native:" $(calls_by_thread "$TEST_TMP/threads.out" "$tpid")
else
	fail "strace -f over threads: $(cat "$TEST_TMP/threads.err" "$TEST_TMP/threads.diff")" \
		"$(head -c 400 "$TEST_TMP/threads.out")"
fi
# gdb over the threads: their ids from /proc/PID/task, their names from
# /proc/PID/task/TID/comm or stat (the guest's, not the host pids'), a bt
# with symbols in each.
if command -v gdb >/dev/null; then
	timeout -k 5 60 "$PTPROXY" "$GLASS_UMID" gdb -nx -batch -p "$tpid" -ex 'info threads' \
		-ex 'thread apply all bt' -ex detach >"$TEST_TMP/gdbt.out" 2>&1
	if [ "$(grep -cE '^\*? +[0-9]+ +Thread 0x[0-9a-f]+ \(LWP [0-9]+\) "threadloop"' "$TEST_TMP/gdbt.out")" = 3 ] &&
	   [ "$(grep -cE '^#[0-9]+ +(0x[0-9a-f]+ in )?loop \(.*\) at .*threadloop\.c:[0-9]+' "$TEST_TMP/gdbt.out")" = 2 ] &&
	   grep -qE ' in main \(.*\) at .*threadloop\.c:[0-9]+' "$TEST_TMP/gdbt.out"; then
		ok "gdb -p $tpid: 3 threads named threadloop, bt in each"
	else
		fail "gdb over threads: $(grep -E 'Thread|^#|rror|arning' "$TEST_TMP/gdbt.out")" \
			"--- all of it: $(cat "$TEST_TMP/gdbt.out")"
	fi
fi
threads_run() { mc ps; [ "$(grep -cE "^ +[0-9]+ +1 [RS] .*threadloop\$" <<<"$MC_OUT")" = 3 ]; }
wait_for 10 threads_run && ok "the threads run on after the detach" ||
	fail "threadloop after strace -f: $MC_OUT"

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

#!/bin/bash
# Limits: max_tasks= against a fork bomb, mem= against memory hogs.
# (a) Fork bomb (examples/programs/forkbomb.c: every process forks again,
#     without end) under max_tasks=32: fork fails with EAGAIN (and nothing
#     else), the host processes under glass stay bounded (32 stubs and the
#     three started ahead, kernel/arch/x86_64/host_mm.c's NR_SPARES) while the bomb is held, the bomb is killed, the
#     task count returns to its boot value and fork works again.
# (b) Out of memory (examples/programs/memhog.c) under mem=48M: a hog that
#     mmaps and touches memory without end is refused with ENOMEM or killed
#     by SIGKILL with an "Out of memory: Killed process" message naming its
#     pid and comm (the OOM killer chooses it: it holds the most memory);
#     a bystander started before it keeps running and completes; free pages
#     and tasks come back and the kernel runs commands afterwards.
# (c) EFAULT, SEGV_MAPERR and SEGV_ACCERR with si_addr: t_mem in
#     guest_programs.
# (d) Resource limits from busybox's ulimit take effect and are inherited
#     (the exact counts, RLIMIT_AS, RLIMIT_STACK, exec: t_limits in
#     guest_programs), and a crash is not reported as "(core dumped)".
. "$(dirname "$0")/lib.sh"

PB=$TOP/build/programs/glibc
for p in forkbomb memhog; do
	[ -x "$PB/$p" ] || { fail "$PB/$p not built: make programs"; finish; }
done
img=$TEST_TMP/limits.cpio
make_initramfs "$img" --add "$PB/forkbomb:/bin/forkbomb" --add "$PB/memhog:/bin/memhog" ||
	{ fail "mkinitramfs failed"; finish; }
setup='mount -t proc proc /proc; mount -t devtmpfs dev /dev; mount -t tmpfs tmpfs /tmp'

# ---- (a) fork bomb ----
MAX=32
glass_start initrd="$img" max_tasks=$MAX init=/bin/sh -- -c "$setup
echo \"before \$(grep ^tasks /proc/glass/stats)\"
forkbomb 3; echo \"forkbomb status \$?\"
echo \"after \$(grep ^tasks /proc/glass/stats)\"
/bin/true && echo 'fork works'"
# GLASS_PID is timeout's; glass is its child, the stubs are glass's.
gpid=
wait_for 5 eval 'gpid=$(pgrep -P $GLASS_PID); [ -n "$gpid" ]'
most=0 held=0
if [ -n "$gpid" ]; then
	for _ in $(seq 150); do
		n=$(pgrep -P "$gpid" | wc -l)
		[ "$n" -gt "$most" ] && most=$n
		grep -q 'forkbomb: holding' "$GLASS_OUT" && held=$((held + 1))
		grep -q 'forkbomb status' "$GLASS_OUT" && break
		sleep 0.1
	done
fi
glass_wait
expect_status 0
out=$(tr -d '\r' <"$GLASS_OUT")
echo "$out" | grep -q 'fork failed with EAGAIN [1-9][0-9]* times, with another error 0 times' &&
	ok "fork bomb: $(echo "$out" | grep -m1 '^forkbomb: [0-9]')" ||
	fail "fork bomb: no EAGAIN, or other errors: $(echo "$out" | grep -m1 '^forkbomb:')"
expect_stdout_contains 'forkbomb status 0'
[ "$held" -gt 0 ] && ok "the bomb was held while counting ($held samples)" ||
	fail "never saw the bomb held"
# Tasks are capped at MAX; each has at most one stub, plus the three started ahead.
[ "$most" -ge $((MAX - 4)) ] && [ "$most" -le $((MAX + 4)) ] &&
	ok "host processes under glass peaked at $most (max_tasks=$MAX)" ||
	fail "host processes under glass peaked at $most, expected about $MAX (max_tasks=$MAX)"
before=$(echo "$out" | sed -n 's/^before //p')
after=$(echo "$out" | sed -n 's/^after //p')
[ -n "$before" ] && [ "$before" = "$after" ] && ok "fork bomb: $after after, as before" ||
	fail "fork bomb: '$before' before, '$after' after"
expect_stdout_contains 'fork works'
grep -aqE 'Kernel panic|BUG' "$GLASS_ERR" && fail "fork bomb: panic or BUG on stderr"

# ---- (b) out of memory ----
# stats: free pages (with those parked stubs hold, free at their end)
# and tasks, read by shell builtins alone, so that no process of the
# reading itself (a pipeline's members, alive at once or not, as the
# scheduler has it) is counted. The shell first runs the whole scenario
# once unmeasured: a syscall site that traps twice is patched, which
# takes the shell, a process that stays, a page or two, and which sites
# trap (a SIGCHLD's handler and sigreturn, say) depends on the timing of
# that very scenario: a lighter warm-up left one page to take about one
# run in five.
glass_run initrd="$img" mem=48M init=/bin/sh -- -c "$setup
stats() { pp=0; while read -r k v; do case \$k in free_pages) fp=\$v;; parked_pages) pp=\$v;; tasks) ts=\$v;; esac; done </proc/glass/stats; echo \"free_pages \$((fp + pp)) tasks \$ts\"; }
scenario() {
	memhog survivor 3 & s=\$!
	sleep 0.3
	memhog hog; echo \"hog status \$?\"
	wait \$s; echo \"survivor status \$?\"
}
scenario >/dev/null 2>&1; stats >/dev/null
printf 'before '; stats
scenario
printf 'after '; stats
ls /proc >/dev/null && echo 'still running'"
expect_status 0
out=$(tr -d '\r' <"$GLASS_OUT")
hogpid=$(echo "$out" | sed -n 's/^memhog: pid //p')
hogst=$(echo "$out" | sed -n 's/^hog status //p')
if echo "$out" | grep -q '^memhog: refused: Cannot allocate memory'; then
	ok "memhog refused with ENOMEM: $(echo "$out" | grep '^memhog: refused')"
	[ "$hogst" = 0 ] || fail "refused memhog exited $hogst"
elif [ "$hogst" = 137 ]; then
	grep -aq "Out of memory: Killed process $hogpid (memhog)" "$GLASS_ERR" &&
		ok "memhog (pid $hogpid) killed: $(grep -a -m1 'Out of memory' "$GLASS_ERR" | sed 's/^\[[ 0-9.]*\] //')" ||
		fail "memhog killed without an 'Out of memory: Killed process $hogpid (memhog)' message"
else
	fail "memhog neither refused nor killed (status '$hogst')"
fi
# The scenario runs twice (the warm-up): one kill each at most.
[ "$(grep -ac 'Out of memory' "$GLASS_ERR")" -le 2 ] && ok "one OOM kill a run at most" ||
	fail "more than one OOM kill a run: $(grep -a 'Out of memory' "$GLASS_ERR" | tr '\n' '|')"
echo "$out" | grep -q '^memhog: survivor ok' && expect_stdout_contains 'survivor status 0' ||
	fail "the bystander did not complete: $(echo "$out" | grep 'survivor')"
before=$(echo "$out" | sed -n 's/^before //p')
after=$(echo "$out" | sed -n 's/^after //p')
[ -n "$before" ] && [ "$before" = "$after" ] && ok "memory and tasks back: $after" ||
	fail "before: '$before', after: '$after'"
expect_stdout_contains 'still running'
grep -aqE 'Kernel panic|BUG' "$GLASS_ERR" && fail "out of memory: panic or BUG on stderr"

# A full tmpfs says ENOSPC (its size= limit, half of memory by default, as
# Linux's), and a file removed gives the room back.
glass_run init=/bin/sh -- -c 'mount -t devtmpfs d /dev; mkdir /t; mount -t tmpfs -o size=1m t /t
	dd if=/dev/zero of=/t/f bs=4k count=1000 2>&1 | grep -o "No space left on device"
	wc -c </t/f; rm /t/f
	dd if=/dev/zero of=/t/g bs=4k count=200 2>/dev/null && wc -c </t/g'
expect_output "$(printf 'No space left on device\n1048576\n819200')"
# ---- (d) resource limits, and no core-dump bit ----
glass_run init=/bin/sh -- -c 'mount -t devtmpfs d /dev
	echo "core $(ulimit -c)"
	sh -c "ulimit -n 3; exec ls /"
	(ulimit -n 10; echo "nofile in a child: $(sh -c "ulimit -n")")
	(ulimit -v 65536; dd if=/dev/zero of=/dev/null bs=128M count=1)
	sh -c "kill -SEGV \$\$"; echo "status $?"'
expect_status 0
expect_stdout_contains 'core 0'
expect_stdout_contains "ls: can't open '/': Too many open files"
expect_stdout_contains 'nofile in a child: 10'
expect_stdout_contains 'dd: out of memory'
expect_stdout_contains 'status 139'
expect_stdout_contains 'Segmentation fault'
grep -q 'core dumped' "$GLASS_OUT" && fail "a crash said '(core dumped)': no core is written" ||
	ok "no '(core dumped)' for a SIGSEGV"
finish

#!/bin/bash
# trace sched from boot: context switches with their reasons (blocked on
# a wait channel, preempted, exit), wakeups, a signal sent and delivered
# to a handler, fork, exec, exit and a death by signal, in the order they
# happened; the shell's results are as without tracing.
. "$(dirname "$0")/lib.sh"

trace=$TEST_TMP/sched.trace
glass_run trace=sched trace_file="$trace" init=/bin/sh -- -c \
	'mount -t devtmpfs dev /dev; trap "echo got-usr1" USR1; kill -USR1 $$
	 yes | head -c 300000 >/dev/null; echo "done $?"'
expect_status 0
expect_stdout_contains "got-usr1"
expect_stdout_contains "done 0"

# expect_line WHAT REGEX: a line of the trace matches.
expect_line() {
	local l
	l=$(grep -E -m1 -- "$2" "$trace")
	if [ -n "$l" ]; then ok "$1: $(sed 's/^[0-9]* *[0-9:.]* //' <<<"$l")"
	else fail "$1: no line matching '$2'"; fi
}
expect_line "init's exec" '^1 +[0-9:.]+ --- exec "/bin/sh" comm=sh ---'
expect_line "a signal sent" '^1 +[0-9:.]+ --- send SIGUSR1 to 1 ---'
expect_line "and delivered to its handler" '^1 +[0-9:.]+ --- SIGUSR1 \{si_signo=SIGUSR1, si_code=SI_USER, si_pid=1'
expect_line "a fork" '^1 +[0-9:.]+ --- fork [0-9]+ comm=sh ---'
expect_line "a child's exec" '--- exec "/bin/(mount|yes|head)'
expect_line "blocked on a pipe" '--- switch (yes|head)\[[0-9]+\] -> .* blocked on pipe_(read|write) ---'
expect_line "blocked in wait" '--- switch sh\[1\] -> .* blocked on do_wait ---'
expect_line "preempted" '--- switch .* preempted ---'
expect_line "an exit switch" '--- switch .* exit ---'
expect_line "a wakeup" '--- wakeup [0-9]+ ---'
expect_line "an exit" '\+\+\+ exited with 0 \+\+\+'
expect_line "a death by SIGPIPE" '\+\+\+ killed by SIGPIPE \+\+\+'
expect_line "the parent told (one SIGCHLD may stand for two)" '^1 +[0-9:.]+ --- SIGCHLD \{si_signo=SIGCHLD, si_code=CLD_(KILLED|EXITED)'
# The boot's first switch, before any syscall: idle to init.
head -n 3 "$trace" | grep -q -- '--- switch swapper\[0\] -> init\[1\]' &&
	ok "the boot's first switch is traced: idle to init" ||
	fail "no idle-to-init switch at the start: $(head -n 3 "$trace")"
finish

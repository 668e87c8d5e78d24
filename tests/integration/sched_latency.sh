#!/bin/bash
# Scheduler fairness: a task that sleeps 1 ms a hundred
# times must be woken promptly while other tasks live in syscalls:
# (a) beside 4 processes calling getppid without end;
# (b) beside `for (;;) fork();` under max_tasks=32.
# The bound is generous (an average under 100 ms per wake-up, where Linux
# gives a few ms): a fairness property, not a benchmark. Without kernel
# time accounting and sleeper placement the averages were 330 ms and more.
. "$(dirname "$0")/lib.sh"

PB=$TOP/build/programs/glibc
[ -x "$PB/sleeplat" ] || { fail "$PB/sleeplat not built: make programs"; finish; }
img=$TEST_TMP/sched.cpio
make_initramfs "$img" --add "$PB/sleeplat:/bin/sleeplat" || { fail "mkinitramfs failed"; finish; }
setup='mount -t proc proc /proc; mount -t devtmpfs dev /dev'

# check_latency WHAT: the sleeper's average must be under 100 ms.
check_latency() {
	local line avg
	line=$(tr -d '\r' <"$GLASS_OUT" | grep -m1 '^sleeplat: 100 wake-ups')
	avg=$(echo "$line" | sed -n 's/.*average latency \([0-9]*\) us.*/\1/p')
	if [ -z "$avg" ]; then
		fail "$1: the sleeper did not finish"
	elif [ "$avg" -lt 100000 ]; then
		ok "$1: ${line#sleeplat: }"
	else
		fail "$1: ${line#sleeplat: } (want an average under 100 ms)"
	fi
}

glass_run --timeout 120 initrd="$img" init=/bin/sh -- -c "$setup
for i in 1 2 3 4; do sleeplat getppid & done
sleep 0.2
sleeplat sleep 100
kill -9 \$(jobs -p); wait; echo done"
check_latency "beside 4 getppid loops"
expect_stdout_contains done

glass_run --timeout 120 initrd="$img" max_tasks=64 init=/bin/sh -- -c "$setup
sleeplat forkloop 100; echo done"
check_latency "beside a fork loop"
expect_stdout_contains 'sleeplat: fork loop gone'
expect_stdout_contains done
grep -aqE 'Kernel panic|BUG' "$GLASS_ERR" && fail "panic or BUG on stderr"
finish

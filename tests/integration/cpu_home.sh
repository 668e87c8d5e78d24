#!/bin/bash
# The CPU thread's home CPU (kernel/os/cpu_home.c, issue 18): on a host
# with two CPUs or more, the CPU thread is pinned to one of them, the one
# /proc/glass/stats calls cpu_home, and the monitor thread is not; when
# a process pinned to that CPU keeps it busy, the CPU thread leaves it
# (cpu_home_moves grows, and the new home is another CPU). With
# cpu_home=0 nothing is pinned. On one CPU, nothing is pinned either.
# The new home is elsewhere only if another CPU is free: make check runs
# its tests one at a time (beside a second busy process, the scheduler
# may put the CPU thread back beside the hog, as seen once).
. "$(dirname "$0")/lib.sh"

all=$(grep Cpus_allowed_list /proc/self/status | awk '{ print $2 }')
ncpu=$(nproc)

# A syscall loop between two reads of the counters, started on a line
# of input so that the hog is running before it.
script='mount -t proc proc /proc
grep "^cpu_home" /proc/glass/stats | sed "s/^/start /"
echo READY; read x
i=0
while [ $i -lt 40000 ]; do echo $i >/dev/null; i=$((i + 1)); done
grep "^cpu_home" /proc/glass/stats | sed "s/^/end /"'

count() {
	_strip_cr "$GLASS_OUT" | awk -v l="$1" -v n="$2" '$1 == l && $2 == n { print $3; exit }'
}
# thread_cpus NAME: the CPUs glass's thread NAME may run on.
thread_cpus() {
	local g t
	g=$(pgrep -P "$GLASS_PID" | head -1)
	for t in /proc/"$g"/task/*; do
		[ "$(cat "$t/comm" 2>/dev/null)" = "$1" ] &&
			awk '$1 == "Cpus_allowed_list:" { print $2 }' "$t/status" && return
	done
}

# run HOG [OPTION...]: the script; at READY the CPU and monitor threads'
# CPUs into $cpu_cpus and $mon_cpus; with HOG=1 a spinning process
# pinned to the home CPU runs while the loop does.
run() {
	local fifo=$TEST_TMP/in hog=$1 home hog_pid=
	shift
	rm -f "$fifo"
	mkfifo "$fifo"
	GLASS_TIMEOUT=120 GLASS_STDIN=$fifo glass_start "$@" init=/bin/sh -- -c "$script"
	exec 9>"$fifo"
	wait_for 60 grep -q READY "$GLASS_OUT" || fail "no READY"
	cpu_cpus=$(thread_cpus glass)
	mon_cpus=$(thread_cpus glass-monitor)
	home=$(count start cpu_home)
	if [ "$hog" = 1 ] && [ -n "$home" ] && [ "$home" -ge 0 ]; then
		taskset -c "$home" sh -c 'while :; do :; done' &
		hog_pid=$!
		sleep 0.3
	fi
	echo >&9
	exec 9>&-
	glass_wait
	[ -z "$hog_pid" ] || kill "$hog_pid"
}

if [ "$ncpu" -ge 2 ] && [ -r /proc/thread-self/schedstat ]; then
	run 1
	expect_status 0
	home=$(count start cpu_home)
	if [ -n "$home" ] && [ "$home" -ge 0 ]; then ok "pinned at boot: cpu_home $home"
	else fail "cpu_home at boot: '$home', expected a CPU"; fi
	if [ "$cpu_cpus" = "$home" ]; then ok "the CPU thread may run on CPU $home only"
	else fail "the CPU thread's CPUs: '$cpu_cpus', expected $home"; fi
	if [ "$mon_cpus" = "$all" ]; then ok "the monitor thread is not pinned ($mon_cpus)"
	else fail "the monitor thread's CPUs: '$mon_cpus', expected $all"; fi
	moves=$(count end cpu_home_moves)
	if [ -n "$moves" ] && [ "$moves" -ge 1 ]; then ok "a busy home was left: cpu_home_moves $moves"
	else fail "cpu_home_moves '$moves' after a hog on CPU $home, expected >= 1"; fi
	new=$(count end cpu_home)
	if [ -n "$new" ] && [ "$new" != "$home" ]; then ok "the home is no longer CPU $home: $new"
	else fail "cpu_home '$new' at the end, expected other than $home"; fi
else
	note "one CPU or no schedstat here: only the unpinned case is checked"
fi

run 0 cpu_home=0
expect_status 0
if [ "$(count start cpu_home)" = -1 ]; then ok "cpu_home=0: cpu_home -1"
else fail "cpu_home=0: cpu_home '$(count start cpu_home)', expected -1"; fi
if [ "$cpu_cpus" = "$all" ]; then ok "cpu_home=0: the CPU thread may run on $all"
else fail "cpu_home=0: the CPU thread's CPUs '$cpu_cpus', expected $all"; fi
if [ "$(count end cpu_home_moves)" = 0 ]; then ok "cpu_home=0: no moves"
else fail "cpu_home=0: cpu_home_moves '$(count end cpu_home_moves)'"; fi
finish

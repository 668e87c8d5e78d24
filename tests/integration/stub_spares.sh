#!/bin/bash
# Spare stubs (kernel/arch/x86_64/host_mm.c) start at the first fork, not
# at boot: an init that never forks runs beside the template and its own
# stub only (its boot used to start four more it never used); after a
# fork the spares are there for the next one.
. "$(dirname "$0")/lib.sh"

# children GLASS-PID: how many host processes glass has (stubs, the
# template; its threads are not processes).
children() { ps --ppid "$1" -o pid= 2>/dev/null | wc -l; }

# most PID SECONDS: the most children glass had, sampled for SECONDS
# after it first had two (the template and init's stub).
most() {
	local max=0 n i
	for i in $(seq 100); do [ "$(children "$1")" -ge 2 ] && break; sleep 0.05; done
	for i in $(seq $(($2 * 10))); do
		n=$(children "$1")
		[ "$n" -gt "$max" ] && max=$n
		sleep 0.1
	done
	echo "$max"
}

# init=/bin/sleep: busybox's sleep as pid 1 never forks.
"$GLASS" quiet uml_dir="$UML_DIR" umid=spares1-$$ init=/bin/sleep -- 30 \
	</dev/null >"$TEST_TMP/out1" 2>"$TEST_TMP/err1" &
gpid=$!
_bg_pids+=("$gpid")
n=$(most "$gpid" 2)
[ "$n" = 2 ] && ok "an init that never forks: 2 host processes (template, init's stub)" ||
	fail "an init that never forks: glass had $n host processes: $(ps --ppid "$gpid" -o pid=,nlwp=,comm= | tr '\n' ';')"
kill -KILL "$gpid"
wait "$gpid" 2>/dev/null

# A fork (for /bin/true), then a sleep: the template, init's stub and
# the spares started at the fork, at least.
"$GLASS" quiet uml_dir="$UML_DIR" umid=spares2-$$ init=/bin/sh -- -c '/bin/true; sleep 30' \
	</dev/null >"$TEST_TMP/out2" 2>"$TEST_TMP/err2" &
gpid=$!
_bg_pids+=("$gpid")
n=$(most "$gpid" 2)
[ "$n" -ge 5 ] && ok "after a fork: $n host processes (spares started)" ||
	fail "after a fork: glass had $n host processes (want >= 5): $(ps --ppid "$gpid" -o pid=,nlwp=,comm= | tr '\n' ';')"
kill -KILL "$gpid"
wait "$gpid" 2>/dev/null
finish

#!/bin/bash
# Time and signals, from busybox in the guest: sleep and timeout
# take the time they should (measured inside with /proc/uptime and from
# the host), the guest's clock agrees with the host's, default signal
# actions (terminate, ignore, stop, continue) and the statuses a shell
# sees, and a blocking read interrupted by a signal, with and without a
# trap. Each check is its own boot (init=/bin/sh).
. "$(dirname "$0")/lib.sh"

# Guest prologue: init= skips /init, so mount what the checks need
# (/proc for uptime and stat, /dev for the /dev/null of background jobs).
PRE='mount -t proc proc /proc && mount -t devtmpfs dev /dev || exit 99
up() { read u _ </proc/uptime; echo "$u"; }'

# in_range NAME VALUE MIN MAX: MIN <= VALUE < MAX (decimals).
in_range() {
	if awk -v v="$2" -v lo="$3" -v hi="$4" 'BEGIN { exit !(v != "" && v >= lo && v < hi) }'
	then ok "$1: $2 in [$3, $4)"
	else fail "$1: '$2' not in [$3, $4)"; fi
}
# field NAME: the value of NAME=value in the guest's output.
field() { _strip_cr "$GLASS_OUT" | sed -n "s/^$1=//p" | tail -n 1; }

# --- sleep: at least the time asked, not much more; /proc/uptime (two
# decimals) moves by as much. From the host: the whole boot and sleep.
t0=$(date +%s.%N)
glass_run quiet init=/bin/sh -- -c "$PRE"'
a=$(up); sleep 1; b=$(up); echo "d1=$(awk "BEGIN{print $b - $a}")"
a=$(up); sleep 0.3; b=$(up); echo "d03=$(awk "BEGIN{print $b - $a}")"'
t1=$(date +%s.%N)
expect_status 0
in_range "sleep 1 (guest uptime)" "$(field d1)" 0.99 5
in_range "sleep 0.3 (guest uptime)" "$(field d03)" 0.29 3
in_range "boot + sleep 1.3 (host wall time)" "$(awk "BEGIN{print $t1 - $t0}")" 1.3 10

# --- The guest's wall clock is the host's (date +%s, within 2 s).
h0=$(date +%s)
glass_run quiet init=/bin/sh -- -c 'echo "now=$(date +%s)"'
h1=$(date +%s)
expect_status 0
in_range "guest date +%s vs host [$h0, $h1]" "$(field now)" $((h0 - 2)) $((h1 + 3))
# ... and its uptime starts at boot.
glass_run quiet init=/bin/sh -- -c "$PRE"'
echo "up=$(up)"'
in_range "uptime at init" "$(field up)" 0 5

# --- timeout 1 sleep 5: SIGTERM after about a second, status 143.
glass_run quiet init=/bin/sh -- -c "$PRE"'
a=$(up); timeout 1 sleep 5; s=$?; b=$(up)
echo "status=$s"; echo "d=$(awk "BEGIN{print $b - $a}")"'
expect_status 0
[ "$(field status)" = 143 ] && ok "timeout 1 sleep 5: status 143" ||
	fail "timeout 1 sleep 5: status '$(field status)', expected 143"
in_range "timeout 1 sleep 5 (seconds)" "$(field d)" 0.99 4

# --- Default actions: terminate (143, 137, 129), ignore (SIG_IGN set by
# trap '' and a default-ignore signal), and the shell sees the status.
glass_run quiet init=/bin/sh -- -c "$PRE"'
sleep 10 & kill -TERM $!; wait $!; echo "term=$?"
sleep 10 & kill -KILL $!; wait $!; echo "kill=$?"
sleep 10 & kill -HUP $!; wait $!; echo "hup=$?"
sh -c "trap \"\" TERM; kill -TERM \$\$; echo ignored"; echo "ign=$?"
sh -c "kill -WINCH \$\$; kill -CHLD \$\$; kill -URG \$\$; echo default-ignored"; echo "dign=$?"'
expect_status 0
for kv in term=143 kill=137 hup=129 ign=0 dign=0; do
	[ "$(field "${kv%%=*}")" = "${kv#*=}" ] && ok "$kv" ||
		fail "expected $kv, got ${kv%%=*}='$(field "${kv%%=*}")'"
done
for l in ignored default-ignored; do
	_strip_cr "$GLASS_OUT" | grep -qx "$l" && ok "line '$l'" || fail "no line '$l'"
done

# --- Stop and continue: a shell stops itself with SIGSTOP, its parent
# sees it stopped (state T in /proc/PID/stat), and nothing runs until
# SIGCONT; then it finishes normally.
glass_run quiet init=/bin/sh -- -c "$PRE"'
sh -c "kill -STOP \$\$; echo after-cont" &
p=$!
i=0
while [ $i -lt 100 ]; do
	s=$(cut -d" " -f3 /proc/$p/stat)
	[ "$s" = T ] && break
	sleep 0.1; i=$((i + 1))
done
echo "state=$s"
sleep 0.5
echo "still=$(cut -d" " -f3 /proc/$p/stat)"
kill -CONT $p
wait $p; echo "status=$?"'
expect_status 0
expect_output "$(printf 'state=T\nstill=T\nafter-cont\nstatus=0')"

# --- A read blocked on a FIFO, interrupted by SIGINT from a background
# job: without a trap the shell dies of it (130); with one the trap runs
# and read fails (status 1, as busybox does natively); within seconds.
glass_run --timeout 60 quiet init=/bin/sh -- -c "$PRE"'
mkfifo /fifo
a=$(up)
sh -c "exec 3<>/fifo; (sleep 0.3; kill -INT \$\$) & read x <&3; echo not-reached"
echo "plain=$?"
sh -c "trap \"echo trapped\" INT; exec 3<>/fifo; (sleep 0.3; kill -INT \$\$) & read x <&3; echo read=\$?"
echo "trap=$?"
b=$(up); echo "d=$(awk "BEGIN{print $b - $a}")"'
expect_status 0
got=$(_strip_cr "$GLASS_OUT" | grep -v '^d=')
want=$(printf 'plain=130\ntrapped\nread=1\ntrap=0')
[ "$got" = "$want" ] && ok "interrupted reads: $(echo $got)" ||
	fail "interrupted reads: $(printf %q "$got"), expected $(printf %q "$want")"
in_range "both interrupted reads (seconds)" "$(field d)" 0.59 10
finish

#!/bin/bash
# The OOM killer, with examples/programs/memhog.c under
# mem=48M. The victim is the process holding the most memory, never init:
# (a) a hog holding nearly all memory and a small newcomer that needs
#     8 MiB: the hog is killed (Linux's "Out of memory: Killed process"
#     line names it), the newcomer completes;
# (b) init itself grows while another process holds memory: that process
#     is killed, init gets its memory and lives (Glass exits with init's 0);
# (c) init alone runs out: nothing else can be killed, so init, which
#     faulted, gets SIGKILL (Linux would panic here) and Glass exits 137.
. "$(dirname "$0")/lib.sh"

PB=$TOP/build/programs/glibc
[ -x "$PB/memhog" ] || { fail "$PB/memhog not built: make programs"; finish; }
img=$TEST_TMP/oom.cpio
make_initramfs "$img" --add "$PB/memhog:/bin/memhog" || { fail "mkinitramfs failed"; finish; }
# free: free memory in MiB, from the kernel's own count.
setup='mount -t proc proc /proc; mount -t devtmpfs dev /dev
free=$(( $(sed -n "s/^free_pages //p" /proc/glass/stats) / 256 ))'

# expect_victim PID: one OOM kill, of PID (memhog), in Linux's words.
expect_victim() {
	local n
	n=$(grep -ac 'Out of memory' "$GLASS_ERR")
	if grep -aq "Out of memory: Killed process $1 (memhog) total-vm:[0-9]*kB, anon-rss:[0-9]*kB" "$GLASS_ERR" &&
	   grep -aq "oom-kill:.*task=memhog,pid=$1," "$GLASS_ERR" && [ "$n" = 1 ]; then
		ok "the OOM killer chose pid $1: $(grep -a -m1 'Out of memory' "$GLASS_ERR" | sed 's/^\[[ 0-9.]*\] //')"
	else
		fail "expected one OOM kill, of pid '$1' (memhog); got: $(grep -a 'Out of memory' "$GLASS_ERR" | tr '\n' '|')"
	fi
}

# ---- (a) a large hog and a small newcomer ----
glass_run initrd="$img" mem=48M init=/bin/sh -- -c "$setup
memhog hold \$((free - 4)) & h=\$!
until [ \$(sed -n 's/^free_pages //p' /proc/glass/stats) -lt 2048 ]; do sleep 0.1; done
sleep 0.2; echo \"hogpid \$h\"
memhog touch 8; echo \"newcomer status \$?\"
wait \$h; echo \"hog status \$?\""
expect_status 0
out=$(tr -d '\r' <"$GLASS_OUT")
hog=$(echo "$out" | sed -n 's/^hogpid //p')
expect_stdout_contains 'memhog: touched 8 MiB'
expect_stdout_contains 'newcomer status 0'
expect_stdout_contains 'hog status 137'
expect_victim "$hog"

# ---- (b) init grows beside another process ----
glass_run initrd="$img" mem=48M init=/bin/sh -- -c "$setup
memhog hold \$((free / 2)) & h=\$!
until [ \$(sed -n 's/^free_pages //p' /proc/glass/stats) -lt \$((free * 256 / 2 + 512)) ]; do sleep 0.1; done
sleep 0.2; echo \"other \$h\"
exec memhog touch \$((free - free / 2 + 4))"
expect_status 0
out=$(tr -d '\r' <"$GLASS_OUT")
expect_stdout_contains 'MiB (pid 1)'
expect_victim "$(echo "$out" | sed -n 's/^other //p')"
grep -aq 'init killed' "$GLASS_ERR" && fail "init was killed"

# ---- (c) init alone ----
glass_run initrd="$img" mem=48M init=/bin/memhog -- touch 64
expect_status 137
expect_stderr_contains 'init killed by signal 9'
expect_stderr_contains 'Out of memory and no killable processes: killing memhog[1]'
grep -aqE 'Kernel panic|BUG[: ]' "$GLASS_ERR" && fail "panic or BUG on stderr"
finish

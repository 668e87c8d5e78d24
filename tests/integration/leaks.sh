#!/bin/bash
# Leak check: page-frame and slab-object counts return to
# their boot values after each integration scenario.
#
# One boot runs a guest script (tests/integration/leaks.sh writes it to a
# host directory the guest mounts with hostfs, with t_threads, t_mem,
# t_files and t_signal from build/programs/glibc). Scenarios, each measured
# on its own:
#   fork     fork+exit+wait of many children (background and foreground
#            subshells, fork+exec of /bin/true)
#   exec     busybox applets through the shell and through execve by path
#            (/usr/bin/seq...): `seq 1 1000 | sort -r | head -3`; a `#!`
#            script on tmpfs
#   pipes    a pipe of 300 KB; a pipe closed with data in it; FIFOs: a
#            reader and a writer, a reader killed while it waits in open
#   files    tmpfs files created, written (64 pages), hard- and
#            sym-linked, renamed, truncated and deleted; busybox copied to
#            tmpfs and run from there (its text is mmapped); t_files
#   threads  t_threads (glibc pthreads; includes exec from a thread)
#   signals  trap handlers, kill, SIGCHLD, stop/continue, signals pending at
#            death; t_signal (queued real-time signals, sigtimedwait...)
#   segv     t_mem (in a tmpfs dir: shared and private file mappings, COW,
#            SIGSEGV handlers, a child killed by a real SIGSEGV) and a shell
#            killed by SIGSEGV
#   mount    mount/umount of a tmpfs with files in it (and a busy umount),
#            a bind mount, a proc mount
#   proc     /proc files: global ones, /proc/self and /proc/1 (maps, fd/,
#            status...), ps, top -b -n 1, free, uptime, mount, dmesg
#
# The rules (what may legitimately differ, and how the test avoids it):
# - Every scenario first runs unmeasured (warm-up): the shell grows
#   its heap (brk pages), its hash of commands, its variables and the page
#   tables under them the first time it runs something; those are guest
#   pages of a process that stays, not leaks. After every warm-up the
#   counters are read: that is the boot value. Each scenario then runs again
#   and the counters must be exactly the boot value (and no process may be
#   left: tasks too). The warm-up runs twice and the boot value is the
#   second reading: a syscall site that traps twice is patched
#   (kernel/arch/x86_64/README.md), which takes the shell a page.
# - The counters are read by the shell with builtins only (`read` from
#   /proc/glass/stats: counters.script), so no extra process exists at
#   either reading; the stats file is open during both readings alike.
# - A scenario waits for all its processes, removes the files it created
#   and unmounts what it mounted; its output goes to /dev/null (a file it
#   wrote would hold page-cache pages), and only a short verdict is kept in
#   a shell variable.
# - Kernel messages (segfault reports, unknown syscalls) go to the log ring,
#   which is static memory, neither pages nor slab objects.
# - The kernel keeps no caches that grow with use (README of kernel/fs: no
#   dentry LRU, no inode cache, a hostfs inode's page cache goes with it), so
#   nothing else may differ: the measured counts must be exactly equal.
. "$(dirname "$0")/lib.sh"

PB=$TOP/build/programs/glibc
H=$TEST_TMP/host
mkdir -p "$H"
for p in t_threads t_mem t_files t_signal; do
	[ -x "$PB/$p" ] || { fail "$PB/$p not built: make programs"; finish; }
	cp "$PB/$p" "$H/"
done
cp "$TOP/tests/integration/counters.script" "$H/"

cat >"$H/leaks.sh" <<'EOF'
mount -t proc proc /proc
mount -t tmpfs tmpfs /tmp
mount -t devtmpfs dev /dev

. /mnt/counters.script        # snap: the counters, read by the shell itself

sc_fork() {
	i=0
	while [ $i -lt 40 ]; do (exit $((i % 5))) & i=$((i + 1)); done
	wait
	n=0 i=0
	while [ $i -lt 20 ]; do (exit 3); n=$((n + $?)); /bin/true; i=$((i + 1)); done
	[ $n = 60 ] && res=ok || res="exit statuses sum $n"
}

sc_exec() {
	a=$(seq 1 1000 | sort -r | head -3 | tr '\n' ' ')
	b=$(/usr/bin/seq 1 1000 | /usr/bin/sort -r | /usr/bin/head -3 | tr '\n' ' ')
	printf '#!/bin/sh\necho "script $1"\n' >/tmp/script
	chmod +x /tmp/script
	c=$(/tmp/script one)
	rm /tmp/script
	[ "$a" = "999 998 997 " ] && [ "$b" = "$a" ] && [ "$c" = "script one" ] && res=ok ||
		res="got '$a' '$b' '$c'"
}

sc_pipes() {
	a=$(yes | head -c 300000 | wc -c)
	dd if=/dev/zero bs=4096 count=10 2>/dev/null | sleep 0.05
	mkfifo /tmp/fifo
	cat /tmp/fifo >/dev/null & seq 1 5000 >/tmp/fifo
	wait
	cat /tmp/fifo & sleep 0.05; kill $!
	wait
	rm /tmp/fifo
	[ "$a" = 300000 ] && res=ok || res="pipe carried '$a' bytes"
}

sc_files() {
	mkdir /tmp/d && cd /tmp/d || { res="no /tmp/d"; return; }
	dd if=/dev/urandom of=a bs=4096 count=64 2>/dev/null
	s1=$(md5sum <a)
	mv a b && ln b c && ln -s c s
	s2=$(md5sum <s)
	truncate -s 5000 b && truncate -s 100000 c
	rm b s
	echo more >>c
	mkdir -p x/y && mv c x/y/z && mv x w
	cp /bin/busybox bb && mv bb busybox && ./busybox true
	t=$(/mnt/t_files | grep -c '^FAIL')
	cd / && rm -r /tmp/d
	[ "$s1" = "$s2" ] && [ "$t" = 0 ] && [ ! -e /tmp/d ] && res=ok ||
		res="md5 '$s1' '$s2', t_files failures $t"
}

sc_threads() {
	t=$(/mnt/t_threads; echo "status $?")
	case $t in
	*'PASS exec_from_thread'*'status 0') res=ok ;;
	*) res="t_threads: $(echo "$t" | grep -v ^PASS | tr '\n' ' ')" ;;
	esac
}

sc_signals() {
	n=0
	sh -c 'trap "exit 7" USR1; kill -USR1 $$; sleep 1'; a=$?
	trap 'n=$((n + 1))' CHLD
	(exit 0) & wait
	trap - CHLD
	sleep 10 & kill $!; wait $!; b=$?
	sleep 10 & kill -STOP $!; kill -CONT $!; kill -TERM $!; wait $!; c=$?
	# Killed while stopped, with signals pending (which one kills it
	# is not the point here).
	sleep 10 & p=$!; kill -STOP $p; kill -USR1 $p; kill -HUP $p; kill -KILL $p; wait $p; d=$?
	t=$(/mnt/t_signal | grep -c '^FAIL')
	[ "$a $b $c $t" = "7 143 143 0" ] && [ $d -gt 128 ] && [ $n -ge 1 ] && res=ok ||
		res="statuses $a $b $c $d, SIGCHLD traps $n, t_signal failures $t"
}

sc_segv() {
	mkdir /tmp/d
	t=$(TMPDIR=/tmp/d /mnt/t_mem | grep -E '^FAIL|segv_kills_child' | tr '\n' ' ')
	rm -r /tmp/d
	sh -c 'kill -SEGV $$'; a=$?
	[ "$t" = "PASS segv_kills_child " ] && [ "$a" = 139 ] && res=ok ||
		res="t_mem: '$t', sh killed by SIGSEGV: $a"
}

sc_mount() {
	mkdir /tmp/m
	mount -t tmpfs -o size=1M none /tmp/m
	dd if=/dev/zero of=/tmp/m/f bs=4096 count=16 2>/dev/null
	mkdir /tmp/m/sub && echo x >/tmp/m/sub/g
	cd /tmp/m/sub && umount /tmp/m; a=$?
	cd /
	mkdir /tmp/b && mount --bind /tmp/m /tmp/b && umount /tmp/b && rmdir /tmp/b
	umount /tmp/m; b=$?
	mount -t proc proc /tmp/m && cat /tmp/m/meminfo >/dev/null && umount /tmp/m; c=$?
	rmdir /tmp/m
	[ $a != 0 ] && [ $b = 0 ] && [ $c = 0 ] && [ ! -e /tmp/m ] && res=ok ||
		res="busy umount $a, umount $b, proc mount $c"
}

sc_proc() {
	cat /proc/meminfo /proc/uptime /proc/version /proc/mounts /proc/filesystems \
		/proc/cmdline /proc/stat /proc/loadavg /proc/devices /proc/sys/kernel/hostname \
		/proc/self/maps /proc/self/status /proc/self/stat /proc/self/statm \
		/proc/self/cmdline /proc/self/environ /proc/1/maps /proc/1/status >/dev/null
	ls -l /proc/self/ /proc/self/fd/ /proc/1/fd/ /proc/1/task/ /proc/thread-self/ >/dev/null
	readlink /proc/self/exe /proc/self/cwd /proc/1/root >/dev/null
	cat /proc/self/exe >/dev/null
	ps >/dev/null && top -b -n 1 >/dev/null && free >/dev/null && uptime >/dev/null &&
		mount >/dev/null && dmesg >/dev/null && res=ok || res="a /proc reader failed"
}

SCENARIOS="fork exec pipes files threads signals segv mount proc"
for s in $SCENARIOS $SCENARIOS; do
	res=
	sc_$s >/dev/null 2>&1
	echo "WARM $s $res"
done
snap; snap; boot=$now
echo "BOOT $boot"
for s in $SCENARIOS; do
	snap; before=$now
	res=
	sc_$s >/dev/null 2>&1
	snap
	echo "SCENARIO $s | before $before | after $now | $res"
done
EOF

glass_run --timeout 120 init=/bin/sh H="$H" -- -c \
	'mount -t hostfs none /mnt -o "$H" && sh /mnt/leaks.sh'
expect_status 0
out=$(tr -d '\r' <"$GLASS_OUT")
boot=$(echo "$out" | sed -n 's/^BOOT //p')
[ -n "$boot" ] && ok "boot values: $boot" || fail "no boot values"
for s in fork exec pipes files threads signals segv mount proc; do
	line=$(echo "$out" | grep "^SCENARIO $s |")
	if [ -z "$line" ]; then
		fail "$s: did not run"
		continue
	fi
	before=$(echo "$line" | awk -F' [|] ' '{ sub(/^before /, "", $2); print $2 }')
	after=$(echo "$line" | awk -F' [|] ' '{ sub(/^after /, "", $3); print $3 }')
	res=$(echo "$line" | awk -F' [|] ' '{ print $4 }')
	[ "$res" = ok ] || fail "$s: the scenario itself failed: $res"
	if [ "$before" = "$boot" ] && [ "$after" = "$boot" ]; then
		ok "$s: back to the boot values"
	else
		fail "$s: boot '$boot', before '$before', after '$after'"
	fi
done
echo "$out" | grep '^WARM' | grep -v ' ok$' | sed 's/^/# warm-up did not pass: /'
grep -aqE 'Kernel panic|BUG' "$GLASS_ERR" && fail "panic or BUG on stderr"
finish

#!/bin/bash
# The example modules of examples/modules, as a module author uses them:
# each is built out of tree (make -C <glass> M=DIR, into a scratch copy:
# the source tree stays clean), loaded with busybox insmod, used, and
# unloaded with rmmod, 3 times in one boot, with the page and slab counts
# back at their value before the cycles; then buggy's three faults, each
# in a boot of its own.
#
# The uses (the guest script below):
#   hello      name= and count= parameters reach its init and exit messages
#   glasschar  glasschar_user (examples/modules/glasschar): a reader asleep
#              in read until a writer writes, a signal ending a sleeping
#              read, the ioctls, O_NONBLOCK, a full buffer; /dev/glasschar
#              appears with insmod and goes with rmmod, which is refused
#              while the device is open
#   glassproc  /proc/glassproc's counter advances per read, a write sets
#              it, the entry goes with rmmod, even while open (the open
#              file then fails with EIO, as Linux's)
#   ticker     /proc/ticker's count advances while the module is loaded;
#              its kernel thread exists while loaded and is gone after
#              rmmod
#
# Counts: as tests/integration/leaks.sh reads them (shell builtins only,
# from /proc/glass/stats: counters.script). Each module first runs one
# cycle unmeasured (warm-up), because the guest shell (pid 1, which
# stays) grows its own memory the first time it runs its functions: 14
# pages between the first reading and the first use, on 2026-12-06, with
# the same counts before and after insmod/rmmod themselves; no module
# needed a warm-up of its own then (each module's first cycle left the
# counts as it found them). After the warm-up the counters are read; after
# the 3 measured cycles they must be exactly the same (and the task count
# too).
#
# buggy (one boot each):
#   null      the writer is killed by an oops (Linux's behaviour for a
#             fault in a syscall) and the kernel runs on
#   bug       BUG_ON panics in Glass (docs/DESIGN.md: broken invariants
#             panic), naming the condition and buggy.c's line, with a core
#   deadlock  the writer sleeps for ever on buggy_lock, which it holds; the
#             hung-task detector reports it with the lock, its holder and
#             the module's frames
# The faulting module frame: its address must lie inside buggy_write
# (computed from the .ko's symbol table and where the module was loaded),
# and its line must match MODULE_FRAME_RE below.
. "$(dirname "$0")/lib.sh"

# How an oops or panic backtrace line shows a frame in buggy_write, given
# its address (printf's %s): func+off/size [module] (file:line), the line
# from the module's debug info (moddebug/README.md).
MODULE_FRAME_RE='\[<0*%s>\] buggy_write\+0x[0-9a-f]+/0x[0-9a-f]+ \[buggy\] \(.*/buggy\.c:[0-9]+\)'

MODS=(hello glasschar glassproc ticker buggy)
SRC=$TEST_TMP/src
STAGE=$TEST_TMP/stage
mkdir -p "$STAGE/mods"
cp -r "$TOP/examples/modules" "$SRC"

# ---- build, out of tree, into the scratch copy ----
t0=$(date +%s)
before=$(cd "$TOP" && git status --porcelain --ignored examples/modules 2>/dev/null)
for m in "${MODS[@]}"; do
	if make -s -C "$TOP" M="$SRC/$m" >"$TEST_TMP/build-$m.log" 2>&1 && [ -f "$SRC/$m/$m.ko" ]; then
		ok "$m.ko builds out of tree"
		cp "$SRC/$m/$m.ko" "$STAGE/mods/"
	else
		fail "$m.ko does not build: $(tail -n 5 "$TEST_TMP/build-$m.log")"
	fi
done
[ "$(cd "$TOP" && git status --porcelain --ignored examples/modules 2>/dev/null)" = "$before" ] &&
	ok "the source tree is untouched by the builds" ||
	fail "building left files in examples/modules"
gcc -static -O2 -Wall -Wextra -Werror -Wno-unused-parameter -I"$SRC/glasschar" \
	-o "$STAGE/mods/glasschar_user" "$SRC/glasschar/glasschar_user.c" ||
	fail "glasschar_user does not build"
note "builds took $(($(date +%s) - t0)) s"
[ ${#MODS[@]} = "$(ls "$STAGE/mods"/*.ko 2>/dev/null | wc -l)" ] || finish

# ---- boot 1: load, use, unload each module 3 times ----
cat >"$STAGE/uses.sh" <<'EOF'
mount -t proc proc /proc
mount -t tmpfs tmpfs /tmp
mount -t devtmpfs dev /dev
cd /mods

. /test/counters.script       # snap: the counters, read by the shell itself

# One line of /proc/NAME's "key: value" text, by the shell.
field() {
	while read -r k v rest; do
		[ "$k" = "$2:" ] && { val=$v; return 0; }
	done <"$1"
	val=
	return 1
}

log_has() { dmesg | grep -qF "$1"; }

use_hello() {
	insmod hello.ko name=glass count=2 || return 1
	log_has "hello: hello, glass (2)" || return 2
	grep -q '^hello ' /proc/modules || return 3
	rmmod hello || return 4
	log_has "hello: goodbye, glass (2)" || return 5
	! grep -q '^hello ' /proc/modules || return 6
}

use_glasschar() {
	insmod glasschar.ko || return 1
	[ -c /dev/glasschar ] || return 2
	./glasschar_user >/tmp/user.out 2>&1 || { cat /tmp/user.out; rm /tmp/user.out; return 3; }
	rm /tmp/user.out
	exec 3</dev/glasschar
	rmmod glasschar 2>/dev/null && return 4         # open: in use
	exec 3<&-
	rmmod glasschar || return 5
	[ ! -e /dev/glasschar ] || return 6
}

use_glassproc() {
	insmod glassproc.ko || return 1
	field /proc/glassproc reads && a=$val || return 2
	field /proc/glassproc reads && b=$val || return 3
	[ "$b" = $((a + 1)) ] || return 4
	echo 41 >/proc/glassproc || return 5
	field /proc/glassproc reads && [ "$val" = 42 ] || return 6
	field /proc/glassproc reader && [ -n "$val" ] || return 7
	# Open across rmmod: the entry goes, the open file fails with EIO.
	exec 4</proc/glassproc
	rmmod glassproc || return 8
	[ ! -e /proc/glassproc ] || return 9
	read -r x <&4 2>/dev/null && return 10
	exec 4<&-
}

use_ticker() {
	insmod ticker.ko interval_ms=20 || return 1
	field /proc/ticker ticks && a=$val || return 2
	snap; [ "$ts" -gt "$ts0" ] || return 3          # its thread
	sleep 1
	field /proc/ticker ticks && b=$val || return 4
	[ "$b" -gt "$a" ] || return 5
	rmmod ticker || return 6
	[ ! -e /proc/ticker ] || return 7
	snap; [ "$ts" = "$ts0" ] || return 8            # the thread is gone
}

for m in hello glasschar glassproc ticker; do
	snap; ts0=$ts
	use_$m; r=$?
	echo "RESULT $m warm-up $r"
	snap; base=$now
	for i in 1 2 3; do
		use_$m; echo "RESULT $m cycle $i $?"
	done
	snap
	echo "COUNTS $m before: $base"
	echo "COUNTS $m after:  $now"
done
echo "=== DONE"
EOF
img=$TEST_TMP/uses.cpio
make_initramfs "$img" --add "$STAGE/mods:/mods" --add "$STAGE/uses.sh:/test/uses.sh" \
	--add "$TOP/tests/integration/counters.script:/test/counters.script" ||
	{ fail "mkinitramfs failed"; finish; }
t0=$(date +%s)
glass_run --timeout 120 initrd="$img" init=/bin/sh -- /test/uses.sh
note "boot 1 (4 modules x 4 cycles) took $(($(date +%s) - t0)) s"
out=$TEST_TMP/uses.out
tr -d '\r' <"$GLASS_OUT" >"$out"
grep -qx '=== DONE' "$out" || fail "the guest script did not finish"
for m in hello glasschar glassproc ticker; do
	for c in warm-up "cycle 1" "cycle 2" "cycle 3"; do
		if grep -qx "RESULT $m $c 0" "$out"; then ok "$m $c: loaded, used, unloaded"
		else fail "$m $c: $(grep "^RESULT $m $c " "$out" || echo 'no result') (step that failed: the use_$m return code)"; fi
	done
	b=$(sed -n "s/^COUNTS $m before: //p" "$out")
	a=$(sed -n "s/^COUNTS $m after:  //p" "$out")
	if [ -n "$b" ] && [ "$a" = "$b" ]; then ok "$m: counts after 3 cycles as before ($b)"
	else fail "$m: counts before '$b', after '$a'"; fi
done
grep '^FAIL' "$out" | head -n 20

# ---- buggy: one boot per fault ----
cat >"$STAGE/buggy.sh" <<'EOF'
mount -t proc proc /proc
mount -t tmpfs tmpfs /tmp
mount -t devtmpfs dev /dev
mount -t sysfs sysfs /sys
cd /mods
insmod buggy.ko || exit 1
echo "MODULE $(cat /proc/modules)"
echo "TEXT $(cat /sys/module/buggy/sections/.text 2>/dev/null)"
case $1 in
null|bug)
	sh -c "echo $1 >/dev/buggy"
	echo "WRITER status $?"
	rmmod buggy 2>&1
	echo "ALIVE"
	;;
deadlock)
	sh -c 'echo deadlock >/dev/buggy' &
	echo "WRITER pid $!"
	i=0
	until dmesg | grep -q 'blocked for more than'; do
		i=$((i + 1)); [ $i -lt 60 ] || break
		sleep 1
	done
	;;
esac
echo "=== DONE"
EOF
img=$TEST_TMP/buggy.cpio
make_initramfs "$img" --add "$STAGE/mods:/mods" --add "$STAGE/buggy.sh:/test/buggy.sh" ||
	{ fail "mkinitramfs failed"; finish; }

# The address range [lo, hi) of a function of buggy.ko in this run, from
# the .text address the guest printed (sysfs; else the module's base,
# where the loader places .text first) and the .ko's symbol table.
func_range() {
	local text val size
	text=$(sed -n 's/^TEXT //p' "$1" | tr -d '\r')
	[ -n "$text" ] || text=$(sed -n 's/^MODULE buggy [0-9]* [0-9]* [^ ]* [^ ]* \(0x[0-9a-f]*\).*/\1/p' "$1" | tr -d '\r')
	read -r val size < <(nm -S "$STAGE/mods/buggy.ko" | awk -v f="$2" '$4 == f { print $1, $2 }')
	[ -n "$text" ] && [ -n "$val" ] || return 1
	lo=$((text + 0x$val))
	hi=$((lo + 0x$size))
}

# expect_frame_in FUNC ADDR-HEX: ADDR lies in FUNC, and a backtrace line
# shows that frame as MODULE_FRAME_RE says.
expect_frame_in() {
	local a=$((0x$2)) re
	if func_range "$TEST_TMP/buggy.out" "$1" && [ $a -ge $lo ] && [ $a -lt $hi ]; then
		ok "the faulting frame 0x$2 is in $1 [buggy]"
	else
		fail "frame 0x$2 is not in $1 (range ${lo:-?}-${hi:-?})"
	fi
	# shellcheck disable=SC2059
	re=$(printf "$MODULE_FRAME_RE" "$2")
	if grep -Eq -- "$re" "$GLASS_ERR"; then ok "the backtrace shows the frame in $1"
	else fail "no backtrace line matches '$re'"; fi
}

# null: an oops kills the writer; the kernel runs on.
glass_run --timeout 60 initrd="$img" init=/bin/sh -- /test/buggy.sh null
tr -d '\r' <"$GLASS_OUT" >"$TEST_TMP/buggy.out"
expect_status 0
expect_stderr_contains "BUG: kernel NULL pointer dereference, address: 0000000000000000"
expect_stderr_contains "Oops: SIGSEGV"
expect_stderr_contains "---[ end trace: killing task"
grep -qx "WRITER status 139" "$TEST_TMP/buggy.out" && ok "the writer died of SIGSEGV" ||
	fail "writer: $(grep '^WRITER' "$TEST_TMP/buggy.out")"
grep -qx "ALIVE" "$TEST_TMP/buggy.out" && ok "the kernel ran on" ||
	fail "the kernel did not run on after the oops"
note "rmmod after the oops: $(grep '^rmmod' "$TEST_TMP/buggy.out" || echo 'unloaded')"
rip=$(sed -n 's/.*RIP: \([0-9a-f]*\) .*/\1/p' "$GLASS_ERR" | head -n 1)
expect_frame_in buggy_write "${rip:-0}"

# bug: BUG_ON panics, naming the condition and the line.
line=$(grep -n 'BUG_ON(' "$SRC/buggy/buggy.c" | cut -d: -f1)
glass_run --timeout 60 initrd="$img" init=/bin/sh -- /test/buggy.sh bug
tr -d '\r' <"$GLASS_OUT" >"$TEST_TMP/buggy.out"
expect_status 134
expect_stderr_contains "Kernel panic - not syncing: BUG: cmd[0] == 'b' at $SRC/buggy/buggy.c:$line"
expect_stderr_contains "panic: core written to"
# The caller of panic is buggy_write: the frame after panic's own.
ret=$(grep -A1 '\] panic+0x' "$GLASS_ERR" | sed -n 's/.*#[0-9]* \[<\([0-9a-f]*\)>\].*/\1/p' | sed -n 2p)
expect_frame_in buggy_write "${ret:-0}"

# deadlock: the hung-task detector names the task, the lock and the frames.
glass_run --timeout 90 hung_task_timeout_secs=2 initrd="$img" init=/bin/sh -- /test/buggy.sh deadlock
tr -d '\r' <"$GLASS_OUT" >"$TEST_TMP/buggy.out"
pid=$(sed -n 's/^WRITER pid //p' "$TEST_TMP/buggy.out")
expect_status 0
expect_stderr_contains "INFO: task sh:$pid blocked for more than 2 seconds."
expect_stderr_contains "waiting for lock buggy_lock held by sh:$pid"
for f in 'buggy_log[.+].* \[buggy\]' 'buggy_write\+.* \[buggy\]' '__do_sys_write\+'; do
	grep -A12 "INFO: task sh:$pid blocked" "$GLASS_ERR" | grep -Eq " $f" &&
		ok "the hung-task backtrace has $f" || fail "the hung-task backtrace lacks $f"
done

finish

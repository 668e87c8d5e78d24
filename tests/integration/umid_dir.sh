#!/bin/bash
# The umid directory: mode 0700, a pid file while running, removed on exit;
# a second glass with the same umid refused; a stale directory reused; a
# uml_dir too long for a unix socket path refused clearly. Glass never
# deletes or chmods what it did not make: bad umids (.., ., a
# '/', too long) are refused before anything is touched; an existing
# directory that is not a stale Glass one (a user's files, a symlink, a
# live pid, a foreign file beside a dead pid) is refused untouched; a
# failed start (a bad initrd, a stub that cannot spawn, valgrind) leaves
# no umid directory; a panic keeps only core and console.log.
. "$(dirname "$0")/lib.sh"

# 1. While running: mode 0700 and a pid file naming the glass process.
fifo=$TEST_TMP/hold
mkfifo "$fifo"
# init blocks reading stdin (the fifo) until we write to it.
GLASS_STDIN=$fifo glass_start init=/bin/sh -- -c 'read x; echo got $x'
exec 9>"$fifo"
dir=$UML_DIR/$GLASS_UMID
umid1=$GLASS_UMID
pid1=$GLASS_PID
out1=$GLASS_OUT
err1=$GLASS_ERR
if wait_for 20 test -s "$dir/pid"; then
	ok "pid file present while running"
	mode=$(stat -c %a "$dir")
	[ "$mode" = 700 ] && ok "umid dir mode 0700" || fail "umid dir mode $mode, expected 700"
	pidf=$(tr -dc 0-9 <"$dir/pid")
	if [ -n "$pidf" ] && [ -d "/proc/$pidf" ] && grep -q glass "/proc/$pidf/cmdline" 2>/dev/null; then
		ok "pid file names a live glass ($pidf)"
	else
		fail "pid file says '$pidf', not a live glass"
	fi

	# 2. A second glass with the same umid is refused with a clear message.
	glass_run --umid "$umid1" init=/bin/true
	if [ "$GLASS_STATUS" != 0 ] && grep -qiE "in use|already|running|busy|held" "$GLASS_ERR" &&
		grep -qF "$umid1" "$GLASS_ERR"; then
		ok "second glass with umid $umid1 refused: $(head -n1 "$GLASS_ERR")"
	else
		fail "second glass with the same umid not refused clearly (status $GLASS_STATUS)"
	fi
	[ -d "$dir" ] && [ -s "$dir/pid" ] || fail "refused glass disturbed the first one's umid dir"
else
	fail "no pid file in $dir within 20 s"
fi
echo go >&9
exec 9>&-
GLASS_PID=$pid1 GLASS_OUT=$out1 GLASS_ERR=$err1 GLASS_UMID=$umid1
glass_wait
expect_status 0
# The console echoes its input (a tty with ECHO), so look for the reply.
expect_stdout_contains "got go"
[ -e "$dir" ] && fail "umid dir $dir left after exit" || ok "umid dir removed on exit"

# 3. A stale directory from a dead process, holding only names Glass
# gives its files (a dead socket, a core), is reused.
stale=stale-$$
mkdir -m 700 "$UML_DIR/$stale"
sh -c 'exit 0' & deadpid=$!
wait $deadpid
echo "$deadpid" >"$UML_DIR/$stale/pid"
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).bind(sys.argv[1])' \
	"$UML_DIR/$stale/mconsole"
echo old >"$UML_DIR/$stale/core"
echo old >"$UML_DIR/$stale/console.log"
glass_run --umid "$stale" init=/bin/sh -- -c 'echo reused'
expect_status 0
expect_output reused
[ -e "$UML_DIR/$stale" ] && fail "stale umid dir left after exit" || ok "stale dir removed on exit"

# 4. A uml_dir whose socket paths cannot fit in sun_path (108 bytes).
long=$TEST_TMP/$(printf 'd%.0s' $(seq 1 120))
mkdir -p "$long"
GLASS_UMID=long
_last_cmd="glass uml_dir=$long umid=x init=/bin/true"
timeout -k 5 30 "$GLASS" "uml_dir=$long" umid=x init=/bin/true </dev/null \
	>"$TEST_TMP/long.out" 2>"$TEST_TMP/long.err"
st=$?
GLASS_STATUS=$st GLASS_OUT=$TEST_TMP/long.out GLASS_ERR=$TEST_TMP/long.err
if [ "$st" != 0 ] && [ "$st" -lt 124 ] && grep -qiE "too long|long" "$GLASS_ERR"; then
	ok "too-long uml_dir refused: $(head -n1 "$GLASS_ERR")"
else
	fail "too-long uml_dir not refused clearly (status $st)"
fi

# snap DIR: names, types, modes and contents under DIR (DIR itself too).
snap() {
	find "$1" -printf '%P %y %m %s\n' | sort
	find "$1" -type f -exec md5sum {} + | sort
}
# refused WHAT ARGS...: glass ARGS exits 2 naming umid= and leaves $guard
# (a snapshot taken before) as it was.
refused() {
	local what=$1 before
	shift
	before=$(snap "$guard")
	glass_run --no-umid "$@" init=/bin/true
	if [ "$GLASS_STATUS" = 2 ] && grep -q "umid=" "$GLASS_ERR"; then
		ok "$what refused: $(grep -o 'glass: .*' "$GLASS_ERR" | head -n1 | cut -c1-110)"
	else
		fail "$what: status $GLASS_STATUS, expected 2 with a message naming umid="
	fi
	[ "$(snap "$guard")" = "$before" ] && ok "$what: nothing touched" ||
		fail "$what: files or modes under $guard changed"
}

# 5. Bad umids, with the default uml_dir ($HOME/.uml): umid=.. would be
# $HOME itself. Nothing is created, deleted or chmodded.
home=$TEST_TMP/home
mkdir -p "$home/docs"
echo precious >"$home/notes.txt"
echo report >"$home/docs/report.txt"
chmod 755 "$home" "$home/docs"
guard=$home
long=$(printf 'u%.0s' $(seq 1 64))
for u in .. . a/b ../docs "$long"; do
	HOME=$home refused "umid=${u:0:20}" "umid=$u"
done
[ -e "$home/.uml" ] && fail "a refused umid created $home/.uml" || ok "no .uml created for refused umids"
# 63 bytes is allowed (a short uml_dir, for the socket path's limit).
glass_run --no-umid "uml_dir=$TEST_TMP/u" "umid=${long:1}" init=/bin/sh -- -c 'echo sixty-three'
expect_status 0
expect_output sixty-three

# 6. An existing directory that is not Glass's: refused, files and modes
# intact (uml_dir=D umid=docs with D/docs/report.txt).
guard=$home
refused "uml_dir=HOME umid=docs" "uml_dir=$home" umid=docs
# A symbolic link at the umid path: refused, its target intact.
ln -s "$home/docs" "$UML_DIR/link"
refused "a symlink at the umid path" "uml_dir=$UML_DIR" umid=link
grep -q "is a symbolic link" "$GLASS_ERR" || fail "the symlink refusal does not say it is one"
[ -L "$UML_DIR/link" ] && ok "the symlink is still there" || fail "the symlink was removed"
# A dead pid beside a file Glass does not make: refused, the file kept.
odd=$UML_DIR/odd
mkdir -m 755 "$odd"
echo "$deadpid" >"$odd/pid"
echo mine >"$odd/notes.txt"
guard=$odd
refused "a dead pid beside a foreign file" "uml_dir=$UML_DIR" umid=odd
# A pid file naming a live process (not holding the lock): refused.
sleep 60 & live=$!
alive_dir=$UML_DIR/alive
mkdir -m 700 "$alive_dir"
echo "$live" >"$alive_dir/pid"
guard=$alive_dir
refused "a pid file naming a live process" "uml_dir=$UML_DIR" umid=alive
kill "$live"
# uml_dir itself: made 0700 when missing.
glass_run --no-umid "uml_dir=$TEST_TMP/new/uml" umid=n init=/bin/true
[ "$(stat -c %a "$TEST_TMP/new/uml")" = 700 ] && ok "a missing uml_dir is made 0700" ||
	fail "new uml_dir has mode $(stat -c %a "$TEST_TMP/new/uml")"

# 7. Failed starts leave no umid directory. A bad initrd is found after
# the directory is made.
glass_run --umid failed-initrd initrd=/nonexistent init=/bin/true
[ "$GLASS_STATUS" = 2 ] && ok "bad initrd: exit 2" || fail "bad initrd: status $GLASS_STATUS"
[ -e "$UML_DIR/failed-initrd" ] && fail "bad initrd left $UML_DIR/failed-initrd" ||
	ok "bad initrd: no umid directory left"
# No stub can be spawned: RLIMIT_NPROC of 1 (for a user other than root,
# whom the host exempts), on a copy of glass that user can run.
np=$TEST_TMP/nproc
mkdir -m 777 "$np"
chmod 711 "$TEST_TMP"
cp "$GLASS" "$np/glass"
if [ "$(id -u)" = 0 ]; then
	as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
else
	as_user=()
fi
_last_cmd="${as_user[*]} prlimit --nproc=1 glass uml_dir=$np umid=nostub"
GLASS_OUT=$TEST_TMP/nostub.out GLASS_ERR=$TEST_TMP/nostub.err GLASS_UMID=nostub
timeout -k 5 60 ${as_user[@]+"${as_user[@]}"} prlimit --nproc=1 "$np/glass" "uml_dir=$np" \
	umid=nostub init=/bin/true </dev/null >"$GLASS_OUT" 2>"$GLASS_ERR"
GLASS_STATUS=$?
if [ "$GLASS_STATUS" = 1 ] && grep -q "cannot start a stub process" "$GLASS_ERR"; then
	ok "no stub: one-line error, exit 1"
else
	fail "no stub: status $GLASS_STATUS, expected 1 with 'cannot start a stub process'"
fi
[ -e "$np/nostub" ] && fail "no stub: left $np/nostub ($(ls "$np/nostub" | tr '\n' ' '))" ||
	ok "no stub: no umid directory left"
# valgrind cannot follow the stub spawn: refused before anything is made.
if command -v valgrind >/dev/null; then
	_last_cmd="valgrind glass uml_dir=$UML_DIR umid=vg"
	GLASS_OUT=$TEST_TMP/vg.out GLASS_ERR=$TEST_TMP/vg.err GLASS_UMID=vg
	timeout -k 5 120 valgrind -q "$GLASS" "uml_dir=$UML_DIR" umid=vg init=/bin/true \
		</dev/null >"$GLASS_OUT" 2>"$GLASS_ERR"
	GLASS_STATUS=$?
	[ "$GLASS_STATUS" = 1 ] && grep -q "valgrind cannot run Glass" "$GLASS_ERR" &&
		ok "valgrind: refused with a message" || fail "valgrind: status $GLASS_STATUS"
	[ -e "$UML_DIR/vg" ] && fail "valgrind left $UML_DIR/vg" || ok "valgrind: no umid directory left"
else
	note "no valgrind on this host: its refusal not checked"
fi

# 8. A panic keeps core and console.log, not the dead socket or pid file.
if command -v uml_mconsole >/dev/null; then
	glass_start inject=1 init=/bin/sh -- -c 'sleep 30'
	dir=$UML_DIR/$GLASS_UMID
	if wait_for 20 test -S "$dir/mconsole"; then
		timeout 20 uml_mconsole "$dir/mconsole" inject oops-irq >/dev/null 2>&1
		glass_wait
		expect_status 134
		left=$(ls "$dir" | tr '\n' ' ')
		[ "$left" = "console.log core " ] && ok "after a panic only core and console.log remain" ||
			fail "after a panic $dir holds: $left"
		# Restarting on it is refused: its core is not Glass's to delete.
		guard=$dir
		refused "a directory kept after a panic" "uml_dir=$UML_DIR" "umid=$GLASS_UMID"
	else
		fail "no mconsole socket in $dir"
	fi
else
	fail "uml_mconsole missing (apt-get install uml-utilities)"
fi
finish

#!/bin/bash
# The umid directory: mode 0700, a pid file while running, removed on exit;
# a second glass with the same umid refused; a stale directory reused; a
# uml_dir too long for a unix socket path refused clearly.
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

# 3. A stale directory from a dead process is reused.
stale=stale-$$
mkdir -m 700 "$UML_DIR/$stale"
sh -c 'exit 0' & deadpid=$!
wait $deadpid
echo "$deadpid" >"$UML_DIR/$stale/pid"
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
finish

#!/bin/bash
# When glass dies — even by SIGKILL, which it cannot
# catch — no host process it started (the address-space stubs) survives.
# Also: the umid directory of a SIGKILLed glass is reused by the next one.
. "$(dirname "$0")/lib.sh"

stubs_of() { pgrep -P "$1" 2>/dev/null; }

for how in KILL TERM; do
	umid=orphans-$$-$how
	"$GLASS" quiet uml_dir="$UML_DIR" umid=$umid init=/bin/sh -- -c \
		'mount -t devtmpfs dev /dev; sleep 30 & sleep 30 & (sleep 30; :) & sleep 30' \
		</dev/null >/dev/null 2>"$TEST_TMP/err" &
	gpid=$!
	_bg_pids+=("$gpid")
	# Wait until the guests' address spaces exist (init + 4 processes).
	for _ in $(seq 100); do
		[ "$(stubs_of $gpid | wc -l)" -ge 5 ] && break
		sleep 0.1
	done
	stubs=$(stubs_of $gpid | tr '\n' ' ')
	[ "$(echo $stubs | wc -w)" -ge 5 ] && ok "SIG$how: glass $gpid runs stubs: $stubs" ||
		fail "SIG$how: expected at least 5 stub processes, saw: $stubs"
	kill -$how $gpid
	wait $gpid 2>/dev/null
	left=
	for _ in $(seq 50); do
		left=
		for p in $stubs; do
			# Gone, or a zombie waiting for the host's init to reap it.
			st=$(awk '{print $3}' /proc/$p/stat 2>/dev/null)
			[ -n "$st" ] && [ "$st" != Z ] && left="$left $p"
		done
		[ -z "$left" ] && break
		sleep 0.1
	done
	[ -z "$left" ] && ok "SIG$how: every stub ended with glass" ||
		fail "SIG$how: stubs still running after glass died:$left"
done

# The KILLed glass left its umid directory behind; its pid file's lock died
# with it, so the same umid boots again.
glass_run umid=orphans-$$-KILL init=/bin/sh -- -c 'echo reused'
expect_status 0
expect_output reused
finish

#!/bin/bash
# An interactive session on a terminal:
# ./glass's default /init shell driven through a
# pseudo-terminal by interactive.py (Debian's /usr/bin/python3, standard
# library only). ^C ends `sleep 100` ($? = 130); ^Z stops it, fg resumes
# it, ^C ends it; `while :; do :; done &` leaves the shell responsive (the
# tick preempts it) and kill %1 ends it; an INT trap runs on ^C; line
# editing (backspace, arrows, history); stty size follows the host
# terminal; ^D ends the shell and glass exits 0. The host terminal is raw
# while glass runs and its settings are restored after ^D, SIGTERM,
# SIGHUP and poweroff -f.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
if [ ! -x $PY ]; then
	fail "$PY is missing (scripts/deps.sh check installs python3)"
	finish
fi
# Each session's guest console transcript is printed on failure; glass's
# stderr goes to LOGDIR.
mkdir -p "$TEST_TMP/log"
if timeout -k 5 250 $PY "$TOP/tests/integration/interactive.py" \
	"$GLASS" "$UML_DIR" "test-$$" "$TEST_TMP/log"; then
	ok "interactive session"
else
	fail "interactive session (status $?)"
fi
# Every exit above removed its umid directory.
left=$(ls -A "$UML_DIR")
[ -z "$left" ] && ok "no umid directory left" || fail "umid directories left: $left"
finish

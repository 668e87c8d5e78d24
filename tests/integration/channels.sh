#!/bin/bash
# Console and serial-line channels (con=, sslN=), by channels.py
# (Debian's /usr/bin/python3, standard library only): a getty-less shell
# on a pty line driven from the host, ^C, hang-up when the peer closes
# and a working line when it comes back; port lines with the telnet
# negotiation checked byte by byte, two lines on one port, a refused
# third connection, disconnect and reconnect, Debian's telnet client in
# character mode; the listener on 127.0.0.1 only; fd:N, null and none lines;
# config/remove at run time through uml_mconsole with UML's errors; an
# xterm line through a stand-in xterm on PATH that types at the shell.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
[ -x $PY ] || { fail "$PY is missing (scripts/deps.sh check installs python3)"; finish; }
command -v uml_mconsole >/dev/null || { fail "uml_mconsole missing (uml-utilities)"; finish; }
if timeout -k 5 250 $PY "$TOP/tests/integration/channels.py" \
	"$GLASS" "$UML_DIR" "test-$$" "$TEST_TMP"; then
	ok "channels"
else
	fail "channels (status $?)"
fi
# --help lists the line classes.
"$GLASS" --help >"$TEST_TMP/help"
for o in con0= conN= sslN=; do
	grep -qF -- "$o" "$TEST_TMP/help" && ok "--help lists $o" || fail "--help lacks $o"
done
finish

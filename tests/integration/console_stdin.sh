#!/bin/bash
# glass's standard input may be a pipe, a regular file,
# /dev/null or closed, and a lot of input is not lost (the console stops
# reading the host while the tty's buffer is full); guest output to the
# console is not lost when glass exits right after writing it, to a pipe
# (even a slow reader) or a file. (The terminal case is interactive.sh.)
. "$(dirname "$0")/lib.sh"

# A line of the guest's output, CRs from ONLCR removed, exactly equal to
# $1. The console echoes piped input, so "echo X" also shows up as a line
# "/ # echo X": whole-line matches tell the two apart.
expect_line() {
	if _strip_cr "$GLASS_OUT" | grep -qxF -- "$1"; then ok "output line '$1'"
	else fail "no output line '$1'"; fi
}
expect_quiet_stderr() {
	if [ ! -s "$GLASS_ERR" ]; then ok "nothing on stderr"
	else fail "stderr not empty under quiet: $(head -c 300 "$GLASS_ERR")"; fi
}

# --- A pipe: the shell reads its commands from it (no job control).
glass_run --stdin <(printf 'echo piped\nexit 4\n') quiet init=/bin/sh
expect_status 4
expect_line piped
expect_quiet_stderr

# --- A regular file (epoll refuses it: read on demand).
printf 'echo from-file-$((6 * 7))\nexit 5\n' >"$TEST_TMP/cmds"
glass_run --stdin "$TEST_TMP/cmds" quiet init=/bin/sh
expect_status 5
expect_line from-file-42
expect_quiet_stderr
# A last line without a newline is read at end of file (status 1).
printf 'no newline' >"$TEST_TMP/partial"
glass_run --stdin "$TEST_TMP/partial" quiet init=/bin/sh -- -c \
	'stty -echo; read x; echo "[$x] $?"; read y; echo "[$y] $?"'
expect_status 0
expect_output "$(printf '[no newline] 1\n[] 1')"

# --- /dev/null: end of file at once.
glass_run --stdin /dev/null quiet init=/bin/sh -- -c 'read x; echo "eof=$?"'
expect_status 0
expect_output eof=1
expect_quiet_stderr

# --- Closed stdin (<&-): like /dev/null, and quietly. Glass's own files
# (its epoll fd, the umid pid file, the stub memfd) must not take over
# fds 0-2 and get the console's I/O.
closed_run() {   # closed_run REDIRS ARGS...: glass with some of fds 0-2 closed
	local redirs=$1
	shift
	_glass_runs=$((_glass_runs + 1))
	GLASS_UMID=test-$$-$_glass_runs
	GLASS_OUT=$TEST_TMP/run$_glass_runs.out
	GLASS_ERR=$TEST_TMP/run$_glass_runs.err
	_last_cmd="glass uml_dir=$UML_DIR umid=$GLASS_UMID $* ($redirs)"
	: >"$GLASS_OUT"
	: >"$GLASS_ERR"
	case $redirs in
	'<&-') timeout -k 5 60 "$GLASS" uml_dir="$UML_DIR" umid="$GLASS_UMID" "$@" \
		<&- >"$GLASS_OUT" 2>"$GLASS_ERR" ;;
	'<&- >&-') timeout -k 5 60 "$GLASS" uml_dir="$UML_DIR" umid="$GLASS_UMID" "$@" \
		<&- >&- 2>"$GLASS_ERR" ;;
	'<&- >&- 2>&-') timeout -k 5 60 "$GLASS" uml_dir="$UML_DIR" umid="$GLASS_UMID" "$@" \
		<&- >&- 2>&- ;;
	esac
	GLASS_STATUS=$?
	return $GLASS_STATUS
}
closed_run '<&-' quiet init=/bin/sh -- -c 'read x; echo "eof=$?"'
expect_status 0
expect_output eof=1
expect_quiet_stderr
# Not even a notice without quiet: the console has no host input to watch.
closed_run '<&-' init=/bin/sh -- -c 'read x; echo "eof=$?"'
expect_status 0
expect_output eof=1
if grep -q 'console:' "$GLASS_ERR"; then
	fail "kernel messages about the console: $(grep console: "$GLASS_ERR")"
else ok "no console messages"; fi

# stdin and stdout closed: guest output goes nowhere, in particular not
# into the umid pid file, which holds glass's pid alone while it runs.
closed_run '<&- >&-' quiet init=/bin/sh -- -c \
	'echo into-the-void; sleep 2; echo more; exit 6' &
cpid=$!
_bg_pids+=("$cpid")
pidfile=$UML_DIR/test-$$-$((_glass_runs + 1))/pid
wait_for 30 test -s "$pidfile" || true
sleep 1
content=$(cat "$pidfile" 2>/dev/null)
wait "$cpid"
st=$?
_glass_runs=$((_glass_runs + 1))
[ "$st" = 6 ] && ok "stdin and stdout closed: exit status 6" ||
	fail "stdin and stdout closed: exit status $st, expected 6"
if [[ $content =~ ^[0-9]+$ ]]; then ok "the pid file holds a pid alone ($content)"
else fail "pid file content $(printf %q "$content"), expected a pid alone"; fi
# All three closed: guests still fork, exec and exit normally.
closed_run '<&- >&- 2>&-' init=/bin/sh -- -c \
	'mount -t proc proc /proc; for i in 1 2 3 4 5; do sh -c "exit $i"; done; ls /proc >/dev/null; exit 7'
expect_status 7

# --- Much more input than the tty's 4 KiB buffer, arriving while the
# guest does not read: nothing is dropped (a pipe; and a regular file).
seq 1 20000 >"$TEST_TMP/nums"        # 108894 bytes
size=$(wc -c <"$TEST_TMP/nums")
glass_run --stdin <(cat "$TEST_TMP/nums") quiet init=/bin/sh -- -c \
	'stty -echo; sleep 1; wc -c; echo end'
expect_status 0
expect_line "$size"
expect_line end
glass_run --stdin "$TEST_TMP/nums" quiet init=/bin/sh -- -c 'stty -echo; sleep 1; md5sum'
expect_status 0
expect_stdout_contains "$(md5sum <"$TEST_TMP/nums" | cut -d' ' -f1)"
# A long script piped into an interactive shell: every command runs.
{
	echo 'sleep 1'
	seq 1 3000 | sed 's|.*|echo & >>/count|'
	echo 'echo "count=$(wc -l </count) sum=$(awk "{s += \$1} END {print s}" /count)"'
	echo 'exit 3'
} >"$TEST_TMP/script"
glass_run --stdin <(cat "$TEST_TMP/script") quiet init=/bin/sh
expect_status 3
expect_line "count=3000 sum=4501500"

# --- Output not lost when glass exits right after writing it.
glass_run quiet init=/bin/sh -- -c 'seq 1 20000'
expect_status 0
if _strip_cr "$GLASS_OUT" | cmp -s - "$TEST_TMP/nums"; then
	ok "seq 1 20000 to a file: all of it"
else
	fail "seq 1 20000 to a file: $(_strip_cr "$GLASS_OUT" | wc -l) lines, last $(tail -c 20 "$GLASS_OUT" | od -c | head -2)"
fi
# To a pipe, and to a reader that only starts reading after glass is
# done writing (more than a pipe's 64 KiB: glass must wait for it).
for reader in 'wc -l' 'sleep 2; wc -l'; do
	n=$(timeout -k 5 60 "$GLASS" quiet uml_dir="$UML_DIR" umid=test-$$-pipe \
		init=/bin/sh -- -c 'seq 1 20000' </dev/null 2>"$TEST_TMP/pipe.err" |
		(eval "$reader"))
	st=${PIPESTATUS[0]}
	[ "$n" = 20000 ] && [ "$st" = 0 ] && ok "seq 1 20000 | $reader: $n lines, status $st" ||
		fail "seq 1 20000 | $reader: '$n' lines, glass status $st (expected 20000, 0)"
done
finish

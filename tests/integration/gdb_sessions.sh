#!/bin/bash
# The gdb walk-throughs in examples/sessions/*.gdb, each run with the real
# gdb in batch mode against a live Glass. A session's header says how:
#   # glass: ARGS          how to boot glass (shell words)
#   # wait: TEXT           boot until glass's stdout shows TEXT before gdb
#   # expect: REGEX        gdb's output must match (grep -E), in any order
#   # expect-not: REGEX    gdb's output must not match
#   # guest: REGEX         glass's stdout must match once gdb is done
#   # modules: NAME...     copy examples/modules/NAME to @MODULES@/NAME and
#                          build it out of tree (make -C <glass> M=...)
# In ARGS and in the session, @PORT@ is a free TCP port, @PROGRAMS@ the
# directory of the glibc guest programs and @MODULES@ that of the built
# modules (for hostfs mounts), @TOP@ the glass tree. GLASS_GDB in gdb's
# environment is the endpoint, for sessions that reconnect.
# gdb connects with `target remote` to the endpoint the boot log names and
# then runs the session file. Every session runs twice: as the host gives
# (debug registers where they fire), then with nohwbreak, the fallbacks of
# a host whose debug registers never fire, so both paths are tested here.
. "$(dirname "$0")/lib.sh"

command -v gdb >/dev/null || { fail "gdb missing (apt-get install gdb)"; finish; }
SESSIONS=${SESSIONS:-$TOP/examples/sessions/*.gdb}

free_port() {
	/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

subst() {   # subst TEXT: the session's @WORDS@ replaced
	local t=$1
	t=${t//@PROGRAMS@/$TOP/build/programs/glibc}
	t=${t//@MODULES@/$TEST_TMP/modules}
	t=${t//@TOP@/$TOP}
	printf '%s\n' "${t//@PORT@/$port}"
}

run_session() {   # run_session FILE [EXTRA GLASS OPTION]
	local s=$1 extra=${2:-} name args waitfor ep out script port
	name=$(basename "$s" .gdb)${extra:+ [$extra]}
	port=$(free_port)
	if ! build_example_modules "$TEST_TMP/modules" $(sed -n 's/^# modules: //p' "$s"); then
		fail "$name: the modules did not build"
		return
	fi
	args=$(subst "$(sed -n 's/^# glass: //p' "$s")")
	waitfor=$(sed -n 's/^# wait: //p' "$s")
	eval "set -- $extra $args"
	glass_start "$@"
	if ! wait_for 20 grep -q 'gdb stub: target remote' "$GLASS_ERR"; then
		fail "$name: no gdb endpoint in the boot log"
		kill "$GLASS_PID" 2>/dev/null
		return
	fi
	if [ -n "$waitfor" ] && ! wait_for 20 grep -qF -- "$waitfor" "$GLASS_OUT"; then
		fail "$name: the guest never printed '$waitfor'"
		kill "$GLASS_PID" 2>/dev/null
		return
	fi
	ep=$(sed -n 's/.*gdb stub: target remote \(.*\)$/\1/p' "$GLASS_ERR" | head -n1)
	out=$TEST_TMP/$(basename "$s" .gdb)${extra:+-$extra}.gdb.out
	script=$TEST_TMP/$(basename "$s")
	subst "$(cat "$s")" >"$script"
	GLASS_GDB=$ep timeout -k 5 90 gdb -nx -q -batch -iex "add-auto-load-safe-path $TOP" \
		-ex "target remote $ep" -x "$script" "$GLASS" >"$out" 2>&1
	local st=$? bad=0
	[ "$st" = 0 ] || { fail "$name: gdb exited $st"; bad=1; }
	while IFS= read -r re; do
		grep -qE -- "$re" "$out" || { fail "$name: gdb output lacks /$re/"; bad=1; }
	done < <(sed -n 's/^# expect: //p' "$s")
	while IFS= read -r re; do
		! grep -qE -- "$re" "$out" || { fail "$name: gdb output has /$re/"; bad=1; }
	done < <(sed -n 's/^# expect-not: //p' "$s")
	# Give the guest a moment to finish what the session let it run.
	while IFS= read -r re; do
		wait_for 10 grep -qE -- "$re" "$GLASS_OUT" ||
			{ fail "$name: glass output lacks /$re/"; bad=1; }
	done < <(sed -n 's/^# guest: //p' "$s")
	if [ $bad = 0 ]; then
		ok "$name"
	else
		echo "--- gdb output ($name):"; tail -n 60 "$out"
	fi
	kill "$GLASS_PID" 2>/dev/null
	wait "$GLASS_PID" 2>/dev/null
}

for extra in "" nohwbreak; do
	for s in $SESSIONS; do
		run_session "$s" $extra
	done
done
finish

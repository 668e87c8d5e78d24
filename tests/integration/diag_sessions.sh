#!/bin/bash
# The diagnosis walk-throughs in examples/sessions/diag/*.gdb, each a test
# (gdb_sessions.sh runs the live-stub ones in examples/sessions/). A
# session's header says how:
#   # glass: ARGS          glass's command line (after uml_dir= and umid=)
#   # ps: REGEX            wait for mconsole `ps` to match first
#   # inject: KIND         mconsole `inject KIND` once glass is up
#   # core: yes            glass panics; gdb opens ./glass and its core
#                          (otherwise gdb opens ./glass alone, with @RIP@
#                          replaced by the RIP of the oops report)
#   # log: REGEX           the kernel log must match
#   # expect: REGEX        gdb's output must match (one line each)
#   # modules: NAME...     examples/modules/NAME built into @MODULES@/NAME
#                          (for a hostfs mount in ARGS)
. "$(dirname "$0")/lib.sh"

command -v gdb >/dev/null || { fail "gdb missing"; finish; }
command -v uml_mconsole >/dev/null || { fail "uml_mconsole missing"; finish; }
hdr() { sed -n "s/^# $1: //p" "$2"; }

for s in "$TOP"/examples/sessions/diag/*.gdb; do
	name=$(basename "$s" .gdb)
	build_example_modules "$TEST_TMP/modules" $(hdr modules "$s") ||
		{ fail "$name: the modules did not build"; continue; }
	eval "args=($(hdr glass "$s" | sed "s|@MODULES@|$TEST_TMP/modules|g"))"
	glass_start "${args[@]}"
	sock=$UML_DIR/$GLASS_UMID/mconsole
	re=$(hdr ps "$s")
	inject=$(hdr inject "$s")
	# A session that breaks the kernel by itself (module_panic) may be
	# over before the socket is looked for: only the others need it.
	if [ -n "$re$inject" ]; then
		wait_for 20 test -S "$sock" || { fail "$name: no mconsole socket"; continue; }
	fi
	[ -z "$re" ] || wait_for 20 eval 'timeout 5 uml_mconsole "$sock" ps 2>/dev/null | grep -qE -- "$re"' ||
		fail "$name: ps never matched /$re/"
	[ -z "$inject" ] || timeout 20 uml_mconsole "$sock" inject "$inject" >/dev/null 2>&1
	script=$TEST_TMP/$name.gdb
	if [ "$(hdr core "$s")" = yes ]; then
		glass_wait
		[ "$GLASS_STATUS" = 134 ] && ok "$name: panicked (SIGABRT)" || fail "$name: status $GLASS_STATUS"
		target=("$UML_DIR/$GLASS_UMID/core")
		cp "$s" "$script"
	else
		wait_for 20 grep -q 'end trace' "$GLASS_ERR" || fail "$name: no oops"
		rip=$(sed -n 's/.*RIP: \([0-9a-f]*\) RSP.*/0x\1/p' "$GLASS_ERR" | head -n1)
		sed "s/@RIP@/$rip/g" "$s" >"$script"
		target=()
	fi
	while IFS= read -r re; do
		grep -qE -- "$re" "$GLASS_ERR" && ok "$name: log has /$re/" || fail "$name: log lacks /$re/"
	done < <(hdr log "$s")
	out=$TEST_TMP/$name.out
	timeout -k 5 120 gdb -nx -q -batch -iex "add-auto-load-safe-path $TOP" "$GLASS" \
		${target[@]+"${target[@]}"} -x "$script" >"$out" 2>&1
	bad=0
	while IFS= read -r re; do
		grep -qE -- "$re" "$out" || { fail "$name: gdb output lacks /$re/"; bad=1; }
	done < <(hdr expect "$s")
	[ $bad = 0 ] && ok "$name: gdb session as expected" || tail -n 40 "$out"
	if kill -0 "$GLASS_PID" 2>/dev/null; then
		timeout 20 uml_mconsole "$sock" halt >/dev/null 2>&1
		glass_wait
	fi
done
finish

#!/bin/bash
# Modules in gdb's machine interface, which ddd's and emacs' front ends
# read: insmod gives =library-loaded (and hits a pending breakpoint in the
# module's init), rmmod gives =library-unloaded (moddebug/README.md).
. "$(dirname "$0")/lib.sh"

command -v gdb >/dev/null || { fail "gdb missing (apt-get install gdb)"; finish; }

mods=$TEST_TMP/modules
build_example_modules "$mods" hello || { fail "hello did not build"; finish; }

glass_start gdb init=/bin/sh -- -c "mount none /mnt -t hostfs -o $mods; echo ready; while [ ! -e /mnt/go ]; do sleep 0.1; done; insmod /mnt/hello/hello.ko; while [ ! -e /mnt/go2 ]; do sleep 0.1; done; rmmod hello; sync; sleep 100"
wait_for 20 grep -q 'gdb stub: target remote' "$GLASS_ERR" || { fail "no gdb endpoint"; finish; }
wait_for 20 grep -q ready "$GLASS_OUT" || fail "guest not ready"
ep=$(sed -n 's/.*gdb stub: target remote \(.*\)$/\1/p' "$GLASS_ERR" | head -n1)

out=$TEST_TMP/mi.out
printf '%s\n' "-target-select remote $ep" '-break-insert -f hello_init' \
	"-interpreter-exec console \"shell touch $mods/go\"" '-exec-continue' \
	'-break-delete 1' '-break-insert sys_sync' "-interpreter-exec console \"shell touch $mods/go2\"" \
	'-exec-continue' '-target-detach' '-gdb-exit' |
	timeout 60 gdb -nx -q --interpreter=mi "$GLASS" >"$out" 2>&1
expect_in "$out" "pending breakpoint" '^\^done,bkpt=\{number="1",type="breakpoint".*pending="hello_init"'
expect_in "$out" "library loaded" '^=library-loaded,id=".*/module-hello\.ko",target-name=".*/module-hello\.ko",host-name=".*/module-hello\.ko",symbols-loaded="[01]",thread-group="i1",ranges=\[\{from="0x[0-9a-f]+",to="0x[0-9a-f]+"\}\]'
expect_in "$out" "stopped in the module's init" '^\*stopped,reason="breakpoint-hit",disp="keep",bkptno="1",(locno="1",)?frame=\{addr="0x[0-9a-f]+",func="hello_init",args=\[\],file=".*hello_main\.c"'
# rmmod's, before the stop in sync (detaching unloads every library).
unloaded=$(grep -nE '^=library-unloaded,id=".*/module-hello\.ko"' "$out" | head -n1 | cut -d: -f1)
synced=$(grep -nE 'func="sys_sync"' "$out" | grep stopped | head -n1 | cut -d: -f1)
if [ -n "$unloaded" ] && [ -n "$synced" ] && [ "$unloaded" -lt "$synced" ]; then
	ok "library unloaded by rmmod"
else
	fail "no =library-unloaded for hello before the stop after rmmod"
fi
expect_in "$out" "stopped after rmmod" '^\*stopped,reason="breakpoint-hit",disp="keep",bkptno="2",frame=\{addr="0x[0-9a-f]+",func="sys_sync"'
[ "$_failures" = 0 ] || { echo "--- MI transcript:"; cat "$out"; }
kill "$GLASS_PID" 2>/dev/null
finish

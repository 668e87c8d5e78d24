#!/bin/bash
# mconsole `core` against the live gdb stub: with a
# process asleep in a pipe read, take a core, then ask the live stub; the
# core's `info threads` (tids and names) and every sleeping thread's `bt`
# must be the live ones, frame for frame. The task on the CPU differs by
# nature (the core caught it in `core`, gdb in its break-in): both must
# show it as idle's event loop under start_kernel.
. "$(dirname "$0")/lib.sh"

mc_setup
command -v gdb >/dev/null || { fail "gdb missing"; finish; }
glass_start gdb init=/bin/sh -- -c 'sleep 1000 | cat; echo done'
sock=$UML_DIR/$GLASS_UMID
wait_for 20 test -S "$sock/mconsole" || { fail "no mconsole socket"; finish; }
wait_for 20 test -S "$sock/gdb" || { fail "no gdb socket"; finish; }
# Wait for cat to sleep in pipe_read.
wait_for 20 eval 'mc ps; grep -q "pipe_read .* cat" <<<"$MC_OUT"' || fail "cat never slept in pipe_read"
core=$TEST_TMP/live.core
mc core "$core"
out=$MC_OUT
[ "$out" = "OK core written to $core" ] && ok "mconsole core: '$out'" || fail "mconsole core: '$out'"
mc core
out=$MC_OUT
grep -qE "^OK core written to $sock/core\.1\$" <<<"$out" && ok "core's default path: $sock/core.1" ||
	fail "core without a path: '$out'"
GDB=(gdb -nx -q -batch -iex "add-auto-load-safe-path $TOP")
timeout 60 "${GDB[@]}" "$GLASS" -ex "target remote $sock/gdb" -ex 'info threads' \
	-ex 'thread apply all bt' -ex detach >"$TEST_TMP/live.txt" 2>&1
timeout 60 "${GDB[@]}" "$GLASS" "$core" -ex 'info threads' -ex 'thread apply all bt' \
	>"$TEST_TMP/core.txt" 2>&1

# normalize FILE: "TID NAME" per thread of info threads, then per thread
# "== TID" and its frames.
normalize() {
	python3 - "$1" <<'PY'
import re, sys
threads, bts, cur = [], {}, None
for line in open(sys.argv[1]):
    line = line.rstrip("\n")
    m = re.match(r'^\*?\s+\d+\s+(?:Thread|LWP) (\d+) "([^"]*)"', line)
    if m:
        threads.append("%s %s" % m.groups())
        continue
    m = re.match(r'^Thread \d+ \((?:Thread|LWP) (\d+) ', line)
    if m:
        cur = m.group(1)
        bts[cur] = []
        continue
    if cur and line.startswith("#"):
        bts[cur].append(line)
    elif not line:
        cur = None
print("\n".join(sorted(threads)))
for tid in sorted(bts):
    print("== " + tid)
    print("\n".join(bts[tid]))
PY
}
normalize "$TEST_TMP/live.txt" >"$TEST_TMP/live.norm"
normalize "$TEST_TMP/core.txt" >"$TEST_TMP/core.norm"
if diff <(sed -n '/^== /q;p' "$TEST_TMP/live.norm") <(sed -n '/^== /q;p' "$TEST_TMP/core.norm"); then
	ok "info threads: the same tids and names ($(sed -n '/^== /q;p' "$TEST_TMP/live.norm" | tr '\n' ' '))"
else
	fail "info threads differ (live < > core)"
fi
grep -q '^3 cat$' "$TEST_TMP/core.norm" && ok "the core has cat's thread" || fail "no cat in the core"
# Every sleeping thread: the same frames.
for tid in $(sed -n 's/^== //p' "$TEST_TMP/live.norm"); do
	l=$(sed -n "/^== $tid\$/,/^== /p" "$TEST_TMP/live.norm" | grep '^#')
	c=$(sed -n "/^== $tid\$/,/^== /p" "$TEST_TMP/core.norm" | grep '^#')
	if [ "$tid" = 4194304 ]; then
		grep -q 'in cpu_idle ()' <<<"$l" && grep -q 'in cpu_idle ()' <<<"$c" &&
		grep -q 'in start_kernel ()' <<<"$c" && ok "idle (on the CPU): both in cpu_idle" ||
			fail "idle's stacks: live $l core $c"
		continue
	fi
	if [ -n "$l" ] && [ "$l" = "$c" ]; then
		ok "thread $tid: bt identical ($(wc -l <<<"$l") frames, #1 $(sed -n 2p <<<"$l" | sed 's/.* in \([a-z_0-9]*\) .*/\1/'))"
	else
		fail "thread $tid: bt differs"; diff <(echo "$l") <(echo "$c")
	fi
done
grep -q 'pipe_read (' <<<"$(sed -n '/^== 3$/,/^== /p' "$TEST_TMP/core.norm")" &&
	ok "cat's bt in the core shows pipe_read" || fail "cat's bt lacks pipe_read"
grep -q "registers in core file" "$TEST_TMP/core.txt" && fail "a thread without registers in the core"
[ $(($(stat -c %b "$core") * 512)) -lt $(stat -c %s "$core") ] && ok "the core is sparse" ||
	fail "the core is not sparse"
# The kernel ran on after both cores.
mc halt
glass_wait
expect_status 0
finish

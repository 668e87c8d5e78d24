#!/bin/bash
# Stubs are forked by a template stub (kernel/os/guest.c): glass's oldest
# child, one thread, no seccomp filter. SIGKILLed from outside, it is
# restarted on the next fork, which still gets its stub (the spares it
# owed are asked of the new one), and the guest goes on forking.
. "$(dirname "$0")/lib.sh"

dir=$TEST_TMP/hostdir
mkdir -p "$dir"
"$GLASS" quiet uml_dir="$UML_DIR" umid=tmpl-$$ init=/bin/sh -- -c \
	"mount -t hostfs none /mnt -o $dir || exit 9
	while [ ! -e /mnt/go ]; do sleep 0.1; done
	n=0; for i in 1 2 3 4 5 6 7 8 9 10; do /bin/true && n=\$((n + 1)); done
	echo forks-ok \$n" </dev/null >"$TEST_TMP/out" 2>"$TEST_TMP/err" &
gpid=$!
_bg_pids+=("$gpid")

# The template: the oldest child of glass with one thread and no filter.
template() {
	local p
	for p in $(ps --ppid "$1" -o pid= --sort=start_time 2>/dev/null); do
		[ "$(awk '/^Threads:/ {print $2}' /proc/$p/status 2>/dev/null)" = 1 ] &&
		[ "$(awk '/^Seccomp:/ {print $2}' /proc/$p/status 2>/dev/null)" = 0 ] &&
			{ echo "$p"; return; }
	done
}
tpid=
for _ in $(seq 100); do
	tpid=$(template "$gpid")
	[ -n "$tpid" ] && [ -e "$dir" ] && [ "$(ps --ppid "$gpid" -o pid= | wc -l)" -ge 4 ] && break
	sleep 0.1
done
if [ -n "$tpid" ]; then
	ok "glass $gpid has a template stub: $tpid"
	kill -KILL "$tpid"
else
	fail "no template stub among glass's children: $(ps --ppid "$gpid" -o pid=,nlwp=,comm= | tr '\n' ';')"
fi
touch "$dir/go"
timeout 60 tail --pid="$gpid" -f /dev/null
wait "$gpid"
status=$?
out=$(tr -d '\r' <"$TEST_TMP/out")
[ "$status" = 0 ] && grep -q '^forks-ok 10$' <<<"$out" &&
	ok "after the template's death the guest forked 10 times" ||
	fail "status $status, output: $out; stderr: $(tail -5 "$TEST_TMP/err")"
finish

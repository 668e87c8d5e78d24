#!/bin/bash
# The host's own / as the root filesystem, read-only, as the UML HOWTO's
# hostfs root: root=/dev/root rootfstype=hostfs rootflags=/ init=/bin/bash.
# Writes go to tmpfs mounted where needed (/tmp, /run); the root itself
# refuses them (EROFS). In Glass, compared with the same commands run
# natively:
# - ls -l /usr/bin | wc -l, sort, md5sum, perl -e, dpkg -l | head,
#   apt-cache policy | head, and find /usr -xdev | wc -l print the same;
# - find / -xdev stops at the host's own mount points (each host
#   filesystem is its own st_dev) and counts about what the host counts;
# - ownership and modes are the host files' (stat of /etc/shadow,
#   /usr/bin/passwd, /var/log);
# - bash job control on the console: root_host_jobs.py through a pty.
. "$(dirname "$0")/lib.sh"

cat >"$TEST_TMP/cmds.sh" <<'CMDS'
echo "usr/bin: $(ls -l /usr/bin | wc -l)"
printf 'pear\napple\nfig\n' | sort | tr '\n' ' '; echo
echo glass | md5sum
perl -e 'printf "perl %d %s\n", 6 * 7, join("", reverse split //, "ssalg")'
dpkg -l | head -n 8
apt-cache policy | head -n 3
echo "usr files: $(find /usr -xdev | wc -l)"
stat -c '%n %U %G %a' /etc/shadow /usr/bin/passwd /var/log
CMDS
want=$(bash "$TEST_TMP/cmds.sh" 2>&1)
# /tmp and /run are tmpfs mounts in Glass: natively their contents are
# left out (they are on / here).
native_all=$(find / -xdev \( -path /tmp -o -path /run \) -prune -print -o -print 2>/dev/null | wc -l)

GLASS_TIMEOUT=300 glass_run root=/dev/root rootfstype=hostfs rootflags=/ init=/bin/bash \
	CMDS="$TEST_TMP/cmds.sh" -- -c '
mount -t proc proc /proc; mount -t devtmpfs dev /dev; mount -t tmpfs tmpfs /run
cp "$CMDS" /run/cmds.sh; mount -t tmpfs tmpfs /tmp
echo "=== cmds"
bash /run/cmds.sh 2>&1
echo "=== end"
echo "all files: $(find / -xdev | wc -l)"
grep " / " /proc/mounts
touch /etc/glass-was-here 2>&1 | sed "s/.*: //"
echo kept >/tmp/f && cat /tmp/f
exit 5'
expect_status 5
tr -d '\r' <"$GLASS_OUT" >"$TEST_TMP/glass.out"
got=$(sed -n '/^=== cmds/,/^=== end/p' "$TEST_TMP/glass.out" | sed '1d;$d')
if [ "$got" = "$want" ]; then
	ok "ls -l, sort, md5sum, perl, dpkg -l, apt-cache policy, find /usr, stat: as natively"
else
	fail "the commands' output differs from native:"
	diff <(echo "$want") <(echo "$got")
fi
all=$(sed -n 's/^all files: //p' "$TEST_TMP/glass.out")
# Not equal: the host's / changes as other programs run. A tenth apart
# at most.
if [ -n "$all" ] && [ "$all" -gt $((native_all * 9 / 10)) ] && [ "$all" -lt $((native_all * 11 / 10)) ]; then
	ok "find / -xdev: $all files (native $native_all)"
else
	fail "find / -xdev: '$all' files, native $native_all"
fi
expect_stdout_contains "/dev/root / hostfs ro"
expect_stdout_contains "Read-only file system"
expect_stdout_contains "kept"
[ ! -e /etc/glass-was-here ] && ok "nothing written to the host's /etc" ||
	{ fail "/etc/glass-was-here exists"; rm -f /etc/glass-was-here; }

mkdir -p "$TEST_TMP/log"
if (cd "$TOP/tests/integration" && timeout -k 5 250 /usr/bin/python3 root_host_jobs.py \
	"$GLASS" "$UML_DIR" "test-$$-jobs" "$TEST_TMP/log"); then
	ok "bash job control on the console"
else
	fail "bash job control on the console"
fi
finish

#!/bin/bash
# FIFOs, symlinks and hard links, /proc/self and /proc/PID.
# 1. fifo_links.script natively and in Glass, same output: a FIFO between a
#    reader and writers (either opening first, EOF after the last writer,
#    O_RDWR), symlinks (relative, absolute, in mid-path, dangling, self and
#    mutual loops and a 41-link chain give ELOOP's message, 40 links work),
#    hard links (link counts from `stat -c %h`, same inode, directories
#    refused, directory link counts).
# 2. In Glass: /proc/self/exe, /proc/PID/{cmdline,stat,status,maps,fd/}
#    read by cat, ls and readlink, checked for sane content.
. "$(dirname "$0")/lib.sh"

compare_with_native tests/integration/fifo_links.script

cat >"$TEST_TMP/proc.sh" <<'SCRIPT'
mount -t proc proc /proc; mount -t tmpfs tmpfs /tmp; mount -t devtmpfs dev /dev
echo "exe $(readlink /proc/self/exe)"
ls -l /proc/self/exe | sed 's/.*exe -> /exe-ls /'
sleep 30 </dev/null >/tmp/out 2>/dev/null 3</proc/version &
p=$!
sleep 0.2
echo "pid $p"
echo "cmdline $(tr '\0' '|' </proc/$p/cmdline)"
echo "stat $(cut -d' ' -f1-5 /proc/$p/stat)"
echo "stat fields $(wc -w </proc/$p/stat)"
grep -E '^(Name|State|Pid|PPid|Threads):' /proc/$p/status | tr -s '\t ' ' '
grep -q '^VmRSS:' /proc/$p/status && echo "status has VmRSS"
grep -c '\[stack\]' /proc/$p/maps | sed 's/^/maps stack /'
grep -q ' r-xp .*/bin/busybox' /proc/$p/maps && echo "maps has busybox text"
awk '{print $1}' /proc/$p/maps | grep -vcE '^[0-9a-f]+-[0-9a-f]+$' | sed 's/^/maps bad ranges /'
echo "fd $(ls /proc/$p/fd | sort -n | tr '\n' ' ')"
for n in 0 1 2 3; do echo "fd $n -> $(readlink /proc/$p/fd/$n)"; done
echo "exe of $p $(readlink /proc/$p/exe)"
# /proc/self is whoever reads it: the shell itself, a child shell, an exec'd readlink.
read -r sp rest </proc/self/stat; echo "self stat $sp, shell $$"
sh -c 'read -r a rest </proc/self/stat; echo "child self stat $a, child $$"'
sh -c 'echo "exec self $$"; exec readlink /proc/self' | tr '\n' ' ' | sed 's/$/\n/'
kill $p; wait $p; echo "killed $?"
[ -e /proc/$p ] && echo "proc/$p still there" || echo "proc/$p gone"
echo done
SCRIPT
img=$TEST_TMP/proc.cpio
make_initramfs "$img" --add "$TEST_TMP/proc.sh:/test/proc.sh" || { fail "mkinitramfs failed"; finish; }
glass_run initrd="$img" init=/bin/sh -- /test/proc.sh
expect_status 0
out=$(tr -d '\r' <"$GLASS_OUT")
has() { if echo "$out" | grep -qxE -- "$1"; then ok "proc: $1"; else fail "proc: no line matching '$1'"; fi; }
pid=$(echo "$out" | sed -n 's/^pid //p')
has "exe /bin/busybox"
has "exe-ls /bin/busybox"
has "cmdline sleep\|30\|"
has "stat $pid \(sleep\) S [0-9]+ [0-9]+"
has "stat fields (4[4-9]|5[0-9])"
has "Name: sleep"
has "State: S \(sleeping\)"
has "Pid: $pid"
has "PPid: [0-9]+"
has "Threads: 1"
has "status has VmRSS"
has "maps stack 1"
has "maps has busybox text"
has "maps bad ranges 0"
has "fd 0 1 2 3 "
has "fd 0 -> /dev/null"
has "fd 1 -> /tmp/out"
has "fd 2 -> /dev/null"
has "fd 3 -> /proc/version"
has "exe of $pid /bin/busybox"
has "self stat 1, shell 1"
has "child self stat ([0-9]+), child \\1"
has "exec self ([0-9]+) \\1 "
has "killed 143"
has "proc/$pid gone"
has done
finish

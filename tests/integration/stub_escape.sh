#!/bin/bash
# A hostile guest (examples/programs/escape.c) against its own stub:
#  - it jumps to every byte of the stub's code with the registers of a host
#    openat(O_CREAT) of a host path and of a host mmap of physmem (fd 3):
#    no host file appears, no host mapping, each attempt ends in a signal;
#  - it scribbles its hand-off page (state, signal number, fpstate pointer,
#    random bytes, a sleep in the kernel's turn) and wakes the kernel: it
#    is killed alone (with a kernel log line), while a bystander process's
#    memory stays intact;
#  - the kernel runs on: later commands of the same boot work.
. "$(dirname "$0")/lib.sh"

prog=$TOP/build/programs/glibc/escape
[ -x "$prog" ] || { fail "$prog not built: make programs"; finish; }
img=$TEST_TMP/escape.cpio
make_initramfs "$img" --add "$prog:/bin/escape" || { fail "mkinitramfs failed"; finish; }
target=$TEST_TMP/escaped-$$
modes="state signo fpstate random random random sleep"

glass_run --timeout 240 initrd="$img" init=/bin/sh -- -c "
mount -t devtmpfs devtmpfs /dev
escape jump $target; echo jump status \$?
escape bystander 3 &
for m in $modes; do escape scribble \$m; echo scribble \$m status \$?; done
wait
echo still here: \$(echo a b | wc -w) words"

expect_status 0
if [ -e "$target" ]; then
	fail "the guest created $target on the host"
else
	ok "no host file from the jumps"
fi
expect_stdout_contains "jump status 0"
if _strip_cr "$GLASS_OUT" | grep -qE '^escape jump: [0-9]{4,} bytes of stub code'; then
	ok "every byte of the stub's code tried"
else
	fail "no summary of the jumps"
fi
for m in $modes; do
	st=$(_strip_cr "$GLASS_OUT" | sed -n "s/^scribble $m status //p" | head -n 1)
	if [ -n "$st" ] && [ "$st" -gt 128 ]; then
		ok "scribble $m: killed by a signal ($st)"
	else
		fail "scribble $m: status '${st}', expected death by a signal"
	fi
done
n=$(grep -c "garbage in its stub's hand-off page: killed" "$GLASS_ERR")
if [ "$n" -ge 6 ]; then ok "$n kills logged"; else fail "$n kills logged, expected >= 6"; fi
expect_stdout_contains "bystander ok"
expect_stdout_contains "still here: 2 words"
finish

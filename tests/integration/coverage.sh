#!/bin/bash
# The coverage builds (coverage/README.md), in one build with both
# instrumentations (make COVERAGE=1 KCOV=1, build-cov-kcov/; check.sh
# builds it first as build-cov): it boots and runs the busybox script;
# gcov reset, a guest calling getppid exactly 1000 times, gcov dump: the
# handler's line ran 1000 times (+ the callers below), and a second
# reset + dump gives 0; halt and a panic write the counts too; gcov dump to a
# directory it cannot make fails clearly and the kernel runs on; the
# normal build says it has no coverage; a module loaded, unloaded and
# reloaded shows the summed counts in gcovr, and one built with plain
# --coverage (libgcov's constructor) is refused; the kcov example program sees
# PCs of the getppid handler and none of a getpid loop running beside it.
. "$(dirname "$0")/lib.sh"

mc_setup
CB=$TOP/build-cov-kcov
PB=$TOP/build/programs/glibc
for p in sysloop kcov; do
	[ -x "$PB/$p" ] || { fail "no $PB/$p: run make programs"; finish; }
done
start=$SECONDS
make -C "$TOP" -j"${JOBS:-2}" COVERAGE=1 KCOV=1 >"$TEST_TMP/make.log" 2>&1 ||
	{ fail "make COVERAGE=1 KCOV=1: $(tail -5 "$TEST_TMP/make.log")"; finish; }
note "make COVERAGE=1 KCOV=1: $((SECONDS - start)) s"
"$TOP/scripts/check-monitor-text.sh" "$CB/glass" "$CB" >"$TEST_TMP/mt.log" 2>&1 &&
	ok "monitor text calls only monitor text in the coverage build" ||
	fail "monitor text in the coverage build: $(tail -5 "$TEST_TMP/mt.log")"

# ---- the busybox script on the coverage build ----
GLASS=$CB/glass "$TOP/tests/integration/busybox_applets.sh" >"$TEST_TMP/bb.log" 2>&1 &&
	ok "busybox_applets passes on the coverage build" ||
	fail "busybox_applets on the coverage build: $(tail -8 "$TEST_TMP/bb.log")"

# ---- a build without coverage says so ----
GLASS=$TOP/glass glass_start init=/bin/sh -- -c 'sleep 100'
wait_for 20 test -S "$UML_DIR/$GLASS_UMID/mconsole" || fail "no mconsole socket"
expect_mc 1 "this build has no coverage" gcov status
mc halt
glass_wait

# ---- gcov: exact counts of a workload ----
# The guest waits on its console (a fifo) for each step.
fifo=$TEST_TMP/console
mkfifo "$fifo"
exec 7<>"$fifo"
GLASS=$CB/glass GLASS_STDIN=$fifo glass_start init=/bin/sh -- -c \
	"mount -t devtmpfs none /dev; mount -t hostfs none /mnt -o $PB; stty -echo
	 echo ready; read x; /mnt/sysloop getppid 1000; echo done
	 read x; echo idle; read x"
wait_for 20 grep -q ready "$GLASS_OUT" || fail "guest not ready"
expect_mc 0 "objects" gcov status
expect_mc 0 "counters zeroed" gcov reset
echo go >&7
wait_for 20 grep -q done "$GLASS_OUT" || fail "sysloop did not finish"
expect_mc 0 "files written to $TEST_TMP/d1" gcov dump "$TEST_TMP/d1"
expect_mc 0 "counters zeroed" gcov reset
expect_mc 0 "files written" gcov dump "$TEST_TMP/d2"
touch "$TEST_TMP/file"
expect_mc 1 "gcov dump: cannot write $TEST_TMP/file/" gcov dump "$TEST_TMP/file/d3"
expect_mc 0 "objects" gcov status
echo go >&7
wait_for 20 grep -q idle "$GLASS_OUT" && ok "the guest runs on after the failed dump" ||
	fail "the guest did not run on after the failed dump"
# gdb's monitor reaches the same command (the CPU idles: a safe point).
mc sysrq g
wait_for 10 test -S "$UML_DIR/$GLASS_UMID/gdb" || fail "sysrq g opened no gdb socket"
out=$(timeout 30 gdb -nx -q -batch -ex "target remote $UML_DIR/$GLASS_UMID/gdb" \
	-ex 'monitor gcov status' -ex detach "$CB/glass" 2>&1)
grep -q '^gcov: [0-9]* objects' <<<"$out" && ok "monitor gcov status in gdb" ||
	fail "monitor gcov status in gdb: $(tail -5 <<<"$out")"
touch "$TEST_TMP/before-halt"
sleep 1
mc halt
glass_wait

# count DIR: the execution count of getppid's first line in DIR's sys.gcda.
line=$(($(grep -n '^SYSCALL_DEFINE0(getppid)' "$TOP/kernel/proc/sys.c" | cut -d: -f1) + 2))
count() {
	cp "$CB/kernel/proc/sys.gcno" "$1/kernel/proc/"
	(cd "$TOP" && gcov -t -o "$1/kernel/proc" kernel/proc/sys.c 2>/dev/null) |
		awk -F: -v l="$line" '$2 + 0 == l { gsub(/[ *]/, "", $1); print $1; exit }'
}
n=$(count "$TEST_TMP/d1")
# Nothing else calls getppid between the reset and the dump: the shell
# reads $PPID once, at its start, before the reset.
[ "$n" = 1000 ] && ok "getppid's handler ran 1000 times" ||
	fail "getppid's handler line $line ran '$n' times, want 1000"
n=$(count "$TEST_TMP/d2")
[ "$n" = "#####" ] && ok "after a reset it ran 0 times" ||
	fail "after a reset getppid's line $line shows '$n', want #####"
[ "$CB/kernel/proc/sys.gcda" -nt "$TEST_TMP/before-halt" ] &&
	ok "halt wrote the counts into the build tree" ||
	fail "halt did not write $CB/kernel/proc/sys.gcda"

# ---- a panic writes the counts too ----
touch "$TEST_TMP/before-panic"
sleep 1
GLASS=$CB/glass glass_start inject=1 init=/bin/sh -- -c 'sleep 100'
wait_for 20 test -S "$UML_DIR/$GLASS_UMID/mconsole" || fail "no mconsole socket"
mc inject oops-irq
glass_wait
grep -q 'Kernel panic' "$GLASS_ERR" && ok "oops-irq panicked" || fail "no panic"
[ "$CB/kernel/debug/inject.gcda" -nt "$TEST_TMP/before-panic" ] &&
	ok "the panic wrote the counts" || fail "the panic did not write inject.gcda"

# ---- a module's counts across unload and reload, read by gcovr ----
cp -r "$TOP/examples/modules/hello" "$TEST_TMP/hello"
make -C "$TOP" M="$TEST_TMP/hello" COVERAGE=1 KCOV=1 >"$TEST_TMP/mod.log" 2>&1 ||
	fail "module build: $(tail -5 "$TEST_TMP/mod.log")"
GLASS=$CB/glass glass_start init=/bin/sh -- -c \
	"mount -t hostfs none /mnt -o $TEST_TMP/hello; insmod /mnt/hello.ko; rmmod hello
	 insmod /mnt/hello.ko name=again; echo loaded; sleep 100"
wait_for 20 grep -q loaded "$GLASS_OUT" || fail "hello did not load twice"
# The reload folded the kept copy back into the live record.
expect_mc 0 "(0 kept from unloaded modules)" gcov status
expect_mc 0 "files written" gcov dump
mc halt
glass_wait
# hello_init ran twice (once before the unload, once after), hello_exit
# once: the first line of each one's body.
init_line=$(grep -n 'if (count < 1' "$TEST_TMP/hello/hello_main.c" | cut -d: -f1)
exit_line=$(grep -n 'hello_greet("goodbye"' "$TEST_TMP/hello/hello_main.c" | cut -d: -f1)
gcovr --root "$TEST_TMP/hello" --json "$TEST_TMP/hello.json" "$TEST_TMP/hello" >/dev/null 2>&1
got=$(python3 -c '
import json, sys
f = [f for f in json.load(open(sys.argv[1]))["files"] if f["file"] == "hello_main.c"][0]
c = {l["line_number"]: l["count"] for l in f["lines"]}
print(c.get(int(sys.argv[2])), c.get(int(sys.argv[3])))' "$TEST_TMP/hello.json" "$init_line" "$exit_line" 2>&1)
[ "$got" = "2 1" ] && ok "gcovr: hello_init ran 2 times across a reload, hello_exit 1" ||
	fail "gcovr counts of hello_main.c lines $init_line and $exit_line: '$got', want '2 1'"

# A module built with plain --coverage (a constructor calling libgcov's
# __gcov_init, a destructor calling __gcov_exit) is refused: neither is
# exported, so libgcov never runs its own registry from a module.
cp -r "$TOP/examples/modules/hello" "$TEST_TMP/plain"
make -C "$TOP" M="$TEST_TMP/plain" COVERAGE=1 KCOV=1 KINSTR=--coverage >"$TEST_TMP/plain.log" 2>&1 ||
	fail "plain --coverage module build: $(tail -5 "$TEST_TMP/plain.log")"
GLASS=$CB/glass glass_run init=/bin/sh -- -c "mount -t hostfs none /mnt -o $TEST_TMP/plain; insmod /mnt/hello.ko"
grep -q 'Unknown symbol __gcov_\(init\|exit\)' "$GLASS_ERR" && [ "$GLASS_STATUS" != 0 ] &&
	ok "a module with libgcov's constructor is refused" ||
	fail "a plain --coverage module was not refused (status $GLASS_STATUS)"

# ---- kcov: the traced task's PCs only ----
GLASS=$CB/glass glass_run init=/bin/sh -- -c \
	"mount -t devtmpfs none /dev; mount -t hostfs none /mnt -o $PB
	 /mnt/sysloop getpid 100000000 & sleep 0.2; /mnt/kcov getppid; kill \$!"
expect_status 0
_strip_cr "$GLASS_OUT" | grep '^0x' | addr2line -f -e "$CB/glass" | paste - - >"$TEST_TMP/pcs"
[ -s "$TEST_TMP/pcs" ] && ok "kcov traced $(wc -l <"$TEST_TMP/pcs") PCs" || fail "kcov traced no PC"
grep -q '^sys_getppid	.*kernel/proc/sys.c:' "$TEST_TMP/pcs" &&
	ok "kcov PCs resolve to getppid's handler in kernel/proc/sys.c" ||
	fail "no kcov PC in sys_getppid: $(head -5 "$TEST_TMP/pcs")"
grep -q '^sys_getpid	' "$TEST_TMP/pcs" &&
	fail "kcov recorded the other task's getpid" || ok "no PC of the other task's getpid"
finish

#!/bin/bash
# Loadable modules end to end (kernel/module, scripts/Makefile.module):
# - Out-of-tree builds with `make -C <glass> M=DIR`: examples/modules/hello
#   (obj-m := hello.o) and twomod (twomod-objs := a.o b.o) give .ko files;
#   `make -C <glass> M=DIR clean` leaves nothing behind.
# - Inside the guest (the .ko files reach it through a hostfs mount), three
#   times: busybox insmod hello.ko name=VALUE (its init prints the value),
#   lsmod, /proc/modules in Linux's format, /sys/module/hello/sections/.text
#   holding the address /proc/modules gives, rmmod (its exit prints).
# - While loaded from inside, the umid directory holds module-hello.ko, a
#   copy of the image, for gdb; rmmod removes it.
# - init_module(2) itself (busybox uses finit_module first): hello loads
#   with its parameter, a short non-ELF image is ENOEXEC.
# - Dependencies: usetwo uses twomod's export; rmmod twomod is refused
#   (EWOULDBLOCK, as Linux) while usetwo is loaded, with -f too (O_TRUNC
#   forces nothing); /proc/modules lists the user.
# - A char device's open file holds its module (file_operations.owner):
#   rmmod while /dev/holdchar is open is refused (EWOULDBLOCK, as Linux),
#   refcnt shows 1; once closed, rmmod works.
# - Refusals, each with its errno (busybox insmod exits with it and says
#   its words for it) and a kernel log line
#   naming the cause: same name again (EEXIST), not ELF and truncated
#   (ENOEXEC), another build's vermagic (ENOEXEC, "version magic"), an
#   unexported symbol (ENOENT, "Unknown symbol glass_no_such_function"),
#   init returning -ENODEV, a duplicate export (ENOEXEC); an unknown
#   parameter is ignored with a warning, as Linux.
# - Free pages and slab objects (/proc/glass/stats) are exactly back at
#   their values after a warm-up cycle once all of the above is done.
# - gdb's `monitor insmod HOSTPATH name=VALUE` while gdb holds the kernel:
#   queued, and run (init prints VALUE) once gdb detaches.
# - From the host: mconsole (glass-console) insmod HOSTPATH name=VALUE,
#   lsmod (also with Debian's uml_mconsole), rmmod; a relative path and an unknown module are refused.
. "$(dirname "$0")/lib.sh"

H=$TEST_TMP/host
mkdir -p "$H"
cp -r "$TOP/examples/modules/hello" "$H/hello"
cp -r "$TOP/tests/integration/modules/." "$H/"
for m in hello twomod usetwo badsym failinit dupexp holdchar; do
	# Clean first: a copy of a tree built before would look up to date.
	make -s -C "$TOP" M="$H/$m" clean
	if ! make -s -C "$TOP" M="$H/$m" >"$TEST_TMP/build-$m.log" 2>&1; then
		cat "$TEST_TMP/build-$m.log"
		fail "make -C glass M=$m failed"
		finish
	fi
done
[ -f "$H/hello/hello.ko" ] && [ -f "$H/twomod/twomod.ko" ] && ok "out-of-tree builds made hello.ko and twomod.ko" ||
	fail "no hello.ko or twomod.ko"
readelf -p .modinfo "$H/hello/hello.ko" | grep -q "vermagic=glass-" && ok ".modinfo has a vermagic" ||
	fail "no vermagic in hello.ko's .modinfo"
cp -r "$H/twomod" "$TEST_TMP/cleaned"
make -s -C "$TOP" M="$TEST_TMP/cleaned" clean
left=$(cd "$TEST_TMP/cleaned" && ls | grep -v -e '^Makefile$' -e '\.c$')
[ -z "$left" ] && ok "make M=... clean removes what the build made" || fail "clean left: $left"

gcc -O2 -static -o "$H/init_module" "$TOP/tests/integration/modules/init_module.c" ||
	{ fail "cannot build init_module.c"; finish; }

# Broken images, made on the host.
echo "not an ELF object" >"$H/notelf.ko"
head -c 1000 "$H/hello/hello.ko" >"$H/truncated.ko"
python3 - "$H/hello/hello.ko" "$H/othermagic.ko" <<'PY'
import sys
d = open(sys.argv[1], 'rb').read()
assert b'vermagic=glass-' in d
open(sys.argv[2], 'wb').write(d.replace(b'vermagic=glass-', b'vermagic=glasz-'))
PY

cat >"$H/modules.sh" <<'EOS'
mount -t proc proc /proc
mount -t tmpfs tmpfs /tmp
mount -t sysfs sysfs /sys
M=/mnt
snap() {
	while read -r k v; do
		case $k in
		free_pages) fp=$v ;;
		parked_pages) pp=$v ;;
		slab_objects) so=$v ;;
		esac
	done </proc/glass/stats
	fp=$((fp + pp))         # a parked stub's pages are free at its end
	now="free_pages $fp slab_objects $so"
}
cycle() {       # cycle N: load, look, unload hello
	insmod $M/hello/hello.ko name=tester$1 || echo "insmod $1 failed"
	lsmod | grep -q '^hello ' && echo "lsmod $1 ok"
	line=$(grep '^hello ' /proc/modules)
	case "$line" in
	"hello "[0-9]*" 0 - Live 0x"*" (O)") echo "proc $1 ok" ;;
	*) echo "proc $1 bad: $line" ;;
	esac
	addr=${line#* * * * Live }
	addr=${addr%% *}
	[ "$(cat /sys/module/hello/sections/.text)" = "$addr" ] && echo "sysfs $1 ok" ||
		echo "sysfs $1 bad: $(cat /sys/module/hello/sections/.text) vs $addr"
	rmmod hello || echo "rmmod $1 failed"
	[ -d /sys/module/hello ] && echo "sysfs $1 stayed"
}
try() {         # try WHAT COMMAND...: its status and message, on one line
	what=$1
	shift
	msg=$("$@" 2>&1)
	echo "$what status $? msg $msg"
}
# Twice before the reading: a syscall site that traps twice is patched,
# a page of the shell's (kernel/arch/x86_64/README.md).
cycle 0 >/dev/null
cycle 0 >/dev/null
snap
snap
before=$now
cycle 1
cycle 2
cycle 3
insmod $M/hello/hello.ko name=copy
echo LOADED
while [ ! -e $M/checked ]; do sleep 0.1; done
try same-name insmod $M/hello/hello.ko
rmmod hello
try notelf insmod $M/notelf.ko
try truncated insmod $M/truncated.ko
try othermagic insmod $M/othermagic.ko
try badsym insmod $M/badsym/badsym.ko
try failinit insmod $M/failinit/failinit.ko
insmod $M/twomod/twomod.ko
insmod $M/usetwo/usetwo.ko
grep '^twomod ' /proc/modules
try rmmod-used rmmod twomod
try rmmod-force rmmod -f twomod
try dupexp insmod $M/dupexp/dupexp.ko
rmmod usetwo
try rmmod-unused rmmod twomod
try rmmod-gone rmmod twomod
try unknown-param insmod $M/hello/hello.ko bogus=1
rmmod hello
insmod $M/hello/hello.ko name=sysfs count=2
P=/sys/module/hello/parameters
echo "param ls $(ls $P | tr '\n' ' ')"
echo "param values $(cat $P/name) $(cat $P/count) $(ls -l $P/count | cut -c1-10)"
echo 7 >$P/count
echo "param written $(cat $P/count)"
try param-bad sh -c "echo seven >$P/count"
try param-ro sh -c "echo 0 >/sys/module/hello/sections/.text"
echo "param kept $(cat $P/count)"
rmmod hello
$M/init_module $M/hello/hello.ko name=by-init-module
rmmod hello
$M/init_module $M/notelf.ko
insmod $M/holdchar/holdchar.ko
major=$(grep ' holdchar$' /proc/devices)
mknod /tmp/holdchar c ${major% *} 0
exec 3</tmp/holdchar
echo "holdchar refcnt open $(cat /sys/module/holdchar/refcnt)"
try rmmod-open rmmod holdchar
exec 3<&-
echo "holdchar refcnt closed $(cat /sys/module/holdchar/refcnt)"
try rmmod-closed rmmod holdchar
rm /tmp/holdchar
cat /proc/modules
snap
[ "$now" = "$before" ] && echo "counts back: $now" || echo "counts differ: before $before, after $now"
echo MCONSOLE
while [ ! -e $M/done ]; do sleep 0.1; done
echo END
EOS

GLASS_TIMEOUT=180 glass_start init=/bin/sh -- -c "mount -t hostfs none /mnt -o $H && exec sh /mnt/modules.sh"
if ! wait_for 120 grep -q LOADED "$GLASS_OUT"; then
	fail "the guest never loaded hello a 4th time"
	finish
fi
copy=$UML_DIR/$GLASS_UMID/module-hello.ko
cmp "$copy" "$H/hello/hello.ko" && ok "umid directory holds a copy of the image while loaded" ||
	fail "no copy of hello.ko at $copy: $(ls -la "$UML_DIR/$GLASS_UMID")"
touch "$H/checked"
if ! wait_for 120 grep -q MCONSOLE "$GLASS_OUT"; then
	fail "the guest script did not finish"
	finish
fi
[ ! -e "$copy" ] && ok "rmmod removed the umid copy" || fail "$copy stays after rmmod"

out=$(_strip_cr "$GLASS_OUT")
for n in 1 2 3; do
	for w in lsmod proc sysfs; do
		grep -qx "$w $n ok" <<<"$out" && ok "cycle $n: $w" || fail "cycle $n: $w: $(grep "^$w $n" <<<"$out")"
	done
	expect_stderr_contains "hello: hello, tester$n"
	expect_stderr_contains "hello: goodbye, tester$n"
done
grep -q "failed\|stayed" <<<"$out" && fail "$(grep "failed\|stayed" <<<"$out")"

# try lines: "WHAT status N msg TEXT"
expect_try() {  # expect_try WHAT STATUS MSG-WORDS
	local line
	line=$(grep "^$1 status" <<<"$out")
	if [[ "$line" == "$1 status $2 msg"*"$3"* ]]; then ok "$1: status $2, '$3'"
	else fail "$1: '$line', expected status $2 and '$3'"; fi
}
expect_try same-name 17 "File exists"
expect_stderr_contains "hello: a module of this name is already loaded"
expect_try notelf 8 "invalid module format"
expect_stderr_contains "module: not an ELF object"
expect_try truncated 8 "invalid module format"
expect_stderr_contains "module: truncated"
expect_try othermagic 8 "invalid module format"
expect_stderr_contains "hello: version magic 'glasz-"
expect_try badsym 2 "unknown symbol in module"
expect_stderr_contains "badsym: Unknown symbol glass_no_such_function (err -2)"
expect_try failinit 19 "No such device"
expect_stderr_contains "failinit: module_init returned -19"
grep -qE "^twomod [0-9]+ 1 usetwo, Live 0x[0-9a-f]{16} \(O\)$" <<<"$out" &&
	ok "/proc/modules: twomod used by usetwo" || fail "twomod's line: $(grep '^twomod' <<<"$out")"
expect_stderr_contains "usetwo: twomod says 2"
expect_try rmmod-used 1 "Resource temporarily unavailable"
expect_try rmmod-force 1 "Resource temporarily unavailable"
expect_try dupexp 8 "invalid module format"
expect_stderr_contains "dupexp: exports duplicate symbol two_value (owned by twomod)"
expect_try rmmod-unused 0 ""
expect_try rmmod-gone 1 "No such file or directory"
expect_try unknown-param 0 ""
expect_stderr_contains "hello: unknown parameter 'bogus' ignored"
grep -qx "param ls count name " <<<"$out" && grep -qx "param values sysfs 2 -rw-r--r--" <<<"$out" &&
	ok "/sys/module/hello/parameters: name and count, 0644, as insmod set them" ||
	fail "parameters: $(grep '^param ls\|^param values' <<<"$out")"
grep -qx "param written 7" <<<"$out" && grep -qx "param kept 7" <<<"$out" &&
	expect_stderr_contains "hello: goodbye, sysfs (7)" ||
	fail "writing count: $(grep '^param written\|^param kept' <<<"$out")"
expect_try param-bad 1 "Invalid argument"
expect_try param-ro 1 "Permission denied"
grep -qx "init_module: 0" <<<"$out" && ok "init_module(2) loads" || fail "init_module(2) did not load hello"
expect_stderr_contains "hello: hello, by-init-module"
grep -qx "init_module: ENOEXEC" <<<"$out" && ok "init_module(2) of a text file: ENOEXEC" ||
	fail "init_module(2) of a text file: $(grep '^init_module: [A-Z]' <<<"$out")"
grep -qx "holdchar refcnt open 1" <<<"$out" && ok "an open device holds its module" ||
	fail "refcnt while open: $(grep 'refcnt open' <<<"$out")"
expect_try rmmod-open 1 "Resource temporarily unavailable"
grep -qx "holdchar refcnt closed 0" <<<"$out" && ok "closing drops the reference" ||
	fail "refcnt after close: $(grep 'refcnt closed' <<<"$out")"
expect_try rmmod-closed 0 ""
grep -q "^counts back: " <<<"$out" && ok "$(grep '^counts back' <<<"$out")" ||
	fail "$(grep '^counts' <<<"$out")"

# ---- from the host, through the mconsole ----
C=("$TOP/glass-console" --uml-dir "$UML_DIR" "$GLASS_UMID")
r=$("${C[@]}" insmod "$H/hello/hello.ko" name=mconsole 2>&1)
[ "$r" = "$H/hello/hello.ko loaded" ] && ok "mconsole insmod" || fail "mconsole insmod: $r"
wait_for 5 grep -q "hello: hello, mconsole" "$GLASS_ERR" && ok "init ran with name=mconsole" ||
	fail "no 'hello: hello, mconsole'"
[ ! -e "$copy" ] && ok "a module from the host keeps its host path (no copy)" || fail "copy made for a host path"
r=$("${C[@]}" lsmod 2>&1)
grep -qE "^hello +[0-9]+ +0  Live +0x[0-9a-f]{16}$" <<<"$r" && ok "mconsole lsmod" || fail "mconsole lsmod: $r"
r=$("${C[@]}" insmod hello.ko 2>&1)
[[ "$r" == *"absolute host path"* ]] && ok "mconsole insmod of a relative path refused" || fail "relative: $r"
r=$(timeout 20 uml_mconsole "$UML_DIR/$GLASS_UMID/mconsole" lsmod 2>/dev/null)
grep -qE "^hello +[0-9]+ +0  Live" <<<"$r" && ok "uml_mconsole lsmod" || fail "uml_mconsole lsmod: $r"
r=$("${C[@]}" rmmod hello 2>&1)
[ "$r" = "hello unloaded" ] && ok "mconsole rmmod" || fail "mconsole rmmod: $r"
r=$("${C[@]}" rmmod hello 2>&1)
[[ "$r" == *"hello: error 2"* ]] && ok "mconsole rmmod of an unknown module refused" || fail "rmmod again: $r"
touch "$H/done"
glass_wait
grep -q END "$GLASS_OUT" && ok "guest finished" || fail "guest did not finish"

# ---- gdb's monitor: queued while gdb holds the kernel ----
GLASS_TIMEOUT=60 glass_start gdb init=/bin/sh -- -c 'sleep 30'
if wait_for 20 test -S "$UML_DIR/$GLASS_UMID/gdb"; then
	r=$(timeout 30 gdb -batch -nx -ex "target remote $UML_DIR/$GLASS_UMID/gdb" \
		-ex "monitor insmod $H/hello/hello.ko name=gdb" -ex detach "$GLASS" 2>&1)
	[[ "$r" == *"'insmod' runs in the mconsole kernel thread once the kernel continues"* ]] &&
		ok "monitor insmod is queued" || fail "monitor insmod: $r"
	wait_for 10 grep -q "hello: hello, gdb" "$GLASS_ERR" && ok "it ran once gdb detached" ||
		fail "no 'hello: hello, gdb' after detach"
else
	fail "no gdb socket"
fi
"$TOP/glass-console" --uml-dir "$UML_DIR" "$GLASS_UMID" halt >/dev/null 2>&1
glass_wait
finish

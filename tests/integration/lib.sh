# tests/integration/lib.sh: helpers for integration tests (bash; source it).
#
#   . "$(dirname "$0")/lib.sh"
#   glass_run init=/bin/sh -- -c 'echo hi'   # runs ./glass; never fails itself
#   expect_status 0
#   expect_output 'hi'
#   finish                                   # exit 0 if every check passed
#
# glass_run sets: GLASS_STATUS, GLASS_OUT (stdout file), GLASS_ERR (stderr
# file), GLASS_UMID. Each run gets its own umid (test-<pid>-<n>) under a
# private uml_dir, a time-out (GLASS_TIMEOUT, default 60 s), and stdin from
# /dev/null unless --stdin FILE is given. Guest console output is glass's
# stdout; kernel messages go to its stderr.
set -u

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
GLASS=${GLASS:-$TOP/glass}
GLASS_TIMEOUT=${GLASS_TIMEOUT:-60}
TEST_NAME=$(basename "$0" .sh)
TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/glass-$TEST_NAME.XXXXXX")
UML_DIR=$TEST_TMP/uml
mkdir -p "$UML_DIR"
_glass_runs=0
_failures=0
_failed_checks=()
GLASS_STATUS=
GLASS_OUT=/dev/null
GLASS_ERR=/dev/null
GLASS_UMID=
_bg_pids=()

_lib_cleanup() {
	local p
	# $p is the timeout(1) wrapping glass: glass first, or it outlives it.
	for p in ${_bg_pids[@]+"${_bg_pids[@]}"}; do
		pkill -KILL -P "$p" 2>/dev/null
		kill -KILL "$p" 2>/dev/null
	done
	[ -n "${KEEP_TMP:-}" ] || rm -rf "$TEST_TMP"
}
trap _lib_cleanup EXIT

note() { echo "# $*"; }

# fail MESSAGE: record a failure and show the last run's output.
fail() {
	_failures=$((_failures + 1))
	_failed_checks+=("$(head -c 300 <<<"$*" | tr '\n' ' ')")
	echo "FAIL: $*"
	if [ -n "$GLASS_UMID" ]; then
		echo "--- last glass run: ${_last_cmd:-} (status $GLASS_STATUS)"
		echo "--- stdout (tail):"; tail -n 20 "$GLASS_OUT" | cat -v
		echo "--- stderr (tail):"; tail -n 20 "$GLASS_ERR" | cat -v
	fi
}
ok() { echo "ok: $*"; }
# expect_in FILE DESCRIPTION REGEX: ok if a line of FILE matches REGEX
# (grep -E), otherwise a failure naming it.
expect_in() {
	if grep -qE -- "$3" "$1"; then ok "$2"; else fail "$2: no /$3/"; fi
}

finish() {
	local c
	if [ "$_failures" -ne 0 ]; then
		# Again at the end, where a log's tail (make check's) shows them.
		for c in "${_failed_checks[@]}"; do
			echo "failed: $c"
		done
		echo "$TEST_NAME: $_failures check(s) failed"
		exit 1
	fi
	echo "$TEST_NAME: all checks passed"
	exit 0
}

# Strip the CRs a tty's ONLCR may add (the console is a tty to the guest).
_strip_cr() { tr -d '\r' <"$1"; }

# glass_run [--timeout S] [--stdin FILE] [--umid NAME] [--no-umid] ARGS...
glass_run() {
	local t=$GLASS_TIMEOUT in=/dev/null umid= no_umid=0
	while [ $# -gt 0 ]; do
		case "$1" in
		--timeout) t=$2; shift 2 ;;
		--stdin) in=$2; shift 2 ;;
		--umid) umid=$2; shift 2 ;;
		--no-umid) no_umid=1; shift ;;
		*) break ;;
		esac
	done
	_glass_runs=$((_glass_runs + 1))
	[ -n "$umid" ] || umid=test-$$-$_glass_runs
	GLASS_UMID=$umid
	GLASS_OUT=$TEST_TMP/run$_glass_runs.out
	GLASS_ERR=$TEST_TMP/run$_glass_runs.err
	local pre=()
	[ $no_umid = 1 ] || pre=("uml_dir=$UML_DIR" "umid=$umid")
	_last_cmd="glass ${pre[*]} $*"
	timeout -k 5 "$t" "$GLASS" "${pre[@]}" "$@" <"$in" >"$GLASS_OUT" 2>"$GLASS_ERR"
	GLASS_STATUS=$?
	if [ "$GLASS_STATUS" = 124 ] || [ "$GLASS_STATUS" = 137 ]; then
		echo "# glass timed out after ${t}s: $_last_cmd"
	fi
	return 0
}

# glass_start ARGS...: like glass_run, in the background; sets GLASS_PID.
glass_start() {
	_glass_runs=$((_glass_runs + 1))
	GLASS_UMID=test-$$-$_glass_runs
	GLASS_OUT=$TEST_TMP/run$_glass_runs.out
	GLASS_ERR=$TEST_TMP/run$_glass_runs.err
	_last_cmd="glass uml_dir=$UML_DIR umid=$GLASS_UMID $*"
	timeout -k 5 "$GLASS_TIMEOUT" "$GLASS" "uml_dir=$UML_DIR" "umid=$GLASS_UMID" "$@" \
		<"${GLASS_STDIN:-/dev/null}" >"$GLASS_OUT" 2>"$GLASS_ERR" &
	GLASS_PID=$!
	_bg_pids+=("$GLASS_PID")
}

# glass_wait: wait for the glass_start'ed run; sets GLASS_STATUS.
glass_wait() {
	wait "$GLASS_PID"
	GLASS_STATUS=$?
}

# wait_for SECONDS COMMAND...: poll until COMMAND succeeds.
wait_for() {
	local n=$(($1 * 10))
	shift
	while [ $n -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

expect_status() {
	if [ "$GLASS_STATUS" = "$1" ]; then ok "exit status $1"
	else fail "exit status $GLASS_STATUS, expected $1"; fi
}

# expect_output TEXT: stdout is exactly TEXT (plus a final newline).
expect_output() {
	local got
	got=$(_strip_cr "$GLASS_OUT")
	if [ "$got" = "$1" ]; then ok "output is '$1'"
	else fail "output $(printf %q "$got"), expected $(printf %q "$1")"; fi
}

# expect_stdout_contains / expect_stderr_contains FIXED-STRING
expect_stdout_contains() {
	if _strip_cr "$GLASS_OUT" | grep -qF -- "$1"; then ok "stdout has '$1'"
	else fail "stdout lacks '$1'"; fi
}
expect_stderr_contains() {
	if grep -qF -- "$1" "$GLASS_ERR"; then ok "stderr has '$1'"
	else fail "stderr lacks '$1'"; fi
}

# make_initramfs OUT [mkinitramfs.sh options...]
make_initramfs() {
	"$TOP/scripts/mkinitramfs.sh" "$@" >/dev/null
}

# A directory of links to the host's busybox applets, so a native run
# uses busybox for every command, as the guest does.
native_bin() {
	local d=$TEST_TMP/native-bin a
	if [ ! -d "$d" ]; then
		mkdir -p "$d"
		for a in $(/bin/busybox --list); do ln -s /bin/busybox "$d/$a"; done
	fi
	echo "$d"
}

# Can this host mount a tmpfs (root with CAP_SYS_ADMIN)? 1 or 0.
host_can_mount() {
	local d=$TEST_TMP/mount-probe
	mkdir -p "$d"
	if /bin/busybox mount -t tmpfs none "$d" 2>/dev/null; then
		/bin/busybox umount "$d"
		echo 1
	else
		echo 0
	fi
}

# compare_with_native SCRIPT [RULES] [-- EXTRA-FILES as SRC:DST...]
# Runs the busybox SCRIPT natively with the host's /bin/busybox and inside
# Glass (put into an initramfs at /test/script.sh, run as
# `init=/bin/sh -- /test/script.sh`), normalizes both stdouts with the sed
# RULES file (sed -E), and requires them, and the exit statuses, to match.
# Both runs see the environment WHERE=native|glass, WORK (a scratch
# directory; the script makes it), CAN_MOUNT (0/1, from the host), TZ=UTC,
# PATH and HOME=/ ; in Glass the script itself must mount /proc, /tmp and
# /dev (init= skips /init) -- see busybox_applets.script.
compare_with_native() {
	local script=$1 rules=${2:-} adds=() a
	shift $(($# >= 2 ? 2 : 1))
	[ "${1:-}" = -- ] && shift
	for a in "$@"; do adds+=(--add "$a"); done
	local can_mount nb img=$TEST_TMP/compare.cpio
	can_mount=$(host_can_mount)
	nb=$(native_bin)

	# Native.
	local nwork=$TEST_TMP/native-work
	(cd "$TEST_TMP" && env -i PATH="$nb" HOME=/ TERM=linux TZ=UTC WHERE=native \
		WORK="$nwork" CAN_MOUNT="$can_mount" \
		timeout -k 5 120 /bin/busybox sh "$TOP/$script" \
		</dev/null >"$TEST_TMP/native.out" 2>"$TEST_TMP/native.err")
	local nstatus=$?

	# Glass.
	make_initramfs "$img" --add "$TOP/$script:/test/script.sh" ${adds[@]+"${adds[@]}"} ||
		{ fail "mkinitramfs failed"; return; }
	# The console is a tty to the guest; natively stdout is a file. So in
	# Glass too the script's stdout goes to a file (in the writable
	# rootfs), printed after it ends, then its stderr after a marker.
	glass_run --timeout 120 initrd="$img" init=/bin/sh \
		PATH=/sbin:/usr/sbin:/bin:/usr/bin TZ=UTC WHERE=glass WORK=/tmp/work \
		CAN_MOUNT="$can_mount" -- -c \
		'sh /test/script.sh >/test/stdout 2>/test/stderr; s=$?; cat /test/stdout
		 echo "=== GLASS-STDERR"; cat /test/stderr; exit $s'
	local gstatus=$GLASS_STATUS
	tr -d '\r' <"$GLASS_OUT" | sed '/^=== GLASS-STDERR$/,$d' >"$TEST_TMP/glass.stdout"

	local norm=(cat)
	[ -n "$rules" ] && norm=(sed -E -f "$TOP/$rules")
	tr -d '\r' <"$TEST_TMP/native.out" | "${norm[@]}" >"$TEST_TMP/native.norm"
	"${norm[@]}" <"$TEST_TMP/glass.stdout" >"$TEST_TMP/glass.norm"
	if [ "$nstatus" != 0 ]; then
		fail "native run of $script exited $nstatus (the script must pass natively)"
		tail -n 20 "$TEST_TMP/native.err"
	fi
	if diff -u --label native --label glass "$TEST_TMP/native.norm" "$TEST_TMP/glass.norm" \
		>"$TEST_TMP/compare.diff"; then
		ok "$script: glass output matches native ($(wc -l <"$TEST_TMP/native.norm") lines)"
	else
		fail "$script: glass output differs from native"
		head -n 80 "$TEST_TMP/compare.diff"
	fi
	if [ "$gstatus" = "$nstatus" ]; then ok "exit status $gstatus as native"
	else fail "glass exited $gstatus, native $nstatus"; fi
}

# mc_setup: for tests that use Debian's uml_mconsole (fails the test when
# it is missing): it finds NAME as $HOME/.uml/NAME/mconsole, so HOME gets
# a .uml that is our uml_dir.
mc_setup() {
	command -v uml_mconsole >/dev/null ||
		{ fail "uml_mconsole missing (apt-get install uml-utilities)"; finish; }
	export HOME=$TEST_TMP/home
	mkdir -p "$HOME"
	ln -s "$UML_DIR" "$HOME/.uml"
}

# mc CMD...: run uml_mconsole on this run's umid; sets MC_OUT and MC_STATUS.
mc() {
	MC_OUT=$(timeout 20 uml_mconsole "$GLASS_UMID" "$@" 2>"$TEST_TMP/mc.err")
	MC_STATUS=$?
}

# expect_mc STATUS FIXED-STRING CMD...: the reply has the text, the client
# exits STATUS.
expect_mc() {
	local st=$1 want=$2
	shift 2
	mc "$@"
	if [ "$MC_STATUS" = "$st" ] && grep -qF -- "$want" <<<"$MC_OUT"; then
		ok "'$*' -> $(head -n1 <<<"$MC_OUT" | cut -c1-60)"
	else
		fail "'$*': status $MC_STATUS (want $st), output lacks '$want':"
		head -n 20 <<<"$MC_OUT"
		cat "$TEST_TMP/mc.err"
	fi
}

# expect_mc_re REGEX CMD...: the reply matches the extended regex (any
# status: errors are part of what some tests expect).
expect_mc_re() {
	local want=$1
	shift
	mc "$@"
	expect_mc_out_re "$want" "$*"
}

# expect_mc_out_re REGEX WHAT: the last reply (MC_OUT, of the command
# WHAT) matches the extended regex.
expect_mc_out_re() {
	if grep -qE -- "$1" <<<"$MC_OUT"; then
		ok "'$2' has /$1/"
	else
		fail "'$2': output lacks /$1/:"
		head -n 8 <<<"$MC_OUT"
	fi
}

# build_example_modules DIR NAME...: fresh copies of examples/modules/NAME
# in DIR/NAME, each built out of tree (make -C <glass> M=DIR/NAME), so a
# test may edit and rebuild them; the build log on failure.
build_example_modules() {
	local dir=$1 m
	shift
	rm -rf "$dir"
	for m in "$@"; do
		mkdir -p "$dir/$m"
		cp "$TOP/examples/modules/$m"/*.[ch] "$TOP/examples/modules/$m/Makefile" "$dir/$m/" &&
		make -s -C "$TOP" M="$dir/$m" >"$dir/$m.log" 2>&1 ||
			{ cat "$dir/$m.log"; return 1; }
	done
}

#!/bin/bash
# A bad value of a known option: one line on stderr naming the option and
# the value, nothing on stdout, exit status 2, and no umid directory left.
. "$(dirname "$0")/lib.sh"

check_bad() {
	local opt=$1 val=$2
	glass_run "$opt=$val" init=/bin/true
	expect_status 2
	local lines
	lines=$(grep -c . "$GLASS_ERR")
	if [ "$lines" = 1 ]; then ok "one line on stderr"
	else fail "$lines lines on stderr for $opt=$val, expected one"; fi
	if grep -q -- "$opt" "$GLASS_ERR" && grep -qF -- "$val" "$GLASS_ERR"; then
		ok "error names $opt and '$val'"
	else
		fail "error does not name $opt and '$val'"
	fi
	[ -s "$GLASS_OUT" ] && fail "stdout not empty for $opt=$val"
	[ -e "$UML_DIR/$GLASS_UMID" ] && fail "umid directory left after bad $opt"
}

check_bad mem banana
check_bad mem 12Q
check_bad loglevel banana
check_bad max_tasks banana
finish

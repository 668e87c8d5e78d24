#!/bin/bash
# ./glass --help lists every option (and the line classes
# con0=, conN=, sslN=) and exits 0.
. "$(dirname "$0")/lib.sh"

glass_run --no-umid --help
expect_status 0
cat "$GLASS_OUT" "$GLASS_ERR" >"$TEST_TMP/help"
for o in mem= umid= uml_dir= initrd= rdinit= init= root= rootfstype= rootflags= ro rw con0= conN= sslN= loglevel= quiet hostfs= max_tasks=; do
	if grep -qE -- "(^|[[:space:]])$o" "$TEST_TMP/help"; then ok "lists $o"
	else fail "--help does not list $o"; fi
done
# --help must not boot: no umid directory, quick.
[ -z "$(ls -A "$UML_DIR")" ] || fail "--help created something in uml_dir"
finish

#!/bin/bash
# hostfs: a host directory mounted in the guest.
# - Host-built static binaries (musl t_time, static-pie t_proc) run from it:
#   exec and mmap (MAP_PRIVATE) of hostfs files.
# - Files created, written, appended, renamed, unlinked, hard-linked and
#   chmod'ed, directories made and removed, symlinks made, all inside, show
#   on the host as they should; a host symlink is followed in the guest's
#   namespace, never the host's.
# - While the guest runs, the host creates, changes and removes files and
#   the guest sees each change.
# - A few MiB written on each side read back with the same md5sum on the
#   other, and copied through tmpfs and back unchanged.
# - hostfs=DIR confines mounts: DIR and DIR/sub mount; a path outside DIR,
#   DIR/../, and a symlink in DIR pointing outside are refused with EPERM.
# - MAP_SHARED writes reach the host file (t_sharedmap): the guest's own
#   checks on hostfs (msync, read/write coherence, munmap+close, pwrite
#   after munmap, fork, ftruncate then SIGBUS); on the host, after msync
#   and a SIGKILL of glass at once, after the writeback timer (within a
#   generous 20 s of a write with no msync), after munmap+close and after
#   exit without munmap once glass has exited normally.
# - Mounts are nosuid,nodev for the host by default: chmod 4755/2755 lose
#   the bits on the host, mknod of a device is refused (EPERM), a FIFO is
#   made; with allow_suid,allow_dev the bits stay and (as root) the node
#   is made. /proc/mounts shows the options.
# - hostfs=/nonexistent, hostfs=relative and hostfs=FILE: exit 2, naming
#   the option.
. "$(dirname "$0")/lib.sh"

PB=$TOP/build/programs
H=$TEST_TMP/host
mkdir -p "$H/sub" "$H/gone"
for p in musl/t_time static-pie/t_proc musl/t_sharedmap; do
	[ -x "$PB/$p" ] || { fail "$PB/$p not built: make programs"; finish; }
	cp "$PB/$p" "$H/$(basename "$p")"
done
echo "from the host" >"$H/hello.txt"
echo "to be removed" >"$H/gone/file"
ln -s /etc/passwd "$H/passwd-link"          # the guest's /etc/passwd, not ours
ln -s ../hello.txt "$H/sub/rel-link"
head -c 3145728 /dev/urandom >"$H/big.host"
host_big=$(md5sum <"$H/big.host" | cut -d' ' -f1)

setup='mount -t proc proc /proc; mount -t tmpfs tmpfs /tmp; mount -t devtmpfs dev /dev'

# ---- binaries, file operations, host changes seen inside, big files ----
GLASS_TIMEOUT=120 glass_start init=/bin/sh H="$H" -- -c "$setup
mount -t hostfs none /mnt -o \"\$H\" || echo 'MOUNT FAILED'
cd /tmp
/mnt/t_time >/tmp/t_time.out 2>&1; echo \"t_time status \$? passes \$(grep -c ^PASS /tmp/t_time.out)\"
/mnt/t_proc >/tmp/t_proc.out 2>&1; echo \"t_proc status \$? passes \$(grep -c ^PASS /tmp/t_proc.out)\"
echo \"hello: \$(cat /mnt/hello.txt)\"
echo \"passwd-link lines: \$(wc -l </mnt/passwd-link)\"
echo \"rel-link: \$(cat /mnt/sub/rel-link)\"
echo one >/mnt/created.txt && echo two >>/mnt/created.txt
echo data >/mnt/to-rename && mv /mnt/to-rename /mnt/renamed
echo bye >/mnt/to-delete && rm /mnt/to-delete
mkdir /mnt/newdir && mkdir -p /mnt/newdir/deep/er && echo x >/mnt/newdir/deep/er/f
mkdir /mnt/tmpdir && rmdir /mnt/tmpdir
ln -s created.txt /mnt/symlink && ln /mnt/created.txt /mnt/hardlink
echo \"links: \$(stat -c %h /mnt/created.txt)\"
chmod 751 /mnt/renamed
rm -r /mnt/gone
echo \"symlink reads: \$(cat /mnt/symlink | tr '\n' ' ')\"
echo \"ls: \$(ls /mnt | tr '\n' ' ')\"
echo \"big.host md5 \$(md5sum </mnt/big.host)\"
cp /mnt/big.host /tmp/big && cp /tmp/big /mnt/big.copy
dd if=/dev/urandom of=/mnt/big.guest bs=65536 count=40 2>/dev/null
echo \"big.guest md5 \$(md5sum </mnt/big.guest)\"
echo READY
i=0; while [ ! -e /mnt/go ] && [ \$i -lt 300 ]; do sleep 0.1; i=\$((i+1)); done
echo \"new from host: \$(cat /mnt/host-new.txt)\"
echo \"changed by host: \$(cat /mnt/hello.txt)\"
[ -e /mnt/renamed ] && echo 'renamed still there' || echo 'renamed gone'
echo \"host dir: \$(ls /mnt/hostdir)\"
echo DONE"
if wait_for 60 grep -q READY "$GLASS_OUT"; then
	echo "new file" >"$H/host-new.txt"
	echo "changed on the host" >"$H/hello.txt"
	rm "$H/renamed"
	mkdir "$H/hostdir" && touch "$H/hostdir/inside"
	touch "$H/go"
fi
glass_wait
expect_status 0
out=$(tr -d '\r' <"$GLASS_OUT")
has() { if echo "$out" | grep -qxF -- "$1"; then ok "guest: $1"; else fail "guest output lacks '$1'"; fi; }
echo "$out" | grep -q '^MOUNT FAILED' && fail "hostfs mount failed"
for p in t_time t_proc; do
	line=$(echo "$out" | grep "^$p status")
	[[ $line == "$p status 0 passes "[1-9]* ]] && ok "host-built $p runs from hostfs: $line" ||
		fail "$p from hostfs: '$line'"
done
has "hello: from the host"
has "passwd-link lines: 1"
has "rel-link: from the host"
has "links: 2"
has "symlink reads: one two "
has "big.host md5 $host_big  -"
has "new from host: new file"
has "changed by host: changed on the host"
has "renamed gone"
has "host dir: inside"
has DONE

# On the host, after the guest's changes.
[ "$(cat "$H/created.txt" 2>/dev/null)" = "$(printf 'one\ntwo')" ] && ok "host: created.txt written and appended" ||
	fail "host: created.txt is '$(cat "$H/created.txt" 2>&1)'"
[ ! -e "$H/to-rename" ] && [ ! -e "$H/to-delete" ] && ok "host: renamed-from and deleted files gone" ||
	fail "host: to-rename or to-delete still there"
[ -f "$H/newdir/deep/er/f" ] && [ ! -e "$H/tmpdir" ] && ok "host: mkdir -p and rmdir" ||
	fail "host: directories wrong: $(cd "$H" && find newdir tmpdir 2>&1 | tr '\n' ' ')"
[ "$(readlink "$H/symlink")" = created.txt ] && ok "host: symlink -> created.txt" ||
	fail "host: symlink is '$(readlink "$H/symlink")'"
[ "$(stat -c %h "$H/created.txt")" = 2 ] && [ "$(stat -c %i "$H/created.txt")" = "$(stat -c %i "$H/hardlink")" ] &&
	ok "host: hard link shares the inode (2 links)" || fail "host: hard link wrong"
[ ! -e "$H/gone" ] && ok "host: rm -r removed gone/" || fail "host: gone/ still there"
gmd5=$(echo "$out" | sed -n 's/^big.guest md5 \([0-9a-f]*\).*/\1/p')
[ "$(stat -c %s "$H/big.guest" 2>/dev/null)" = 2621440 ] && [ -n "$gmd5" ] &&
	[ "$(md5sum <"$H/big.guest" | cut -d' ' -f1)" = "$gmd5" ] &&
	ok "host: 2.5 MiB written by the guest has its md5sum $gmd5" ||
	fail "host: big.guest size $(stat -c %s "$H/big.guest" 2>&1) md5 $(md5sum <"$H/big.guest" | cut -d' ' -f1) vs guest $gmd5"
cmp -s "$H/big.host" "$H/big.copy" && ok "host: 3 MiB copied through the guest's tmpfs and back unchanged" ||
	fail "host: big.copy differs from big.host"

# ---- hostfs=DIR confinement ----
ln -s "$TEST_TMP" "$H/out-link"
glass_run hostfs="$H" init=/bin/sh H="$H" OUT="$TEST_TMP" -- -c "$setup
try() { if mount -t hostfs none /mnt -o \"\$1\" 2>/tmp/err; then echo \"\$2: mounted\"; umount /mnt;
	else echo \"\$2: refused: \$(cat /tmp/err)\"; fi; }
try \"\$H\" dir
try \"\$H/sub\" sub
try \"\$H/\" dir-slash
try \"\$H/sub/..\" sub-dotdot
try /etc outside
try \"\$OUT\" parent
try \"\$H/../\" dotdot-escape
try \"\$H/sub/../../\" dotdot-escape2
try \"\$H/out-link\" symlink-escape
mount -t hostfs none /mnt -o \"\$H/sub\" && cat /mnt/rel-link 2>&1; echo done"
expect_status 0
out=$(tr -d '\r' <"$GLASS_OUT")
for w in dir sub dir-slash sub-dotdot; do
	echo "$out" | grep -qx "$w: mounted" && ok "hostfs=DIR: $w mounts" ||
		fail "hostfs=DIR: $w: $(echo "$out" | grep "^$w:")"
done
for w in outside parent dotdot-escape dotdot-escape2 symlink-escape; do
	line=$(echo "$out" | grep "^$w:")
	# busybox mount says this for EPERM (and only for it).
	[[ $line == "$w: refused: "*"permission denied (are you root?)"* ]] &&
		ok "hostfs=DIR: $w refused with EPERM" ||
		fail "hostfs=DIR: $w: '$line'"
done
# rel-link (../hello.txt) from a mount of sub/ resolves in the guest: /hello.txt does not exist.
echo "$out" | grep -q 'rel-link.*No such file' && ok "a symlink out of the mounted subdirectory stays in the guest" ||
	fail "rel-link from sub mount: $(echo "$out" | grep -B1 '^done')"
expect_stderr_contains "is outside hostfs="

# ---- MAP_SHARED writes reach the host ----
# hostword FILE: the word the guest wrote at the start of FILE (up to a NUL).
hostword() { head -c 16 "$1" 2>/dev/null | tr -d '\0'; }
mount_h="$setup; mount -t hostfs none /mnt -o \"\$H\""
for f in map-unmap map-exit map-synced map-dirty; do head -c 8192 /dev/zero >"$H/$f"; done
glass_run init=/bin/sh H="$H" -- -c "$mount_h
/mnt/t_sharedmap /mnt; echo \"t_sharedmap status \$?\"
/mnt/t_sharedmap unmap /mnt/map-unmap; /mnt/t_sharedmap exit /mnt/map-exit; echo DONE"
expect_status 0
out=$(tr -d '\r' <"$GLASS_OUT")
echo "$out" | grep -q '^t_sharedmap status 0$' && ok "t_sharedmap passes on hostfs" ||
	fail "t_sharedmap on hostfs: $(echo "$out" | grep -E '^(FAIL|t_sharedmap)' | tr '\n' ' ')"
[ "$(hostword "$H/map-unmap")" = unmapped ] && ok "host: munmap+close without msync wrote the file" ||
	fail "host: map-unmap has '$(hostword "$H/map-unmap")'"
[ "$(hostword "$H/map-exit")" = "at exit" ] && ok "host: exit without munmap wrote the file" ||
	fail "host: map-exit has '$(hostword "$H/map-exit")'"

glass_start init=/bin/sh H="$H" -- -c "$mount_h; /mnt/t_sharedmap synced /mnt/map-synced"
if wait_for 30 grep -q SYNCED "$GLASS_OUT"; then
	kill -KILL "$(cat "$UML_DIR/$GLASS_UMID/pid")"
fi
glass_wait
[ "$GLASS_STATUS" = 137 ] && ok "glass died of SIGKILL" || fail "glass status $GLASS_STATUS, not 137"
[ "$(hostword "$H/map-synced")" = synced ] && ok "host: msync'ed data there after SIGKILL of glass" ||
	fail "host: map-synced has '$(hostword "$H/map-synced")'"

glass_start init=/bin/sh H="$H" -- -c "$mount_h; /mnt/t_sharedmap dirty /mnt/map-dirty"
wait_for 30 grep -q DIRTY "$GLASS_OUT" || fail "t_sharedmap dirty did not start"
dirty_on_host() { [ "$(hostword "$H/map-dirty")" = dirty ]; }
wait_for 20 dirty_on_host && ok "host: the writeback timer wrote a page never msync'ed" ||
	fail "host: map-dirty has '$(hostword "$H/map-dirty")' after 20 s"
kill -KILL "$(cat "$UML_DIR/$GLASS_UMID/pid")" 2>/dev/null
glass_wait

# ---- nosuid,nodev for the host unless allow_suid,allow_dev ----
glass_run init=/bin/sh H="$H" -- -c "$mount_h
echo x >/mnt/suid; chmod 4755 /mnt/suid; echo x >/mnt/sgid; chmod 2755 /mnt/sgid
mknod /mnt/cdev c 1 3 2>&1; echo \"mknod status \$?\"
mknod /mnt/fifo p; echo \"fifo status \$?\"
mkdir /m2; mount -t hostfs none /m2 -o \"\$H,allow_suid,allow_dev\"
echo x >/m2/suid-ok; chmod 4755 /m2/suid-ok
mknod /m2/cdev-ok c 1 3; echo \"allowed mknod status \$?\"
grep ' hostfs ' /proc/mounts"
expect_status 0
out=$(tr -d '\r' <"$GLASS_OUT")
[ "$(stat -c %a "$H/suid")" = 755 ] && [ "$(stat -c %a "$H/sgid")" = 755 ] &&
	ok "host: setuid and setgid bits stripped by default" ||
	fail "host: suid $(stat -c %a "$H/suid") sgid $(stat -c %a "$H/sgid")"
[ ! -e "$H/cdev" ] && echo "$out" | grep -q "mknod: .*Operation not permitted" &&
	echo "$out" | grep -qx "mknod status 1" && ok "mknod of a device refused with EPERM" ||
	fail "mknod of a device: $(ls -l "$H/cdev" 2>&1) / $(echo "$out" | grep mknod | tr '\n' ' ')"
[ -p "$H/fifo" ] && ok "host: a FIFO is made" || fail "host: no FIFO"
[ "$(stat -c %a "$H/suid-ok")" = 4755 ] && ok "host: allow_suid keeps the setuid bit" ||
	fail "host: suid-ok $(stat -c %a "$H/suid-ok")"
if [ "$(id -u)" = 0 ]; then
	[ -c "$H/cdev-ok" ] && ok "host: allow_dev makes the device node (as root)" ||
		fail "host: allow_dev: $(ls -l "$H/cdev-ok" 2>&1)"
fi
echo "$out" | grep -q "^none /m2 hostfs rw,allow_suid,allow_dev " && echo "$out" | grep -q "^none /mnt hostfs rw " &&
	ok "/proc/mounts shows the options" || fail "/proc/mounts: $(echo "$out" | grep hostfs | tr '\n' '|')"

# ---- bad hostfs= values ----
for v in /nonexistent relative "$H/hello.txt"; do
	glass_run hostfs="$v" init=/bin/true
	expect_status 2
	expect_stderr_contains "bad value '$v' for option hostfs"
done
finish

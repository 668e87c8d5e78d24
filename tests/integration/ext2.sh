#!/bin/bash
# ext2 on ubd, checked by the host's e2fsprogs:
# 1. Images made by the host's mke2fs (1 KiB blocks as Debian's defaults
#    give a small disk, 4 KiB blocks, revision 0) are filled inside Glass
#    with busybox (mkdir, cp, ln, ln -s, mv, rm, chmod, chown, touch,
#    mkfifo, mknod, dd: a few MB, files
#    reaching the indirect, double and triple indirect maps, one sparse),
#    synced and unmounted; then `e2fsck -fn` finds each clean and
#    `debugfs` reads what was written (contents by md5, links, symlinks).
#    `mount /dev/ubdb /mnt` without -t probes the type.
# 2. busybox mke2fs inside Glass, then the same host checks.
# 3. SIGKILL of glass right after sync (and after a dd conv=fsync): the
#    host sees everything they covered, e2fsck finds no error beyond the
#    unclean state.
# 4. Features: an unknown read-only-compatible feature mounts read-only
#    only (busybox's mount retries read-only after EROFS); an unknown incompatible
#    one is refused, each with a message naming it.
# 5. Corrupt images (point 4 of issue 17): a corrupt superblock, a bad
#    block pointer, a directory entry past its block, an inode number out
#    of range: EUCLEAN for the guest, a log line naming the device and
#    inode, and the kernel runs on.
# 6. Root on ubd: `ubd0=root.img root=/dev/ubda` boots the static busybox
#    of an ext2 image, read-only by default; `mount -o remount,rw /`
#    makes it writable, and `rw` boots it writable; the host then reads
#    what was written, and e2fsck finds the image clean.
# 7. Partitions: a disk with an MBR (two primary partitions, the first
#    holding ext2) gives /dev/ubdb1 and /dev/ubdb2 (no ubdb3); ext2 on
#    ubdb1 is written inside, the host finds it clean in the first
#    partition, and the second is untouched.
# 8. No leak: page-frame, slab-object and task counts are the same after
#    a mount, fill, sync and umount cycle as before it (after a warm-up
#    cycle; leaks.sh's rules and its counters.script).
# 9. Shared mappings: t_sharedmap's checks pass on ext2 (writes through
#    MAP_SHARED reach read(), msync, fsync, munmap, fork, truncate's
#    SIGBUS), what a mapping wrote is in the image, and e2fsck finds the
#    block counts right (the page cache does not count in i_blocks).
. "$(dirname "$0")/lib.sh"

for t in mke2fs e2fsck debugfs; do
	command -v $t >/dev/null || { fail "$t missing (apt-get install e2fsprogs)"; finish; }
done
D=$TEST_TMP/disks
mkdir -p "$D"
# line PREFIX: the guest's output line starting with PREFIX, CRs dropped
line() { tr -d '\r' <"$GLASS_OUT" | grep -m1 "^$1"; }
seen() { [ -e "$GLASS_OUT" ] && tr -d '\r' <"$GLASS_OUT" | grep -q "^$1"; }
expect_line() {
	local got
	got=$(line "$1")
	if [ "$got" = "$2" ]; then ok "guest: $2"; else fail "guest line '$got', expected '$2'"; fi
}
# fsck_clean IMG WHAT: e2fsck -fn finds nothing to fix
fsck_clean() {
	local out
	if out=$(e2fsck -fn "$1" 2>&1); then ok "$2: e2fsck -fn clean"
	else fail "$2: e2fsck -fn: $out"; fi
}
# dbg IMG CMD: debugfs's answer, without its banner
dbg() { debugfs -R "$2" "$1" 2>/dev/null; }
# guest_md5 NAME: the md5 the guest printed for NAME ("MD5 NAME sum")
guest_md5() { line "MD5 $1 " | cut -d' ' -f3; }
# host_md5 IMG PATH: md5 of PATH in IMG read by debugfs
host_md5() { debugfs -R "cat $2" "$1" 2>/dev/null | md5sum | cut -d' ' -f1; }

cat >"$TEST_TMP/fill.sh" <<'EOF'
mount -t proc proc /proc
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
mkdir -p /mnt
if [ "$MKFS" = 1 ]; then
	mke2fs -q /dev/ubdb >/dev/null && echo MKFS-OK
fi
if [ "$PROBE" = 1 ]; then mount /dev/ubdb /mnt; else mount -t ext2 /dev/ubdb /mnt; fi &&
	echo MOUNTED
grep ' /mnt ' /proc/mounts | sed 's/^/MOUNTS /'
m=/mnt
mkdir -p $m/a/b/c $m/gone/sub
echo hello >$m/a/hello
cp -a /bin $m/bin-copy
# Blocks through the indirect, double (1 KiB: past 268 KiB; 4 KiB:
# past 4 MiB + 48 KiB) and, sparse, the triple indirect map.
dd if=/dev/urandom of=$m/a/b/big bs=1024 count=4500 2>/dev/null
dd if=/dev/urandom of=$m/mid bs=1000 count=300 2>/dev/null
dd if=/dev/urandom of=/tmp/tail bs=1234 count=1 2>/dev/null
dd if=/tmp/tail of=$m/sparse bs=1024 seek=70000 2>/dev/null
echo "MD5 big $(md5sum <$m/a/b/big | cut -d' ' -f1)"
echo "MD5 mid $(md5sum <$m/mid | cut -d' ' -f1)"
echo "MD5 sparse $(md5sum <$m/sparse | cut -d' ' -f1)"
ln $m/a/hello $m/a/b/c/hard
ln -s ../hello $m/a/b/rel
ln -s /$(printf 'long%.0s' $(seq 1 30)) $m/slow-link
mv $m/mid $m/a/moved
mv $m/a/b/c $m/c-moved
# many entries: the directory grows past one block, then shrinks
for i in $(seq 1 150); do : >$m/gone/file-with-a-long-name-$i; done
rm $m/gone/file-with-a-long-name-1*
echo "COUNT $(ls $m/gone | wc -l)"
rm -r $m/gone
: >$m/trunc; dd if=/dev/urandom of=$m/trunc bs=1024 count=300 2>/dev/null
dd if=/dev/zero of=$m/trunc bs=1 count=0 seek=5000 2>/dev/null
echo "SIZE trunc $(stat -c %s $m/trunc)"
echo "MD5 trunc $(md5sum <$m/trunc | cut -d' ' -f1)"
chmod 640 $m/a/hello
chown 1000:2000 $m/a/moved
mkfifo $m/fifo; mknod $m/null c 1 3
echo old >$m/victim; echo replacement >$m/newer; mv -f $m/newer $m/victim
mkdir -p $m/d1/sub $m/d2/sub; mv -f $m/d1/sub $m/d2/   # over an empty directory
touch -d '2001-02-03 04:05:06' $m/a/moved
ls -ln $m/a/hello | sed 's/^/LS /'
echo "READ $(cat $m/c-moved/hard) $(cat $m/a/b/rel)"
df $m | tail -1 | sed 's/^/DF /'
sync
umount $m && echo UMOUNTED
# and mounted again: what was written reads back
mount -t ext2 /dev/ubdb /mnt && echo "AGAIN $(md5sum <$m/a/b/big | cut -d' ' -f1) $(readlink $m/a/b/rel)"
umount $m
EOF

# check_filled IMG WHAT: the host's view of what fill.sh wrote.
check_filled() {
	local img=$1 what=$2
	expect_line MOUNTED MOUNTED
	expect_line UMOUNTED UMOUNTED
	expect_line COUNT "COUNT 89"
	expect_line "READ" "READ hello hello"
	expect_line "SIZE trunc" "SIZE trunc 5000"
	fsck_clean "$img" "$what"
	for f in "big /a/b/big" "mid /a/moved" "sparse /sparse" "trunc /trunc"; do
		set -- $f
		local g h
		g=$(guest_md5 "$1") h=$(host_md5 "$img" "$2")
		if [ -n "$g" ] && [ "$g" = "$h" ]; then ok "$what: debugfs reads $2 as written"
		else fail "$what: $2: guest md5 '$g', debugfs '$h'"; fi
	done
	[ "$(dbg "$img" 'cat /c-moved/hard')" = hello ] && ok "$what: hard link" ||
		fail "$what: /c-moved/hard is '$(dbg "$img" 'cat /c-moved/hard')'"
	expect_in <(dbg "$img" 'stat /a/hello') "$what: 2 links, mode 0640" 'Mode: +0640.*|Links: 2'
	expect_in <(dbg "$img" 'stat /a/hello') "$what: two links" 'Links: 2'
	expect_in <(dbg "$img" 'stat /a/b/rel') "$what: fast symlink" 'Fast link dest: "../hello"'
	expect_in <(dbg "$img" 'stat /slow-link') "$what: slow symlink" 'Size: 121'
	expect_in <(dbg "$img" 'stat /a/moved') "$what: utimes" 'mtime: .*Feb +3 04:05:06 2001'
	expect_in <(dbg "$img" 'stat /a/moved') "$what: chown" 'User: +1000 +Group: +2000'
	expect_in <(dbg "$img" 'stat /fifo') "$what: mkfifo" 'Type: FIFO'
	expect_in <(dbg "$img" 'stat /null') "$what: mknod" 'Device major/minor number: 01:03'
	[ "$(dbg "$img" 'cat /victim')" = replacement ] && ok "$what: rename over a file" ||
		fail "$what: /victim is '$(dbg "$img" 'cat /victim')'"
	expect_in <(dbg "$img" 'ls -l /bin-copy') "$what: cp -a of /bin" 'busybox'
	[ -z "$(dbg "$img" 'ls /gone' | grep -v 'File not found')" ] && ok "$what: rm -r" ||
		fail "$what: /gone still there"
	expect_line AGAIN "AGAIN $(guest_md5 big) ../hello"
}

fill_img() {   # fill_img IMG WHAT [ENV...]
	local img=$1 what=$2
	shift 2
	glass_run --timeout 120 initrd="$TEST_TMP/fill.cpio" init=/bin/sh "ubd1=$img" "$@" -- /fill.sh
	expect_status 0
}
make_initramfs "$TEST_TMP/fill.cpio" --add "$TEST_TMP/fill.sh:/fill.sh" ||
	{ fail "mkinitramfs failed"; finish; }

# ---- 1. host mke2fs, filled inside ----
truncate -s 24M "$D/k1.img"
mke2fs -q -t ext2 "$D/k1.img"                   # Debian's defaults: 1 KiB blocks here
expect_in <(dumpe2fs -h "$D/k1.img" 2>/dev/null) "default features" \
	'features: +ext_attr resize_inode dir_index filetype sparse_super large_file'
fill_img "$D/k1.img" "1 KiB blocks"
expect_line "MOUNTS" "MOUNTS /dev/ubdb /mnt ext2 rw 0 0"
check_filled "$D/k1.img" "1 KiB blocks"

truncate -s 32M "$D/k4.img"
mke2fs -q -t ext2 -b 4096 "$D/k4.img"
fill_img "$D/k4.img" "4 KiB blocks" PROBE=1
expect_line "MOUNTS" "MOUNTS /dev/ubdb /mnt ext2 rw 0 0"
check_filled "$D/k4.img" "4 KiB blocks, mount without -t"

truncate -s 24M "$D/r0.img"
mke2fs -q -t ext2 -r 0 "$D/r0.img"
expect_in <(dumpe2fs -h "$D/r0.img" 2>/dev/null) "revision 0 image" 'revision #: +0'
fill_img "$D/r0.img" "revision 0"
check_filled "$D/r0.img" "revision 0"

# ---- 2. busybox mke2fs inside ----
truncate -s 24M "$D/bb.img"
fill_img "$D/bb.img" "busybox mke2fs" MKFS=1
expect_line MKFS-OK MKFS-OK
check_filled "$D/bb.img" "busybox mke2fs"

# ---- 3. SIGKILL right after sync ----
truncate -s 16M "$D/kill.img"
mke2fs -q -t ext2 "$D/kill.img"
glass_start init=/bin/sh "ubd1=$D/kill.img" -- -c 'mount -t devtmpfs d /dev
	mount -t ext2 /dev/ubdb /mnt || exit 1
	mkdir /mnt/d; dd if=/dev/urandom of=/mnt/d/f bs=1024 count=2000 2>/dev/null
	echo "MD5 f $(md5sum </mnt/d/f | cut -d" " -f1)"; ln -s d/f /mnt/l
	sync; echo SYNCED
	dd if=/dev/urandom of=/mnt/d/g bs=1024 count=300 conv=fsync 2>/dev/null
	echo "MD5 g $(md5sum </mnt/d/g | cut -d" " -f1)"; echo FSYNCED
	while :; do sleep 1; done'
wait_for 30 seen FSYNCED || fail "guest did not sync and fsync"
kill -KILL "$(cat "$UML_DIR/$GLASS_UMID/pid")"
glass_wait
[ "$GLASS_STATUS" = 137 ] && ok "glass died of SIGKILL" || fail "glass status $GLASS_STATUS"
# The only thing e2fsck may say is that it was not unmounted (it is not
# an error: exit status 0 with -n).
fsck_clean "$D/kill.img" "after SIGKILL"
g=$(guest_md5 f) h=$(host_md5 "$D/kill.img" /d/f)
[ -n "$g" ] && [ "$g" = "$h" ] && ok "synced file intact after SIGKILL" || fail "after SIGKILL: '$g' '$h'"
expect_in <(dbg "$D/kill.img" 'stat /l') "synced symlink after SIGKILL" 'Fast link dest: "d/f"'
g=$(guest_md5 g) h=$(host_md5 "$D/kill.img" /d/g)
[ -n "$g" ] && [ "$g" = "$h" ] && ok "fsynced file intact after SIGKILL" || fail "fsync, SIGKILL: '$g' '$h'"

# ---- 4. features ----
truncate -s 8M "$D/rof.img"
mke2fs -q -t ext2 -O metadata_csum "$D/rof.img" 2>/dev/null ||
	{ mke2fs -q -t ext2 "$D/rof.img"; debugfs -w -R 'feature metadata_csum' "$D/rof.img" >/dev/null 2>&1; }
truncate -s 8M "$D/inc.img"
mke2fs -q -t ext2 "$D/inc.img"
debugfs -w -R 'feature extent' "$D/inc.img" >/dev/null 2>&1
glass_run init=/bin/sh "ubd1=$D/rof.img" "ubd2=$D/inc.img" -- -c '
	mount -t devtmpfs d /dev; mount -t proc p /proc
	mount -t ext2 /dev/ubdb /mnt && grep " /mnt " /proc/mounts | sed "s/^/ROF /"
	touch /mnt/x 2>/dev/null || echo "ROF write refused"
	mkdir -p /m2; mount -t ext2 /dev/ubdc /m2 2>&1 | sed "s/^/INC /"
	echo ALIVE'
expect_line "ROF /dev" "ROF /dev/ubdb /mnt ext2 ro 0 0"
expect_line "ROF write" "ROF write refused"
expect_stderr_contains "EXT2-fs (ubdb): couldn't mount read-write: unsupported read-only-compatible features"
expect_stderr_contains "EXT2-fs (ubdc): error: couldn't mount: unsupported incompatible features (0x40)"
expect_in <(tr -d '\r' <"$GLASS_OUT") "incompatible features refused" '^INC .*Invalid argument'
expect_line ALIVE ALIVE

# ---- 5. corrupt images ----
# The source tree: /f (one block), /d holding x.
mkdir -p "$TEST_TMP/src/d"
echo data >"$TEST_TMP/src/f"
echo x >"$TEST_TMP/src/d/x"
mkimg() { truncate -s 8M "$1"; mke2fs -q -t ext2 -b 1024 -d "$TEST_TMP/src" "$1"; }
# poke IMG OFFSET FORMAT VALUE: little-endian bytes at OFFSET (python3)
poke() {
	python3 -c 'import struct,sys
f=open(sys.argv[1],"r+b"); f.seek(int(sys.argv[2])); f.write(struct.pack(sys.argv[3],int(sys.argv[4])))' "$@"
}
mkimg "$D/sb.img"
poke "$D/sb.img" $((1024 + 40)) '<I' 0          # s_inodes_per_group
mkimg "$D/ptr.img"
debugfs -w -R 'sif /f block[0] 9999999' "$D/ptr.img" >/dev/null 2>&1
mkimg "$D/rec.img"
dblk=$(dbg "$D/rec.img" 'bmap /d 0')
poke "$D/rec.img" $((dblk * 1024 + 24 + 4)) '<H' 2000  # x's rec_len: past the block
mkimg "$D/ino.img"
dblk=$(dbg "$D/ino.img" 'bmap /d 0')
poke "$D/ino.img" $((dblk * 1024 + 24)) '<I' 999999  # x's inode: out of range
f_ino=$(dbg "$D/ptr.img" 'stat /f' | sed -n 's/^Inode: \([0-9]*\).*/\1/p')
d_ino=$(dbg "$D/rec.img" 'stat /d' | sed -n 's/^Inode: \([0-9]*\).*/\1/p')
glass_run init=/bin/sh "ubd1=$D/sb.img" "ubd2=$D/ptr.img" "ubd3=$D/rec.img" "ubd4=$D/ino.img" -- -c '
	mount -t devtmpfs d /dev
	for n in b c d e; do mkdir -p /m$n; done
	mount -t ext2 /dev/ubdb /mb 2>&1 | sed "s/^/SB /"
	mount -t ext2 /dev/ubdc /mc && cat /mc/f 2>&1 | sed "s/^/PTR /"
	mount -t ext2 /dev/ubdd /md && cat /md/d/x 2>&1 | sed "s/^/REC /"
	mount -t ext2 /dev/ubde /me && cat /me/d/x 2>&1 | sed "s/^/INO /"
	umount /mc; umount /md; umount /me
	echo "ALIVE $(echo ok)"'
expect_status 0
expect_in <(tr -d '\r' <"$GLASS_OUT") "corrupt superblock: mount fails" '^SB .*Invalid argument'
expect_stderr_contains "EXT2-fs (ubdb): error: corrupt superblock: bad inodes per group"
expect_in <(tr -d '\r' <"$GLASS_OUT") "bad block pointer: EUCLEAN" '^PTR .*Structure needs cleaning'
expect_stderr_contains "EXT2-fs error (device ubdc): ext2_get_block: inode $f_ino: bad block pointer 9999999"
expect_in <(tr -d '\r' <"$GLASS_OUT") "entry past the block: EUCLEAN" '^REC .*Structure needs cleaning'
expect_stderr_contains "EXT2-fs error (device ubdd): ext2_check_page: inode $d_ino: bad entry in directory: directory entry past the block"
expect_in <(tr -d '\r' <"$GLASS_OUT") "inode out of range: EUCLEAN" '^INO .*Structure needs cleaning'
expect_stderr_contains "EXT2-fs error (device ubde): ext2_check_page: inode $d_ino: bad entry in directory: inode number out of range"
expect_line ALIVE "ALIVE ok"
# errors=continue marks the filesystem for e2fsck
expect_in <(dumpe2fs -h "$D/ptr.img" 2>/dev/null) "error state recorded" 'state: +clean with errors'

# ---- 6. root on ubd ----
R=$TEST_TMP/rootfs
mkdir -p "$R/bin" "$R/proc" "$R/dev" "$R/mnt"
cp /bin/busybox "$R/bin/busybox"
ln -s busybox "$R/bin/sh"
echo "on the ext2 root" >"$R/marker"
truncate -s 16M "$D/root.img"
mke2fs -q -t ext2 -d "$R" "$D/root.img"
glass_run "ubd0=$D/root.img" root=/dev/ubda init=/bin/sh -- -c '
	busybox cat /marker; busybox mount -t proc p /proc
	busybox grep " / " /proc/mounts | busybox sed "s/^/ROOT /"
	echo x 2>/dev/null >/f || echo "ROOT write refused"
	busybox mount -o remount,rw / && echo "remounted $(busybox grep "^/dev/ubda / " /proc/mounts)"
	echo "written in glass" >/f && busybox cat /f; busybox sync'
expect_status 0
expect_stdout_contains "on the ext2 root"
expect_line "ROOT /dev" "ROOT /dev/ubda / ext2 ro 0 0"
expect_line "ROOT write" "ROOT write refused"
expect_line "remounted" "remounted /dev/ubda / ext2 rw 0 0"
expect_stdout_contains "written in glass"
expect_stderr_contains "VFS: Mounted root (ext2 filesystem) readonly on device 98:0."
[ "$(dbg "$D/root.img" 'cat /f')" = "written in glass" ] && ok "root: the host reads /f" ||
	fail "root: /f on the host is '$(dbg "$D/root.img" 'cat /f')'"
fsck_clean "$D/root.img" "root after remount,rw"
glass_run "ubd0=$D/root.img" root=/dev/ubda rw init=/bin/sh -- -c '
	busybox mkdir /newdir && busybox mv /f /newdir/f && echo MOVED'
expect_line MOVED MOVED
[ "$(dbg "$D/root.img" 'cat /newdir/f')" = "written in glass" ] && ok "rw root: the host reads /newdir/f" ||
	fail "rw root: /newdir/f on the host is '$(dbg "$D/root.img" 'cat /newdir/f')'"
fsck_clean "$D/root.img" "rw root"

# ---- 7. partitions ----
truncate -s 16M "$D/parts.img"
# an MBR: 1: sectors 2048-18431 (8 MiB, Linux), 2: 18432-26623 (4 MiB)
python3 -c 'import struct,sys
f=open(sys.argv[1],"r+b"); f.seek(446)
f.write(struct.pack("<B3sB3sII",0x80,b"\0"*3,0x83,b"\0"*3,2048,16384))
f.write(struct.pack("<B3sB3sII",0,b"\0"*3,0x83,b"\0"*3,18432,8192))
f.seek(510); f.write(b"\x55\xaa")' "$D/parts.img"
truncate -s 8M "$D/p1.img"
mke2fs -q -t ext2 "$D/p1.img"
dd if="$D/p1.img" of="$D/parts.img" bs=512 seek=2048 conv=notrunc 2>/dev/null
head -c 4194304 /dev/urandom | dd of="$D/parts.img" bs=512 seek=18432 conv=notrunc 2>/dev/null
p2_md5=$(dd if="$D/parts.img" bs=512 skip=18432 count=8192 2>/dev/null | md5sum | cut -d' ' -f1)
glass_run "ubd1=$D/parts.img" init=/bin/sh -- -c '
	mount -t devtmpfs d /dev
	for n in ubdb1 ubdb2 ubdb3; do [ -e /dev/$n ] && stat -c "PART %n %t:%T" /dev/$n || echo "PART /dev/$n none"; done
	echo "P2 $(md5sum </dev/ubdb2 | cut -d" " -f1)"
	mount -t ext2 /dev/ubdb1 /mnt && echo in-partition >/mnt/p && umount /mnt && echo P1-DONE'
expect_status 0
expect_line "PART /dev/ubdb1" "PART /dev/ubdb1 62:11"
expect_line "PART /dev/ubdb2" "PART /dev/ubdb2 62:12"
expect_line "PART /dev/ubdb3" "PART /dev/ubdb3 none"
expect_line P2 "P2 $p2_md5"
expect_line P1-DONE P1-DONE
dd if="$D/parts.img" of="$D/p1-after.img" bs=512 skip=2048 count=16384 2>/dev/null
fsck_clean "$D/p1-after.img" "ext2 in partition 1"
[ "$(dbg "$D/p1-after.img" 'cat /p')" = in-partition ] && ok "partition 1: the host reads /p" ||
	fail "partition 1: /p is '$(dbg "$D/p1-after.img" 'cat /p')'"
[ "$(dd if="$D/parts.img" bs=512 skip=18432 count=8192 2>/dev/null | md5sum | cut -d' ' -f1)" = "$p2_md5" ] &&
	ok "partition 2 untouched" || fail "partition 2 changed"

# ---- 8. no leak across mount, fill, umount ----
truncate -s 16M "$D/leak.img"
mke2fs -q -t ext2 "$D/leak.img"
cat >"$TEST_TMP/leak.sh" <<'EOF'
mount -t proc proc /proc
mount -t devtmpfs d /dev
. /counters.script
cycle() {
	mount -t ext2 /dev/ubdb /mnt || return
	mkdir /mnt/d; dd if=/dev/zero of=/mnt/d/f bs=1024 count=2000 2>/dev/null
	ln -s f /mnt/d/l; cat /mnt/d/f >/dev/null; sync; rm -r /mnt/d
	umount /mnt
}
# Twice before the reading: a syscall site that traps twice is patched,
# a page of the shell's (kernel/arch/x86_64/README.md).
cycle; cycle; snap; snap; before=$now
cycle; snap
[ "$now" = "$before" ] && echo "LEAK none" || echo "LEAK before: $before after: $now"
EOF
make_initramfs "$TEST_TMP/leak.cpio" --add "$TEST_TMP/leak.sh:/leak.sh" \
	--add "$TOP/tests/integration/counters.script:/counters.script" || fail "mkinitramfs failed"
glass_run initrd="$TEST_TMP/leak.cpio" init=/bin/sh "ubd1=$D/leak.img" -- /leak.sh
expect_line LEAK "LEAK none"
fsck_clean "$D/leak.img" "after the leak cycles"

# ---- 9. shared mappings ----
SM=$TOP/build/programs/musl/t_sharedmap
if [ -x "$SM" ]; then
	truncate -s 16M "$D/map.img"
	mke2fs -q -t ext2 "$D/map.img"
	make_initramfs "$TEST_TMP/map.cpio" --add "$SM:/t_sharedmap" || fail "mkinitramfs failed"
	glass_run initrd="$TEST_TMP/map.cpio" init=/bin/sh "ubd1=$D/map.img" -- -c '
		mount -t devtmpfs d /dev; mount -t ext2 /dev/ubdb /mnt
		dd if=/dev/zero of=/mnt/m bs=4096 count=2 2>/dev/null
		/t_sharedmap unmap /mnt/m; /t_sharedmap /mnt >/dev/null; echo "SHAREDMAP status $?"
		umount /mnt'
	expect_line SHAREDMAP "SHAREDMAP status 0"
	[ "$(dbg "$D/map.img" 'cat /m' | head -c 8)" = unmapped ] && ok "a mapping's write is in the image" ||
		fail "/m starts with '$(dbg "$D/map.img" 'cat /m' | head -c 8)'"
	fsck_clean "$D/map.img" "after shared mappings"
else
	fail "$SM not built: make programs"
fi

finish

#!/bin/bash
# ext2 on corrupt images never takes the kernel down (issue 17, point 4),
# beyond the four named cases of ext2.sh: an image with files, a
# directory, a big file (indirect and double indirect blocks) and a
# symlink is made by the host's mke2fs; copies get random bytes
# (fixed seeds) written into the blocks that matter: the superblock, the
# bitmaps, the used part of the inode table, the indirect blocks and the
# directories. One boot mounts 15 of them in turn (read-only if a
# read-write mount is refused), lists, reads, writes, renames and removes
# everything, syncs and unmounts. Each must end with the script going on,
# glass exiting normally, no oops, and every ext2 error line naming its
# device; on the seeds below they report bad block pointers, bad
# directory entries, bad inodes and bitmaps that disagree.
. "$(dirname "$0")/lib.sh"

command -v mke2fs >/dev/null && command -v debugfs >/dev/null ||
	{ fail "e2fsprogs missing (apt-get install e2fsprogs)"; finish; }
S=$TEST_TMP/src
mkdir -p "$S/d/e"
for i in $(seq 1 40); do echo "file $i" >"$S/d/f$i"; done
head -c 300000 /dev/urandom >"$S/big"
ln -s d/f1 "$S/l"
base=$TEST_TMP/base.img
truncate -s 4M "$base"
mke2fs -q -F -t ext2 -b 1024 -d "$S" "$base"
# The hot blocks: superblock, bitmaps, the inode-table blocks of the
# inodes in use, big's indirect blocks, the directories' blocks.
itab=$(dumpe2fs "$base" 2>/dev/null | sed -n 's/^  Inode table at \([0-9]*\)-.*/\1/p')
bbit=$(dumpe2fs "$base" 2>/dev/null | sed -n 's/^  Block bitmap at \([0-9]*\) .*/\1/p')
hot="1 $bbit $((bbit + 1)) $(seq -s' ' "$itab" $((itab + 15)))"
hot+=" $(debugfs -R 'stat /big' "$base" 2>/dev/null | grep -oE '\((D?IND)\):[0-9]+' | cut -d: -f2 | tr '\n' ' ')"
for d in / /d /d/e; do hot+=" $(debugfs -R "bmap $d 0" "$base" 2>/dev/null)"; done
note "hot blocks: $hot"

cat >"$TEST_TMP/t.sh" <<'EOF'
mount -t devtmpfs d /dev
for x in b c d e f g h i j k l m n o p; do
	mount -t ext2 /dev/ubd$x /mnt 2>/dev/null || mount -t ext2 -o ro /dev/ubd$x /mnt 2>/dev/null ||
		{ echo "DONE $x unmountable"; continue; }
	ls -lR /mnt >/dev/null 2>&1
	# (a corrupt size can make a file a sparse 16 GB: read its start only)
	find /mnt -type f -exec head -c 1000000 {} + >/dev/null 2>&1
	mkdir /mnt/new 2>/dev/null; echo x >/mnt/new/x 2>/dev/null
	dd if=/dev/zero of=/mnt/z bs=1k count=500 2>/dev/null
	rm -rf /mnt/d /mnt/big /mnt/z 2>/dev/null; mv /mnt/l /mnt/l2 2>/dev/null
	sync; umount /mnt && echo "DONE $x" || echo "DONE $x umount failed"
done
echo SURVIVED
EOF
make_initramfs "$TEST_TMP/t.cpio" --add "$TEST_TMP/t.sh:/t.sh" || { fail "mkinitramfs failed"; finish; }

for round in 0 1; do
	args=()
	for u in $(seq 1 15); do
		cp "$base" "$TEST_TMP/c$u.img"
		args+=("ubd$u=$TEST_TMP/c$u.img")
	done
	# one python for all (it starts slowly): image u gets seed round*100+u
	python3 -c 'import random,sys
hot=[int(b) for b in sys.argv[3].split()]
for u in range(1, 16):
    r=random.Random(int(sys.argv[2]) * 100 + u)
    f=open("%s/c%d.img" % (sys.argv[1], u), "r+b")
    for _ in range(r.randint(1,40)):
        f.seek(r.choice(hot)*1024+r.randrange(1024)); f.write(bytes([r.randrange(256)]))
    f.close()' \
		"$TEST_TMP" "$round" "$hot"
	glass_run --timeout 120 initrd="$TEST_TMP/t.cpio" init=/bin/sh "${args[@]}" -- /t.sh
	expect_status 0
	expect_stdout_contains SURVIVED
	[ "$(_strip_cr "$GLASS_OUT" | grep -c '^DONE')" = 15 ] && ok "round $round: 15 images gone through" ||
		fail "round $round: $(_strip_cr "$GLASS_OUT" | grep -c '^DONE') images gone through"
	if grep -qE 'Oops|Kernel panic|BUG[: ]' "$GLASS_ERR"; then fail "round $round: oops or panic"
	else ok "round $round: no oops"; fi
	n=$(grep -c 'EXT2-fs error' "$GLASS_ERR")
	[ "$n" -gt 0 ] && ok "round $round: $n ext2 errors reported" || fail "round $round: no ext2 error"
	if grep 'EXT2-fs error' "$GLASS_ERR" | grep -qv 'EXT2-fs error (device ubd[b-p]): '; then
		fail "round $round: an error line without its device"
	else ok "round $round: every error names its device"; fi
done

finish

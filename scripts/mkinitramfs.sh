#!/bin/bash
# mkinitramfs.sh [--gzip] [--init FILE] [--add SRC:DST]... OUT
#
# Builds a newc cpio archive from Debian's busybox-static: /bin/busybox and
# a symlink for every applet it lists (`busybox --list-full`), the empty
# directories /proc /tmp /dev /mnt /root /sys /etc /var/run, a root-only
# /etc/passwd and /etc/group, and /init (scripts/init.sh, or --init FILE).
#   --add SRC:DST  copy a host file or directory into the archive at DST
#                  (repeatable; a directory is copied recursively)
#   --gzip         compress the archive (gzip -n: no name or timestamp)
# The archive is byte-reproducible: fixed owners and mtimes, sorted names,
# no device or inode numbers from the host.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
busybox=${BUSYBOX:-/bin/busybox}
init=$here/init.sh
gz=0
adds=()
out=
while [ $# -gt 0 ]; do
	case "$1" in
	--gzip) gz=1 ;;
	--init) init=$2; shift ;;
	--add) adds+=("$2"); shift ;;
	-h|--help) sed -n '2,12s/^# \{0,1\}//p' "$0"; exit 0 ;;
	-*) echo "mkinitramfs.sh: unknown option $1" >&2; exit 2 ;;
	*) [ -z "$out" ] || { echo "mkinitramfs.sh: two outputs: $out $1" >&2; exit 2; }
	   out=$1 ;;
	esac
	shift
done
[ -n "$out" ] || { echo "usage: mkinitramfs.sh [--gzip] [--init FILE] [--add SRC:DST]... OUT" >&2; exit 2; }
[ -x "$busybox" ] || { echo "mkinitramfs.sh: $busybox missing (apt-get install busybox-static)" >&2; exit 1; }
if file_out=$(LC_ALL=C readelf -d "$busybox" 2>/dev/null) && grep -q NEEDED <<<"$file_out"; then
	echo "mkinitramfs.sh: $busybox is dynamically linked; Glass needs busybox-static" >&2
	exit 1
fi

mkdir -p "$top/build"
stage=$(mktemp -d "$top/build/initramfs-stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT
umask 022

mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,proc,tmp,dev,mnt,root,sys,etc,var/run}
chmod 1777 "$stage/tmp"
chmod 0700 "$stage/root"
install -m 0755 "$busybox" "$stage/bin/busybox"
while read -r applet; do
	[ "$applet" = bin/busybox ] && continue
	ln -sfn /bin/busybox "$stage/$applet"
done < <("$busybox" --list-full)
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$stage/etc/passwd"
printf 'root:x:0:\n' >"$stage/etc/group"
install -m 0755 "$init" "$stage/init"

for a in ${adds[@]+"${adds[@]}"}; do
	src=${a%%:*}
	dst=${a#*:}
	[ "$src" != "$a" ] && [ -n "$dst" ] || { echo "mkinitramfs.sh: --add wants SRC:DST, got $a" >&2; exit 2; }
	[ -e "$src" ] || { echo "mkinitramfs.sh: --add $src: no such file" >&2; exit 1; }
	dst=${dst#/}
	mkdir -p "$stage/$(dirname "$dst")"
	if [ -d "$src" ]; then
		mkdir -p "$stage/$dst"
		cp -a --no-preserve=ownership "$src/." "$stage/$dst/"
	else
		cp -a --no-preserve=ownership "$src" "$stage/$dst"
	fi
done

# Fixed timestamps (SOURCE_DATE_EPOCH, or 0) on everything, links included.
find "$stage" -exec touch -h -d "@${SOURCE_DATE_EPOCH:-0}" {} +
tmp=$out.tmp.$$
(cd "$stage" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort |
	cpio -o -H newc -R 0:0 --reproducible --quiet) >"$tmp"
if [ $gz = 1 ]; then
	gzip -n -9 -c "$tmp" >"$tmp.gz"
	mv "$tmp.gz" "$tmp"
fi
mv "$tmp" "$out"

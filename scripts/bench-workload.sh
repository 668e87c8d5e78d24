#!/bin/sh
# bench-workload.sh DIR [SCALE]: the shell workload of `make bench`
# (scripts/bench.sh), a few seconds natively. Runs under busybox sh with
# busybox's applets, the same on the host (bench.sh puts a directory of
# busybox links first in PATH), in Glass and in user-mode-linux. DIR is an
# empty scratch directory in a tmpfs; SCALE (default 1) multiplies the
# sizes. Prints one line per step, as bench.c does:
#   BENCH wl_<step> <microseconds> 1
# and "BENCH wl_total". Needs $EPOCHREALTIME (busybox sh, bash).
set -e
cd "$1"
S=${2:-1}
DIRS=$(awk -v s="$S" 'BEGIN { print int(40 * s) + 1 }')
LINES=$(awk -v s="$S" 'BEGIN { print int(100000 * s) + 1 }')
FORKS=$(awk -v s="$S" 'BEGIN { print int(200 * s) + 1 }')
START=$EPOCHREALTIME
step() {   # step NAME COMMAND...: run it, print its wall time
	n=$1
	shift
	t0=$EPOCHREALTIME
	"$@"
	t1=$EPOCHREALTIME
	awk -v n="$n" -v a="$t0" -v b="$t1" 'BEGIN { printf "BENCH wl_%s %.0f 1\n", n, (b - a) * 1e6 }'
}

# A tree of DIRS x 50 small files, written by the shell's builtins.
tree() {
	i=0
	while [ $i -lt "$DIRS" ]; do
		mkdir -p "tree/d$i"
		j=0
		while [ $j -lt 50 ]; do
			echo "file $i $j of the bench tree, some text to checksum" >"tree/d$i/f$j"
			j=$((j + 1))
		done
		i=$((i + 1))
	done
}
md5() { find tree -type f | xargs md5sum >md5.out; }
gen() { awk -v n="$LINES" 'BEGIN { srand(1); for (i = 0; i < n; i++) printf "%d %s line %d\n", int(rand() * 1e9), (i % 7 ? "alpha" : "beta"), i }' >big; }
sorting() { sort -n big >big.sorted; }
tgz() { tar cf - tree big | gzip -1 | gunzip | tar tf - >tar.list; }
text() { grep beta big | sed 's/beta/gamma/; s/line/l/' | awk '{ s += $1 % 1000 } END { print s }' >text.out; }
forks() {
	i=0
	while [ $i -lt "$FORKS" ]; do
		/bin/busybox true
		x=$(echo $i)
		i=$((i + 1))
	done
}
step tree tree
step md5 md5
step gen gen
step sort sorting
step tgz tgz
step text text
step forks forks
t1=$EPOCHREALTIME
awk -v a="$START" -v b="$t1" 'BEGIN { printf "BENCH wl_total %.0f 1\n", (b - a) * 1e6 }'

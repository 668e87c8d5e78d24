#!/bin/sh
# Generate the syscall headers from kernel/proc/syscalls.tbl (see its head):
#   OUT/uapi/unistd.h             __NR_<name> and NR_syscalls
#   OUT/generated/syscalls_64.h   __SYSCALL(nr, name), one a line, for the
#                                 dispatch table and the names
#   OUT/generated/syscall_nargs.h __SC_NARGS_<name>, checked by SYSCALL_DEFINEn
#   OUT/generated/syscall_args.h  __SYSCALL_ARGS(nr, name, nargs, k0, .., k5),
#                                 the argument kinds (none past nargs), for
#                                 the trace decoder (trace/)
#   OUT/generated/syscall_kinds.h __SC_KIND(kind), every kind, one a line
# Fails on a malformed line, a number out of order or an unknown kind.
# Usage: scripts/syscalltbl.sh kernel/proc/syscalls.tbl build/include
set -e
tbl=$1 out=$2
tmp=$out/.syscalltbl.$$
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/uapi" "$tmp/generated" "$out/uapi" "$out/generated"
awk -v out="$tmp" -v tbl="$tbl" '
BEGIN {
	n = split("int uint long ulong hex fd dirfd path str strv buf ptr addr " \
		  "size off mode pid uid gid sig clockid open_flags at_flags " \
		  "mmap_prot mmap_flags clone_flags wait_options fcntl_cmd ioctl_cmd " \
		  "futex_op prctl_cmd arch_prctl_cmd sigmask_how seek_whence " \
		  "access_mode flags resource envp timespec timeval sigaction " \
		  "sigset iovec pollfd rlimit stack out_buf out_str out_fds " \
		  "out_wstatus out_stat out_utsname out_timespec out_timeval " \
		  "out_sigaction out_sigset out_iovec out_stack out_rlimit", k, " ")
	# (the out_ kinds last, out_buf to out_rlimit: in trace/plan.c
	# trace_kind_at_exit takes them as a range)
	for (i = 1; i <= n; i++)
		kind[k[i]] = 1
	unistd = out "/uapi/unistd.h"
	table = out "/generated/syscalls_64.h"
	nargs = out "/generated/syscall_nargs.h"
	args = out "/generated/syscall_args.h"
	kinds = out "/generated/syscall_kinds.h"
	gen = "generated from " tbl " by scripts/syscalltbl.sh"
	print "/* Linux x86-64 syscall numbers, " gen ". */" > unistd
	print "#ifndef GLASS_UAPI_UNISTD_H\n#define GLASS_UAPI_UNISTD_H\n" > unistd
	print "/* __SYSCALL(nr, name) for each syscall, " gen ". */" > table
	print "/* Argument counts, " gen ". */" > nargs
	print "/* Argument kinds, " gen ". */" > args
	print "/* Every argument kind, " gen ". */" > kinds
	for (i = 1; i <= n; i++)
		printf "__SC_KIND(%s)\n", k[i] > kinds
	last = -1
}
/^#/ || NF == 0 { next }
{
	if ($1 !~ /^[0-9]+$/ || $1 + 0 <= last || $2 !~ /^[a-z_][a-z0-9_]*$/ || NF > 8)
		fail("malformed line")
	for (i = 3; i <= NF; i++) {
		split($i, a, ":")
		if (!(a[1] in kind) || a[2] !~ /^[a-z_][a-z0-9_]*$/)
			fail("bad argument " $i)
	}
	last = $1 + 0
	printf "#define __NR_%s %d\n", $2, $1 > unistd
	printf "__SYSCALL(%d, %s)\n", $1, $2 > table
	printf "#define __SC_NARGS_%s %d\n", $2, NF - 2 > nargs
	printf "__SYSCALL_ARGS(%d, %s, %d", $1, $2, NF - 2 > args
	for (i = 3; i <= 8; i++) {
		kd = "none"
		if (i <= NF) {
			split($i, a, ":")
			kd = a[1]
		}
		printf ", %s", kd > args
	}
	printf ")\n" > args
}
function fail(why) {
	printf "%s:%d: %s\n", tbl, FNR, why > "/dev/stderr"
	err = 1
	exit 1
}
END {
	if (err)
		exit 1
	printf "\n#define NR_syscalls %d\n\n#endif\n", last + 1 > unistd
}
' "$tbl"
# Replace only what changed, so an edit of the kinds rebuilds nothing.
for f in uapi/unistd.h generated/syscalls_64.h generated/syscall_nargs.h \
	generated/syscall_args.h generated/syscall_kinds.h; do
	cmp -s "$tmp/$f" "$out/$f" || mv "$tmp/$f" "$out/$f"
done

#!/bin/bash
# The sampling profiler through mconsole (profiling/README.md): a guest
# spinning in a known function and one reading /dev/zero in a loop show
# up in the folded stacks (spin_here under main; read, [kernel] and the
# kernel's sys_read under it); pprof's profile.proto, decoded here by a
# small protobuf reader, has the samples, locations and function names;
# status reports samples, drops and overhead; a stopped kernel takes no
# samples; bad requests get clear errors and the kernel runs on.
. "$(dirname "$0")/lib.sh"

mc_setup
PB=$TOP/build/programs/glibc
[ -x "$PB/profload" ] || { fail "no $PB/profload: run make programs"; finish; }

glass_start init=/bin/sh -- -c "mount -t devtmpfs none /dev && mount -t hostfs none /mnt -o $PB &&
	{ /mnt/profload spin 25 & /mnt/profload read 25 & wait; }"
wait_for 20 grep -q 'profload ready' "$GLASS_OUT" || fail "profload did not start"

# ---- bad requests, before any profile ----
expect_mc_re '^ERR .*no samples' profile dump folded
expect_mc_re '^ERR .*not built for gprof.*PROFILE=1' gprof dump
expect_mc_re '^ERR profile start: hz= must be 1 to 10000' profile start hz=0
expect_mc_re '^ERR profile start: hz= must be 1 to 10000' profile start hz=1000000
expect_mc_re '^ERR profile start: unknown argument' profile start sometimes
expect_mc_re '^ERR profile stop: not profiling' profile stop
expect_mc_re '^ERR usage: profile' profile frobnicate

# ---- a profile of the two guests ----
expect_mc_re '^OK profiling at 997 Hz \(all\)' profile start hz=997
sleep 3
mc profile dump folded
folded=$MC_OUT
spin=$(sed -n 's/^\(OK \)\{0,1\}profload;.*;main;spin_here \([0-9]*\)$/\2/p' <<<"$folded" |
	awk '{ s += $1 } END { print s + 0 }')
reads=$(grep -E '^(OK )?profload;.*;main;read;\[kernel\];(.*;)?(__do_)?sys_read(;| )' <<<"$folded" |
	awk '{ s += $NF } END { print s + 0 }')
[ "$spin" -ge 20 ] && ok "folded: $spin samples of profload;...;main;spin_here" ||
	fail "folded: $spin samples in main;spin_here: $(head -c 2000 <<<"$folded")"
[ "$reads" -ge 3 ] && ok "folded: $reads samples of main;read;[kernel];...sys_read..." ||
	fail "folded: $reads samples of the read syscall: $(head -c 2000 <<<"$folded")"
# Every line is "frames count" (flamegraph.pl's input).
bad=$(sed 's/^OK //' <<<"$folded" | grep -cvE '^[^ ]+ [0-9]+$')
[ "$bad" = 0 ] && ok "folded: every line is 'stack count'" || fail "folded: $bad malformed lines"

expect_mc_re 'spin_here' profile dump top
expect_mc_re '^OK wrote .*profile.proto' profile dump pprof "$TEST_TMP/p.pb"
python3 - "$TEST_TMP/p.pb" <<'PY' && ok "pprof: decoded" || fail "pprof: decoding failed"
import sys
# profile.proto by hand: varint and length-delimited fields only.
def fields(b):
    i = 0
    while i < len(b):
        key, i = varint(b, i)
        f, wt = key >> 3, key & 7
        if wt == 0:
            v, i = varint(b, i)
        elif wt == 2:
            n, i = varint(b, i)
            v = b[i:i + n]; i += n
        else:
            raise SystemExit("wire type %d" % wt)
        yield f, v
def varint(b, i):
    v = s = 0
    while True:
        c = b[i]; i += 1
        v |= (c & 0x7f) << s; s += 7
        if c < 0x80: return v, i
def packed(b):
    i, out = 0, []
    while i < len(b):
        v, i = varint(b, i); out.append(v)
    return out
data = open(sys.argv[1], "rb").read()
strings, samples, locs, funcs = [], [], {}, {}
for f, v in fields(data):
    if f == 2:
        s = {g: w for g, w in fields(v)}
        samples.append((packed(s[1]), packed(s[2])))
    elif f == 4:
        d = dict(fields(v))
        locs[d[1]] = dict(fields(d[4]))[1]
    elif f == 5:
        d = dict(fields(v))
        funcs[d[1]] = d[2]
    elif f == 6:
        strings.append(v.decode())
assert strings[0] == "" and samples and locs and funcs, "empty profile"
name = lambda loc: strings[funcs[locs[loc]]]
stacks = [[name(l) for l in s[0]] for s in samples]
total = sum(s[1][0] for s in samples)
spin = sum(s[1][0] for s, st in zip(samples, stacks) if st[0] == "spin_here")
sysread = [st for st in stacks if any(n.endswith("sys_read") for n in st)]
print("samples %d, stacks %d, locations %d, functions %d, spin_here %d"
      % (total, len(samples), len(locs), len(funcs), spin))
assert spin >= 20, "spin_here as a leaf"
assert sysread and "[kernel]" in sysread[0] and "read" in sysread[0], "sys_read under read"
assert all(s[1][1] == s[1][0] * 1003009 for s in samples), "cpu = count * period"
PY

# pprof itself, when Go is installed (not a dependency of make check).
if command -v go >/dev/null; then
	out=$(HOME=$TEST_TMP timeout 120 go tool pprof -top "$TEST_TMP/p.pb" 2>&1)
	grep -qE '^Type: cpu' <<<"$out" && grep -qE ' spin_here$' <<<"$out" &&
		ok "go tool pprof -top reads it" || fail "go tool pprof: $(head -20 <<<"$out")"
else
	note "no go: go tool pprof not tried"
fi

mc profile status
status=$MC_OUT
grep -qE 'samples: [0-9]+ \(idle [0-9]+\)' <<<"$status" && grep -q 'dropped: [0-9]' <<<"$status" &&
	grep -qE 'overhead: [0-9]+\.[0-9]+%' <<<"$status" && ok "status: samples, dropped, overhead" ||
	fail "status: $status"

# ---- no samples while stopped ----
expect_mc_re '^OK stopped$' stop
mc profile status
s1=$(sed -n 's/.*samples: \([0-9]*\).*/\1/p' <<<"$MC_OUT")
sleep 1.5
mc profile status
s2=$(sed -n 's/.*samples: \([0-9]*\).*/\1/p' <<<"$MC_OUT")
expect_mc_re '^OK' go
sleep 1
mc profile status
s3=$(sed -n 's/.*samples: \([0-9]*\).*/\1/p' <<<"$MC_OUT")
[ -n "$s1" ] && [ "$s1" = "$s2" ] && ok "stopped 1.5 s: samples stayed at $s1" ||
	fail "samples while stopped: $s1 -> $s2"
[ -n "$s3" ] && [ "$s3" -gt "$s2" ] && ok "after go: $s2 -> $s3 samples" ||
	fail "no samples after go: $s2 -> $s3"

# ---- errors on output, then stop ----
expect_mc_re '^ERR profile dump: cannot write .*no such directory' \
	profile dump folded "$TEST_TMP/no/such/dir/out"
expect_mc_re '^ERR profile dump pprof: give a FILE' profile dump pprof
expect_mc_re '^ERR usage: profile dump' profile dump flame
expect_mc_re '^OK stopped: [0-9]+ samples' profile stop
expect_mc_re '^OK wrote .*folded' profile dump folded "$TEST_TMP/out.folded"
grep -qE ';spin_here [0-9]+$' "$TEST_TMP/out.folded" && ok "folded file written" ||
	fail "folded file: $(head -5 "$TEST_TMP/out.folded")"
expect_mc_re '^OK Linux glass' version
expect_mc_re '^OK' halt
glass_wait
finish

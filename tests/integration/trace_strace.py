#!/usr/bin/env python3
"""trace_strace.py RULES NATIVE GLASS: compare the syscalls of strace -f's
output (NATIVE) with Glass's trace text (GLASS), task by task, after the
rules in RULES (trace_strace.rules says what may differ and why). Prints
ok/FAIL lines (testlib.py) and exits 1 on a difference."""
import re
import sys

from testlib import fail, finish, ok

# "PID [HH:MM:SS.uuuuuu] REST": Glass's lines carry -tt times.
LINE = re.compile(r"^(\d+)\s+(?:\d\d:\d\d:\d\d\.\d+\s+)?(.*)$")
START = re.compile(r"^([a-z_0-9]+)\(")
RESUMED = re.compile(r"^<\.\.\. ([a-z_0-9]+) resumed>")
RESULT = re.compile(r"\)\s+=\s+(\?|-?\d+|0x[0-9a-f]+)(?:\s+(E[A-Z0-9]+)\s+\(.*\))?"
                    r"(?:\s+<[\d.]+>)?$")


def load_rules(path):
    rules = {}
    for line in open(path):
        words = line.split("#")[0].split()
        if words:
            rules[words[1]] = words[0]
    return rules


def calls(path):
    """{pid: [(name, ret, errno)]}, pids in the order they first appear."""
    tasks, pending = {}, {}
    for line in open(path, errors="replace"):
        m = LINE.match(line.rstrip("\n"))
        if not m:
            continue
        pid, rest = int(m.group(1)), m.group(2)
        if rest.startswith(("---", "+++")):
            continue
        r = RESUMED.match(rest)
        s = START.match(rest)
        name = r.group(1) if r else s.group(1) if s else None
        if not name:
            continue
        if rest.endswith("<unfinished ...>"):
            pending[pid] = name
            continue
        pending.pop(pid, None)
        res = RESULT.search(rest)
        tasks.setdefault(pid, []).append(
            (name, res.group(1) if res else "?", res.group(2) if res else None))
    return tasks


def normalize(tasks, rules):
    order = {pid: i for i, pid in enumerate(tasks)}
    out = []
    for pid, seq in tasks.items():
        norm = []
        for name, ret, err in seq:
            kind = rules.get(name)
            if kind == "any":
                ret, err = "*", None
            elif ret == "?" or err:
                pass
            elif kind == "addr":
                ret = "ADDR"
            elif kind == "pid":
                ret = "task%d" % order.get(int(ret), -1)
            elif kind == "sign":
                ret = "OK"
            norm.append("%s = %s%s" % (name, ret, " " + err if err else ""))
        out.append(norm)
    return out


def main():
    rules_path, native_path, glass_path, label = sys.argv[1:5]
    rules = load_rules(rules_path)
    native = calls(native_path)
    first = next(iter(native.values()), [])
    if first and first[0][0] == "execve":   # strace's own start
        first.pop(0)
    n, g = normalize(native, rules), normalize(calls(glass_path), rules)
    if len(n) != len(g):
        fail("%s: %d tasks natively, %d in Glass" % (label, len(n), len(g)))
    for i, (a, b) in enumerate(zip(n, g)):
        if a == b:
            ok("%s: task %d: the same %d syscalls and results" % (label, i, len(a)))
            continue
        fail("%s: task %d differs (native | glass):" % (label, i))
        for j in range(max(len(a), len(b))):
            x = a[j] if j < len(a) else ""
            y = b[j] if j < len(b) else ""
            print("  %s %-40s | %s" % (" " if x == y else "!", x, y))
    finish()


main()

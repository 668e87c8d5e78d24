#!/usr/bin/python3
"""mconsole_flood.py SOCKET CLIENTS REQUESTS: CLIENTS processes send
REQUESTS datagrams each to a Glass mconsole socket, one at a time, mixing
commands that run anywhere, safe-point commands, errors and bad
datagrams. Every request must get exactly one well-formed answer (none
for a datagram without a reply address); a safe-point command may instead
be refused by a UML-format error saying the kernel is busy or timed out.
Compares the kernel's stats counters before and after with what was sent.
Prints ok:/FAIL: lines and a summary; exits 1 on a failure.

mconsole_flood.py SOCKET deaf N: a client that never reads its replies
must not hold up others (see deaf()).

mconsole_flood.py SOCKET many N COMMAND: N clients that never read send
COMMAND once each, then a reader asks version (see many())."""
import multiprocessing, os, re, socket, struct, sys, time

MAGIC = 0xcafebabe
V0 = b"ERR Version 0 mconsole clients are not supported by this driver"
VERSION = "Linux glass 6.1.0-glass #1 Glass x86_64"

# kind: (stat it counts in, how the answer must look)
ANYWHERE = {"version", "ps", "uptime", "help", "dmesg"}
SAFE = {"proc meminfo", "mem", "log", "proc nosuch"}
KINDS = ["version", "ps", "proc meminfo", "uptime", "mem", "help", "dmesg", "log",
         "proc nosuch", "unknown", "badmagic", "empty", "badversion", "toolarge",
         "truncated", "noaddr", "noaddr proc"]


def request(text, magic=MAGIC, version=2, length=None):
    d = text.encode()
    n = len(d) if length is None else length
    return struct.pack("=III", magic, version, n) + d.ljust(512, b"\0")


def datagram(kind, cid, i):
    if kind == "log":
        return request("log flood %d %d\n" % (cid, i))
    if kind == "unknown":
        return request("frobnicate%d" % i)
    if kind == "badmagic":
        return b"help me"
    if kind == "empty":
        return b""
    if kind == "badversion":
        return request("version", version=7)
    if kind == "toolarge":
        return request("version", length=600 + i)
    if kind == "truncated":
        return request("version")[:14]
    if kind == "noaddr":
        return request("version")
    if kind == "noaddr proc":
        return request("proc meminfo")
    return request(kind)


class Bad(Exception):
    pass


def read_reply(s, timeout):
    """The packets of one reply: [(err, more, text)] or ("raw", text)."""
    pkts = []
    while True:
        s.settimeout(timeout)
        try:
            d = s.recv(8192)
        except socket.timeout:
            raise Bad("no answer within %d s after %d packets" % (timeout, len(pkts)))
        if not pkts and d == V0:
            return "raw", d
        if len(d) < 12:
            raise Bad("short packet %r" % d)
        err, more, n = struct.unpack("=III", d[:12])
        if len(d) != 12 + n or not 1 <= n <= 512 or d[-1] != 0 or err > 1 or more > 1:
            raise Bad("malformed packet err=%d more=%d len=%d size=%d" % (err, more, n, len(d)))
        if pkts and err:
            raise Bad("err set on a packet after the first")
        pkts.append((err, more, d[12:12 + n - 1].decode(errors="replace")))
        if not more:
            return pkts


def check(kind, reply):
    """'ok', 'busy' or 'timeout' for an answer of the right shape; raises Bad."""
    if kind in ("badmagic", "empty"):
        if reply != ("raw", V0):
            raise Bad("want the raw version-0 answer, got %r" % (reply,))
        return "ok"
    if reply[0] == "raw":
        raise Bad("unexpected raw answer %r" % (reply[1],))
    err = reply[0][0]
    text = "".join(p[2] for p in reply)
    if kind in SAFE and err and len(reply) == 1:
        if text.startswith("Kernel busy"):
            return "busy"
        if text.startswith("Timed out"):
            return "timeout"
    want = {
        "version": (0, lambda t: t == VERSION),
        "ps": (0, lambda t: "HOSTPID COMMAND" in t),
        "uptime": (0, lambda t: t.startswith("up ")),
        "help": (0, lambda t: t.startswith("Commands:")),
        "dmesg": (0, lambda t: "mconsole (version 2) initialized" in t),
        "proc meminfo": (0, lambda t: t.startswith("\nMemTotal:")),
        "mem": (0, lambda t: "Slab caches:" in t),
        "log": (0, lambda t: t == ""),
        "proc nosuch": (1, lambda t: t.startswith("Failed to open file")),
        "unknown": (1, lambda t: t == "Unknown command"),
        "badversion": (1, lambda t: t == "This driver only supports version 2 clients"),
        "toolarge": (1, lambda t: t == "Request too large"),
        "truncated": (1, lambda t: t.startswith("Request truncated")),
    }[kind]
    if err != want[0] or not want[1](text):
        raise Bad("err=%d text %r" % (err, text[:120]))
    return "ok"


def client(path, cid, n, out):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind("\0glass-flood-%d-%d" % (os.getpid(), cid))
    anon = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sent = {k: 0 for k in KINDS}
    res = {"ok": 0, "busy": 0, "timeout": 0}
    errors = []
    packets = 0
    for i in range(n):
        kind = KINDS[(i * 7 + cid * 3) % len(KINDS)]
        sent[kind] += 1
        if kind.startswith("noaddr"):
            anon.sendto(datagram(kind, cid, i), path)
            continue
        s.sendto(datagram(kind, cid, i), path)
        try:
            reply = read_reply(s, 20)
            packets += 1 if reply[0] == "raw" else len(reply)
            res[check(kind, reply)] += 1
        except Bad as e:
            errors.append("client %d request %d (%s): %s" % (cid, i, kind, e))
            if len(errors) > 5:
                break
    # Exactly one answer: nothing more may come.
    s.settimeout(1.0)
    try:
        d = s.recv(8192)
        errors.append("client %d: a stray packet after its last answer: %r" % (cid, d[:60]))
    except socket.timeout:
        pass
    out.put({"sent": sent, "res": res, "errors": errors, "packets": packets})


def stats(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind("\0glass-flood-stats-%d-%f" % (os.getpid(), time.time()))
    s.sendto(request("stats"), path)
    text = "".join(p[2] for p in read_reply(s, 20))
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"(\w+) +(\d+)", text)}


def deaf(path, n):
    """One client sends n requests (proc meminfo and dmesg, whose replies
    overflow its queue) and never reads; meanwhile another asks version
    and proc uptime. Prints the worst answer time the reader saw."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind("\0glass-flood-deaf-%d" % os.getpid())
    s.setblocking(False)
    r = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    r.bind("\0glass-flood-reader-%d" % os.getpid())
    worst, failures, t0 = 0.0, 0, time.monotonic()
    for i in range(n):
        try:
            s.sendto(request("proc meminfo" if i % 2 else "dmesg"), path)
        except BlockingIOError:
            pass        # the kernel's own queue is full: that is its right
        for cmd in ("version", "proc uptime"):
            t = time.monotonic()
            r.sendto(request(cmd), path)
            try:
                reply = read_reply(r, 20)
                if reply[0] == "raw" or (reply[0][0] and not reply[0][2].startswith("Kernel busy")):
                    raise Bad("%s: %r" % (cmd, reply))
            except Bad as e:
                failures += 1
                print("FAIL: while a client is deaf: %s" % e)
            worst = max(worst, time.monotonic() - t)
    print("ok: %d requests from a client that never reads, in %.1f s; the worst answer "
          "to another client took %.2f s" % (n, time.monotonic() - t0, worst))
    print("TOOK %.3f WORST %.3f" % (time.monotonic() - t0, worst))
    sys.exit(1 if failures else 0)


def many(path, n, cmd):
    """n clients, each with a socket of its own that stays open, send cmd
    once and never read; each send waits (at most 5 s) for room in the
    kernel's queue, so every request gets there. Then a reader asks
    version. Prints how long the n took and how long the answer took."""
    socks, t0, lost = [], time.monotonic(), 0
    for i in range(n):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        s.bind("\0glass-flood-many-%d-%d" % (os.getpid(), i))
        s.settimeout(5)
        try:
            s.sendto(request(cmd), path)
        except socket.timeout:
            lost += 1
        socks.append(s)
    took = time.monotonic() - t0
    r = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    r.bind("\0glass-flood-many-reader-%d" % os.getpid())
    t = time.monotonic()
    r.sendto(request("version"), path)
    try:
        reply = read_reply(r, 20)
        ok = reply[0] != "raw" and not reply[0][0] and reply[0][2] == VERSION
    except Bad as e:
        print("FAIL: version: %s" % e)
        ok = False
    answer = time.monotonic() - t
    print("%s: %d clients that never read sent '%s' in %.1f s (%d sends timed out); "
          "version then answered in %.2f s" % ("ok" if ok else "FAIL", n, cmd, took, lost,
                                               answer))
    print("TOOK %.3f ANSWER %.3f" % (took, answer))
    sys.exit(0 if ok else 1)


def main():
    if sys.argv[2] == "deaf":
        deaf(sys.argv[1], int(sys.argv[3]))
    if sys.argv[2] == "many":
        many(sys.argv[1], int(sys.argv[3]), sys.argv[4])
    path, nclients, nreq = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    failures = 0
    before = stats(path)
    out = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=client, args=(path, c, nreq, out))
             for c in range(nclients)]
    t0 = time.monotonic()
    for p in procs:
        p.start()
    results = [out.get(timeout=280) for _ in procs]
    for p in procs:
        p.join()
    took = time.monotonic() - t0
    after = stats(path)
    sent = {k: sum(r["sent"][k] for r in results) for k in KINDS}
    res = {k: sum(r["res"][k] for r in results) for k in ("ok", "busy", "timeout")}
    total = sum(sent.values())
    for r in results:
        for e in r["errors"]:
            failures += 1
            print("FAIL: " + e)
    answered = res["ok"] + res["busy"] + res["timeout"]
    noaddr = sent["noaddr"] + sent["noaddr proc"]
    if answered == total - noaddr and not failures:
        print("ok: %d requests from %d clients: %d answered well-formed (%d packets), "
              "%d busy, %d timed out, %d without address" % (
                  total, nclients, answered, sum(r["packets"] for r in results),
                  res["busy"], res["timeout"], noaddr))
    else:
        failures += 1
        print("FAIL: %d answered of %d that had an address" % (answered, total - noaddr))
    d = {k: after.get(k, 0) - before.get(k, 0) for k in after}
    want = {
        "requests": total + 1,  # + the second stats request itself
        "bad_magic": sent["badmagic"] + sent["empty"],
        "too_large": sent["toolarge"],
        "bad_version": sent["badversion"],
        "truncated": sent["truncated"],
        "unknown": sent["unknown"],
        "no_address": noaddr,
        "anywhere": sum(sent[k] for k in ANYWHERE) + sent["noaddr"] + 1,
        # Refusals of requests without an address are not seen: only the
        # sum of queued and refused is known, and bounds on each.
        "queued+queue_full": sum(sent[k] for k in SAFE) + sent["noaddr proc"],
        "send_errors": 0,
    }
    d["queued+queue_full"] = d.get("queued", 0) + d.get("queue_full", 0)
    bad = {k: (d.get(k), v) for k, v in want.items() if d.get(k) != v}
    if not res["busy"] <= d.get("queue_full", 0) <= res["busy"] + sent["noaddr proc"]:
        bad["queue_full"] = (d.get("queue_full"), "%d..%d" % (res["busy"], res["busy"] + sent["noaddr proc"]))
    if not res["timeout"] <= d.get("timed_out", 0) <= res["timeout"] + sent["noaddr proc"]:
        bad["timed_out"] = (d.get("timed_out"), "%d..%d" % (res["timeout"], res["timeout"] + sent["noaddr proc"]))
    if bad:
        failures += 1
        print("FAIL: stats deltas (got, want): %s" % bad)
    else:
        print("ok: stats add up: " + " ".join("%s=%d" % kv for kv in d.items()))
    print("ok: %.1f s, %.0f requests/s" % (took, total / took))
    sys.exit(1 if failures else 0)


main()

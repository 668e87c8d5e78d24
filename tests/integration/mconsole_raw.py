#!/usr/bin/python3
"""mconsole_raw.py SOCKET KIND [TEXT]: send one hand-made datagram to a
Glass mconsole socket and print the answer, one line per packet:
  RAW <text>                       a raw (version 0) answer
  PKT err=E more=M len=L <data>    a reply packet (data with \\n as \\\\n)
  NONE                             no answer within 2 s
  EXTRA <bytes>                    (kind once) a packet after the last one
KIND: cmd (a valid request for TEXT), once (cmd, then 1 s more for a
stray packet), late (cmd, read from 20 ms after sending: a reader a busy
host runs late), badmagic, badversion, toolarge,
truncated, noaddr (TEXT from an unbound socket: no reply address)."""
import os, socket, sys, time

from testlib import HEADER, parse_reply, request


def main():
    path, kind = sys.argv[1], sys.argv[2]
    text = sys.argv[3] if len(sys.argv) > 3 else "version"
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    if kind != "noaddr":
        s.bind("\0glass-test-%d" % os.getpid())
    msg = {
        "cmd": lambda: request(text),
        "once": lambda: request(text),
        "late": lambda: request(text),
        "badmagic": lambda: text.encode(),
        "badversion": lambda: request(text, version=1),
        "toolarge": lambda: request(text, length=4096),
        "truncated": lambda: request(text)[:12 + len(text) - 1],
        "noaddr": lambda: request(text),
    }[kind]()
    s.sendto(msg, path)
    if kind == "late":
        time.sleep(0.02)
    s.settimeout(2)
    while True:
        try:
            data = s.recv(4096)
        except (socket.timeout, OSError):
            print("NONE")
            return
        if len(data) < HEADER.size or parse_reply(data)[0] > 1:
            print("RAW " + data.decode(errors="replace"))
            return
        err, more, n, body = parse_reply(data)
        body = body[:n].rstrip(b"\0").decode(errors="replace")
        if len(data) != HEADER.size + n:
            print("BADLEN %d %d" % (len(data), n))
        print("PKT err=%d more=%d len=%d %s" % (err, more, n, body.replace("\n", "\\n")))
        if not more:
            break
    if kind == "once":
        s.settimeout(1)
        try:
            print("EXTRA %d" % len(s.recv(4096)))
        except (socket.timeout, OSError):
            pass

main()

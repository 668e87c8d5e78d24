#!/usr/bin/python3
"""glass_console_helper.py MODE ARGS...: the parts of glass_console.sh that
need a program: a fake mconsole server with timed packets, a pty session,
a notify listener. Each mode prints "ok: ..." lines or "FAIL: ..." lines
and exits 1 on a failure.

  stream CLIENT SOCKDIR      packet 1, a 1.5 s pause, packet 2: the first
                             must be on the client's stdout before the
                             second is even sent; the client's own socket
                             is 0600 in a 0700 dir and gone afterwards
  silent CLIENT SOCKDIR      a server that never answers: exit 2, time-out
  json CLIENT SOCKDIR        bytes that are not text come out as valid JSON
  pty CLIENT HOME UMLDIR UMID   interactive: prompt, commands, up-arrow
                             history, history file, a second session
  listen SOCKET OUT SECONDS  write each notification as a line to OUT
"""
import json, os, pty, select, socket, stat, subprocess, sys, threading, time

from testlib import MAGIC, fail, finish, ok, parse_notify, parse_request, reply_packet


def server(sockdir):
    path = os.path.join(sockdir, "mconsole")
    if os.path.exists(path):
        os.unlink(path)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(path)
    return s, path


def read_request(s):
    s.settimeout(10)
    data, addr = s.recvfrom(1024)
    magic, version, text = parse_request(data)
    if magic != MAGIC or version != 2 or len(data) != 524:
        fail("request: magic %#x version %d size %d" % (magic, version, len(data)))
    return text, addr


def mode_stream(client, sockdir):
    s, path = server(sockdir)
    p = subprocess.Popen([client, path, "longcmd"], stdout=subprocess.PIPE)
    chunks = []

    def reader():
        while True:
            b = os.read(p.stdout.fileno(), 4096)
            if not b:
                return
            chunks.append((time.monotonic(), b))

    t = threading.Thread(target=reader)
    t.start()
    cmd, addr = read_request(s)
    if cmd != "longcmd":
        fail("command sent as %r" % cmd)
    # The client's reply address: a private socket.
    st = os.stat(addr)
    dst = os.stat(os.path.dirname(addr))
    if stat.S_IMODE(st.st_mode) == 0o600 and stat.S_IMODE(dst.st_mode) == 0o700:
        ok("client socket %s is 0600 in a 0700 directory" % addr)
    else:
        fail("client socket modes %o / dir %o" % (st.st_mode, dst.st_mode))
    s.sendto(reply_packet(b"first part\n", more=1), addr)
    time.sleep(1.5)
    t_last = time.monotonic()
    s.sendto(reply_packet(b"last part\n"), addr)
    t.join(10)
    status = p.wait(10)
    out = b"".join(c for _, c in chunks)
    if out != b"first part\nlast part\n":
        fail("streamed output %r" % out)
    if chunks and chunks[0][1].startswith(b"first part") and chunks[0][0] < t_last - 1.0:
        ok("first packet printed %.2f s before the last was sent" % (t_last - chunks[0][0]))
    else:
        fail("first packet not printed before the last was sent: %r" % chunks)
    if status != 0:
        fail("exit status %d" % status)
    if os.path.exists(addr) or os.path.exists(os.path.dirname(addr)):
        fail("client socket %s left behind" % addr)
    else:
        ok("client socket and its directory removed")


def mode_silent(client, sockdir):
    s, path = server(sockdir)
    t0 = time.monotonic()
    p = subprocess.run([client, "--timeout", "1", path, "version"], capture_output=True,
                       timeout=20)
    took = time.monotonic() - t0
    err = p.stderr.decode()
    if p.returncode == 2 and "no reply from" in err and "within 1 s" in err and took < 5:
        ok("dead socket: exit 2 after %.1f s: %s" % (took, err.strip()))
    else:
        fail("dead socket: status %d after %.1f s, stderr %r" % (p.returncode, took, err))


def mode_json(client, sockdir):
    s, path = server(sockdir)
    weird = b"ctl\x01\x1b tab\t nl\n quote\" bs\\ bad\xff\xc3 e\xc3\xa9 sur\xed\xa0\x80 over\xc0\xaf del\x7f"
    p = subprocess.Popen([client, "--json", path, "proc", "x"], stdout=subprocess.PIPE)
    cmd, addr = read_request(s)
    s.sendto(reply_packet(weird[:20], err=1, more=1), addr)
    s.sendto(reply_packet(weird[20:]), addr)
    out, _ = p.communicate(timeout=10)
    try:
        obj = json.loads(out.decode("utf-8"))
    except Exception as e:
        fail("not JSON (%s): %r" % (e, out))
        return
    want = weird.decode("utf-8", errors="replace")
    if obj == {"command": "proc x", "ok": False, "output": want} and p.returncode == 1:
        ok("control bytes and invalid UTF-8 give valid JSON: %s" % out.decode().strip())
    else:
        fail("json %r (status %d), want output %r" % (obj, p.returncode, want))


class Pty:
    """The master side of a pty, read up to what a test waits for."""

    def __init__(self, fd):
        self.fd, self.buf = fd, b""

    def expect(self, want, timeout=10):
        """Everything up to and including want; the rest stays buffered."""
        end = time.monotonic() + timeout
        while want not in self.buf:
            left = end - time.monotonic()
            if left <= 0:
                raise TimeoutError("waiting for %r, got %r" % (want, self.buf[-300:]))
            r, _, _ = select.select([self.fd], [], [], left)
            if r:
                try:
                    b = os.read(self.fd, 4096)
                except OSError:
                    b = b""
                if not b:
                    raise EOFError("EOF waiting for %r, got %r" % (want, self.buf[-300:]))
                self.buf += b
        i = self.buf.index(want) + len(want)
        got, self.buf = self.buf[:i], self.buf[i:]
        return got

    def send(self, b):
        os.write(self.fd, b)


def session(client, home, umldir, umid):
    pid, fd = pty.fork()
    if pid == 0:
        env = dict(os.environ, HOME=home, TERM="xterm", INPUTRC="/dev/null")
        os.execve(client, [client, "--uml-dir", umldir, umid], env)
    return pid, Pty(fd)


def finish_session(pid, t):
    t.send(b"quit\r")
    _, st = os.waitpid(pid, 0)
    os.close(t.fd)
    return os.waitstatus_to_exitcode(st)


def mode_pty(client, home, umldir, umid):
    prompt = ("(%s) " % umid).encode()
    hist = os.path.join(home, ".glass_console_history")
    pid, t = session(client, home, umldir, umid)
    try:
        t.expect(prompt)
        ok("prompt %r" % prompt.decode())
        t.send(b"version\r")
        t.expect(b"Linux glass")
        t.expect(prompt)
        t.send(b"uptime\r")
        t.expect(b"up ")
        t.expect(prompt)
        t.send(b"frobnicate\r")
        t.expect(b"ERR Unknown command")
        t.expect(prompt)
        ok("commands answered; an error reply does not end the session")
        # Up three times: frobnicate, uptime, version.
        t.send(b"\x1b[A\x1b[A\x1b[A\r")
        got = t.expect(prompt)
        if b"Linux glass" in got and b"Unknown" not in got:
            ok("up-arrow recalled 'version' from history")
        else:
            fail("up-arrow: %r" % got)
    except (TimeoutError, EOFError) as e:
        fail("interactive: %s" % e)
    st = finish_session(pid, t)
    if st != 0:
        fail("interactive exit status %d" % st)
    lines = open(hist).read().split("\n") if os.path.exists(hist) else []
    if lines[:4] == ["version", "uptime", "frobnicate", "version"]:
        ok("history file %s: %s" % (hist, lines[:4]))
    else:
        fail("history file: %r" % lines)
    # A new session recalls the last session's commands.
    pid, t = session(client, home, umldir, umid)
    try:
        t.expect(prompt)
        t.send(b"\x1b[A\x1b[A\r")
        got = t.expect(prompt)
        if b"ERR Unknown command" in got:
            ok("history survives to the next session")
        else:
            fail("second session's up-arrow: %r" % got)
    except (TimeoutError, EOFError) as e:
        fail("second session: %s" % e)
    finish_session(pid, t)


def mode_listen(path, out, seconds):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(path)
    end = time.monotonic() + float(seconds)
    with open(out, "w") as f:
        while time.monotonic() < end:
            s.settimeout(max(0.05, end - time.monotonic()))
            try:
                d = s.recv(1024)
            except socket.timeout:
                break
            magic, version, typ, n, data = parse_notify(d)
            f.write("magic=%#x version=%d type=%d len=%d size=%d data=%s\n" % (
                magic, version, typ, n, len(d), data.decode(errors="replace").replace("\0", "\\0")))
            f.flush()


def main():
    mode, args = sys.argv[1], sys.argv[2:]
    {"stream": mode_stream, "silent": mode_silent, "json": mode_json, "pty": mode_pty,
     "listen": mode_listen}[mode](*args)
    finish()


main()

#!/usr/bin/python3
# channels.py GLASS UML_DIR UMID_PREFIX TMPDIR: console and serial-line
# channels (fd:, pty, port:, xterm, null, none), driven from the host as a user would, with
# the Python standard library only (Debian's python3). Used by
# channels.sh; prints "ok: ..." per check, and on the first mismatch
# "FAIL: ..." with the transcript and glass's stderr, then exits 1.
import os
import pty
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import termios
import time
import tty

import testlib
from testlib import ok

GLASS, UML_DIR, UMID, TMP = sys.argv[1:5]
HERE = os.path.dirname(os.path.abspath(__file__))
TIMEOUT = 20
IAC, DONT, DO, WONT, WILL, SB, SE, IP = 255, 254, 253, 252, 251, 250, 240, 244
ECHO, SGA, NAWS, TTYPE = 1, 3, 31, 24
MOUNT = 'mount -t devtmpfs none /dev; mount -t proc none /proc; '
glasses = []


class Glass:
    """One glass run: init=/bin/sh -c SCRIPT; stdout to a file, stderr
    (the kernel log) read as it comes."""
    n = 0

    def __init__(self, args, script, env=None, pass_fds=()):
        Glass.n += 1
        self.umid = '%s-%d' % (UMID, Glass.n)
        self.outp = os.path.join(TMP, self.umid + '.out')
        self.log = b''
        self.proc = subprocess.Popen(
            [GLASS, 'uml_dir=' + UML_DIR, 'umid=' + self.umid] + args +
            ['init=/bin/sh', '--', '-c', MOUNT + script],
            stdin=subprocess.DEVNULL, stdout=open(self.outp, 'wb'),
            stderr=subprocess.PIPE, env=env, pass_fds=pass_fds)
        os.set_blocking(self.proc.stderr.fileno(), False)
        glasses.append(self)

    def read_log(self):
        try:
            d = os.read(self.proc.stderr.fileno(), 65536)
            if d:
                self.log += d
        except BlockingIOError:
            pass

    def wait_log(self, pattern, what):
        end = time.monotonic() + TIMEOUT
        while time.monotonic() < end:
            self.read_log()
            m = re.search(pattern, self.log)
            if m:
                return m
            time.sleep(0.05)
        fail('no %s in the kernel log' % what)

    def out(self):
        with open(self.outp, 'rb') as f:
            return f.read().replace(b'\r', b'')

    def wait_out(self, text, what):
        end = time.monotonic() + TIMEOUT
        while time.monotonic() < end:
            if text in self.out():
                return
            time.sleep(0.05)
        fail('no %s on the console (%r)' % (what, text))

    def mc(self, *cmd):
        r = subprocess.run(['uml_mconsole', os.path.join(UML_DIR, self.umid, 'mconsole')] +
                           list(cmd), capture_output=True, timeout=20)
        return r.returncode, r.stdout.decode().strip()

    def expect_mc(self, status, want, *cmd):
        st, text = self.mc(*cmd)
        if st != status or want not in text:
            fail('uml_mconsole %s: status %d (want %d), %r lacks %r' %
                 (' '.join(cmd), st, status, text, want))
        ok('%s -> %s' % (' '.join(cmd), text))
        return text

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def wait_exit(self):
        try:
            return self.proc.wait(TIMEOUT)
        except subprocess.TimeoutExpired:
            fail('glass did not exit')


def fail(msg, transcript=None):
    """The first mismatch ends the test: its transcript and glass's output."""
    testlib.fail(msg)
    if transcript is not None:
        print('--- transcript:\n' + transcript.decode('latin-1').encode('unicode_escape').decode()
              .replace('\\r\\n', '\n').replace('\\n', '\n'))
    for g in glasses:
        g.read_log()
        print('--- glass %s stdout:\n%s' % (g.umid, g.out().decode('latin-1')[-2000:]))
        print('--- glass %s stderr:\n%s' % (g.umid, g.log.decode('latin-1')[-3000:]))
        g.kill()
    sys.exit(1)


class Peer:
    """The host end of a line: a pty slave, a socket or a pty master."""

    def __init__(self, fd, sock=None):
        self.fd, self.sock, self.buf, self.mark = fd, sock, b'', 0

    def send(self, data):
        self.mark = len(self.buf)
        if self.sock:
            self.sock.sendall(data)
        else:
            os.write(self.fd, data)

    def read(self, timeout):
        r, _, _ = select.select([self.fd], [], [], timeout)
        if not r:
            return None
        try:
            d = self.sock.recv(4096) if self.sock else os.read(self.fd, 4096)
        except OSError:
            d = b''
        self.buf += d
        return d

    def expect(self, pattern, what, timeout=TIMEOUT):
        end = time.monotonic() + timeout
        rx = re.compile(pattern)
        while True:
            m = rx.search(self.buf, self.mark)
            if m:
                self.mark = m.end()
                return m
            left = end - time.monotonic()
            if left <= 0:
                fail('no %s within %ds (waiting for %r)' % (what, timeout, pattern),
                     self.buf[:self.mark] + b'>>>' + self.buf[self.mark:])
            if self.read(min(left, 0.2)) == b'':
                fail('the line closed while waiting for ' + what,
                     self.buf[:self.mark] + b'>>>' + self.buf[self.mark:])

    def close(self):
        if self.sock:
            self.sock.close()
        else:
            os.close(self.fd)


def open_pty(path):
    """The slave of a line's host pty, raw, as screen or minicom use it."""
    fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
    tty.setraw(fd)
    return Peer(fd)


def shell_checks(p, name, ttyname, eol=b'\r'):
    """A getty-less shell on the line: commands, its tty, ^C."""
    p.send(b'echo hel$((1+1))lo' + eol)
    p.expect(rb'hel2lo\r\n', name + ': a command runs')
    p.send(b'tty' + eol)
    p.expect(re.escape(ttyname.encode()) + rb'\r\n', name + ': its tty is ' + ttyname)
    p.send(b'sleep 100' + eol)
    p.expect(rb'sleep 100\r\n', name + ': echo of sleep 100')
    time.sleep(0.3)
    p.send(b'\x03')
    p.expect(rb'\^C', name + ': ^C echoed', 5)
    p.send(b'echo st=$?' + eol)
    p.expect(rb'st=130\r\n', name + ': ^C ended sleep ($? 130)', 5)
    ok('%s: shell on %s runs commands; ^C interrupts sleep' % (name, ttyname))


# ---------------------------------------------------------------------
# 1. pty: ssl0=pty, plus null and none lines
def test_pty():
    fd3 = os.path.join(TMP, 'fd3.out')
    f3 = os.open(fd3, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    if f3 != 3:
        os.dup2(f3, 3)
        os.close(f3)
    g = Glass(['ssl0=pty', 'con1=null', 'con4=fd:3'],
              'echo via-fd3 >/dev/tty4; '
              'echo x >/dev/tty1 && echo null-write-ok; cat /dev/tty1; echo null-read=$?; '
              'cat /dev/ttyS1 2>/dev/null || echo none-absent; '
              'cat /dev/tty2 2>/dev/null || echo none-absent-tty2; '
              'setsid sh -c "exec sh </dev/ttyS0 >/dev/ttyS0 2>&1"; echo ended1; '
              'setsid sh -c "exec sh </dev/ttyS0 >/dev/ttyS0 2>&1"; echo ended2; poweroff -f',
              pass_fds=(3,))
    os.close(3)
    m = g.wait_log(rb"Serial line 0 assigned device '(/dev/pts/\d+)'", 'pty announcement')
    pts = m.group(1).decode()
    ok('announced: ' + m.group(0).decode())
    g.wait_out(b'null-write-ok\n', 'write to a null line')
    g.wait_out(b'null-read=0\n', 'end of file reading a null line')
    g.wait_out(b'none-absent\n', 'ssl1 (none) absent')
    g.wait_out(b'none-absent-tty2\n', 'con2 (none by default) absent')
    ok('null: output dropped, end of file; none: no device')
    if open(fd3, 'rb').read() != b'via-fd3\r\n':
        fail('con4=fd:3 wrote %r' % open(fd3, 'rb').read())
    g.expect_mc(0, 'OK fd:3', 'config', 'con4')
    ok('fd: con4=fd:3 writes to glass\'s fd 3')
    st, text = g.mc('config', 'ssl0')
    if text != 'OK pty:' + pts:
        fail('config ssl0 said %r' % text)
    ok('config ssl0 -> ' + text)

    p = open_pty(pts)
    p.send(b'\r')
    p.expect(rb'# ', 'prompt on the pty')
    shell_checks(p, 'pty', '/dev/ttyS0')
    # The peer goes away: the line hangs up, the shell gets SIGHUP / EOF.
    p.close()
    g.wait_out(b'ended1\n', 'the shell ending when the pty peer went away')
    ok('pty: closing the host side hangs the line up; the shell ends')
    # A second shell waits for a new peer; reopening the pty works again.
    time.sleep(0.5)
    p = open_pty(pts)
    time.sleep(0.3)
    p.send(b'echo back$((2*3))\r')
    p.expect(rb'back6\r\n', 'a command after reopening the pty')
    ok('pty: a new peer gets a working shell again')
    p.send(b'exit\r')
    g.wait_out(b'ended2\n', 'exit of the second shell')
    p.close()
    st = g.wait_exit()
    if st != 0:
        fail('glass exited %d after poweroff -f' % st)
    ok('glass exits 0')


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


def listeners(port):
    """Local addresses listening on port, from /proc/net/tcp{,6}."""
    found = []
    for f in ('/proc/net/tcp', '/proc/net/tcp6'):
        try:
            lines = open(f).read().splitlines()[1:]
        except OSError:
            continue
        for ln in lines:
            parts = ln.split()
            addr, p = parts[1].split(':')
            if int(p, 16) == port and parts[3] == '0A':
                found.append(addr)
    return found


def connect(port):
    s = socket.create_connection(('127.0.0.1', port), timeout=TIMEOUT)
    return Peer(s.fileno(), s)


# ---------------------------------------------------------------------
# 2. port: two lines on one port, telnet negotiation, reconnect
def test_port():
    port = free_port()
    g = Glass(['ssl0=port:%d' % port, 'ssl1=port:%d' % port],
              # ssl1's loop in the background ignores SIGINT (POSIX, for
              # asynchronous lists), so the ^C checks run on ssl0's.
              '(while :; do setsid sh -c "exec sh </dev/ttyS1 >/dev/ttyS1 2>&1"; done) & '
              'while :; do setsid sh -c "exec sh </dev/ttyS0 >/dev/ttyS0 2>&1"; done')
    g.wait_log(rb'Serial line 0 listening on port %d' % port, 'ssl0 listening')
    g.wait_log(rb'Serial line 1 listening on port %d' % port, 'ssl1 listening')
    addrs = listeners(port)
    if addrs != ['0100007F']:
        fail('port %d listens on %r, expected 127.0.0.1 only' % (port, addrs))
    ok('port %d listens on 127.0.0.1 only' % port)

    a = connect(port)
    hello = bytes([IAC, WILL, ECHO, IAC, WILL, SGA, IAC, DO, NAWS])
    a.expect(re.escape(hello), 'IAC WILL ECHO, IAC WILL SGA, IAC DO NAWS')
    ok('telnet: the server offers WILL ECHO, WILL SUPPRESS-GO-AHEAD, DO NAWS')
    # The client agrees, sends its window size and offers TTYPE, which is
    # refused; agreements are not answered again.
    a.send(bytes([IAC, DO, ECHO, IAC, DO, SGA, IAC, WILL, NAWS,
                  IAC, SB, NAWS, 0, 100, 0, 33, IAC, SE, IAC, WILL, TTYPE]))
    a.expect(re.escape(bytes([IAC, DONT, TTYPE])), 'DONT TTYPE')
    a.send(b'\r\n')
    a.expect(rb'# ', 'prompt on the port line')
    if bytes([IAC, WILL, ECHO]) in a.buf[len(hello):]:
        fail('agreement answered again (negotiation loop)', a.buf)
    ok('telnet: TTYPE refused, agreements not answered twice')
    a.send(b'stty size\r\n')
    a.expect(rb'33 100\r\n', 'window size from NAWS')
    ok('telnet: NAWS sets the window size (33x100)')
    a.send(b"printf 'a\\377b\\n'\r\n")
    a.expect(rb'a\xff\xffb', 'output 0xff escaped as IAC IAC')
    ok('telnet: 0xff in output is IAC IAC')
    a.send(b'echo \xff\xffok\r\0')
    a.expect(rb'\xff\xffok\r\n', 'IAC IAC in input is a 0xff, CR NUL a CR')
    ok('telnet: IAC IAC in input is one 0xff; CR NUL ends a line')
    shell_checks(a, 'port', '/dev/ttyS0', b'\r\n')
    a.send(b'sleep 100\r\n')
    a.expect(rb'sleep 100\r\n', 'echo of sleep 100')
    time.sleep(0.3)
    a.send(bytes([IAC, IP]))
    a.expect(rb'\^C', 'IAC IP as ^C')
    ok('telnet: IAC IP interrupts like ^C')

    b = connect(port)
    b.expect(re.escape(hello), 'second connection negotiation')
    b.send(b'\r\ntty\r\n')
    b.expect(rb'/dev/ttyS1\r\n', 'second connection on ssl1')
    ok('two lines share the port: the second connection gets ttyS1')
    c = connect(port)
    c.expect(rb'no free line', 'refusal of a third connection')
    ok('a third connection is told no line is free')
    c.close()

    # Disconnect and reconnect: the line hangs up and works again.
    a.close()
    time.sleep(0.5)
    a = connect(port)
    a.expect(re.escape(hello), 'negotiation after reconnecting')
    a.send(b'\r\ntty\r\n')
    a.expect(rb'/dev/ttyS0\r\n', 'ssl0 again after reconnecting')
    ok('a client that disconnects and reconnects gets a working line')
    a.close()
    b.close()
    time.sleep(0.5)
    if shutil.which('telnet'):
        real_telnet(port)
    else:
        fail('telnet is missing (scripts/deps.sh check installs it)')
    g.kill()


def real_telnet(port):
    """Debian's telnet client, on a pty as a user runs it."""
    pid, master = pty.fork()
    if pid == 0:
        os.execvp('telnet', ['telnet', '127.0.0.1', str(port)])
    p = Peer(master)
    p.expect(rb'Escape character is', 'telnet connecting')
    time.sleep(0.5)
    p.send(b'\r')
    p.expect(rb'# ', 'prompt through telnet')
    # Character at a time with remote echo: one key gives one echo at once,
    # before Enter.
    p.send(b'e')
    p.expect(rb'e', 'remote echo of one key before Enter', 5)
    time.sleep(0.2)
    p.send(b'cho tel$((2+3))net\r')
    p.expect(rb'tel5net\r\n', 'a command through telnet')
    ok('telnet: character mode with remote echo; a command runs')
    shell_checks(p, 'telnet', '/dev/ttyS0')
    p.send(b'\x1d')
    p.expect(rb'telnet> ', 'telnet escape prompt')
    p.send(b'quit\r')
    end = time.monotonic() + TIMEOUT
    while time.monotonic() < end:
        if os.waitpid(pid, os.WNOHANG)[0]:
            break
        p.read(0.2)
    else:
        fail('telnet did not quit')
    os.close(master)
    ok('telnet quits cleanly')


# ---------------------------------------------------------------------
# 3. config / remove at run time with uml_mconsole
def test_config():
    port = free_port()
    g = Glass([], '(while :; do cat /dev/ttyS2 >/dev/null 2>&1 || sleep 0.2; done) & '
              'while :; do setsid sh -c "exec sh </dev/tty3 >/dev/tty3 2>&1" 2>/dev/null || '
              'sleep 0.2; done')
    sock = os.path.join(UML_DIR, g.umid, 'mconsole')
    end = time.monotonic() + TIMEOUT
    while not os.path.exists(sock) and time.monotonic() < end:
        time.sleep(0.1)
    time.sleep(0.5)
    g.expect_mc(0, 'OK none', 'config', 'ssl3')
    g.expect_mc(0, 'OK fd:0,fd:1', 'config', 'con0')
    g.expect_mc(1, 'Device is already open', 'config', 'con0=null')
    g.expect_mc(1, 'Invalid device number', 'config', 'ssl7')
    g.expect_mc(1, 'Invalid device number', 'remove', 'ssl4')
    g.expect_mc(1, "Device doesn't exist", 'remove', 'ssl1')
    g.expect_mc(1, 'Bad channel', 'config', 'ssl1=bogus')
    g.expect_mc(1, 'The console can not be removed', 'remove', 'con0')
    # A port line added, reported, removed: the listener comes and goes.
    g.expect_mc(0, 'OK', 'config', 'ssl3=port:%d' % port)
    g.wait_log(rb'Serial line 3 listening on port %d' % port, 'ssl3 listening')
    g.expect_mc(0, 'OK port:%d' % port, 'config', 'ssl3')
    if listeners(port) != ['0100007F']:
        fail('no listener on 127.0.0.1:%d after config' % port)
    g.expect_mc(0, 'OK', 'remove', 'ssl3')
    g.expect_mc(0, 'OK none', 'config', 'ssl3')
    if listeners(port):
        fail('port %d still listening after remove' % port)
    ok('config ssl3=port / remove ssl3: the listener comes and goes')
    # A pty line the guest opens: remove and re-config are refused.
    g.expect_mc(0, 'OK', 'config', 'ssl2=pty')
    text = g.expect_mc(0, 'OK pty:/dev/pts/', 'config', 'ssl2')
    time.sleep(1)
    g.expect_mc(1, 'Device is currently open', 'remove', 'ssl2')
    g.expect_mc(1, 'Device is already open', 'config', 'ssl2=null')
    if not shutil.which('xterm'):
        g.expect_mc(1, 'cannot set up the channel: error 2', 'config', 'con2=xterm')
        g.expect_mc(0, 'OK none', 'config', 'con2')
    # A console line added at run time carries a shell.
    g.expect_mc(0, 'OK', 'config', 'con3=pty')
    m = g.wait_log(rb"Virtual console 3 assigned device '(/dev/pts/\d+)'", 'con3 pty')
    p = open_pty(m.group(1).decode())
    time.sleep(0.5)
    p.send(b'tty\r')
    p.expect(rb'/dev/tty3\r\n', 'a shell on con3 added at run time')
    ok('config con3=pty at run time: a shell runs on /dev/tty3')
    p.close()
    g.kill()


# ---------------------------------------------------------------------
# 4. xterm, with a stand-in on PATH
def test_xterm():
    bindir = os.path.join(TMP, 'xterm-bin')
    os.makedirs(bindir, exist_ok=True)
    shutil.copy(os.path.join(HERE, 'xterm_standin.py'), os.path.join(bindir, 'xterm'))
    os.chmod(os.path.join(bindir, 'xterm'), 0o755)
    xout = os.path.join(TMP, 'xterm.out')
    env = dict(os.environ, PATH=bindir + ':' + os.environ['PATH'], XTERM_OUT=xout,
               XTERM_KEYS='echo xt$((40+2))\\r', XTERM_UNTIL='xt42\r\n')
    g = Glass(['con1=xterm'], 'setsid sh -c "exec sh </dev/tty1 >/dev/tty1 2>&1"; '
              'echo xterm-shell-ended; '
              'while ! (exec </dev/tty2) 2>/dev/null; do sleep 0.2; done; '
              'setsid sh -c "exec sh </dev/tty2 >/dev/tty2 2>&1"; echo xterm2-ended; poweroff -f',
              env=env)
    # At boot (con1=xterm) and at run time (config con2=xterm).
    for con, done in (('con1', b'xterm-shell-ended\n'), ('con2', b'xterm2-ended\n')):
        if con == 'con2':
            g.expect_mc(0, 'OK', 'config', 'con2=xterm')
        g.wait_out(done, 'the shell on %s ending when the xterm closed' % con)
        out = open(xout + '-' + con, 'rb').read()
        if b'xt42\r\n' not in out:
            fail('the xterm stand-in of %s did not see the command output: %r' % (con, out))
        title = open(xout + '-' + con + '.title').read().strip()
        if title != 'Glass ' + con:
            fail('xterm title %r' % title)
        ok('xterm: a shell on %s answered keys typed in the (stand-in) xterm, title %r' %
           (con, title))
        ok('xterm: closing the window hangs %s up' % con)
    if g.wait_exit() != 0:
        fail('glass did not exit 0')


try:
    test_pty()
    test_port()
    test_config()
    test_xterm()
    for g in glasses:
        g.read_log()
        if b'BUG:' in g.log or b'panic' in g.log:
            fail('glass %s logged a kernel bug or panic' % g.umid)
    ok('no kernel bug or panic in any run')
finally:
    for g in glasses:
        g.kill()
print('channels: all passed')

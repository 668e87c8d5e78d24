"""ptysession.py: drive ./glass through a pseudo-terminal, as a user at a
terminal would (interactive.py, root_host_jobs.py). Only the Python
standard library (Debian's python3). A Session forks glass on the slave
side of a new pty (its controlling terminal) with stderr to LOGDIR/NAME.stderr;
send() types keys, expect() waits for a regex in what came back since."""
import fcntl
import os
import re
import select
import signal
import struct
import sys
import termios
import time

from testlib import fail, ok

TIMEOUT = 30        # seconds for any one answer; the machine may be slow


def winsize(fd, rows, cols):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', rows, cols, 0, 0))


class Session:
    def __init__(self, name, argv, logdir, prompt):
        """Start argv (glass and its words) as session name; prompt
        (bytes) is the shell's prompt."""
        self.name = name
        self.prompt_text = prompt
        self.master, self.slave = os.openpty()
        winsize(self.slave, 30, 100)
        # The host terminal settings glass must give back (stty -g).
        self.before = termios.tcgetattr(self.slave)
        self.err = os.path.join(logdir, name + '.stderr')
        self.out = b''
        self.mark = 0
        self.status = None
        self.pid = os.fork()
        if self.pid == 0:
            try:
                os.setsid()
                fcntl.ioctl(self.slave, termios.TIOCSCTTY, 0)
                os.dup2(self.slave, 0)
                os.dup2(self.slave, 1)
                e = os.open(self.err, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
                os.dup2(e, 2)
                os.closerange(3, 256)
                os.execv(argv[0], argv)
            finally:
                os._exit(127)

    def fail(self, msg):
        fail('%s: %s' % (self.name, msg))
        print('--- transcript (%d bytes; from the last command on after ">>>"):'
              % len(self.out))
        t = self.out[:self.mark] + b'>>>' + self.out[self.mark:]
        print(t.decode('latin-1').encode('unicode_escape').decode()
              .replace('\\r\\n', '\n').replace('\\n', '\n'))
        try:
            print('--- glass stderr:\n' + open(self.err).read())
        except OSError:
            pass
        self.kill()
        sys.exit(1)

    def kill(self):
        if self.status is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except OSError:
                pass

    def read(self, timeout):
        r, _, _ = select.select([self.master], [], [], timeout)
        if r:
            try:
                d = os.read(self.master, 4096)
            except OSError:         # EIO: the slave side is gone
                d = b''
            self.out += d
            return d
        return None

    def send(self, data):
        """Write keys; what is expected next must come after this point."""
        self.mark = len(self.out)
        os.write(self.master, data)

    def expect(self, pattern, what, timeout=TIMEOUT):
        """Wait for regex pattern (bytes) in the output since the last send."""
        end = time.monotonic() + timeout
        rx = re.compile(pattern)
        while True:
            m = rx.search(self.out, self.mark)
            if m:
                self.mark = m.end()
                return m
            left = end - time.monotonic()
            if left <= 0:
                self.fail('no %s within %ds (waiting for %r)' % (what, timeout, pattern))
            self.read(min(left, 0.5))

    def drain(self, seconds):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.read(end - time.monotonic())

    def command(self, line):
        """Type a command line and wait for the shell to read it: busybox's
        line editing echoes the line and the CR-LF after Enter."""
        self.send(line.encode() + b'\r')
        self.expect(re.escape(line.encode()[-12:]) + rb'\r\n', 'echo of %r' % line)

    def output_of(self, line):
        """Run a command line; its output (CR-LF lines) up to a marker."""
        self.command(line + '; echo :end')
        start = self.mark
        m = self.expect(rb'(?<=\n):end\r\n', 'the end of the output of %r' % line)
        self.prompt()
        return self.out[start:m.start()]

    def prompt(self, what='prompt', timeout=TIMEOUT):
        self.expect(re.escape(self.prompt_text), what, timeout)

    def wait_exit(self, timeout=TIMEOUT):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            pid, st = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = st
                self.drain(0.2)
                return st
            self.read(0.2)
        self.fail('glass did not exit within %ds' % timeout)

    def check_restored(self):
        after = termios.tcgetattr(self.slave)
        if after != self.before:
            self.fail('terminal settings not restored: before %r, after %r'
                      % (self.before, after))
        ok('%s: terminal settings restored after exit' % self.name)


def interrupt_job(s):
    """^C interrupts the foreground job (sleep 100) and leaves the shell
    running with $? = 130; returns the seconds from ^C to the prompt. A
    pause first, so that sleep is the foreground job when the ^C comes."""
    s.command('sleep 100')
    s.drain(1.0)
    t0 = time.monotonic()
    s.send(b'\x03')
    s.prompt('prompt after ^C on sleep 100')
    dt = time.monotonic() - t0
    s.command('echo rc=$?')
    s.expect(rb'(?<=[\r\n])rc=130\r\n', 'rc=130 after ^C')
    s.prompt()
    return dt


def stop_and_resume_job(s):
    """^Z stops sleep 100, jobs lists it, fg continues it in the
    foreground, ^C then ends it ($? = 130)."""
    s.command('sleep 100')
    s.drain(1.0)
    s.send(b'\x1a')
    s.expect(rb'\[1\]\+ +Stopped +sleep 100', '"[1]+ Stopped sleep 100" after ^Z')
    s.prompt()
    s.command('jobs')
    s.expect(rb'\[1\]\+ +Stopped +sleep 100\r\n', 'the stopped job in jobs')
    s.prompt()
    s.command('fg')
    s.expect(rb'sleep 100\r\n', 'fg naming the job')
    s.drain(1.0)
    s.send(b'\x03')
    s.prompt('prompt after ^C on the job brought back by fg')
    s.command('echo rc=$?')
    s.expect(rb'(?<=[\r\n])rc=130\r\n', 'rc=130 after fg and ^C')
    s.prompt()

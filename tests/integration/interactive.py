#!/usr/bin/python3
# interactive.py GLASS UML_DIR UMID_PREFIX LOGDIR: drive ./glass's default
# /init (a job-control shell on the console) through a pseudo-terminal, as
# a user at a terminal would. Used by
# interactive.sh; only the Python standard library (Debian's python3).
# Prints "ok: ..." per check; on the first mismatch prints "FAIL: ..." with
# the session's transcript and exits 1.
import os
import signal
import sys
import termios
import time

import ptysession
from ptysession import winsize
from testlib import ok

GLASS, UML_DIR, UMID, LOGDIR = sys.argv[1:5]
PROMPT = b'/ # '


def Session(name):
    return ptysession.Session(name, [GLASS, 'quiet', 'uml_dir=' + UML_DIR,
                                     'umid=%s-%s' % (UMID, name)], LOGDIR, PROMPT)


# --- The main session: ^C, ^Z and fg, a spinning job, traps, line editing.
s = Session('main')
s.prompt('first prompt', 90)
ok('boot to the shell prompt')

# Glass puts the host terminal in raw mode so ^C and ^Z reach the guest.
lflag = termios.tcgetattr(s.slave)[3]
if lflag & (termios.ICANON | termios.ECHO | termios.ISIG):
    s.fail('host terminal not in raw mode while glass runs (lflag %#o)' % lflag)
ok('host terminal is raw while glass runs')

# The console's window size is the host terminal's, and follows a resize.
s.command('stty size')
s.expect(rb'(?<=\n)30 100\r\n', 'stty size 30 100')
s.prompt()
winsize(s.slave, 40, 120)
s.command('stty size')
s.expect(rb'(?<=\n)40 120\r\n', 'stty size 40 120 after a resize')
s.prompt()
ok('window size 30x100, then 40x120 after a resize')

dt = ptysession.interrupt_job(s)
ok('^C ends sleep 100 (prompt after %.2fs, $? = 130)' % dt)
ptysession.stop_and_resume_job(s)
jobs = s.output_of('jobs')
if jobs:
    s.fail('jobs left after fg and ^C: %r' % jobs)
ok('^Z stops sleep 100, fg resumes it, ^C ends it ($? = 130)')

# The timer tick preempts a spinning guest: the shell stays responsive.
s.command('while :; do :; done &')
s.prompt()
t0 = time.monotonic()
s.command('echo alive')
s.expect(rb'(?<=\n)alive\r\n', '"alive" while a guest spins')
s.prompt()
dt = time.monotonic() - t0
s.command('kill %1; wait; echo waited')
s.expect(rb'(?<=\n)waited\r\n', 'wait for the killed loop')
s.prompt()
jobs = s.output_of('jobs')
if jobs:
    s.fail('jobs left after kill %%1: %r' % jobs)
ok('shell answers in %.2fs while "while :; do :; done &" spins; kill %%1 ends it' % dt)

# A trap on INT runs on ^C at the prompt; the shell goes on.
s.command("trap 'echo caught' INT")
s.prompt()
s.send(b'\x03')
s.expect(rb'caught\r\n', '"caught" from the INT trap')
s.prompt()
s.command('trap - INT; echo still-here')
s.expect(rb'(?<=\n)still-here\r\n', 'still-here after the trap')
s.prompt()
ok("trap 'echo caught' INT runs on ^C")

# Line editing: backspace, cursor keys, history.
s.send(b'echo abX')
s.drain(0.3)
s.send(b'\x7f')
s.drain(0.3)
s.send(b'c\r')
s.expect(rb'(?<=\n)abc\r\n', '"abc" after backspace over X')
s.prompt()
s.send(b'echo wrld\x1b[D\x1b[D\x1b[Do\r')
s.expect(rb'(?<=\n)world\r\n', '"world" after three left arrows and an insert')
s.prompt()
s.send(b'\x1b[A')
s.drain(0.3)
s.send(b'\r')
s.expect(rb'(?<=\n)world\r\n', '"world" again from the history (up arrow)')
s.prompt()
ok('line editing: backspace, left arrow, history')

# ^D at an empty prompt ends the shell; /init exits with its status (0).
s.send(b'\x04')
st = s.wait_exit()
if not os.WIFEXITED(st) or os.WEXITSTATUS(st) != 0:
    s.fail('glass ended with wait status %#x after ^D, expected exit 0' % st)
ok('^D at the prompt ends the shell; glass exits 0')
s.check_restored()
err = open(s.err).read()
if err.strip():
    s.fail('kernel warnings or errors on stderr (quiet):\n' + err)
ok('no kernel warnings or errors')

# --- Terminal restored on the other exits glass can catch: SIGTERM,
# SIGHUP (the terminal went away), and poweroff -f.
for sig in (signal.SIGTERM, signal.SIGHUP):
    s = Session('sig%d' % sig)
    s.prompt('first prompt', 90)
    s.command('sleep 100')
    s.drain(0.5)
    os.kill(s.pid, sig)
    st = s.wait_exit()
    if not os.WIFSIGNALED(st) or os.WTERMSIG(st) != sig:
        s.fail('glass ended with wait status %#x, expected death by signal %d' % (st, sig))
    ok('%s ends glass' % signal.Signals(sig).name)
    s.check_restored()

s = Session('poweroff')
s.prompt('first prompt', 90)
s.command('poweroff -f')
st = s.wait_exit()
if not os.WIFEXITED(st) or os.WEXITSTATUS(st) != 0:
    s.fail('glass ended with wait status %#x after poweroff -f, expected exit 0' % st)
ok('poweroff -f from the shell: exit 0')
s.check_restored()
sys.exit(0)

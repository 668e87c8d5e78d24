#!/usr/bin/python3
# A stand-in for xterm, for tests/integration/channels.py (CI has no
# display): `xterm -T TITLE -e PROGRAM ARGS...` runs PROGRAM on a new
# pseudo-terminal, as xterm does, and plays the user at it: it types
# $XTERM_KEYS (again every 3 s until answered), records everything
# PROGRAM writes in $XTERM_OUT-WORD, WORD the title's last word (and the
# title in that file + .title), and closes the window (ends) once the
# output has $XTERM_UNTIL or after 30 s.
import os
import pty
import select
import sys
import time

args = sys.argv[1:]
title = ''
while args and args[0] != '-e':
    if args[0] == '-T':
        title = args[1]
        args = args[2:]
    else:
        args = args[1:]
prog = args[1:]
out_path = os.environ['XTERM_OUT'] + '-' + (title.split() or ['notitle'])[-1]
with open(out_path + '.title', 'w') as f:
    f.write(title + '\n')
pid, master = pty.fork()
if pid == 0:
    os.execvp(prog[0], prog)
keys = os.environ.get('XTERM_KEYS', '').encode().decode('unicode_escape').encode('latin-1')
until = os.environ.get('XTERM_UNTIL', '').encode()
out = b''
typed = 0
start = time.monotonic()
while time.monotonic() - start < 30:
    r, _, _ = select.select([master], [], [], 0.2)
    if r:
        try:
            d = os.read(master, 4096)
        except OSError:
            break
        if not d:
            break
        out += d
        with open(out_path, 'wb') as f:
            f.write(out)
    if time.monotonic() - start > 1 + 3 * typed:
        os.write(master, keys)
        typed += 1
    if until and until in out:
        break
os.close(master)
os.kill(pid, 1)
os.waitpid(pid, 0)

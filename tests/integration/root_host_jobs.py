#!/usr/bin/python3
# root_host_jobs.py GLASS UML_DIR UMID LOGDIR: the host's / as a read-only
# hostfs root, init=/bin/bash, which starts Debian's bash with job control
# on the console: util-linux's setsid -c gives it the console as its
# controlling tty (pid 1 never gets one from /dev/console), and it runs in
# a child of pid 1, since jobs whose parent is init are in orphaned process
# groups, which ^Z does not stop (on Linux either). ^C ends the foreground
# job ($? = 130), ^Z stops it, jobs lists it, fg brings it back, ^C ends
# it, a background job is listed and killed with kill %1, exit ends glass
# with its status. Used by root_host.sh.
import sys

import ptysession
from testlib import ok

GLASS, UML_DIR, UMID, LOGDIR = sys.argv[1:5]
PROMPT = b'glass# '

s = ptysession.Session('bash', [GLASS, 'quiet', 'uml_dir=' + UML_DIR, 'umid=' + UMID,
                                'root=/dev/root', 'rootfstype=hostfs', 'rootflags=/',
                                'init=/bin/bash', '--', '-c',
                                'PS1="%s" /usr/bin/setsid -c /bin/bash --norc --noprofile -i; '
                                'exit $?' % PROMPT.decode()],
                       LOGDIR, PROMPT)
s.prompt('first prompt', 90)
ok('boot to bash on the host root')
s.command('mount -t proc proc /proc')
s.prompt()

ptysession.interrupt_job(s)
ok('^C ends the foreground job ($? = 130)')
ptysession.stop_and_resume_job(s)
ok('^Z stops the job, fg brings it back, ^C ends it')

s.command('sleep 100 &')
s.prompt()
s.command('jobs')
s.expect(rb'\[1\]\+ +Running +sleep 100 &\r\n', 'the background job in jobs')
s.prompt()
s.command('kill %1; wait; echo waited')
s.expect(rb'Terminated +sleep 100', 'the job terminated')
s.expect(rb'waited\r\n', 'wait returned')
s.prompt()
ok('a background job listed and ended by kill %1')

s.command('exit 7')
st = s.wait_exit()
if not (st >> 8 == 7 and st & 0x7f == 0):
    s.fail('glass ended with wait status %#x after exit 7, expected exit 7' % st)
ok('exit 7 ends glass with status 7')
sys.exit(0)

# A breakpoint in a SYSCALL_DEFINE handler is listed on the line where it
# stops, by function name and by a line of the body (ddd draws its stop
# sign and its arrow on the same line). Each new shell calls getppid.
# glass: gdb init=/bin/sh -- -c 'mount -t devtmpfs d /dev; (while :; do sh -c :; sleep 0.2; done) & sleep 1; echo ready; exec sleep 100'
# wait: ready
# expect: ^sys_getppid: listed at kernel/proc/sys\.c:[0-9]+, stopped there$
# expect: ^kernel/proc/sys\.c:16: listed at kernel/proc/sys\.c:16, stopped there$
# expect-not: stopped at
set pagination off
set confirm off
python
import gdb, re

def check(spec):
    bp = gdb.Breakpoint(spec)
    info = gdb.execute("info breakpoints %d" % bp.number, to_string=True)
    listed = re.search(r" at (\S+:\d+)", info).group(1)
    gdb.execute("continue", to_string=True)
    sal = gdb.selected_frame().find_sal()
    stopped = "%s:%d" % (sal.symtab.filename, sal.line)
    print("%s: listed at %s, %s" % (spec, listed,
          "stopped there" if stopped == listed else "stopped at " + stopped))
    bp.delete()

check("sys_getppid")
check("kernel/proc/sys.c:16")
end
detach

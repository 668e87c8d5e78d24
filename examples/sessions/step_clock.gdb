# Stepping instruction by instruction through code that reads the clock
# ends: ktime_get_ns calls clock_gettime, which runs in the vDSO, whose
# read loop retries whenever the host updates the clock page — always, at
# a debugger's pace. Glass takes the steps inside the vDSO itself, so one
# stepi carries the CPU through it. ktime_get_ns is monitor text (mconsole's
# uptime runs it), where no breakpoint goes: the session stops in its
# caller run_timers and steps into it.
# glass: gdb init=/bin/sh -- -c 'mount -t devtmpfs d /dev; (while :; do sleep 0.2; done) & sleep 1; echo ready; exec sleep 100'
# wait: ready
# expect: ^in ktime_get_ns$
# expect: ^left ktime_get_ns after [0-9]+ stepi$
# expect-not: still in
set pagination off
set confirm off
break run_timers
continue
delete
python
import gdb
def depth():
    n, f = 0, gdb.newest_frame()
    while f is not None and n < 64:
        n, f = n + 1, f.older()
    return n
def function():
    f = gdb.selected_frame().function()
    return f.name if f else ""
for i in range(200):
    if function() == "ktime_get_ns":
        print("in ktime_get_ns")
        break
    gdb.execute("stepi", to_string=True)
start = depth()
for i in range(1, 5000):
    gdb.execute("stepi", to_string=True)
    if depth() < start:
        print("left ktime_get_ns after %d stepi" % i)
        break
else:
    print("still in ktime_get_ns's callees after 5000 stepi")
end
bt 2
detach

# Breakpoints in the scheduler, the timer path, the page-fault entry and
# printk; a task sleeping in a pipe read shows the read path below
# schedule on its thread.
# glass: gdb init=/bin/sh -- -c 'mount -t devtmpfs d /dev; mount -t tmpfs t /tmp; printf "\177ELF" >/tmp/bad; head -c 60 /dev/zero >>/tmp/bad; chmod +x /tmp/bad; (sleep 1000 | cat) & (while :; do sleep 0.3; /tmp/bad 2>/dev/null; done) & sleep 1; echo ready; exec sleep 100'
# wait: ready
# expect: Thread [0-9]+ "cat" \(S pipe_(read|wait)
# expect: #[0-9]+ +0x[0-9a-f]+ in pipe_read
# expect: schedule \(\) at kernel/sched/core\.c
# expect: hit Breakpoint 1, schedule \(\)
# expect: hit Breakpoint 2, run_timers \(\)
# expect: hit Breakpoint 3, handle_mm_fault \(
# expect: hit Breakpoint 4, vprintk \(
# expect: "sleep" \(S hrtimer_nanosleep\)
# expect: hit Breakpoint 5, sys_wait4 \(
# expect: ^\$1 = 77$
# guest: ready
set pagination off
set confirm off
info threads
python
for t in gdb.selected_inferior().threads():
    if t.name == "cat":
        t.switch()
        gdb.execute("bt")
end
break schedule
continue
bt 3
delete
break run_timers
continue
delete
# the next page fault: the guest's loop forks a sleep
break handle_mm_fault
continue
bt 4
delete
# the loop's exec of a bad file is logged
break vprintk
continue
delete
# a syscall handler: the loop's shell waits for its sleep
break sys_wait4
continue
bt 2
delete
# memory writes: a kernel variable, set and read back
set var hung_task_timeout_secs = 77
print hung_task_timeout_secs
set var hung_task_timeout_secs = 120
info threads
detach

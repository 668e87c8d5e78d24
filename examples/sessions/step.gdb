# Stepping: across __switch_to (the stack changes under gdb's feet and the
# next task's frames appear), next over os_* wrappers that block in the
# host (epoll_wait in the idle loop), finish out of schedule, and the
# project's `task PID` helper selecting a sleeping task's thread.
# glass: gdb init=/bin/sh -- -c 'mount -t devtmpfs d /dev; (while :; do sleep 0.2; done) & sleep 1; echo ready; exec sleep 100'
# wait: ready
# expect: Breakpoint 1, __switch_to \(\) at kernel/arch/x86_64/switch_to\.S
# expect: ^[0-9]+[[:space:]]+movq %rsi, %rsp
# expect: ^[0-9]+[[:space:]]+popq %r15
# expect: #1  0x[0-9a-f]+ in schedule \(\) at kernel/sched/core\.c
# expect: #2  0x[0-9a-f]+ in [a-z_]+ \(
# expect: Breakpoint 2, os_idle_wait \(
# expect: ^[0-9]+[[:space:]]+n = epoll_wait\(epfd
# expect: ^[0-9]+[[:space:]]+os_in_event_wait = 0;
# expect: cpu_idle \(\) at kernel/sched/core\.c
# expect: #0  schedule \(\) at kernel/sched/core\.c:[0-9]+
set pagination off
set confirm off
break __switch_to
continue
delete
stepi
stepi
stepi
stepi
stepi
stepi
stepi
stepi
info line *$pc
stepi
stepi
bt 3
break os_idle_wait
continue
delete
next
next
next
next
finish
task 1
bt 1
detach

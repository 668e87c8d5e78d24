# The panic core opened with gdb: a fault in a timer callback (interrupt
# context) panics; glass writes <umid dir>/core and exits by SIGABRT; gdb
# reads the core offline: every task a thread, named after it, the
# faulting frame first, and any task's kernel stack one `task PID` away.
# glass: inject=1 init=/bin/sh -- -c 'sleep 30'
# ps: hrtimer_nanosleep +[0-9-]+ sleep
# inject: oops-irq
# core: yes
# expect: LWP 4194304 "swapper" +0x[0-9a-f]+ in inject_null_deref \(\) at kernel/debug/inject.c
# expect: LWP 1 "sleep" +schedule \(\)
# expect: ^#1 +0x[0-9a-f]+ in run_timers \(\) at kernel/sched/timer.c
# expect: ^#[0-9]+ +0x[0-9a-f]+ in hrtimer_nanosleep|^#[0-9]+ .* in nanosleep|sleep_until
# expect: \$1 = "swapper(\\000)*"
set pagination off
info threads
bt
task 1
bt
# the task on the CPU when the timer fired: idle
print current->comm

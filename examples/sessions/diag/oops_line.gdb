# An oops read back to the faulting line (UML's HOWTO had `i sym` and
# `i line` typed by hand): the report already names the function and the
# line; gdb on ./glass alone, no core, shows the code around the oops's
# RIP. The runner puts the RIP of the report in place of @RIP@.
# glass: inject=1 init=/bin/sh -- -c 'sleep 30'
# ps: hrtimer_nanosleep +[0-9-]+ sleep
# inject: oops-task
# log: IP: inject_null_deref\+0x[0-9a-f]+/0x[0-9a-f]+ at kernel/debug/inject.c:[0-9]+
# expect: is in inject_null_deref \(kernel/debug/inject.c:[0-9]+\)
# expect: movl \$1, \(%0\)
# expect: inject_null_deref \+ [0-9]+ in section \.text
set pagination off
info symbol @RIP@
list *@RIP@

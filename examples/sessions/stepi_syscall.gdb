# stepi onto and over a `syscall` instruction inside libc (epoll_wait in the
# idle loop): the step ends on the next instruction, not one later (TF
# would run one more: Linux returns with IRET), through a debug register
# the CPU thread alone has, since the monitor thread runs libc's code too.
# glass: gdb init=/bin/sh -- -c 'mount -t devtmpfs d /dev; (while :; do sleep 0.2; done) & sleep 1; echo ready; exec sleep 100'
# wait: ready
# expect: ^at-syscall 0x[0-9a-f]+$
# expect: ^stepped-to \+2$
set pagination off
set confirm off
break wait_and_run
continue
delete
python
import gdb
pc = None
for i in range(400):
    insn = gdb.execute("x/i $pc", to_string=True)
    if "\tsyscall" in insn or " syscall" in insn.split(":", 1)[-1]:
        pc = int(gdb.parse_and_eval("$pc"))
        break
    gdb.execute("stepi", to_string=True)
print("at-syscall %#x" % pc if pc else "no syscall reached")
gdb.execute("stepi", to_string=True)
new = int(gdb.parse_and_eval("$pc"))
print("stepped-to %+d" % (new - pc))
end
bt 3
detach

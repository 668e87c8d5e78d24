# Step out of a host signal handler of the kernel's: an oops in a kernel
# thread runs the fault handler, which sends the task to make_task_dead;
# stepping over the rt_sigreturn in libc's restorer ends there, in the
# dying task, not one instruction later or nowhere (without debug
# registers Glass runs that syscall itself: nohwbreak pass).
# glass: gdb inject=1 init=/bin/sh -- -c 'echo ready; exec sleep 100'
# wait: ready
# expect: ^at rt_sigreturn$
# expect: ^stepped into make_task_dead$
set pagination off
set confirm off
break kernel_fault
monitor inject oops-task
continue
delete
finish
finish
python
import gdb
for i in range(2000):
    insn = gdb.execute("x/i $pc", to_string=True)
    if "__restore_rt" in insn and "syscall" in insn:
        print("at rt_sigreturn")
        break
    gdb.execute("nexti" if "call" in insn else "stepi", to_string=True)
gdb.execute("stepi", to_string=True)
f = gdb.selected_frame().function()
print("stepped into %s" % (f.name if f else "?? %#x" % int(gdb.parse_and_eval("$pc"))))
end
bt 2
detach

# Step through start_kernel from its first line: `./glass debug` waits for
# gdb before start_kernel runs.
# glass: debug init=/bin/sh -- -c 'echo init ran'
# expect: ^#0  start_kernel \(\) at kernel/init/main\.c:[0-9]+
# expect: ^#1  0x[0-9a-f]+ in main \(
# expect: ^mem_init \(physmem_bytes=[0-9]+\) at kernel/mm/page_alloc\.c
# expect: ^[0-9]+[[:space:]]+printk\(KERN_INFO "Glass: a user-mode kernel
# expect: Breakpoint 1, sched_init \(\) at kernel/sched/core\.c
# expect: Breakpoint 2, kernel_init \(unused=
# expect: Thread 4194304 "swapper"
# expect: \[Inferior 1 \(Remote target\) exited normally\]
set pagination off
set confirm off
bt
info threads
# into the memory setup and back out
advance mem_init
finish
next
# on through boot
break sched_init
continue
break kernel_init
continue
info threads
continue

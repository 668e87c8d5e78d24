# A module's symbols reach gdb by themselves: a breakpoint on hello's init,
# set before the module exists (pending), is hit when busybox insmod runs
# it; bt goes from the module through the loader to the syscall, with
# file:line in the module; `info sharedlibrary` lists it; rmmod makes gdb
# drop it. No add-symbol-file, no script (moddebug/README.md).
# modules: hello
# glass: gdb init=/bin/sh -- -c 'mount none /mnt -t hostfs -o @MODULES@; echo ready; while [ ! -e /mnt/go ]; do sleep 0.1; done; insmod /mnt/hello/hello.ko name=gdb; while [ ! -e /mnt/go2 ]; do sleep 0.1; done; rmmod hello; sync; sleep 100'
# wait: ready
# expect: Breakpoint 1 \(hello_init\) pending\.
# expect: "insmod" hit Breakpoint 1(\.1)?, hello_init \(\) at .*/hello/hello_main\.c:[0-9]+
# expect: ^#0  hello_init \(\) at .*/hello/hello_main\.c:[0-9]+
# expect: ^#1  0x[0-9a-f]+ in do_init_module \(.*\) at kernel/module/main\.c:[0-9]+
# expect: __do_sys_finit_module \(
# expect: Breakpoint 2, hello_greet \(word=(word@entry=)?0x[0-9a-f]+ "hello".*\) at .*/hello/hello_greet\.c:[0-9]+
# expect: ^#1  0x[0-9a-f]+ in hello_init \(\) at .*/hello/hello_main\.c:[0-9]+
# expect: ^0x[0-9a-f]+ +0x[0-9a-f]+ +Yes +.*/module-hello\.ko$
# expect: \$1 = 0x[0-9a-f]+ "gdb"
# expect: "rmmod" hit Breakpoint 3, hello_exit \(\) at .*/hello/hello_main\.c:[0-9]+
# expect: Temporarily disabling breakpoints for unloaded shared library ".*/module-hello\.ko"
# expect: ^No shared libraries matched\.$
set pagination off
set confirm off
set breakpoint pending on
break hello_init
shell touch @MODULES@/go
continue
bt
info sharedlibrary module-
print name
delete 1
break hello_greet
continue
bt 2
delete 2
break hello_exit
break sys_sync
shell touch @MODULES@/go2
continue
bt 2
continue
info sharedlibrary module-

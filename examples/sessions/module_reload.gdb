# Unload, rebuild with a changed line, load again: gdb shows the new code
# and its line numbers, never the old ones. The breakpoint on hello_init
# set while the first build was loaded lands in the second build's init.
# modules: hello
# glass: gdb init=/bin/sh -- -c 'mount none /mnt -t hostfs -o @MODULES@; insmod /mnt/hello/hello.ko; echo ready; while [ ! -e /mnt/go ]; do sleep 0.1; done; rmmod hello; sync; while [ ! -e /mnt/go2 ]; do sleep 0.1; done; insmod /mnt/hello/hello.ko; sleep 100'
# wait: ready
# expect: ^0x[0-9a-f]+ +0x[0-9a-f]+ +Yes +.*/module-hello\.ko$
# expect: "sync" hit Breakpoint 2, sys_sync
# expect: ^No shared libraries matched\.$
# expect: "insmod" hit Breakpoint 1(\.1)?, hello_init \(\) at .*/hello/hello_main\.c:[0-9]+
# expect: ^[0-9]+[[:space:]]+pr_info\("hello: reloaded\\n"\);
# expect-not: Could not relocate|wrong number of ALLOC
set pagination off
set confirm off
info sharedlibrary module-
info line hello_init
break hello_init
break sys_sync
shell touch @MODULES@/go
continue
info sharedlibrary module-
shell sed -i 's/^\tif (count < 1 || count > 10) {$/\tpr_info("hello: reloaded\\n");\n&/' @MODULES@/hello/hello_main.c
shell make -s -C @TOP@ M=@MODULES@/hello
shell touch @MODULES@/go2
continue
info line hello_init
list hello_init

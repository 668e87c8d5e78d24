# insmod from the host (mconsole, UML's tool): gdb reads the module from
# the host path insmod was given, and a pending breakpoint in it is hit
# as with an insmod inside; rmmod from the host drops it again.
# modules: hello
# glass: gdb init=/bin/sh -- -c 'mount none /mnt -t hostfs -o @MODULES@; echo ready; while [ ! -e /mnt/go ]; do sleep 0.1; done; sync; sleep 100'
# wait: ready
# expect: "mconsole" hit Breakpoint 1, hello_greet \(word=(word@entry=)?0x[0-9a-f]+ "hello", who=0x[0-9a-f]+ "mc",
# expect: ^0x[0-9a-f]+ +0x[0-9a-f]+ +Yes +.*/modules/hello/hello\.ko$
# expect: ^No shared libraries matched\.$
set pagination off
set confirm off
set breakpoint pending on
break hello_greet
shell (sleep 0.5; uml_mconsole $(dirname $GLASS_GDB)/mconsole insmod @MODULES@/hello/hello.ko name=mc >/dev/null) &
continue
info sharedlibrary hello
delete
break sys_sync
shell (sleep 0.5; uml_mconsole $(dirname $GLASS_GDB)/mconsole rmmod hello; touch @MODULES@/go) &
continue
info sharedlibrary hello

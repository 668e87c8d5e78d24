# A BUG_ON in a module panics: the report names the module's function,
# [module] and the line from its debug info; gdb on ./glass and the core
# gets the module's symbols from the module list in the core's memory
# (glass-gdb.py, which gdb loads beside glass), so bt shows the module's
# frame with its line, and its variables print.
# modules: buggy
# glass: init=/bin/sh -- -c 'mount none /mnt -t hostfs -o @MODULES@; mount -t devtmpfs d /dev; insmod /mnt/buggy/buggy.ko; echo bug > /dev/buggy; sleep 30'
# core: yes
# log: Kernel panic - not syncing: BUG: cmd\[0\] == 'b' at .*/buggy/buggy\.c:[0-9]+
# log: #[0-9]+ \[<[0-9a-f]+>\] buggy_write\+0x[0-9a-f]+/0x[0-9a-f]+ \[buggy\] \(.*/buggy/buggy\.c:[0-9]+\)
# expect: ^#[0-9]+ +0x[0-9a-f]+ in panic \(
# expect: ^#[0-9]+ +0x[0-9a-f]+ in buggy_write \(.*\) at .*/buggy/buggy\.c:[0-9]+
# expect: ^[0-9]+[[:space:]]+BUG_ON\(cmd\[0\] == 'b'\);
# expect: ^\$1 = "bug\\000
# expect: buggy_write in section \.text of .*/module-buggy\.ko
set pagination off
bt
frame function buggy_write
print cmd
info symbol buggy_write

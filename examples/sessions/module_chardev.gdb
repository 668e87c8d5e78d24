# A module loaded before gdb attached is there at once (the library list
# names it), and gdb debugs it like glass's own code: `task PID` selects
# a reader asleep in glasschar's read, whose bt goes through the module's
# wait queue (sysrq t shows its frame as Linux does: [glasschar]); then a
# breakpoint on the read and a few steps through it.
# modules: glasschar
# glass: gdb init=/bin/sh -- -c 'mount none /mnt -t hostfs -o @MODULES@; mount -t devtmpfs d /dev; insmod /mnt/glasschar/glasschar.ko; cat /dev/glasschar & sleep 0.5; echo ready; while [ ! -e /mnt/go ]; do sleep 0.1; done; echo hello > /dev/glasschar; sleep 100'
# wait: ready
# expect: ^0x[0-9a-f]+ +0x[0-9a-f]+ +Yes +.*/module-glasschar\.ko$
# expect: ^glasschar +[0-9]+ +[0-9]+
# expect: ^ #[0-9]+ 0x[0-9a-f]+ glasschar_read\+0x[0-9a-f]+/0x[0-9a-f]+ \[glasschar\]$
# expect: ^#0  schedule \(\) at kernel/sched/core\.c:[0-9]+
# expect: ^#1  0x[0-9a-f]+ in glasschar_read \(.*\) at .*/glasschar/glasschar\.c:[0-9]+
# expect: ^#[0-9]+ +0x[0-9a-f]+ in (kernel|vfs)_read \(
# expect: "cat" hit Breakpoint 1, glasschar_read \(.*\) at .*/glasschar/glasschar\.c:[0-9]+
# expect: ^[0-9]+[[:space:]]+while \(!buffer_len\) \{
# expect: ^[0-9]+[[:space:]]+mutex_unlock\(&glasschar_lock\);
# expect: ^[0-9]+[[:space:]]+if \(f->f_flags & O_NONBLOCK\)
# expect: ^\$1 = 0$
# guest: hello
set pagination off
set confirm off
info sharedlibrary module-
monitor lsmod
monitor sysrq t
python
for t in gdb.selected_inferior().threads():
    if t.name == "cat":
        gdb.execute("task %d" % (t.ptid[1] or t.ptid[2]))
end
bt
break glasschar_read
shell touch @MODULES@/go
continue
next
next
next
print buffer_len

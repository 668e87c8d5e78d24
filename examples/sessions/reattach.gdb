# The TCP transport (127.0.0.1 only), detach (the kernel runs on), a
# second connection, and kill (the kernel halts).
# glass: gdb=tcp:@PORT@ init=/bin/sh -- -c 'mount -t devtmpfs d /dev; (while :; do sleep 0.2; done) & sleep 1; echo ready; exec sleep 100'
# wait: ready
# expect: \[Inferior 1 \(Remote target\) detached\]
# expect: ^Linux glass [^ ]+ #1 Glass x86_64
# expect: \[Inferior 1 \(Remote target\) killed\]
# expect-not: Remote connection closed
set pagination off
set confirm off
info threads
detach
shell sleep 1
python
import os
gdb.execute("target remote " + os.environ["GLASS_GDB"])
end
info threads
monitor version
kill
